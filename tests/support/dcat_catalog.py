"""A DCAT catalog shaped like Huế's portal (RDF/XML with ``dcterms:`` and ``hueod:``), in any RDF syntax,
served under ``/dcat/`` beside a :class:`~tests.support.portal.FixturePortal`'s ``/files/``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from rdflib import Graph
from werkzeug import Request, Response

from tests.support.portal import FixturePortal

HUEOD = "https://data.hue.gov.vn/ns/hueod#"
IANA = "http://www.iana.org/assignments/media-types/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CONTENT_TYPES = {"xml": "application/rdf+xml", "turtle": "text/turtle", "json-ld": "application/ld+json"}
# the JSON-LD catalog is compacted with this context, served at /dcat/context.jsonld
CONTEXT = {"dcat": "http://www.w3.org/ns/dcat#", "dcterms": "http://purl.org/dc/terms/", "hueod": HUEOD,
           "xsd": XSD}


@dataclass
class Dist:
    """One distribution: ``media_type`` as an IANA URI resource (``iana=True``) or a literal; ``fmt`` is a
    ``dcterms:format`` literal; ``url_predicate`` is how the file is linked (Huế uses ``hueod:downloadURL``)."""

    file: str
    media_type: str | None = None
    iana: bool = True
    fmt: str | None = None
    modified: str | None = None
    url_predicate: str = "hueod:downloadURL"
    url: str | None = None  # absolute or relative; default {base}/files/{file}
    access_url: str | None = None  # a dcat:accessURL (landing page) besides


@dataclass
class Entry:
    identifier: str
    title: str
    modified: str | None = None
    dists: list[Dist] = field(default_factory=list)


def rdf_xml(base: str, entries: list[Entry]) -> str:
    """The catalog as Huế writes it: one ``dcat:Dataset`` per entry, nested ``dcat:Distribution`` elements."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"',
           f'         xmlns:dcterms="http://purl.org/dc/terms/" xmlns:hueod="{HUEOD}">',
           f'  <dcat:Catalog rdf:about="{base}/dcat/catalog">',
           '    <dcterms:title xml:lang="vi">Cổng dữ liệu mở thành phố Huế</dcterms:title>']
    for entry in entries:
        out += ['    <dcat:dataset>', f'      <dcat:Dataset rdf:about="{base}/dataset/{entry.identifier}">',
                f'        <dcterms:identifier>{entry.identifier}</dcterms:identifier>',
                f'        <dcterms:title xml:lang="vi">{escape(entry.title)}</dcterms:title>',
                f'        <dcterms:title xml:lang="en">Dataset {entry.identifier}</dcterms:title>',
                f'        <dcterms:issued rdf:datatype="{XSD}date">2023-05-10</dcterms:issued>',
                '        <dcterms:description xml:lang="vi">Dữ liệu do cơ quan chủ quản cung cấp.</dcterms:description>']
        if entry.modified:
            out.append(f'        <dcterms:modified rdf:datatype="{XSD}dateTime">{entry.modified}</dcterms:modified>')
        for n, dist in enumerate(entry.dists, 1):
            url = dist.url if dist.url is not None else f"{base}/files/{dist.file}"
            out += ['        <dcat:distribution>',
                    f'          <dcat:Distribution rdf:about="{base}/distribution/{entry.identifier}-{n}">',
                    f'            <dcterms:identifier>{entry.identifier}-{n}</dcterms:identifier>',
                    f'            <dcterms:title xml:lang="vi">Tệp {escape(dist.file)}</dcterms:title>',
                    f'            <dcterms:created rdf:datatype="{XSD}dateTime">2023-05-10T09:00:00+07:00</dcterms:created>',
                    f'            <dcat:byteSize rdf:datatype="{XSD}decimal">2048</dcat:byteSize>',
                    '            <hueod:apiMethod>GET</hueod:apiMethod>', '            <hueod:ratingStars>4</hueod:ratingStars>']
            if dist.modified:
                out.append(f'            <dcterms:modified rdf:datatype="{XSD}dateTime">{dist.modified}</dcterms:modified>')
            if dist.media_type and dist.iana:
                out.append(f'            <dcat:mediaType rdf:resource="{IANA}{dist.media_type}"/>')
            elif dist.media_type:
                out.append(f'            <dcat:mediaType>{dist.media_type}</dcat:mediaType>')
            if dist.fmt:
                out.append(f'            <dcterms:format>{dist.fmt}</dcterms:format>')
            if dist.url_predicate == "hueod:downloadURL":  # a literal, as Huế's custom property
                out.append(f'            <hueod:downloadURL>{escape(url)}</hueod:downloadURL>')
            else:
                out.append(f'            <{dist.url_predicate} rdf:resource="{escape(url)}"/>')
            if dist.access_url:
                out.append(f'            <dcat:accessURL rdf:resource="{escape(dist.access_url)}"/>')
            out += ['          </dcat:Distribution>', '        </dcat:distribution>']
        out += ['      </dcat:Dataset>', '    </dcat:dataset>']
    out += ['  </dcat:Catalog>', '</rdf:RDF>']
    return "\n".join(out) + "\n"


def serialize(base: str, entries: list[Entry], fmt: str) -> str:
    """The catalog in ``xml`` (hand-written), ``turtle`` or ``json-ld`` (rdflib; compacted with a remote
    ``@context`` URL, as many portals publish it)."""
    text = rdf_xml(base, entries)
    if fmt == "xml":
        return text
    graph = Graph().parse(data=text, format="xml")
    if fmt == "turtle":
        return graph.serialize(format="turtle")
    doc = json.loads(graph.serialize(format="json-ld", context=CONTEXT))
    doc["@context"] = f"{base}/dcat/context.jsonld"
    return json.dumps(doc, ensure_ascii=False, indent=1)


class DcatPortal:
    """The fixture portal plus ``/dcat/<name>`` documents; ``files``/``hits`` are the portal's request log."""

    def __init__(self, portal: FixturePortal):
        self.portal, self.url = portal, portal.url
        self.documents: dict[str, tuple[bytes, str]] = {"context.jsonld": (
            json.dumps({"@context": CONTEXT}).encode(), "application/ld+json")}
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent) of every /dcat/ request
        portal.server.expect_request(re.compile(r"^/dcat/.*")).respond_with_handler(self._serve)

    def catalog(self, name: str, entries: list[Entry], fmt: str, content_type: str | None = None) -> str:
        """Serve the catalog as ``/dcat/<name>``; returns its URL with ``${HUE_PORTAL}`` for the registry."""
        self.put(name, serialize(self.url, entries, fmt), content_type or CONTENT_TYPES[fmt])
        return f"${{HUE_PORTAL}}/dcat/{name}"

    def put(self, name: str, body: str | bytes, content_type: str) -> None:
        self.documents[name] = (body.encode() if isinstance(body, str) else body, content_type)

    @property
    def hits(self) -> dict[str, int]:
        return self.portal.hits

    def _serve(self, request: Request) -> Response:
        name = request.path.removeprefix("/dcat/")
        self.requests.append((request.path, request.headers.get("User-Agent", "")))
        if name not in self.documents:
            return Response("not found", status=404)
        body, content_type = self.documents[name]
        return Response(body, content_type=content_type)
