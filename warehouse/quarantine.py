"""Keep a rejected batch, and why, at ``quarantine/<id>/<run_id>/`` (``data.parquet`` + ``reason.json``)."""

from __future__ import annotations

import pyarrow.parquet as pq

from warehouse import layout
from warehouse.catalog import now_iso
from warehouse.staging import CuratedBatch
from warehouse.store import Warehouse


def quarantine(wh: Warehouse, dataset: str, run_id: str, batch: CuratedBatch, reason: dict) -> str:
    """Write the batch (curated rows, streamed) and its ``reason.json``; returns the folder (warehouse-relative)."""
    folder = layout.quarantine(dataset, run_id)
    reader = batch.reader()
    with wh.output_stream(f"{folder}/data.parquet") as out:
        with pq.ParquetWriter(out, reader.schema) as writer:
            for chunk in reader:
                writer.write_batch(chunk)
    wh.write_json(f"{folder}/reason.json", {"dataset": dataset, "run_id": run_id, "quarantined_at": now_iso(),
                                            "rows": batch.rows, **reason})
    return folder
