"""A Huế-like JSON API on loopback (pytest-httpserver) for ``kind: rest`` datasets.

Each endpoint serves a list of records (changeable between runs) in one of the envelopes and paging styles
Huế's portal uses. Every request is logged; one without ``Authorization: Bearer <token>`` gets a 401 envelope.
The data is synthetic.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TOKEN = "hue-s-7f3a9c-token-never-stored"

Style = Callable[[list[dict], Request], dict | list]


def code_pages(records: list[dict], request: Request) -> dict:
    """``{code, message, data, hienthi}`` paged by ``page`` (1-based) and ``pageSize``; ``hienthi``: page count."""
    page, size = int(request.args.get("page", 1)), int(request.args.get("pageSize", 20))
    return {"code": 200, "message": "Thành công", "data": records[(page - 1) * size:page * size],
            "hienthi": math.ceil(len(records) / size)}


def rows_offset(records: list[dict], request: Request) -> dict:
    """``{data, totalRows}`` paged by ``skip`` / ``take``."""
    skip, take = int(request.args.get("skip", 0)), int(request.args.get("take", 50))
    return {"data": records[skip:skip + take], "totalRows": len(records)}


def news_pages(records: list[dict], request: Request) -> dict:
    """``{totalCount, newsList}`` paged by ``pageIndex`` (1-based) and ``pageSize``; past the end: an empty list."""
    page, size = int(request.args.get("pageIndex", 1)), int(request.args.get("pageSize", 10))
    return {"totalCount": len(records), "newsList": records[(page - 1) * size:page * size]}


def bare_list(records: list[dict], request: Request) -> list:
    """A bare JSON list of every record, no envelope, no paging."""
    return records


def cursor_pages(records: list[dict], request: Request, size: int = 2) -> dict:
    """``{code, message, data, nextCursor}``: an opaque cursor names where the next page starts."""
    start = int(request.args["cursor"].removeprefix("c-")) if request.args.get("cursor") else 0
    following = f"c-{start + size:04d}" if start + size < len(records) else None
    return {"code": 200, "message": "OK", "data": records[start:start + size], "nextCursor": following}


def link_pages(records: list[dict], request: Request, size: int = 2) -> dict:
    """``{data, links: {next}}`` with a relative link to the next page (``trang`` = page, 1-based)."""
    page = int(request.args.get("trang", 1))
    following = f"{request.path}?trang={page + 1}" if page * size < len(records) else None
    return {"data": records[(page - 1) * size:page * size], "links": {"next": following}}


@dataclass
class Logged:
    path: str
    args: dict[str, str]
    authorization: str | None


class RestPortal:
    """Endpoints ``/api/<name>`` of records in a given :data:`Style`; ``fail`` overrides one page's answer."""

    def __init__(self, server: HTTPServer, token: str = TOKEN):
        self.server, self.token = server, token
        self.records: dict[str, list[dict]] = {}
        self.styles: dict[str, Style] = {}
        self.failures: dict[str, tuple[dict[str, str], Response]] = {}
        self.log: list[Logged] = []
        server.expect_request(re.compile(r"^/api/.*")).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def serve(self, name: str, style: Style, records: list[dict]) -> None:
        self.records[name], self.styles[name] = list(records), style

    def fail(self, name: str, body: str | dict, *, status: int = 200, content_type: str = "application/json",
             when: dict[str, str] | None = None) -> None:
        """Answer ``body`` for ``/api/<name>`` (only to requests with the query arguments ``when``, if given)."""
        text = json.dumps(body, ensure_ascii=False) if isinstance(body, dict) else body
        self.failures[name] = (when or {}, Response(text, status=status, content_type=content_type))

    def requests(self, name: str) -> list[Logged]:
        return [r for r in self.log if r.path == f"/api/{name}"]

    def _handle(self, request: Request) -> Response:
        name = request.path.removeprefix("/api/")
        self.log.append(Logged(request.path, dict(request.args), request.headers.get("Authorization")))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _json({"code": 401, "message": "Token không hợp lệ", "data": None}, 401)
        when, failure = self.failures.get(name, (None, None))
        if failure is not None and all(request.args.get(k) == v for k, v in when.items()):
            return failure
        if name not in self.records:
            return _json({"code": 404, "message": "Không tìm thấy"}, 404)
        return _json(self.styles[name](self.records[name], request))


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8")
