"""warehouse.views: each partner's catalog view lists exactly what it may read, and nothing internal."""

from __future__ import annotations

from warehouse.config import WarehouseConfig
from warehouse.store import Warehouse
from warehouse.views import build_view, read_view, write_views

CATALOG = {"region": {"code": "46", "name": "Thành phố Huế"}, "generated_at": "2026-11-25T02:00:00+00:00",
           "datasets": [
               {"id": "festivals", "sharing": "open", "share_with": [], "source": {"url": "https://agency/x"},
                "quality": {"status": "passed", "checked_at": "t", "report": "quality/festivals/r.json"}},
               {"id": "sites", "sharing": "shared", "share_with": ["48", "44"], "source": {"url": "u"},
                "quality": {"status": "warning", "quarantine": "quarantine/sites/r"}},
               {"id": "staff", "sharing": "internal", "share_with": [], "quality": {"status": "passed"}},
               {"id": "legacy", "quality": {"status": "passed"}},  # written before sharing existed: internal
           ]}


def test_views_per_audience():
    assert [e["id"] for e in build_view(CATALOG, "open")["datasets"]] == ["festivals"]
    assert [e["id"] for e in build_view(CATALOG, "48")["datasets"]] == ["festivals", "sites"]
    assert [e["id"] for e in build_view(CATALOG, "01")["datasets"]] == ["festivals"]


def test_view_entries_keep_internal_details_inside():
    entry = build_view(CATALOG, "44")["datasets"][1]
    assert "source" not in entry and "share_with" not in entry
    assert entry["quality"] == {"status": "warning"}
    assert build_view(CATALOG, "44")["datasets"][0]["quality"] == {"status": "passed", "checked_at": "t"}


def test_write_views_writes_open_and_every_partner(tmp_path):
    wh = Warehouse(WarehouseConfig(location=str(tmp_path)))
    write_views(wh, CATALOG, ["48", "44", "45"])
    assert sorted(p for p in wh.list_files("catalog")) == ["catalog/44.json", "catalog/45.json", "catalog/48.json",
                                                           "catalog/open.json"]
    assert read_view(wh, "45")["datasets"] == [build_view(CATALOG, "45")["datasets"][0]]
    assert read_view(wh, "48")["audience"] == "48"
