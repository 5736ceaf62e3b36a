"""expectations.runner: chunked GX validation whose summed results equal a single-chunk run."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from expectations import runner
from expectations.suites import ExpectationSpec, Suite

NOT_NULL, UNIQUE = "expect_column_values_to_not_be_null", "expect_column_values_to_be_unique"
REGEX, BETWEEN = "expect_column_values_to_match_regex", "expect_column_values_to_be_between"

# 10 rows; with CHUNK_ROWS = 3 and one-row batches the chunks are rows 1-3, 4-6, 7-9, 10.
DATA = pa.table({
    "facility_code": ["46001", "46002", None, "46004", "46005", "46006", "46007", "46008", "46009", "46001"],
    "beds": pa.array([10, 20, -5, 30, 40, 50, 6000, None, 70, 80], pa.int64()),
    "ward_code": ["1975", "abc", "19755", "19756", "19757", "19758", "19759", "19760", "19761", "19762"],
    "latitude": [16.46, None, 16.47, 16.48, None, 16.5, 16.51, 16.52, 16.53, 16.54],
    "_loaded_at": pa.array(range(10), pa.int64()),
})

SPECS = {
    "code_not_null": ExpectationSpec(NOT_NULL, {"column": "facility_code"}),
    "code_unique": ExpectationSpec(UNIQUE, {"column": "facility_code"}),
    "beds_between": ExpectationSpec(BETWEEN, {"column": "beds", "min_value": 0, "max_value": 5000}, "warning"),
    "ward_mostly_70": ExpectationSpec(REGEX, {"column": "ward_code", "regex": r"^\d{5}$", "mostly": 0.7}),
    "ward_mostly_90": ExpectationSpec("expect_column_value_lengths_to_equal",
                                      {"column": "ward_code", "value": 5, "mostly": 0.9}, "info"),
    "latitude_not_null": ExpectationSpec(NOT_NULL, {"column": "latitude"}, "warning"),
    "missing_column": ExpectationSpec(NOT_NULL, {"column": "phone"}, "info"),
    "row_count": ExpectationSpec("expect_table_row_count_to_be_between", {"min_value": 1, "max_value": 100}),
    "columns": ExpectationSpec("expect_table_columns_to_match_set",
                               {"column_set": ["facility_code", "beds", "ward_code", "latitude"]}, "warning"),
}


@pytest.fixture(scope="module")
def parquet_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("staged") / "data.parquet"
    pq.write_table(DATA, path)
    return path


def opener(path: Path):
    def open_reader(columns: list[str]) -> pa.RecordBatchReader:
        file = pq.ParquetFile(path)
        schema = pa.schema([file.schema_arrow.field(c) for c in columns])
        return pa.RecordBatchReader.from_batches(schema, file.iter_batches(batch_size=1, columns=columns))
    return open_reader


def validate(path: Path, specs: dict[str, ExpectationSpec], chunk_rows: int, calls: list | None = None):
    suite = Suite("health_facilities", path, tuple(specs.values()))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "CHUNK_ROWS", chunk_rows)
        if calls is not None:
            real = runner._run
            mp.setattr(runner, "_run", lambda s, frame, o, summed: (calls.append((len(frame), summed)),
                                                                    real(s, frame, o, summed)))
        result = runner.validate(suite, opener(path), pq.read_schema(path))
    return result, dict(zip(specs, result.outcomes))


@pytest.fixture(scope="module")
def chunked(parquet_file):
    calls: list = []
    result, outcomes = validate(parquet_file, SPECS, 3, calls)
    return result, outcomes, calls


@pytest.fixture(scope="module")
def single(parquet_file):
    return validate(parquet_file, SPECS, 1_000_000)


def test_chunking_really_happens(chunked):
    calls = chunked[2]
    assert [n for n, summed in calls if summed] == [3, 3, 3, 1]


def comparable(outcome: runner.CheckOutcome) -> tuple:
    return (outcome.name, outcome.success, outcome.element_count, outcome.unexpected_count, outcome.missing_count,
            outcome.sample_rows, outcome.error, outcome.unexpected_percent)


def test_chunked_counts_equal_single_chunk_counts(chunked, single):
    assert [comparable(o) for o in chunked[0].outcomes] == [comparable(o) for o in single[0].outcomes]
    assert chunked[0].rows == single[0].rows == 10


@pytest.mark.parametrize("which", ["chunked", "single"])
@pytest.mark.parametrize(("check", "success", "elements", "unexpected", "rows", "values"), [
    ("code_not_null", False, 10, 1, [3], [None]),
    ("code_unique", False, 10, 2, [1, 10], ["46001", "46001"]),  # duplicates in the first and last chunk
    ("beds_between", False, 10, 2, [3, 7], [-5, 6000]),
    ("ward_mostly_70", True, 10, 2, [1, 2], ["1975", "abc"]),  # first chunk alone would fail (1/3)
    ("ward_mostly_90", False, 10, 2, [1, 2], ["1975", "abc"]),
    ("latitude_not_null", False, 10, 2, [2, 5], [None, None]),  # NaN samples come out as None
])
def test_outcomes(request, which, check, success, elements, unexpected, rows, values):
    outcome = request.getfixturevalue(which)[1][check]
    assert outcome.error is None
    assert outcome.success is success
    assert (outcome.element_count, outcome.unexpected_count, outcome.sample_rows) == (elements, unexpected, rows)
    assert outcome.to_json()["sample_unexpected_values"] == values


@pytest.mark.parametrize("which", ["chunked", "single"])
def test_percent_denominators(request, which):
    outcomes = request.getfixturevalue(which)[1]
    assert outcomes["code_not_null"].unexpected_percent == 10.0  # nulls count for not-null checks
    assert outcomes["beds_between"].missing_count == 1
    assert outcomes["beds_between"].unexpected_percent == round(100 * 2 / 9, 4)  # nulls excluded otherwise


def test_missing_column_is_a_failed_outcome_naming_it(chunked):
    outcome = chunked[1]["missing_column"]
    assert outcome.success is False
    assert "'phone'" in outcome.error
    assert "_loaded_at" not in outcome.error  # system columns are not offered as batch columns
    assert outcome.element_count == 0


def test_table_expectations(chunked):
    outcomes = chunked[1]
    assert outcomes["row_count"].success and outcomes["row_count"].observed_value == 10
    assert outcomes["columns"].success  # _loaded_at is not a data column


@pytest.mark.parametrize("which", ["chunked", "single"])
def test_to_json_is_strict_json(request, which):
    result = request.getfixturevalue(which)[0]
    documents = [o.to_json() for o in result.outcomes]
    text = json.dumps(documents, allow_nan=False)
    assert json.loads(text)[0]["check"] == "expect_column_values_to_not_be_null__facility_code"
    assert [d["check"] for d in documents] == Suite("s", Path("s"), tuple(SPECS.values())).check_names()


def test_plain_removes_nan_and_numpy_scalars():
    import numpy as np

    value = {"a": [float("nan"), np.float64("nan"), np.int64(3), np.bool_(True)], 1: (1.5, None)}
    assert runner._plain(value) == {"a": [None, None, 3, True], "1": [1.5, None]}
    assert not any(isinstance(v, float) and math.isnan(v) for v in runner._plain(value)["a"])


@pytest.mark.parametrize(("checks", "status"), [
    (["code_not_null", "beds_between"], "failed"),  # a critical failure
    (["beds_between", "ward_mostly_90", "ward_mostly_70"], "warning"),  # warning + info failures only
    (["ward_mostly_70", "row_count"], "passed"),
    (["missing_column"], "warning"),  # an info check on a missing column
])
def test_status_by_severity(parquet_file, checks, status):
    result, _ = validate(parquet_file, {c: SPECS[c] for c in checks}, 3)
    assert result.status == status
    assert {o.name for o in result.failed()} == {o.name for o in result.outcomes if not o.success}
    assert all(o.spec.severity == "critical" for o in result.failed("critical"))


def test_empty_batch(tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(DATA.slice(0, 0), path)
    result, outcomes = validate(path, {c: SPECS[c] for c in ("code_not_null", "ward_mostly_90")}, 3)
    assert result.rows == 0
    assert all(o.success and o.element_count == 0 for o in outcomes.values())
    assert result.status == "passed"


def test_two_expectations_of_one_type_on_one_column_both_run(parquet_file):
    specs = {"five_digits": ExpectationSpec(REGEX, {"column": "ward_code", "regex": r"^\d{5}$"}),
             "hue_prefix": ExpectationSpec(REGEX, {"column": "ward_code", "regex": r"^19"}, "warning")}
    result, outcomes = validate(parquet_file, specs, 3)
    assert outcomes["five_digits"].element_count == 10
    assert outcomes["five_digits"].unexpected_count == 2 and not outcomes["five_digits"].success
    assert outcomes["hue_prefix"].unexpected_count == 1  # "abc"
    assert result.status == "failed"
