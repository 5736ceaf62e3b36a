"""`regionlink discover` against a CKAN portal on loopback: list, emit entries, and the entry syncs as is."""

from __future__ import annotations

import json

import pytest
import yaml

from pipelines.demo.portal import serve_portal
from pipelines.discover import discover, registry_entries
from tests.support.project import REGION
from tests.support.runs import sync
from warehouse.reader import PublishedWarehouse

pytestmark = pytest.mark.integration


def test_discovered_package_becomes_a_registry_entry_that_publishes(project_root, local_warehouse):
    with serve_portal() as url:
        offers = {o.id: o for o in discover(url)}
        assert set(offers) == {"co-so-luu-tru-du-lich", "gia-ve-tham-quan-di-tich-hue", "quan-trac-moi-truong-khong-khi"}
        assert offers["quan-trac-moi-truong-khong-khi"].formats == ["CSV", "PARQUET"]
        text = registry_entries(url, list(offers.values()), ["gia-ve-tham-quan-di-tich-hue"])
        with pytest.raises(KeyError, match="not on the portal: khong-co"):
            registry_entries(url, list(offers.values()), ["khong-co"])
        entries = yaml.safe_load(text)
        (project_root / "registry").mkdir()
        (project_root / "suites").mkdir()
        (project_root / "registry" / "region.yaml").write_text(yaml.safe_dump({"region": REGION}, allow_unicode=True))
        (project_root / "registry" / "discovered.yaml").write_text(text, encoding="utf-8")
        dataset_id = entries["datasets"][0]["id"]
        suite = {"name": dataset_id, "expectations": [
            {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}, "severity": "critical"}]}
        (project_root / "suites" / f"{dataset_id}.json").write_text(json.dumps(suite))
        runs, _ = sync()
    assert runs[dataset_id].status == "published" and runs[dataset_id].rows > 0
    entry = PublishedWarehouse(local_warehouse).entry(dataset_id)
    assert entry["publisher"]["name"] == "Trung tâm Bảo tồn Di tích Cố đô Huế"
    assert entry["source"]["kind"] == "ckan"
