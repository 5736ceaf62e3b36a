"""A loopback open-data portal for the demo estate: static files plus a CKAN-compatible Action API.

``GET /files/<name>`` serves ``<root>/files/<name>`` with ``ETag`` (sha256 of the content) and
``Last-Modified`` (the file's mtime), answering ``If-None-Match`` / ``If-Modified-Since`` with 304.
``/api/3/action/package_show|package_list|package_search`` answer like CKAN 2.9+, from
``<root>/packages.json``; resource ``url``, ``size``, ``hash`` and ``last_modified`` are computed from
the files at request time, with URLs built from the request's ``Host``.

Library use: ``with serve_portal(root) as base_url: ...``. Command line::

    python -m pipelines.demo.portal [--port N] [--root DIR] [--url-file PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import hashlib
import json
import signal
import sys
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from pipelines.demo import ckan

DEFAULT_ROOT = Path(__file__).resolve().parent
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".parquet": "application/vnd.apache.parquet",
}


def _records_page(root: Path, name: str, params: dict[str, str]) -> tuple[int, dict]:
    """A JSON API like Huế's: ``/api/<file>?start=&pageSize=`` pages a ``{data, totalRows}`` file's records."""
    path = ckan.file_path(root, f"{name}.json")
    if path is None:
        return 404, {"code": 404, "message": "Không tìm thấy", "data": None}
    records = json.loads(path.read_text(encoding="utf-8"))
    records = records.get("data", []) if isinstance(records, dict) else records
    try:
        start, size = int(params.get("start", 0)), int(params.get("pageSize", 20))
    except ValueError:
        return 400, {"code": 400, "message": "Tham số không hợp lệ", "data": None}
    return 200, {"code": 200, "message": "Thành công", "data": records[start:start + size], "totalRows": len(records)}


class PortalHandler(BaseHTTPRequestHandler):
    """Routes ``/files/…``, ``/api/3/action/…`` (CKAN), ``/api/<file>`` (paged records) and
    ``/dcat/catalog.rdf``; everything else is 404."""

    server_version = "regionlink-demo-portal/1.0"
    protocol_version = "HTTP/1.1"
    root: Path = DEFAULT_ROOT

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._route(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route(send_body=False)

    def do_POST(self) -> None:  # noqa: N802 (CKAN accepts actions as POST with a JSON body)
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._send_json(400, ckan.error("Validation Error", message="Body is not a JSON object"))
            return
        self._route(send_body=True, params={k: str(v) for k, v in body.items()})

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet by default; the command line turns logging on."""
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def _route(self, send_body: bool, params: dict[str, str] | None = None) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        if params is None:
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if path.startswith("/files/"):
            self._send_file(path.removeprefix("/files/"), send_body)
        elif path.startswith("/api/3/action/"):
            action = path.removeprefix("/api/3/action/")
            status, document = ckan.call(action, params, self.root, self._base_url())
            self._send_json(status, document, send_body)
        elif path.startswith("/api/"):
            self._send_json(*_records_page(self.root, path.removeprefix("/api/"), params), send_body)
        elif path == "/dcat/catalog.rdf":
            from pipelines.demo.dcat import catalog_rdf

            body = catalog_rdf(self.root, self._base_url()).encode("utf-8")
            self._send(200, body, {"Content-Type": "application/rdf+xml; charset=utf-8"}, send_body)
        else:
            self._send_json(404, ckan.error("Not Found Error", message="Not found"), send_body)

    def _base_url(self) -> str:
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        return f"http://{host}"

    def _send_file(self, name: str, send_body: bool) -> None:
        path = ckan.file_path(self.root, name)
        if path is None:
            self._send_json(404, ckan.error("Not Found Error", message="Not found"), send_body)
            return
        data = path.read_bytes()
        etag = '"%s"' % hashlib.sha256(data).hexdigest()
        mtime = int(path.stat().st_mtime)
        headers = {"ETag": etag, "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
                   "Cache-Control": "no-cache"}
        if _not_modified(self.headers, etag, mtime):
            self._send(304, b"", headers, send_body=False)
            return
        headers["Content-Type"] = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        self._send(200, data, headers, send_body)

    def _send_json(self, status: int, document: dict, send_body: bool = True) -> None:
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        self._send(status, body, {"Content-Type": "application/json;charset=utf-8"}, send_body)

    def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(body)


def _not_modified(headers, etag: str, mtime: int) -> bool:
    """RFC 9110 conditional GET: ``If-None-Match`` wins; else ``If-Modified-Since`` (whole seconds)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return mtime <= email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
    return False


@contextlib.contextmanager
def serve_portal(root: Path | None = None, port: int = 0, verbose: bool = False) -> Iterator[str]:
    """Serve ``root`` (holding ``files/`` and ``packages.json``) on 127.0.0.1; yield the base URL."""
    handler = type("BoundPortalHandler", (PortalHandler,), {"root": Path(root or DEFAULT_ROOT).resolve()})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.verbose = verbose
    thread = threading.Thread(target=server.serve_forever, name="demo-portal", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """Command line: serve in the foreground until SIGTERM or SIGINT, then exit 0."""
    parser = argparse.ArgumentParser(description="Serve the regionlink demo portal on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free port)")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="folder with files/ and packages.json")
    parser.add_argument("--url-file", type=Path, help="write the base URL here (removed on exit)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with serve_portal(args.root, args.port, args.verbose) as url:
        if args.url_file:
            args.url_file.write_text(url + "\n", encoding="utf-8")
        print(url, flush=True)
        try:
            while not stop.wait(0.5):
                pass
        finally:
            if args.url_file:
                args.url_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
