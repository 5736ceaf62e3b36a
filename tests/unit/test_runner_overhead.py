"""expectations.runner: GX builds one batch per chunk and does not fingerprint it (no timing here, just counts)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from expectations import runner
from expectations.suites import ExpectationSpec, Suite

DATA = pa.table({"code": ["46001", "46002", None, "4600x", "46005", "46006", "46007"],
                 "beds": pa.array([1, 2, 3, 4, 5, 6, 7], pa.int64())})
SPECS = (ExpectationSpec("expect_column_values_to_not_be_null", {"column": "code"}),
         ExpectationSpec("expect_column_values_to_match_regex", {"column": "code", "regex": r"^\d{5}$"}, "warning"),
         ExpectationSpec("expect_column_values_to_be_unique", {"column": "beds"}),
         ExpectationSpec("expect_table_row_count_to_be_between", {"min_value": 1, "max_value": 10}))


def open_reader(columns: list[str]) -> pa.RecordBatchReader:
    table = DATA.select(columns) if columns else pa.table({"_": pa.nulls(DATA.num_rows)}).drop_columns(["_"])
    return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=1))


@pytest.fixture
def engine_calls(monkeypatch):
    """Count the batches GX's pandas engine builds, and fail if it hashes one."""
    runner._gx()
    from great_expectations.execution_engine import pandas_execution_engine as engine

    calls = []
    real = engine.PandasExecutionEngine.get_batch_data_and_markers

    def counted(self, batch_spec):
        calls.append(1)
        return real(self, batch_spec)

    def no_hashing(df):
        raise AssertionError("GX fingerprinted a chunk (HASH_THRESHOLD is no longer honoured?)")

    monkeypatch.setattr(engine.PandasExecutionEngine, "get_batch_data_and_markers", counted)
    monkeypatch.setattr(engine, "hash_pandas_dataframe", no_hashing)
    monkeypatch.setattr(runner, "CHUNK_ROWS", 3)
    return calls


def test_one_gx_batch_per_chunk_and_no_fingerprint(engine_calls):
    result = runner.validate(Suite("s", None, SPECS), open_reader, DATA.schema)
    # 7 rows in chunks of 3: three row-wise runs, one whole-batch run (uniqueness, row count)
    assert len(engine_calls) == 4
    outcomes = {o.spec.type: o for o in result.outcomes}
    assert (outcomes["expect_column_values_to_not_be_null"].unexpected_count,
            outcomes["expect_column_values_to_not_be_null"].sample_rows) == (1, [3])
    assert outcomes["expect_column_values_to_match_regex"].sample_rows == [4]
    assert outcomes["expect_column_values_to_be_unique"].success
    assert outcomes["expect_table_row_count_to_be_between"].observed_value == 7
    assert result.status == "failed" and result.rows == 7


def test_row_count_alone_reads_no_column():
    seen = []

    def reader(columns):
        seen.append(list(columns))
        return open_reader(columns)

    spec = ExpectationSpec("expect_table_row_count_to_be_between", {"min_value": 1, "max_value": 5})
    result = runner.validate(Suite("s", None, (spec,)), reader, DATA.schema)
    assert seen == [[]]
    assert (result.rows, result.outcomes[0].observed_value, result.status) == (7, 7, "failed")
