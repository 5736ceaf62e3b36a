"""The nightly job with the Dagster instance on the real PostgreSQL and the multi-process executor."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import dagster as dg
import psycopg2
import pytest

from tests.integration.test_sync_s3 import DATASETS, SUITES, estate  # noqa: F401  (fixture)
from warehouse.reader import PublishedWarehouse

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres_instance(tmp_path, monkeypatch):
    """A fresh database on 127.0.0.1:5432 as Dagster's run/event/schedule storage."""
    name = f"regionlink_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n"
        f"storage:\n  postgres:\n    postgres_url: postgresql+psycopg2://postgres@127.0.0.1:5432/{name}\n"
    )
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with dg.DagsterInstance.get() as instance:
        yield instance
    admin.cursor().execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


def test_nightly_job_runs_on_postgres_with_steps_in_separate_processes(estate, s3_warehouse, postgres_instance):  # noqa: F811
    from tests.support import jobs

    result = dg.execute_job(dg.reconstructable(jobs.nightly_sync), instance=postgres_instance,
                            run_config={"execution": {"config": {"multiprocess": {"max_concurrent": 2}}}})
    assert result.success
    records = postgres_instance.get_records_for_run(result.run_id).records
    step_pids = {r.event_log_entry.dagster_event.pid for r in records
                 if r.event_log_entry.dagster_event and r.event_log_entry.dagster_event.event_type == dg.DagsterEventType.STEP_START}
    assert os.getpid() not in step_pids and len(step_pids) == 2 * len(DATASETS)
    assert type(postgres_instance.run_storage).__name__ == "PostgresRunStorage"
    partner = PublishedWarehouse(s3_warehouse)
    assert sorted(partner.datasets()) == sorted(d["id"] for d in DATASETS)
    assert {e["id"]: e["quality"]["status"] for e in partner.catalog()["datasets"]} == dict.fromkeys(partner.datasets(), "passed")
