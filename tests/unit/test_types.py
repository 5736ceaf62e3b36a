"""pipelines.types: registry type casts that trim, null empties and name the first bad row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from pipelines.errors import SourceError
from pipelines.types import arrow_type, cast_column, type_name


def cast(values, target, source_type=None, **kw):
    array = pa.array(values, source_type)
    return cast_column(array, arrow_type(target), dataset="health_facilities", column="Số giường bệnh", **kw)


@pytest.mark.parametrize(("values", "target", "expected"), [
    (["12", " 7 ", "", "   ", None, "-3"], "integer", [12, 7, None, None, None, -3]),
    (["21.5", " 107.58 ", "", "1e3"], "float", [21.5, 107.58, None, 1000.0]),
    (["2024-01-02", " 2025-07-01", ""], "date", [dt.date(2024, 1, 2), dt.date(2025, 7, 1), None]),
    (["true", "false", " true ", "", "1", "0"], "boolean", [True, False, True, None, True, False]),
])
def test_string_casts_trim_and_null_empties(values, target, expected):
    result = cast(values, target)
    assert result.type == arrow_type(target)
    assert result.to_pylist() == expected


@pytest.mark.parametrize(("values", "expected"), [
    ([46001.0, 12.5, None, 0.0, -4.0], ["46001", "12.5", None, "0", "-4"]),  # spreadsheet codes keep no ".0"
    ([19753.0, 1975.0], ["19753", "1975"]),
])
def test_float_to_string_keeps_codes(values, expected):
    assert cast(values, "string", pa.float64()).to_pylist() == expected


@pytest.mark.parametrize(("values", "source_type", "expected"), [
    ([46001, None], pa.int64(), ["46001", None]),
    ([True, False], pa.bool_(), ["true", "false"]),
])
def test_other_types_to_string(values, source_type, expected):
    assert cast(values, "string", source_type).to_pylist() == expected


def test_same_type_is_returned_unchanged():
    array = pa.array([" a ", ""])
    assert cast_column(array, pa.string(), dataset="d", column="c") is array


@pytest.mark.parametrize(("values", "target", "first_row", "row", "bad"), [
    (["12", "7", "mười", "x"], "integer", 1, 3, "mười"),
    (["12", "7", "mười"], "integer", 10, 12, "mười"),  # first_row offset (a later batch / header rows)
    (["1.234.567,89"], "float", 2, 2, "1.234.567,89"),
    (["2024-01-02", "02/01/2024"], "date", 2, 3, "02/01/2024"),
    (["có"], "boolean", 5, 5, "có"),
    (["1.5"], "integer", 1, 1, "1.5"),
])
def test_bad_value_names_column_row_and_value(values, target, first_row, row, bad):
    with pytest.raises(SourceError) as info:
        cast(values, target, first_row=first_row)
    error = info.value
    assert error.dataset == "health_facilities"
    assert error.row == row
    message = str(error)
    assert "'Số giường bệnh'" in message and repr(bad) in message and target in message
    assert f"row {row}" in message


@pytest.mark.parametrize(("dtype", "name"), [
    (pa.string(), "string"), (pa.large_string(), "string"), (pa.string_view(), "string"),
    (pa.int8(), "integer"), (pa.int64(), "integer"), (pa.uint32(), "integer"),
    (pa.float32(), "float"), (pa.float64(), "float"), (pa.decimal128(10, 2), "float"),
    (pa.bool_(), "boolean"), (pa.date32(), "date"), (pa.date64(), "date"),
    (pa.timestamp("us"), "timestamp"), (pa.timestamp("ms", tz="UTC"), "timestamp"),
    (pa.binary(), "binary"), (pa.list_(pa.int64()), "list<item: int64>"),
])
def test_type_name(dtype, name):
    assert type_name(dtype) == name


@pytest.mark.parametrize("name", ["string", "integer", "float", "boolean", "date", "timestamp"])
def test_arrow_type_round_trips_through_type_name(name):
    assert type_name(arrow_type(name)) == name


def test_decimal_source_casts_to_float():
    values = pa.array([Decimal("1.50"), None], pa.decimal128(5, 2))
    assert cast_column(values, pa.float64(), dataset="d", column="c").to_pylist() == [1.5, None]


def test_source_error_row_label():
    assert str(SourceError("d", "m", url="u", row=3)) == "dataset 'd' (u), row 3: m"  # the default label
    error = SourceError("d", "m", row=7, row_label="sheet row")
    assert (error.row, error.row_label, error.detail, str(error)) == (7, "sheet row", "m", "dataset 'd', sheet row 7: m")
    assert str(SourceError("d", "m", row_label="line")) == "dataset 'd': m"
    with pytest.raises(SourceError, match="line 12:"):
        cast(["x"], "integer", first_row=12, row_label="line")
