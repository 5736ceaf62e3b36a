"""What each partner may see of the catalog: ``catalog/<code>.json`` per partner and ``catalog/open.json``.

``internal`` datasets appear in neither; ``open`` ones in every view; ``shared`` ones only in the views of the
partners named in ``share_with``. A view entry leaves out what stays inside the region (the agency's source
address, quality-report and quarantine paths, who else a dataset is shared with).
"""

from __future__ import annotations

from warehouse.catalog import now_iso
from warehouse.store import Warehouse

OPEN = "open"
_PRIVATE_KEYS = ("source", "share_with")


def view_path(audience: str) -> str:
    """``catalog/<partner code>.json``, or ``catalog/open.json`` for everyone."""
    return f"catalog/{audience}.json"


def may_read(entry: dict, audience: str) -> bool:
    sharing = entry.get("sharing", "internal")
    if sharing == "open":
        return True
    return sharing == "shared" and audience != OPEN and audience in entry.get("share_with", [])


def view_entry(entry: dict) -> dict:
    public = {k: v for k, v in entry.items() if k not in _PRIVATE_KEYS}
    quality = entry.get("quality") or {}
    public["quality"] = {k: quality[k] for k in ("status", "checked_at") if k in quality}
    return public


def build_view(catalog: dict, audience: str) -> dict:
    datasets = [view_entry(e) for e in catalog.get("datasets", []) if may_read(e, audience)]
    return {"region": catalog["region"], "audience": audience, "generated_at": catalog.get("generated_at") or now_iso(),
            "datasets": datasets}


def write_views(wh: Warehouse, catalog: dict, partners: list[str]) -> dict[str, dict]:
    """Write the open view and one view per partner (an empty one too: the partner learns nothing is shared)."""
    views = {}
    for audience in [OPEN, *sorted(partners)]:
        views[audience] = build_view(catalog, audience)
        wh.write_json(view_path(audience), views[audience])
    return views


def read_view(wh: Warehouse, audience: str) -> dict | None:
    view = wh.read_json(view_path(audience))
    return view if isinstance(view, dict) else None
