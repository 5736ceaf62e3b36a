"""The bundled demo estate through the real CLI, as `make demo` runs it: portal on loopback, local warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.demo.portal import serve_portal
from warehouse.config import WarehouseConfig
from warehouse.reader import PublishedWarehouse

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "orchestration.cli"]


def _cli(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_demo_estate_syncs_quarantines_one_dataset_and_reruns_as_unchanged(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGIONLINK_", "AWS_", "DAGSTER_HOME"))}
    env.update(REGIONLINK_WAREHOUSE=str(tmp_path / "warehouse"), REGIONLINK_WORKDIR=str(tmp_path / "work"),
               COLUMNS="200")
    with serve_portal() as url:
        env["DEMO_PORTAL"] = url
        assert _cli(["validate"], env).returncode == 0
        first = _cli(["sync"], env)
        assert first.returncode == 1, first.stdout + first.stderr
        assert "1 of 14 dataset(s) failed: hospital_beds" in first.stderr
        second = _cli(["sync"], env)
        assert second.returncode == 0, second.stdout + second.stderr
        assert second.stdout.count("nothing new to publish") == 14
    partner = PublishedWarehouse(WarehouseConfig(location=str(tmp_path / "warehouse")))
    catalog = partner.catalog()
    entries = {e["id"]: e for e in catalog["datasets"]}
    assert len(entries) == 14 and len({e["publisher"]["id"] for e in entries.values()}) >= 6
    assert entries["hospital_beds"]["quality"]["status"] == "failed" and entries["hospital_beds"]["version"] is None
    assert entries["accommodation_establishments"]["quality"]["status"] == "warning"
    assert all(e["version"] == 0 for i, e in entries.items() if i != "hospital_beds")
    assert (tmp_path / "warehouse" / entries["hospital_beds"]["quality"]["quarantine"] / "reason.json").is_file()
    listed = _cli(["catalog", "--json"], env)
    assert listed.returncode == 0 and json.loads(listed.stdout)["datasets"] == catalog["datasets"]
    for dataset_id, entry in entries.items():
        if entry["version"] is not None:
            assert partner.read(dataset_id).num_rows == entry["rows"]
