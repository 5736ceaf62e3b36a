"""`make ui`: the neighbour's sync, then `dagster dev` on Huế's estate, stopped cleanly with the demo."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
QUERY = json.dumps({"query": "{ assetNodes { assetKey { path } } }"}).encode()


def _asset_keys(port: int) -> list[str] | None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=QUERY,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return ["/".join(n["assetKey"]["path"]) for n in json.load(response)["data"]["assetNodes"]]
    except OSError:
        return None


def test_ui_serves_hues_assets_and_stops_with_the_demo(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGIONLINK_", "AWS_", "DAGSTER_HOME", "DEMO_"))}
    env.update(REGIONLINK_WAREHOUSE=str(tmp_path / "warehouse"), DEMO_DANANG_WAREHOUSE=str(tmp_path / "danang"))
    demo = subprocess.Popen([sys.executable, "-m", "orchestration.demo", "--ui", "--port", str(port),
                             "--state", str(tmp_path / "state")], cwd=tmp_path, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        keys = None
        for _ in range(180):
            if (keys := _asset_keys(port)) or demo.poll() is not None:
                break
            time.sleep(1)
        assert keys, demo.stdout.read() if demo.poll() is not None else "UI did not answer in 180 s"
        assert {"raw/danang_tour_guides", "curated/danang_tour_guides", "curated/tourist_sites"} <= set(keys)
        assert (tmp_path / "danang" / "catalog" / "46.json").is_file()  # the neighbour synced first
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(60)
    time.sleep(2)
    assert _asset_keys(port) is None  # the UI went with the demo
