"""Download a source file over HTTP to local disk: timeouts, retries with backoff, conditional GET, sha256."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from pipelines.errors import SourceError
from pipelines.urls import redact_url

CHUNK = 1 << 20


@dataclass(frozen=True)
class Download:
    """A fetched file: where it is on disk and what identifies its content."""

    path: Path
    url: str
    sha256: str
    size: int
    content_type: str
    etag: str | None
    last_modified: str | None


def session(retries: int = 4) -> requests.Session:
    """A requests session that retries connection errors, 429 and 5xx with exponential backoff."""
    retry = Retry(
        total=retries, connect=retries, read=retries, status=retries, backoff_factor=0.5,
        status_forcelist=(429, 500, 502, 503, 504), allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True, raise_on_status=False,
    )
    s = requests.Session()
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.mount("https://", HTTPAdapter(max_retries=retry))
    s.headers["User-Agent"] = "regionlink/0.1 (+provincial data exchange)"
    return s


def public_url(url: str) -> str:
    """The URL as it may appear in messages and logs (see :func:`pipelines.urls.redact_url`)."""
    return redact_url(url)


def get_json(http: requests.Session, url: str, *, dataset: str, timeout: float) -> object:
    try:
        response = http.get(url, timeout=(10, timeout))
    except requests.RequestException as exc:
        raise SourceError(dataset, f"request failed: {exc.__class__.__name__}: {exc}", url=public_url(url)) from None
    if response.status_code >= 400 and "json" not in response.headers.get("Content-Type", ""):
        raise SourceError(dataset, f"HTTP {response.status_code} {response.reason}", url=public_url(url))
    try:
        return response.json()
    except ValueError:
        raise SourceError(dataset, f"expected JSON, got {response.headers.get('Content-Type', 'no content type')}", url=public_url(url)) from None


def download(
    http: requests.Session, url: str, workdir: Path, *, dataset: str, timeout: float,
    headers: dict[str, str] | None = None, etag: str | None = None, last_modified: str | None = None,
) -> Download | None:
    """Stream ``url`` into a file under ``workdir``; ``None`` when the server answers 304 Not Modified."""
    request_headers = dict(headers or {})
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    shown = public_url(url)
    try:
        response = http.get(url, headers=request_headers, stream=True, timeout=(10, timeout))
    except requests.RequestException as exc:
        raise SourceError(dataset, f"source unreachable: {exc.__class__.__name__}: {exc}", url=shown) from None
    with response:
        if response.status_code == 304:
            return None
        if response.status_code >= 400:
            raise SourceError(dataset, f"HTTP {response.status_code} {response.reason}", url=shown)
        workdir.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        handle = tempfile.NamedTemporaryFile(dir=workdir, prefix=f"{dataset}-", suffix=".download", delete=False)
        try:
            with handle:
                for chunk in response.iter_content(CHUNK):
                    digest.update(chunk)
                    handle.write(chunk)
                    size += len(chunk)
        except requests.RequestException as exc:
            Path(handle.name).unlink(missing_ok=True)
            raise SourceError(dataset, f"download interrupted: {exc}", url=shown) from None
        return Download(
            path=Path(handle.name), url=shown, sha256=digest.hexdigest(), size=size,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"),
        )
