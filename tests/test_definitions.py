"""The Dagster definitions built from the bundled registry: load, match the snapshot, stay light to import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import build_definitions, defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def describe(definitions: dg.Definitions) -> dict:
    repo = definitions.get_repository_def()
    graph = repo.asset_graph
    schedules = {}
    for schedule in repo.schedule_defs:
        schedules[schedule.name] = {"cron": schedule.cron_schedule, "timezone": schedule.execution_timezone,
                                    "job": schedule.job_name, "status": schedule.default_status.value}
    return {
        "assets": {key.to_user_string(): {"group": graph.get(key).group_name,
                                          "deps": sorted(k.to_user_string() for k in graph.get(key).parent_keys)}
                   for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())},
        "checks": sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys),
        "jobs": sorted(job.name for job in repo.get_all_jobs() if not job.name.startswith("__")),
        "schedules": schedules,
    }


def test_definitions_load_and_match_snapshot():
    dg.Definitions.validate_loadable(build_definitions())
    current = describe(build_definitions())
    if os.environ.get("REGIONLINK_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8")), "set REGIONLINK_UPDATE_SNAPSHOTS=1 to accept"


def test_every_dataset_has_raw_and_curated_assets_with_catalog_text():
    repo = build_definitions().get_repository_def()
    graph = repo.asset_graph
    curated = [k for k in graph.get_all_asset_keys() if k.path[0] == "curated"]
    assert len(curated) >= 12
    for key in curated:
        node = graph.get(key)
        assert node.parent_keys == {dg.AssetKey(["raw", key.path[1]])}
        assert node.description and "Publisher:" in node.description
        assert any(c.asset_key == key for c in graph.asset_check_keys), f"{key} has no checks"


def test_workspace_attribute_is_lazy_definitions():
    loaded = defs()
    assert isinstance(loaded, dg.Definitions)
    assert loaded.resolve_job_def("nightly_sync")


def test_loading_definitions_does_not_import_gx_or_dlt():
    code = ("import sys, orchestration.definitions as d; d.defs(); "
            "print(sorted(m for m in ('great_expectations', 'dlt', 'deltalake') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent, env={**os.environ})
    assert out.stdout.strip() == "[]", out.stdout


def test_bad_registry_fails_at_load_naming_file_and_key(project_root):
    from pipelines.errors import RegistryError
    from tests.support.project import write_project

    write_project(project_root, [{"id": "x", "title": "X", "publisher": "nobody", "theme": "health",
                                  "source": {"kind": "http", "url": "http://127.0.0.1/x.csv"}}], {})
    with pytest.raises(RegistryError) as info:
        build_definitions()
    assert "datasets.yaml" in str(info.value) and "unknown publisher 'nobody'" in str(info.value)
