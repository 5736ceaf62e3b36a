"""dlt sources for registry datasets: ``http`` (a file at a URL) and ``ckan`` (a CKAN package resource)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import dlt
import pyarrow as pa

from pipelines.envsubst import expand
from pipelines.errors import SourceError
from pipelines.fetch import InFlight, get_json, public_url, session, start_download
from pipelines.model import CkanSource, Dataset, HttpSource
from pipelines.readers import detect_type, read_batches
from pipelines.vietnamese import add_keys
from pipelines.settings import IngestSettings
from pipelines.types import REJECTED_TABLE, Rejects


@dataclass(frozen=True)
class Located:
    """Where a dataset's file is, and what the catalog says identifies its current content."""

    url: str
    headers: dict[str, str]
    fingerprint: str | None = None  # e.g. CKAN resource hash/last_modified


def _ckan_resource(src: CkanSource, dataset: Dataset, env: Mapping[str, str], settings: IngestSettings) -> Located:
    portal = expand(src.portal, env, where=f"dataset '{dataset.id}' source.portal").rstrip("/")
    package = expand(src.package, env, where=f"dataset '{dataset.id}' source.package")
    url = f"{portal}/api/3/action/package_show?id={package}"
    body = get_json(session(settings.http_retries), url, dataset=dataset.id, timeout=settings.http_timeout)
    if not isinstance(body, dict) or not body.get("success"):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        raise SourceError(dataset.id, f"CKAN package '{package}' not available: {error.get('message', body)}", url=public_url(url))
    resources = body["result"].get("resources", [])
    if src.resource:
        chosen = [r for r in resources if src.resource in (r.get("id"), r.get("name"))]
    else:
        chosen = [r for r in resources if str(r.get("format", "")).lower() in ("csv", "xlsx", "json", "parquet")]
    if not chosen:
        names = [r.get("name") or r.get("id") for r in resources]
        wanted = f"resource '{src.resource}'" if src.resource else "a tabular resource"
        raise SourceError(dataset.id, f"CKAN package '{package}' has no {wanted}; it has {names}", url=public_url(url))
    resource = chosen[0]
    fingerprint = "|".join(str(resource.get(k) or "") for k in ("hash", "last_modified", "size"))
    return Located(url=resource["url"], headers={}, fingerprint=fingerprint if fingerprint.strip("|") else None)


def locate(dataset: Dataset, env: Mapping[str, str], settings: IngestSettings) -> Located:
    """Resolve the URL of the file to download (for ``ckan`` this asks the portal)."""
    src = dataset.source
    if isinstance(src, HttpSource):
        url = expand(src.url, env, where=f"dataset '{dataset.id}' source.url")
        headers = {k: expand(v, env, where=f"dataset '{dataset.id}' source.headers.{k}") for k, v in src.headers.items()}
        return Located(url=url, headers=headers)
    if src.kind == "dcat":
        from pipelines.dcat import locate_distribution

        url, modified = locate_distribution(src, dataset, env, settings)
        return Located(url=url, headers={}, fingerprint=modified)
    return _ckan_resource(src, dataset, env, settings)


def fetch_batches(
    dataset: Dataset, env: Mapping[str, str], settings: IngestSettings, state: dict
) -> Iterator[pa.RecordBatch]:
    """Download the dataset's file unless unchanged since ``state`` and yield its record batches.

    ``state`` (dlt resource state, kept in the warehouse) remembers ETag, Last-Modified and sha256;
    it is only updated once every batch has been read, so a failed read is retried next run. A CSV is parsed
    while it downloads when there is nothing to compare it with, or when the server answered a conditional
    request with 200 (it says the file changed); otherwise the file is downloaded whole first and skipped
    when its sha256 is the one already loaded.
    """
    located = locate(dataset, env, settings)
    if located.fingerprint and located.fingerprint == state.get("fingerprint"):
        return
    inflight = start_download(
        session(settings.http_retries), located.url, settings.workdir / "downloads", dataset=dataset.id,
        timeout=settings.http_timeout, headers=located.headers, etag=state.get("etag"),
        last_modified=state.get("last_modified"),
    )
    if inflight is None:  # 304: remember the catalog's new fingerprint, or the skip above never comes back
        state["fingerprint"] = located.fingerprint
        return
    rejects = Rejects()
    try:
        kind = detect_type(dataset, inflight.url, inflight.content_type)
        server_says_changed = bool(state.get("etag") or state.get("last_modified"))
        if kind == "csv" and (server_says_changed or not state.get("sha256")):
            yield from _while_downloading(inflight, kind, dataset, rejects)
            fetched = inflight.result()
        else:
            fetched = inflight.result()
            if fetched.sha256 == state.get("sha256"):
                state.update(fingerprint=located.fingerprint, etag=fetched.etag, last_modified=fetched.last_modified)
                return
            yield from read_batches(fetched.path, kind, dataset, fetched.url, rejects)
        if rejects.rows:  # kept beside the data; the curated step quarantines them (or the whole batch)
            yield dlt.mark.with_table_name(rejects.table(), REJECTED_TABLE)
        state.update(
            sha256=fetched.sha256, etag=fetched.etag, last_modified=fetched.last_modified,
            fingerprint=located.fingerprint, url=fetched.url, size=fetched.size,
        )
    finally:
        inflight.discard()


def _while_downloading(inflight: InFlight, kind: str, dataset: Dataset, rejects: Rejects) -> Iterator[pa.RecordBatch]:
    """Batches parsed from the growing file; a broken transfer is reported as such, not as a parse error."""
    try:
        yield from read_batches(inflight, kind, dataset, inflight.url, rejects)
    except Exception:
        inflight.result()  # raises the download's own error if the transfer failed
        raise


def dataset_source(dataset: Dataset, env: Mapping[str, str], settings: IngestSettings, exchange=None):
    """Build the dlt source of one registry dataset (its single resource is named after the dataset).

    ``exchange`` (:class:`pipelines.partner.Exchange`) is needed by ``kind: partner`` sources only.
    """

    @dlt.source(name=dataset.id, max_table_nesting=0)
    def agency_dataset():
        """One agency dataset from the registry, fetched as published and read as Arrow batches."""
        resource = _resource(dataset, env, settings, exchange)
        if dataset.key_columns:
            keys = dataset.key_columns
            resource.add_map(lambda item: add_keys(item, keys))
        if dataset.admin_units:
            resource.add_map(_admin_codes(dataset))
        return resource

    return agency_dataset()


def _admin_codes(dataset: Dataset):
    """A dlt map adding ``<column>_2025`` for the registry's ``admin_units`` (rows numbered in data order)."""
    from pipelines.admin_units import add_2025_columns

    wanted = {column: unit.level for column, unit in dataset.admin_units.items()}
    seen = [0]

    def codes(item):
        if not set(wanted) <= set(item.schema.names):
            return item  # e.g. the rejected_rows table
        first, seen[0] = seen[0] + 1, seen[0] + item.num_rows
        return add_2025_columns(item, wanted, first_row=first, row_label="row", dataset=dataset.id)

    return codes


def _resource(dataset: Dataset, env: Mapping[str, str], settings: IngestSettings, exchange=None):
    """The dataset's dlt resource (named after it, appending Arrow batches with registry names/types)."""
    if dataset.source.kind == "partner":
        if exchange is None:
            raise SourceError(dataset.id, "a partner source needs the registry's region and partner keys")
        from pipelines.partner import verified_batches

        @dlt.resource(name=dataset.id, write_disposition="append")
        def shared_by_partner():
            """A dataset a partner region shares with us, ingested once its signed manifest and files verify."""
            yield from verified_batches(dataset, env, settings, dlt.current.resource_state(), exchange)

        return shared_by_partner
    if dataset.source.kind == "rest":
        from pipelines.rest import rest_resource

        return rest_resource(dataset, env, settings)
    if dataset.source.kind == "sql":
        from pipelines.sql import sql_resource

        return sql_resource(dataset, env, settings)

    # no static table_name: it would stop the rejected values from going to their own table
    @dlt.resource(name=dataset.id, write_disposition="append")
    def published_file():
        """The dataset's file as the agency published it (columns renamed/typed per registry)."""
        yield from fetch_batches(dataset, env, settings, dlt.current.resource_state())

    return published_file
