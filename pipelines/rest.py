"""``kind: rest``: a JSON HTTP API read page by page with dlt's REST client and paginators.

Every page passes :class:`_PageCheck` before dlt extracts its records or pages on: HTTP errors (429/5xx are
retried by dlt's client first), responses that are not JSON, a failed ``success`` envelope check and a
``data_selector`` that finds no record list all stop the dataset with a :class:`SourceError`.

REST datasets are small (thousands of records, not millions), so the records of all pages are collected and
typed as one Arrow batch: a field missing on some pages still gets one type for the whole run, and a bad value
is reported as ``record N`` counted over all pages. With ``incremental``, dlt's ``Incremental`` (state kept in
the warehouse with the raw zone) drops the records not past the stored cursor from that batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

import dlt
import pyarrow as pa
import requests
from dlt.common import jsonpath
from dlt.sources.helpers.requests.retry import Client
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.rest_api.config_setup import create_paginator
from requests.auth import AuthBase

from pipelines.envsubst import expand
from pipelines.errors import SourceError
from pipelines.model import Dataset, RestSource
from pipelines.naming import snake_case
from pipelines.readers.columns import header_key, target_names
from pipelines.readers.documents import records_batch
from pipelines.settings import IngestSettings
from pipelines.types import REJECTED_TABLE, Rejects, arrow_type, cast_column
from pipelines.urls import redact_url


def rest_resource(dataset: Dataset, env: Mapping[str, str], settings: IngestSettings):
    """The dataset's dlt resource: one Arrow table per run of the API's records (registry names/types)."""

    # no static table_name: values that do not parse go to their own table (REJECTED_TABLE)
    @dlt.resource(name=dataset.id, write_disposition="append",
                  incremental=_incremental(dataset))
    def api_records() -> Iterator[pa.Table]:
        """The records of every page of the dataset's API, past the stored cursor when incremental.

        Without ``incremental`` the whole answer is loaded, unless it is the one already loaded (its sha256,
        kept in dlt's state in the warehouse, is unchanged): an unchanged API costs no new load.
        """
        url, records = _fetch(dataset, env, settings)
        if not records:
            return
        if dataset.incremental:
            _check_cursor(records, _cursor_column(dataset)[0], dataset, url)
        else:
            state = dlt.current.resource_state()
            digest = hashlib.sha256(json.dumps(records, sort_keys=True, ensure_ascii=False, default=str)
                                    .encode("utf-8")).hexdigest()
            if state.get("sha256") == digest:
                return
        # dlt's incremental applies to every item of the resource, so with it a bad value stops the run instead
        rejects = None if dataset.incremental else Rejects()
        yield pa.Table.from_batches([records_batch(records, dataset, url, rejects=rejects)])
        if rejects is not None and rejects.rows:
            yield dlt.mark.with_table_name(rejects.table(), REJECTED_TABLE)
        if not dataset.incremental:
            state["sha256"] = digest

    return api_records


def _incremental(dataset: Dataset) -> dlt.sources.incremental | None:
    """dlt's incremental on the cursor's curated column; ``initial_value`` typed like that column."""
    if dataset.incremental is None:
        return None
    column, declared = _cursor_column(dataset)
    initial = dataset.incremental.initial_value
    if initial is not None and declared:
        initial = cast_column(pa.array([initial]), arrow_type(declared), dataset=dataset.id,
                              column="incremental.initial_value")[0].as_py()
    return dlt.sources.incremental(column, initial_value=initial)


def _cursor_column(dataset: Dataset) -> tuple[str, str | None]:
    """Curated name and declared type of ``incremental.cursor`` (a source field or its curated name)."""
    cursor = dataset.incremental.cursor
    for source, column in dataset.columns.items():
        name = column.name or snake_case(header_key(source))
        if cursor in (source, name):
            return name, column.type
    return snake_case(header_key(cursor)), None


def _check_cursor(records: list[dict], column: str, dataset: Dataset, url: str) -> None:
    """Every record must carry the cursor: the first one without it is reported by number."""
    headers = list(dict.fromkeys(header_key(k) for r in records for k in r))
    keys = {h for h, name in zip(headers, target_names(headers, dataset)) if name == column}
    if not keys:
        raise SourceError(dataset.id, f"incremental.cursor {dataset.incremental.cursor!r} is not a field of the "
                                      f"records (they have {headers})", url=url)
    for number, record in enumerate(records, 1):
        if all(v in (None, "") for k, v in record.items() if header_key(k) in keys):
            raise SourceError(dataset.id, f"incremental.cursor {dataset.incremental.cursor!r} has no value",
                              url=url, row=number, row_label="record")


def _fetch(dataset: Dataset, env: Mapping[str, str], settings: IngestSettings) -> tuple[str, list[dict]]:
    """The shown (redacted) URL and the records of all pages, in order (none yielded before the last page)."""
    src: RestSource = dataset.source
    url, headers, params = _request(dataset, env)
    shown = redact_url(url)
    try:  # omitted: one page; ``auto`` lets dlt guess
        paginator = create_paginator(src.paginator or "single_page")
    except (TypeError, ValueError) as exc:
        raise SourceError(dataset.id, f"source.paginator {src.paginator!r}: {exc}", url=shown) from None
    session = Client(request_timeout=(10, settings.http_timeout), request_max_attempts=settings.http_retries + 1,
                     raise_for_status=False).session
    session.headers["User-Agent"] = "regionlink/0.1 (+provincial data exchange)"
    check = _PageCheck(dataset)
    pages = RESTClient(base_url=url, auth=_Headers(headers), session=session).paginate(
        url, params=params, paginator=paginator, data_selector=src.data_selector or "$", hooks={"response": [check]})
    records: list[dict] = []
    try:
        for page in pages:
            for record in page:
                if not isinstance(record, dict):
                    raise SourceError(dataset.id, f"page {check.pages}: a record is {type(record).__name__}, "
                                      "not an object", url=shown, row=len(records) + 1, row_label="record")
                records.append(record)
    except requests.HTTPError as exc:
        raise SourceError(dataset.id, f"page {check.pages + 1}: {exc}", url=redact_url(exc.response.url)) from None
    except requests.RequestException as exc:  # urllib3's message quotes the URL: show it redacted
        failed = exc.request.url if exc.request is not None else url
        reason = str(exc).replace(failed, redact_url(failed)).replace(_tail(failed), _tail(redact_url(failed)))
        raise SourceError(dataset.id, f"page {check.pages + 1}: source unreachable: {exc.__class__.__name__}: "
                                      f"{_short(reason)}", url=redact_url(failed)) from None
    except ValueError as exc:  # a paginator that cannot find its total, cursor…
        raise SourceError(dataset.id, f"paging stopped after page {check.pages}: {_short(str(exc))}",
                          url=shown) from None
    return shown, records


def _request(dataset: Dataset, env: Mapping[str, str]) -> tuple[str, dict[str, str], dict[str, object]]:
    """URL, headers and fixed query parameters with ``${VAR}`` expanded (unset → error naming the dataset)."""
    src: RestSource = dataset.source
    where = f"dataset '{dataset.id}' source"
    url = expand(src.url, env, where=f"{where}.url")
    headers = {k: expand(v, env, where=f"{where}.headers.{k}") for k, v in src.headers.items()}
    params = {k: expand(v, env, where=f"{where}.params.{k}") if isinstance(v, str) else v
              for k, v in src.params.items()}
    return url, headers, params


class _Headers(AuthBase):
    """The registry's headers, added when a request is prepared (so they stay out of dlt's request logs)."""

    def __init__(self, headers: dict[str, str]):
        self.headers = headers

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.update(self.headers)
        return request


class _PageCheck:
    """Response hook run on every page before dlt reads it: status, JSON, ``success`` and ``data_selector``."""

    def __init__(self, dataset: Dataset):
        self.dataset, self.source, self.pages = dataset, dataset.source, 0

    def __call__(self, response: requests.Response, *args, **kwargs) -> None:
        if response.status_code >= 400:  # an HTTPError carrying the response lets dlt's client retry 429/5xx
            raise requests.HTTPError(f"HTTP {response.status_code} {response.reason}{_said(response)}",
                                     response=response)
        self.pages += 1
        try:
            body = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise self._error(response, f"expected JSON, got {kind} (starts {response.text[:60]!r})") from None
        if self.source.success is not None:
            self._check_success(response, body)
        self._check_records(response, body)

    def _check_success(self, response: requests.Response, body: object) -> None:
        """The value at ``success.path`` must equal ``success.equals`` (``200`` and ``"200"`` count as equal)."""
        success = self.source.success
        found = jsonpath.find_values(success.path, body) if isinstance(body, dict) else []
        value = found[0] if found else None
        if not found or (value != success.equals and str(value) != str(success.equals)):
            shown = f"is {value!r}" if found else "is missing"
            raise self._error(response, f"success check failed: {success.path} {shown}, expected "
                                        f"{success.equals!r}; the response says {_envelope(body)}")

    def _check_records(self, response: requests.Response, body: object) -> None:
        selector = self.source.data_selector
        found = jsonpath.find_values(selector, body) if selector else [body]
        if not found:
            has = f"keys {list(body)}" if isinstance(body, dict) else f"a {type(body).__name__} at the top level"
            raise self._error(response, f"source.data_selector {selector!r} not found (the response has {has})")
        if not isinstance(found[0], (list, type(None))):
            what = f"an object with keys {list(found[0])}" if isinstance(found[0], dict) else type(found[0]).__name__
            hint = "; set source.data_selector to the record list" if not selector else ""
            raise self._error(response, f"records at {selector or 'the top level'} are {what}, not a list{hint}")

    def _error(self, response: requests.Response, message: str) -> SourceError:
        return SourceError(self.dataset.id, f"page {self.pages}: {message}", url=redact_url(response.url))


def _envelope(body: object) -> str:
    """The scalar fields of a JSON response (``{"code": 500, "message": "Lỗi hệ thống"}``), shortened."""
    if not isinstance(body, dict):
        return _short(json.dumps(body, ensure_ascii=False, default=str))
    scalars = {k: v for k, v in body.items() if not isinstance(v, (dict, list))}
    return _short(json.dumps(scalars, ensure_ascii=False, default=str))


def _said(response: requests.Response) -> str:
    """``: {"code": 401, "message": …}`` when an error response is a JSON envelope, else nothing."""
    try:
        return f": {_envelope(response.json())}"
    except ValueError:
        return ""


def _tail(url: str) -> str:
    """Path and query of ``url`` (as urllib3 quotes it in connection errors)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
