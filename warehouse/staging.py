"""The batch a curated step validates and publishes: a raw load read as curated rows, streamed, never spilled.

Curated rows are the raw rows with text in NFC, personal-data treatments applied (the originals stay in the
raw zone only), ``_dlt_*`` columns dropped and lineage columns (``_loaded_at``, ``_run_id``) added. Every pass
(validation chunks, publishing) re-reads only the columns it needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.dataset as pads

from warehouse.raw import RawLoad, open_load
from warehouse.store import Warehouse
from warehouse.text import nfc

LOADED_AT = "_loaded_at"
RUN_ID = "_run_id"
BATCH_ROWS = 131_072


@dataclass(frozen=True)
class CuratedBatch:
    """A raw load seen as curated rows; ``reader(columns)`` streams them in bounded memory."""

    load: RawLoad
    source: pads.Dataset
    schema: pa.Schema
    rows: int
    loaded_at: datetime
    run_id: str
    treatments: object | None = None  # warehouse.privacy.Treatments

    def _lineage(self, name: str, n: int) -> pa.Array:
        if name == LOADED_AT:
            return pa.repeat(pa.scalar(self.loaded_at, pa.timestamp("us", tz="UTC")), n)
        return pa.repeat(pa.scalar(self.run_id, pa.string()), n)

    def _batches(self, columns: list[str], batch_rows: int) -> Iterator[pa.RecordBatch]:
        stored = [c for c in columns if c not in (LOADED_AT, RUN_ID)]
        # one batch at a time: threaded read-ahead decodes many batches at once and multiplies peak memory
        batches = self.source.to_batches(columns=stored, batch_size=batch_rows, batch_readahead=1, fragment_readahead=1,
                                         use_threads=False)
        for batch in batches:
            if not columns:  # row counts only: keep the (column-less) batch, which still knows its length
                yield batch
                continue
            arrays = []
            for name in stored:
                array = batch.column(name)
                arrays.append(nfc(array) if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else array)
            read = pa.RecordBatch.from_arrays(arrays, names=stored)
            if self.treatments is not None:
                read = self.treatments.apply_present(read)
            arrays = [self._lineage(name, batch.num_rows) if name in (LOADED_AT, RUN_ID) else read.column(name)
                      for name in columns]
            yield pa.RecordBatch.from_arrays(arrays, schema=pa.schema([self.schema.field(c) for c in columns]))

    def reader(self, columns: list[str] | None = None, batch_rows: int = BATCH_ROWS) -> pa.RecordBatchReader:
        columns = self.schema.names if columns is None else columns
        schema = pa.schema([self.schema.field(c) for c in columns])
        return pa.RecordBatchReader.from_batches(schema, self._batches(columns, batch_rows))


def curated_batch(wh: Warehouse, load: RawLoad, *, run_id: str, loaded_at: datetime,
                  treatments=None) -> CuratedBatch:
    """Open ``load`` as a :class:`CuratedBatch` (reads Parquet footers only); ``treatments``
    (:class:`warehouse.privacy.Treatments`) are applied to every batch it streams."""
    source = open_load(wh, load)
    fields = pa.schema([f for f in source.schema if not f.name.startswith("_dlt_")])
    if any(f.name in (LOADED_AT, RUN_ID) for f in fields):
        raise ValueError(f"dataset '{load.dataset}': source columns may not be named {LOADED_AT} or {RUN_ID}")
    if treatments is not None:
        fields = treatments.schema(fields)
    schema = pa.schema(list(fields) + [pa.field(LOADED_AT, pa.timestamp("us", tz="UTC")), pa.field(RUN_ID, pa.string())])
    rows = sum(fragment.metadata.num_rows for fragment in source.get_fragments())
    return CuratedBatch(load, source, schema, rows, loaded_at, run_id, treatments)


def rows_at(batch: CuratedBatch, row_numbers: list[int], limit: int = 20) -> list[dict]:
    """Whole records at 1-based ``row_numbers`` (streamed; for reports), lineage columns left out."""
    wanted = sorted(set(row_numbers))[:limit]
    if not wanted:
        return []
    columns = [n for n in batch.schema.names if n not in (LOADED_AT, RUN_ID)]
    found, offset = [], 0
    for chunk in batch.reader(columns):
        local = [r - 1 - offset for r in wanted if offset < r <= offset + chunk.num_rows]
        if local:
            for row, record in zip(local, chunk.take(pa.array(local)).to_pylist()):
                found.append({"_row": row + offset + 1, **record})
        offset += chunk.num_rows
        if offset >= wanted[-1]:
            break
    return found
