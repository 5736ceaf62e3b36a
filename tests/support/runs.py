"""Run regionlink's job in-process for tests and look at what Dagster recorded."""

from __future__ import annotations

import dagster as dg

from orchestration.project import load_project
from orchestration.sync import DatasetRun, run_sync


def sync(ids: list[str] | None = None, reprocess: bool = False) -> tuple[dict[str, DatasetRun], dg.DagsterInstance]:
    instance = dg.DagsterInstance.ephemeral()
    return run_sync(load_project(), ids, instance, progress=lambda line: None, reprocess=reprocess), instance


def check_evaluations(instance: dg.DagsterInstance, dataset: str) -> dict[str, tuple[bool, str]]:
    """check name → (passed, severity) for the curated asset's checks, from the event log."""
    found = {}
    for record in instance.get_records_for_run(instance.get_runs()[0].run_id).records:
        event = record.event_log_entry.dagster_event
        if event and event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            data = event.event_specific_data
            if data.asset_key == dg.AssetKey(["curated", dataset]):
                found[data.check_name] = (data.passed, data.severity.value)
    return found
