"""Run the registry's assets through Dagster in-process (``regionlink sync``) and summarise each dataset."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
from dagster._core.utils import make_new_run_id

from orchestration.definitions import build_definitions
from orchestration.factory import REPROCESS_TAG, curated_key, raw_key
from orchestration.project import Project
from orchestration.resources import WarehouseResource
from orchestration.schedules import JOB_NAME


QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class DatasetRun:
    """The outcome of one dataset in a run."""

    dataset: str
    status: str = "pending"  # published | unchanged | quarantined | error | skipped
    rows: int | None = None
    version: int | None = None
    quality: str | None = None
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status in ("quarantined", "error", "skipped", "pending")


def _failure_message(event: dg.DagsterEvent) -> str:
    data = event.step_failure_data
    if data.user_failure_data and data.user_failure_data.description:
        return data.user_failure_data.description
    error = data.error
    while error is not None and error.cause is not None:  # the user code's exception, not Dagster's wrapper
        error = error.cause
    return error.message.strip().splitlines()[-1] if error else "step failed"


def _apply(event: dg.DagsterEvent, runs: dict[str, DatasetRun]) -> str | None:
    """Fold one Dagster event into the per-dataset outcomes; returns a progress line or None."""
    step = event.step_key or ""
    zone, _, dataset = step.partition("__")
    run = runs.get(dataset)
    if run is None or zone not in ("raw", "curated"):
        return None
    if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
        meta = event.step_materialization_data.materialization.metadata
        if zone == "raw":
            run.message = f"{meta['rows'].value:,} rows loaded" if meta["changed"].value else "source unchanged"
            return None
        run.status, run.rows, run.version = "published", meta["rows"].value, meta["version"].value
        run.quality, run.message = meta["quality"].value, ""
        return None
    if event.event_type == dg.DagsterEventType.STEP_SUCCESS:
        if zone == "raw":
            return f"✓ raw/{dataset}: {run.message}"
        if run.status == "pending":
            run.status = "unchanged"
            return f"✓ curated/{dataset}: nothing new to publish"
        return f"✓ curated/{dataset}: version {run.version}, {run.rows:,} rows, quality {run.quality}"
    if event.event_type == dg.DagsterEventType.STEP_FAILURE:
        run.message = _failure_message(event)
        run.status = "quarantined" if zone == "curated" and "quarantined" in run.message else "error"
        run.quality = "failed" if run.status == "quarantined" else run.quality
        return f"✗ {zone}/{dataset}: {run.message}"
    if event.event_type == dg.DagsterEventType.STEP_SKIPPED and run.status == "pending":
        run.status = "skipped"
    return None


def run_sync(project: Project, ids: list[str] | None, instance: dg.DagsterInstance,
             progress: Callable[[str], None] = print, reprocess: bool = False) -> dict[str, DatasetRun]:
    """Materialise the datasets' raw and curated assets (with checks) in one in-process Dagster run."""
    datasets = project.registry.select(ids)
    job = build_definitions(project).resolve_job_def(JOB_NAME)
    keys = [k for d in datasets for k in (raw_key(d.id), curated_key(d.id))]
    runs = {d.id: DatasetRun(d.id) for d in sorted(datasets, key=lambda d: d.id)}
    run_id = make_new_run_id()
    outcome: dict[str, object] = {}

    def execute() -> None:
        try:
            outcome["result"] = job.execute_in_process(instance=instance, asset_selection=keys, run_id=run_id,
                                                       raise_on_error=False, run_config=QUIET,
                                                       tags={REPROCESS_TAG: "true"} if reprocess else None)
        except BaseException as exc:  # surfaced in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=execute, name="regionlink-sync", daemon=True)
    worker.start()
    cursor = None  # only the events since the last poll: re-reading them all costs CPU (and GIL) all run long
    while True:
        alive = worker.is_alive()
        new = instance.get_records_for_run(run_id, cursor=cursor)
        for record in new.records:
            event = record.event_log_entry.dagster_event
            if event is not None:
                line = _apply(event, runs)
                if line:
                    progress(line)
        cursor = new.cursor
        if not alive:
            break
        time.sleep(0.2)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    _fill_from_catalog(runs)
    return runs


def _fill_from_catalog(runs: dict[str, DatasetRun]) -> None:
    """Rows/version/quality of datasets that published nothing new this run, from their catalog entries."""
    from warehouse.catalog import read_entry

    wh = WarehouseResource().warehouse()
    for run in runs.values():
        if run.status in ("unchanged", "quarantined") and run.version is None:
            entry = read_entry(wh, run.dataset) or {}
            run.version = entry.get("version")
            run.rows = entry.get("rows") if run.version is not None else None
            run.quality = run.quality or (entry.get("quality") or {}).get("status")
