"""Run a dataset's dlt pipeline into the warehouse's raw zone (dlt state is kept there too)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from pipelines.errors import RegionlinkError
from pipelines.model import Dataset
from pipelines.settings import IngestSettings


@dataclass(frozen=True)
class RawDestination:
    """Where the raw zone is: a local path or ``s3://bucket/prefix/raw``, with fsspec-style credentials."""

    bucket_url: str
    credentials: dict[str, str] | None = None


@dataclass(frozen=True)
class IngestResult:
    dataset: str
    load_id: str | None
    rows: int
    changed: bool


def run_ingest(
    dataset: Dataset, destination: RawDestination, settings: IngestSettings, env: Mapping[str, str] | None = None,
    exchange=None,
) -> IngestResult:
    """Extract, normalise and load one dataset into ``<raw>/<id>/<id>/`` as Parquet; returns the load."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt
    from dlt.destinations import filesystem

    from pipelines.sources import dataset_source

    env = os.environ if env is None else env
    pipeline = dlt.pipeline(
        pipeline_name=f"regionlink_{dataset.id}",
        destination=filesystem(bucket_url=destination.bucket_url, credentials=destination.credentials),
        dataset_name=dataset.id,
        pipelines_dir=str(settings.workdir.resolve() / "dlt"),
    )
    from dlt.pipeline.exceptions import PipelineStepFailed

    try:
        info = pipeline.run(dataset_source(dataset, env, settings, exchange), loader_file_format="parquet")
    except PipelineStepFailed as exc:
        raise _user_error(exc) or exc from exc
    rows = sum(
        count for table, count in pipeline.last_trace.last_normalize_info.row_counts.items() if table == dataset.id
    ) if pipeline.last_trace and pipeline.last_trace.last_normalize_info else 0
    load_id = info.loads_ids[-1] if info.loads_ids else None
    return IngestResult(dataset=dataset.id, load_id=load_id, rows=rows, changed=rows > 0)


def _user_error(exc: BaseException) -> RegionlinkError | None:
    """The regionlink error (bad source, missing variable…) that dlt wrapped, if any."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, RegionlinkError):
            return current
        stack += [current.__cause__, current.__context__, getattr(current, "exception", None)]
    return None
