"""The nightly job and its schedules: 02:00 Asia/Ho_Chi_Minh, plus one schedule per dataset override."""

from __future__ import annotations

import dagster as dg

from orchestration.factory import curated_key, raw_key
from pipelines.model import Registry

NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Ho_Chi_Minh"
JOB_NAME = "nightly_sync"


def nightly_job() -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(JOB_NAME, selection=dg.AssetSelection.all(),
                               description="Pull, check and publish every dataset of the registry.")


def _keys(ids: list[str]) -> list[dg.AssetKey]:
    return [k for i in ids for k in (raw_key(i), curated_key(i))]


def schedules(registry: Registry, job) -> list[dg.ScheduleDefinition]:
    """``nightly_sync_schedule`` for datasets on the default schedule; ``<id>_schedule`` for each override."""
    overridden = [d.id for d in registry.datasets.values() if d.schedule and d.schedule != NIGHTLY_CRON]
    nightly_ids = [d for d in registry.datasets if d not in overridden]
    result = []

    def make(name: str, cron: str, ids: list[str], everything: bool, description: str) -> dg.ScheduleDefinition:
        def run_request(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
            return dg.RunRequest(asset_selection=None if everything else _keys(ids))

        return dg.ScheduleDefinition(name=name, cron_schedule=cron, job=job, execution_timezone=TIMEZONE,
                                     execution_fn=run_request, description=description,
                                     default_status=dg.DefaultScheduleStatus.RUNNING)

    if nightly_ids:
        result.append(make("nightly_sync_schedule", NIGHTLY_CRON, nightly_ids, not overridden,
                           f"Nightly sync at 02:00 {TIMEZONE} of {len(nightly_ids)} datasets."))
    for dataset_id in overridden:
        cron = registry.datasets[dataset_id].schedule
        result.append(make(f"{dataset_id}_schedule", cron, [dataset_id], False,
                           f"Sync of {dataset_id} on its own schedule ({cron}, {TIMEZONE})."))
    return result
