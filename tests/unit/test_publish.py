"""warehouse.tables.publish on a local warehouse: every write mode, the curated rows exactly, one version each."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse import tables
from warehouse.config import WarehouseConfig
from warehouse.raw import RawLoad
from warehouse.staging import curated_batch
from warehouse.store import Warehouse

ROWS = 40_000  # more than one publish batch (PUBLISH_BATCH_ROWS is patched down below)


def raw_table(first_id: int, label: str) -> pa.Table:
    ids = pa.array(range(first_id, first_id + ROWS), pa.int64())
    return pa.table({"id": ids, "ward": pa.array([f"Phường {i % 7}" for i in range(ROWS)]),
                     "area": pa.array([i * 0.5 for i in range(ROWS)], pa.float64()),
                     "label": pa.array([label] * ROWS)})


def staged(wh: Warehouse, load_id: str, table: pa.Table):
    rel = f"raw/facilities/facilities/{load_id}.0.parquet"
    path = Path(wh.path(rel))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=10_000)
    load = RawLoad("facilities", load_id, (rel,))
    return curated_batch(wh, load, run_id=f"run-{load_id}", loaded_at=datetime(2026, 1, 1, tzinfo=timezone.utc))


@pytest.fixture
def wh(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "PUBLISH_BATCH_ROWS", 3_000)
    return Warehouse(WarehouseConfig(location=str(tmp_path / "wh")))


def published(wh: Warehouse) -> pa.Table:
    from deltalake import DeltaTable

    return pa.table(DeltaTable(wh.uri("curated/facilities")).to_pyarrow_dataset().to_table()).sort_by("id")


def test_each_mode_writes_one_version_with_the_curated_rows(wh):
    info = tables.publish(wh, "facilities", staged(wh, "1.1", raw_table(1, "a")), mode="merge", primary_key=["id"],
                          run_id="r1", load_id="1.1")
    assert (info.version, info.rows) == (0, ROWS)
    first = published(wh)
    assert first.select(["id", "ward", "area", "label"]).equals(raw_table(1, "a"))
    assert set(first.column("_run_id").to_pylist()) == {"run-1.1"}

    info = tables.publish(wh, "facilities", staged(wh, "2.1", raw_table(ROWS // 2 + 1, "b")), mode="merge",
                          primary_key=["id"], run_id="r2", load_id="2.1")
    assert (info.version, info.rows) == (1, ROWS + ROWS // 2)  # half the keys matched and were updated
    labels = published(wh).column("label").to_pylist()
    assert labels[: ROWS // 2] == ["a"] * (ROWS // 2) and set(labels[ROWS // 2:]) == {"b"}

    info = tables.publish(wh, "facilities", staged(wh, "3.1", raw_table(10 * ROWS, "c")), mode="append",
                          primary_key=["id"], run_id="r3", load_id="3.1")
    assert (info.version, info.rows) == (2, 2 * ROWS + ROWS // 2)

    info = tables.publish(wh, "facilities", staged(wh, "4.1", raw_table(1, "d")), mode="replace",
                          primary_key=["id"], run_id="r4", load_id="4.1")
    assert (info.version, info.rows) == (3, ROWS)
    assert published(wh).select(["id", "ward", "area", "label"]).equals(raw_table(1, "d"))


class Failing:
    """A staged batch whose stream breaks after a few batches (a read error half-way through the write)."""

    def __init__(self, batch):
        self.schema, self._batch = batch.schema, batch

    def reader(self, columns=None, batch_rows=None):
        inner = self._batch.reader(columns, batch_rows=batch_rows)

        def batches():
            for n, chunk in enumerate(inner):
                if n == 3:
                    raise pa.ArrowInvalid("the raw file went away")
                yield chunk
        return pa.RecordBatchReader.from_batches(inner.schema, batches())


@pytest.mark.parametrize("mode", ["append", "replace", "merge"])
def test_a_write_that_fails_half_way_keeps_the_previous_version(wh, mode):
    tables.publish(wh, "facilities", staged(wh, "1.1", raw_table(1, "a")), mode="replace", primary_key=["id"],
                   run_id="r1", load_id="1.1")
    with pytest.raises(tables.PublishError):
        tables.publish(wh, "facilities", Failing(staged(wh, "2.1", raw_table(1, "b"))), mode=mode,
                       primary_key=["id"], run_id="r2", load_id="2.1")
    info = tables.table_info(wh, "facilities")
    assert (info.version, info.rows) == (0, ROWS)
    assert set(published(wh).column("label").to_pylist()) == {"a"}
