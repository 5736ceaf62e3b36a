"""Download a source file over HTTP to local disk: timeouts, retries with backoff, conditional GET, sha256."""

from __future__ import annotations

import hashlib
import io
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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


def _safe(exc: Exception, url: str) -> str:
    """An HTTP error's text with the URL (or its path and query, as urllib3 quotes it) masked."""
    text, shown = str(exc), public_url(url)
    parts = urlsplit(url)
    path_query = parts.path + (f"?{parts.query}" if parts.query else "")
    safe_parts = urlsplit(shown)
    return text.replace(url, shown).replace(path_query, safe_parts.path + (f"?{safe_parts.query}" if safe_parts.query else ""))


def get_json(http: requests.Session, url: str, *, dataset: str, timeout: float) -> object:
    try:
        response = http.get(url, timeout=(10, timeout))
    except requests.RequestException as exc:
        raise SourceError(dataset, f"request failed: {exc.__class__.__name__}: {_safe(exc, url)}", url=public_url(url)) from None
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
    """Download ``url`` into a file under ``workdir``; ``None`` when the server answers 304 Not Modified."""
    inflight = start_download(http, url, workdir, dataset=dataset, timeout=timeout, headers=headers, etag=etag,
                              last_modified=last_modified)
    return None if inflight is None else inflight.result()


def start_download(
    http: requests.Session, url: str, workdir: Path, *, dataset: str, timeout: float,
    headers: dict[str, str] | None = None, etag: str | None = None, last_modified: str | None = None,
) -> InFlight | None:
    """Request ``url`` (conditionally) and stream the body to disk in the background; ``None`` on 304."""
    request_headers = dict(headers or {})
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    shown = public_url(url)
    try:
        response = http.get(url, headers=request_headers, stream=True, timeout=(10, timeout))
    except requests.RequestException as exc:
        raise SourceError(dataset, f"source unreachable: {exc.__class__.__name__}: {_safe(exc, url)}", url=shown) from None
    if response.status_code == 304:
        response.close()
        return None
    if response.status_code >= 400:
        response.close()
        raise SourceError(dataset, f"HTTP {response.status_code} {response.reason}", url=shown)
    workdir.mkdir(parents=True, exist_ok=True)
    return InFlight(response, workdir, dataset, shown)


class InFlight:
    """A download in progress: a thread writes the body to a file that readers may follow as it grows.

    ``open()`` returns a file object that blocks at the current end until more arrives (so a parser can
    overlap the transfer); ``result()`` waits for the end and returns the :class:`Download`.
    """

    def __init__(self, response: requests.Response, workdir: Path, dataset: str, url: str):
        self.url, self.dataset = url, dataset
        self.content_type = response.headers.get("Content-Type", "")
        self.etag, self.last_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        handle = tempfile.NamedTemporaryFile(dir=workdir, prefix=f"{dataset}-", suffix=".download", delete=False)
        self.path = Path(handle.name)
        self._response, self._handle = response, handle
        self._progress = threading.Condition()
        self._done, self._stop, self._error = False, False, None
        self._digest, self._size = hashlib.sha256(), 0
        self._thread = threading.Thread(target=self._run, name=f"download-{dataset}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._response, self._handle:
                for chunk in self._response.iter_content(CHUNK):
                    if self._stop:
                        return
                    self._digest.update(chunk)
                    self._handle.write(chunk)
                    self._handle.flush()
                    with self._progress:
                        self._size += len(chunk)
                        self._progress.notify_all()
        except requests.RequestException as exc:
            self._error = SourceError(self.dataset, f"download interrupted: {exc.__class__.__name__}", url=self.url)
        finally:
            with self._progress:
                self._done = True
                self._progress.notify_all()

    def _wait_beyond(self, size: int) -> bool:
        """Block until the file is longer than ``size`` bytes; False when the download ended before that."""
        with self._progress:
            while self._size <= size and not self._done:
                self._progress.wait(1.0)
            if self._error is not None:
                raise self._error
            return self._size > size

    def open(self, mode: str = "rb") -> io.BufferedReader:
        """A reader of the whole body that waits for bytes not yet arrived."""
        return io.BufferedReader(_Follow(self), buffer_size=CHUNK)

    def result(self) -> Download:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return Download(path=self.path, url=self.url, sha256=self._digest.hexdigest(), size=self._size,
                        content_type=self.content_type, etag=self.etag, last_modified=self.last_modified)

    def discard(self) -> None:
        """Stop the transfer if it still runs and delete the file."""
        self._stop = True
        self._thread.join()
        self.path.unlink(missing_ok=True)


class _Follow(io.RawIOBase):
    """Reads an :class:`InFlight` file from the start, waiting at the end while the download goes on."""

    def __init__(self, inflight: InFlight):
        self._inflight = inflight
        self._file = inflight.path.open("rb")
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer)
        filled = 0
        while filled < len(view):
            n = self._file.readinto(view[filled:])
            if n:
                filled += n
                self._pos += n
            elif not self._inflight._wait_beyond(self._pos):
                break
        return filled

    def close(self) -> None:
        self._file.close()
        super().close()
