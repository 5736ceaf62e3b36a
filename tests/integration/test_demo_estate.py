"""The bundled demo exchange as `make demo` runs it: portal on loopback, Đà Nẵng then Huế, local warehouses,
each region through the real CLI in its own processes."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.config import WarehouseConfig
from warehouse.reader import PublishedWarehouse

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _demo(tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGIONLINK_", "AWS_", "DAGSTER_HOME", "DEMO_"))}
    env.update(REGIONLINK_WAREHOUSE=str(tmp_path / "warehouse"), REGIONLINK_WORKDIR=str(tmp_path / "work"),
               DEMO_DANANG_WAREHOUSE=str(tmp_path / "warehouse-danang"), COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "orchestration.demo", "--state", str(tmp_path / "state")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=900)


def test_demo_exchange_syncs_both_regions_quarantines_one_dataset_and_reruns_as_unchanged(tmp_path):
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "1 of 15 dataset(s) failed: hospital_beds" in first.stderr
    assert "exchange: danang_tour_guides ← region 48 'tour_guides' version 0, 150 rows" in first.stdout
    second = _demo(tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.count("nothing new to publish") == 15 + 2  # Huế's datasets and Đà Nẵng's

    hue = PublishedWarehouse(WarehouseConfig(location=str(tmp_path / "warehouse")))
    entries = {e["id"]: e for e in hue.catalog()["datasets"]}
    assert len(entries) == 15 and len({e["publisher"]["id"] for e in entries.values()}) >= 6
    assert entries["hospital_beds"]["quality"]["status"] == "failed" and entries["hospital_beds"]["version"] is None
    assert entries["accommodation_establishments"]["quality"]["status"] == "warning"
    assert all(e["version"] == 0 for i, e in entries.items() if i != "hospital_beds")
    assert (tmp_path / "warehouse" / entries["hospital_beds"]["quality"]["quarantine"] / "reason.json").is_file()
    for dataset_id, entry in entries.items():
        if entry["version"] is not None:
            assert hue.read(dataset_id).num_rows == entry["rows"]

    # what Đà Nẵng shared arrived pseudonymised, with its lineage; what it keeps internal did not leave
    keys = json.loads((tmp_path / "state" / "demo-keys.json").read_text())
    guides = hue.read("danang_tour_guides")
    assert entries["danang_tour_guides"]["lineage"] == {"region": "48", "dataset": "tour_guides", "version": 0}
    assert "phone" not in guides.column_names and set(guides.column("_origin_region").to_pylist()) == {"48"}
    original = (ROOT / "pipelines/demo/files/da-nang-huong-dan-vien.csv").read_text(encoding="utf-8").splitlines()[1]
    name = original.split(",")[1]
    assert hmac.new(keys["DANANG_PSEUDONYM_KEY"].encode(), name.encode(), hashlib.sha256).hexdigest() in \
        guides.column("full_name").to_pylist()
    danang = PublishedWarehouse(WarehouseConfig(location=str(tmp_path / "warehouse-danang")))
    view = json.loads((tmp_path / "warehouse-danang" / "catalog" / "46.json").read_text())
    assert [e["id"] for e in view["datasets"]] == ["tour_guides"]
    assert sorted(danang.datasets()) == ["tour_guides", "tourist_arrivals"]
    hue_view = json.loads((tmp_path / "warehouse" / "catalog" / "48.json").read_text())
    assert {"festivals", "tourist_sites"} <= {e["id"] for e in hue_view["datasets"]}
    assert "health_facilities" not in {e["id"] for e in hue_view["datasets"]}
