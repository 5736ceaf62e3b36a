"""``kind: dcat``: one dataset of a DCAT catalog (RDF/XML, Turtle or JSON-LD), resolved to a file to download.

The catalog is fetched with regionlink's HTTP session and parsed with rdflib; the dataset is the
``dcat:Dataset`` whose ``dct:identifier`` is ``source.dataset``. Of its distributions the one of the wanted
media type is taken, else a tabular one (CSV, XLSX, JSON, Parquet: told by ``dcat:mediaType``, ``dct:format``
or the URL's extension). The distribution's ``dct:modified`` (else the dataset's), with the URL, is the
fingerprint that lets an unchanged dataset be skipped without downloading its file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from rdflib import RDF, RDFS, BNode, Graph
from rdflib.namespace import DCAT, DCTERMS

from pipelines.envsubst import expand
from pipelines.errors import SourceError
from pipelines.fetch import _safe, public_url, session
from pipelines.model import Dataset, DcatSource
from pipelines.settings import IngestSettings

TABULAR = ("csv", "xlsx", "json", "parquet")
MAX_LISTED = 20
# a media type, format name or file extension → the reader regionlink uses for it
_KINDS = {"text/csv": "csv", "application/csv": "csv", "csv": "csv",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx", "xlsx": "xlsx",
          "application/json": "json", "json": "json",
          "application/vnd.apache.parquet": "parquet", "application/x-parquet": "parquet", "parquet": "parquet"}
_RDF_TYPES = {"application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml", "text/turtle": "turtle",
              "application/x-turtle": "turtle", "application/ld+json": "json-ld", "application/json": "json-ld"}
_RDF_EXTENSIONS = {"rdf": "xml", "xml": "xml", "owl": "xml", "ttl": "turtle", "jsonld": "json-ld", "json": "json-ld"}
_FORMAT_NAMES = {"xml": "RDF/XML", "turtle": "Turtle", "json-ld": "JSON-LD"}
_ACCEPT = "application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.9, */*;q=0.1"


@dataclass(frozen=True)
class Distribution:
    """What the catalog says about one distribution: where it is, its declared types and its ``dct:modified``."""

    url: str | None
    media_types: tuple[str, ...]
    kind: str | None  # the tabular reader for it, if any
    modified: str | None


def locate_distribution(src: DcatSource, dataset: Dataset, env: Mapping[str, str],
                        settings: IngestSettings) -> tuple[str, str | None]:
    """The absolute download URL of the dataset's chosen distribution and its fingerprint (``None`` when the
    catalog gives no ``dct:modified``: the downloaded file's sha256 then decides whether it changed)."""
    url = expand(src.catalog, env, where=f"dataset '{dataset.id}' source.catalog")
    graph = fetch_catalog(url, dataset.id, timeout=settings.http_timeout, retries=settings.http_retries)
    found = datasets(graph)
    if src.dataset not in found:
        have = sorted(found)
        listed = ", ".join(have[:MAX_LISTED]) + (f" … ({len(have) - MAX_LISTED} more)" if len(have) > MAX_LISTED else "")
        raise SourceError(dataset.id, f"the catalog has no dcat:Dataset with dct:identifier '{src.dataset}'; "
                                      f"it has: {listed or 'none'}", url=public_url(url))
    node = found[src.dataset]
    dists = distributions(graph, node, url)
    chosen = choose(dists, src.media_type)
    if chosen is None:
        offered = "; ".join(f"{', '.join(d.media_types) or 'no media type'} at "
                            f"{public_url(d.url) if d.url else 'no URL'}" for d in dists) or "no distributions"
        raise SourceError(dataset.id, f"catalog dataset '{src.dataset}' has no CSV, XLSX, JSON or Parquet "
                                      f"distribution with a download URL; it has: {offered}", url=public_url(url))
    modified = chosen.modified or _latest(graph, node, DCTERMS.modified)
    return chosen.url, f"{modified}|{public_url(chosen.url)}" if modified else None  # no secret in dlt state


def list_datasets(catalog_url: str, *, timeout: float = 60.0, retries: int = 4) -> list[dict]:
    """Every dataset of a DCAT catalog (for ``regionlink discover``): identifier, title, media types, tabular
    formats, modified and the download URL regionlink would use (``None`` when nothing is tabular)."""
    graph = fetch_catalog(catalog_url, "discover", timeout=timeout, retries=retries)
    listing = []
    for identifier, node in sorted(datasets(graph).items()):
        dists = distributions(graph, node, catalog_url)
        chosen = choose(dists, None)
        listing.append({
            "identifier": identifier, "title": _title(graph, node),
            "media_types": sorted({t for d in dists for t in d.media_types}),
            "formats": [k for k in TABULAR if any(d.kind == k for d in dists)],
            "modified": _latest(graph, node, DCTERMS.modified) or (chosen.modified if chosen else None),
            "download_url": chosen.url if chosen else None,
        })
    return listing


def fetch_catalog(url: str, who: str, *, timeout: float, retries: int) -> Graph:
    """GET the catalog and parse it in the RDF syntax its Content-Type, else its extension, else its start says."""
    shown = public_url(url)
    with session(retries) as http:
        try:
            response = http.get(url, timeout=(10, timeout), headers={"Accept": _ACCEPT})
        except requests.RequestException as exc:
            raise SourceError(who, f"catalog unreachable: {exc.__class__.__name__}: {_safe(exc, url)}", url=shown) from None
        if response.status_code >= 400:
            raise SourceError(who, f"catalog: HTTP {response.status_code} {response.reason}", url=shown)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body, head = response.content, response.content[:200].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if content_type in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html", b"<html")):
            raise SourceError(who, f"the catalog is not RDF: the server sent an HTML page ({content_type or 'no content type'})", url=shown)
        fmt = (_RDF_TYPES.get(content_type) or _RDF_EXTENSIONS.get(_extension(url))
               or ("xml" if head.startswith(b"<") else "json-ld" if head.startswith((b"{", b"[")) else "turtle"))
        graph = Graph()
        try:
            data = _inline_contexts(json.loads(body), http, url, who, timeout) if fmt == "json-ld" else body
            graph.parse(data=data, format=fmt, publicID=url)
        except SourceError:
            raise
        except Exception as exc:  # rdflib raises SAX, syntax, JSON and plugin errors alike
            detail = (_safe(exc, url).strip().splitlines() or [exc.__class__.__name__])[0][:300]
            raise SourceError(who, f"the catalog is not valid {_FORMAT_NAMES[fmt]}: {detail}", url=shown) from None
    return graph


def _inline_contexts(doc: object, http: requests.Session, base: str, who: str, timeout: float) -> str:
    """The JSON-LD text with a top-level remote ``@context`` fetched through regionlink's session (rdflib would
    fetch it with urllib and no timeout, which can hang a nightly run)."""

    def resolve(context: object) -> object:
        if isinstance(context, list):
            return [resolve(c) for c in context]
        if not isinstance(context, str):
            return context
        url = urljoin(base, context)
        try:
            response = http.get(url, timeout=(10, timeout), headers={"Accept": "application/ld+json, application/json"})
        except requests.RequestException as exc:
            raise SourceError(who, f"catalog JSON-LD @context unreachable: {exc.__class__.__name__}",
                              url=public_url(url)) from None
        if response.status_code >= 400:
            raise SourceError(who, f"catalog JSON-LD @context: HTTP {response.status_code}", url=public_url(url))
        return response.json().get("@context", {})

    if isinstance(doc, dict) and "@context" in doc:
        doc["@context"] = resolve(doc["@context"])
    return json.dumps(doc)


def datasets(graph: Graph) -> dict:
    """``dct:identifier`` → node of every dataset: typed ``dcat:Dataset``, linked by ``dcat:dataset`` or having
    a ``dcat:distribution`` (the domain of both says it is one, typed or not)."""
    nodes = (set(graph.subjects(RDF.type, DCAT.Dataset)) | set(graph.objects(None, DCAT.dataset))
             | set(graph.subjects(DCAT.distribution, None)))
    return {str(i).strip(): n for n in sorted(nodes) for i in graph.objects(n, DCTERMS.identifier)}


def distributions(graph: Graph, node, base: str) -> list[Distribution]:
    """The dataset's distributions, with absolute URLs (relative ones resolved against the catalog's URL)."""
    found = []
    for dist in sorted(graph.objects(node, DCAT.distribution)):
        declared = [v for p in (DCAT.mediaType, DCTERMS.format) for v in graph.objects(dist, p)]
        types = tuple(dict.fromkeys(_term(_label(graph, v)) for v in declared))
        url = _download_url(graph, dist, base)
        kind = next((_KINDS[t] for t in types if t in _KINDS), None) or _KINDS.get(_extension(url or ""))
        found.append(Distribution(url, types, kind, _latest(graph, dist, DCTERMS.modified)))
    return found


def _download_url(graph: Graph, dist, base: str) -> str | None:
    """``dcat:downloadURL``, else any ``…downloadURL`` (Huế's ``hueod:``, often a literal), else ``dcat:accessURL``."""
    for found in (list(graph.objects(dist, DCAT.downloadURL)),
                  [o for p, o in graph.predicate_objects(dist) if _local(p) == "downloadURL"],
                  list(graph.objects(dist, DCAT.accessURL))):
        if found:
            return urljoin(base, min(str(u).strip() for u in found))
    return None


def choose(dists: list[Distribution], media_type: str | None) -> Distribution | None:
    """The distribution of ``media_type`` (exactly, else of the same kind), else the first tabular one."""
    wanted = _term(media_type) if media_type else None
    wanted_kind = _KINDS.get(wanted or "")
    usable = [d for d in dists if d.url and (d.kind or wanted in d.media_types)]
    rank = lambda d: (wanted not in d.media_types, wanted_kind is None or d.kind != wanted_kind,  # noqa: E731
                      TABULAR.index(d.kind) if d.kind else len(TABULAR), d.url)
    return min(usable, key=rank, default=None)


def _term(value: object) -> str:
    """A media type or format as a lower-case token; IANA and EU file-type URIs reduced to the type itself."""
    text = str(value).strip().lower()
    if "/media-types/" in text:
        text = text.split("/media-types/", 1)[1]
    elif text.startswith(("http://", "https://")):
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return text.split(";", 1)[0].strip()


def _label(graph: Graph, value):
    """A ``dct:format`` given as a blank node (DCAT-AP's ``dct:MediaTypeOrExtent``) by its label or value."""
    if isinstance(value, BNode):
        return graph.value(value, RDFS.label) or graph.value(value, RDF.value) or value
    return value


def _extension(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.rpartition(".")[2].lower() if "." in name else ""


def _local(predicate: object) -> str:
    return str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _latest(graph: Graph, node, predicate) -> str | None:
    values = [str(v).strip() for v in graph.objects(node, predicate)]
    return max(values) if values else None


def _title(graph: Graph, node) -> str | None:
    """The Vietnamese title if the catalog has one, else a title without language, else any."""
    titles = sorted(graph.objects(node, DCTERMS.title), key=lambda t: ({"vi": 0, None: 1}.get(t.language, 2), str(t)))
    return str(titles[0]) if titles else None
