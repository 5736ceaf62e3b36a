"""The demo portal's CKAN Action API: ``package_show``, ``package_list`` and ``package_search``.

Answers have CKAN's shape (``{"help", "success", "result"}`` or ``{"help", "success": false,
"error": {"__type", …}}`` with CKAN's status codes). Package metadata comes from
``<root>/packages.json``; each resource names a ``file`` under ``<root>/files/`` from which ``url``,
``size``, ``hash`` (hex sha256, the same as the file's ETag) and ``last_modified`` are computed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any

Response = tuple[int, dict[str, Any]]
MAX_ROWS = 1000


def error(kind: str, **fields: Any) -> dict[str, Any]:
    """A CKAN error body, e.g. ``error("Not Found Error", message="Not found")``."""
    return {"success": False, "error": {"__type": kind, **fields}}


def file_path(root: Path, name: str) -> Path | None:
    """The file ``name`` under ``<root>/files``, or None if absent or outside that folder."""
    files = (root / "files").resolve()
    path = (files / name).resolve()
    if not name or not path.is_relative_to(files) or not path.is_file():
        return None
    return path


def call(action: str, params: dict[str, str], root: Path, base_url: str) -> Response:
    """Run one action; return the HTTP status and the JSON document."""
    handlers = {"package_show": _package_show, "package_list": _package_list, "package_search": _package_search}
    help_url = f"{base_url}/api/3/action/help_show?name={action}"
    if action not in handlers:
        return 400, {"help": help_url, **error("Bad Request", message=f"Bad request - Action name not known: {action}")}
    try:
        status, body = handlers[action](params, _load(root), root, base_url)
    except ValueError as exc:  # a parameter that is not an integer
        status, body = 409, error("Validation Error", **{str(exc): ["Invalid integer"]})
    return status, {"help": help_url, **body}


def _load(root: Path) -> list[dict[str, Any]]:
    return json.loads((root / "packages.json").read_text(encoding="utf-8"))


def _package_show(params, packages, root, base_url) -> Response:
    wanted = params.get("id") or params.get("name_or_id")
    if not wanted:
        return 409, error("Validation Error", id=["Missing value"])
    for package in packages:
        if wanted in (package["id"], package["name"]):
            return 200, {"success": True, "result": _expand(package, root, base_url)}
    return 404, error("Not Found Error", message="Not found")


def _package_list(params, packages, root, base_url) -> Response:
    names = sorted(p["name"] for p in packages)
    offset = _integer(params, "offset", 0)
    limit = _integer(params, "limit", len(names))
    return 200, {"success": True, "result": names[offset:offset + limit]}


def _package_search(params, packages, root, base_url) -> Response:
    rows = min(_integer(params, "rows", 10), MAX_ROWS)
    start = _integer(params, "start", 0)
    terms = _fold(params.get("q", "")).split()
    if terms == ["*:*"]:
        terms = []
    hits = [p for p in sorted(packages, key=lambda p: p["name"]) if all(t in _haystack(p) for t in terms)]
    return 200, {"success": True, "result": {
        "count": len(hits), "sort": "name asc", "facets": {}, "search_facets": {},
        "results": [_expand(p, root, base_url) for p in hits[start:start + rows]],
    }}


def _integer(params: dict[str, str], key: str, default: int) -> int:
    """A non-negative integer parameter; ValueError names the parameter otherwise."""
    try:
        value = int(params.get(key, default))
    except (TypeError, ValueError):
        raise ValueError(key) from None
    if value < 0:
        raise ValueError(key)
    return value


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _haystack(package: dict[str, Any]) -> str:
    """The text a query term is matched against: names, titles, notes, organization, resources."""
    parts = [package["name"], package["title"], package.get("notes") or "",
             package["organization"]["name"], package["organization"]["title"]]
    parts += [r["name"] for r in package["resources"]] + [r["format"] for r in package["resources"]]
    return _fold(" ".join(parts))


def _expand(package: dict[str, Any], root: Path, base_url: str) -> dict[str, Any]:
    """The package as CKAN shows it, resources completed from the files as they are now."""
    resources = [_resource(r, package["id"], root, base_url) for r in package["resources"]]
    stamps = [package["metadata_modified"]] + [r["last_modified"] for r in resources if r["last_modified"]]
    shown = {k: v for k, v in package.items() if k != "resources"}
    return {**shown, "type": "dataset", "state": "active", "private": False, "metadata_modified": max(stamps),
            "num_resources": len(resources), "resources": resources}


def _resource(resource: dict[str, Any], package_id: str, root: Path, base_url: str) -> dict[str, Any]:
    path = file_path(root, resource["file"])
    shown = {k: v for k, v in resource.items() if k != "file"}
    info: dict[str, Any] = {"size": None, "hash": "", "last_modified": None}
    if path is not None:
        data = path.read_bytes()
        modified = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.timezone.utc).replace(tzinfo=None)
        info = {"size": len(data), "hash": hashlib.sha256(data).hexdigest(),
                "last_modified": modified.isoformat(timespec="microseconds")}
    return {**shown, "package_id": package_id, "url": f"{base_url}/files/{resource['file']}",
            "url_type": None, "state": "active", **info}
