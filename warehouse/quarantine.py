"""Keep a rejected batch, and why, at ``quarantine/<id>/<run_id>/`` (``data.parquet`` + ``reason.json``)."""

from __future__ import annotations

from warehouse import layout
from warehouse.catalog import now_iso
from warehouse.staging import StagedBatch
from warehouse.store import Warehouse


def quarantine(wh: Warehouse, dataset: str, run_id: str, staged: StagedBatch, reason: dict) -> str:
    """Upload the staged batch and its ``reason.json``; returns the quarantine folder (warehouse-relative)."""
    folder = layout.quarantine(dataset, run_id)
    wh.upload(staged.path, f"{folder}/data.parquet")
    wh.write_json(f"{folder}/reason.json", {"dataset": dataset, "run_id": run_id, "quarantined_at": now_iso(),
                                            "rows": staged.rows, **reason})
    return folder
