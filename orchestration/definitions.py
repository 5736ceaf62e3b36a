"""The Dagster code location: ``dagster dev -w workspace.yaml`` loads :data:`defs` from here."""

from __future__ import annotations

import dagster as dg

from orchestration.factory import curated_asset, raw_asset
from orchestration.project import Project, load_project
from orchestration.resources import IngestResource, KeysResource, WarehouseResource
from orchestration.schedules import nightly_job, schedules


def build_definitions(project: Project | None = None) -> dg.Definitions:
    """Assets, checks, job and schedules for every dataset of the registry."""
    project = project or load_project()
    assets = []
    for dataset in project.registry.datasets.values():
        assets += [raw_asset(dataset, project.registry),
                   curated_asset(dataset, project.registry, project.suites[dataset.id])]
    job = nightly_job()
    return dg.Definitions(
        assets=assets, jobs=[job], schedules=schedules(project.registry, job),
        resources={"warehouse": WarehouseResource(), "ingest": IngestResource(), "keys": KeysResource()},
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Loaded lazily by Dagster (the registry location comes from ``REGIONLINK_REGISTRY``)."""
    return build_definitions()
