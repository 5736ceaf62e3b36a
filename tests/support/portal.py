"""A fixture agency portal on loopback (pytest-httpserver): files, CKAN ``package_show``, and failure modes."""

from __future__ import annotations

import hashlib
import json

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response


class FixturePortal:
    """Serves ``/files/<name>`` from a dict (changeable between runs) and ``/api/3/action/package_show``."""

    def __init__(self, server: HTTPServer):
        self.server = server
        self.files: dict[str, tuple[bytes, str]] = {}
        self.status: dict[str, int] = {}
        self.packages: dict[str, list[dict]] = {}
        self.hits: dict[str, int] = {}
        self.not_modified: dict[str, int] = {}
        server.expect_request("/api/3/action/package_show").respond_with_handler(self._package_show)
        server.expect_request(__import__("re").compile(r"^/files/.*")).respond_with_handler(self._file)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def put(self, name: str, content: bytes | str, content_type: str = "text/csv; charset=utf-8") -> None:
        self.files[name] = (content.encode("utf-8") if isinstance(content, str) else content, content_type)

    def fail(self, name: str, status: int) -> None:
        self.status[name] = status

    def package(self, name: str, resources: list[dict]) -> None:
        """Register a CKAN package whose resources point at ``/files/<file>`` (dicts: name, file, format)."""
        self.packages[name] = resources

    def _file(self, request: Request) -> Response:
        name = request.path.removeprefix("/files/")
        self.hits[name] = self.hits.get(name, 0) + 1
        if name in self.status:
            return Response("upstream error", status=self.status[name])
        if name not in self.files:
            return Response("not found", status=404)
        body, content_type = self.files[name]
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.not_modified[name] = self.not_modified.get(name, 0) + 1
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type=content_type, headers={"ETag": etag})

    def _package_show(self, request: Request) -> Response:
        name = request.args.get("id", "")
        if name not in self.packages:
            body = {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}
            return Response(json.dumps(body), status=404, content_type="application/json")
        resources = []
        for res in self.packages[name]:
            content = self.files.get(res["file"], (b"", ""))[0]
            resources.append({"id": f"{name}-{res['name']}", "name": res["name"], "format": res["format"],
                              "url": f"{self.url}/files/{res['file']}", "hash": hashlib.md5(content).hexdigest(),
                              "size": len(content), "last_modified": None})
        body = {"success": True, "result": {"name": name, "id": name, "resources": resources}}
        return Response(json.dumps(body), content_type="application/json")
