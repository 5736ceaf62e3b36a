"""Turn a raw load into the batch to validate and publish: NFC text, lineage columns; spilled to local Parquet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from warehouse.raw import RawLoad, open_load
from warehouse.store import Warehouse

LOADED_AT = "_loaded_at"
RUN_ID = "_run_id"
BATCH_ROWS = 262_144


@dataclass(frozen=True)
class StagedBatch:
    """A curated-ready batch on local disk (Parquet), read back in chunks by validation and publishing."""

    path: Path
    rows: int
    schema: pa.Schema

    def reader(self, columns: list[str] | None = None, batch_rows: int = BATCH_ROWS) -> pa.RecordBatchReader:
        parquet = pq.ParquetFile(self.path)
        schema = self.schema if columns is None else pa.schema([self.schema.field(c) for c in columns])
        return pa.RecordBatchReader.from_batches(schema, parquet.iter_batches(batch_size=batch_rows, columns=columns))


def _curate(batch: pa.RecordBatch, loaded_at: pa.Scalar, run_id: pa.Scalar) -> pa.RecordBatch:
    arrays, names = [], []
    for field, array in zip(batch.schema, batch.columns):
        if field.name.startswith("_dlt_"):
            continue
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            array = pc.utf8_normalize(array, "NFC")
        arrays.append(array)
        names.append(field.name)
    n = batch.num_rows
    arrays += [pa.repeat(loaded_at, n), pa.repeat(run_id, n)]
    return pa.RecordBatch.from_arrays(arrays, names=names + [LOADED_AT, RUN_ID])


def stage(wh: Warehouse, load: RawLoad, *, run_id: str, loaded_at: datetime, workdir: Path) -> StagedBatch:
    """Stream the raw load through :func:`_curate` into ``workdir/<dataset>-<run>.parquet``."""
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / f"{load.dataset}-{run_id}.parquet"
    loaded = pa.scalar(loaded_at, pa.timestamp("us", tz="UTC"))
    run = pa.scalar(run_id, pa.string())
    rows, writer, schema = 0, None, None
    try:
        for batch in open_load(wh, load).to_batches(batch_size=BATCH_ROWS):
            curated = _curate(batch, loaded, run)
            if writer is None:
                schema = curated.schema
                writer = pq.ParquetWriter(target, schema, compression="snappy")
            writer.write_batch(curated.cast(schema) if curated.schema != schema else curated)
            rows += curated.num_rows
    finally:
        if writer is not None:
            writer.close()
    if schema is None:
        raise ValueError(f"dataset '{load.dataset}': raw load {load.load_id} has no rows")
    return StagedBatch(path=target, rows=rows, schema=schema)


def rows_at(staged: StagedBatch, row_numbers: list[int], limit: int = 20) -> list[dict]:
    """Whole records at 1-based ``row_numbers`` (streamed; for reports), lineage columns left out."""
    wanted = sorted(set(row_numbers))[:limit]
    columns = [n for n in staged.schema.names if n not in (LOADED_AT, RUN_ID)]
    found, offset = [], 0
    for batch in staged.reader(columns):
        local = [r - 1 - offset for r in wanted if offset < r <= offset + batch.num_rows]
        if local:
            for row, record in zip(local, batch.take(pa.array(local)).to_pylist()):
                found.append({"_row": row + offset + 1, **record})
        offset += batch.num_rows
        if offset >= wanted[-1] if wanted else True:
            break
    return found
