"""pipelines.readers.columns: the one-pass cast of clean text gives exactly what cast_column gives."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.model import Dataset
from pipelines.readers import columns
from pipelines.readers.columns import _clean_cast, renamed
from pipelines.types import Rejects, cast_column

TEXT = {
    "integer": [["1", "-2", "0x10", None, "9223372036854775807"], ["1", " 2"], ["1", ""], ["1", "x"], ["+5"]],
    "float": [["1.5", "-2", "1e3", "nan", "inf", None, "0.1"], ["1.5 "], ["", "2"], ["1,5"]],
    "date": [["2024-02-29", None, "1975-04-30"], ["2024-02-30"], ["2024-01-01 "], ["01/02/2024"]],
    "boolean": [["true", "false", "1", "0", None], [" true"], ["yes"]],
}
TYPES = {"integer": pa.int64(), "float": pa.float64(), "date": pa.date32(), "boolean": pa.bool_()}


def _cast_column(values: pa.Array, target: pa.DataType):
    try:
        return cast_column(values, target, dataset="d", column="c")
    except Exception as exc:  # noqa: BLE001  the slow path's verdict, error included
        return type(exc)


@pytest.mark.parametrize(("kind", "values"), [(k, v) for k, cases in TEXT.items() for v in cases])
def test_clean_cast_is_cast_column_or_declines(kind, values):
    array, target = pa.array(values, pa.string()), TYPES[kind]
    quick = _clean_cast(array, target, None)
    if quick is not None:
        slow = _cast_column(array, target)
        assert quick.type == slow.type
        assert [repr(v) for v in quick.to_pylist()] == [repr(v) for v in slow.to_pylist()]  # nan == nan here


@pytest.mark.parametrize(("values", "target"), [
    (["1", " 2"], pa.int64()), (["1", ""], pa.int64()), (["1.5 "], pa.float64()), (["x"], pa.int64()),
    (["2024-01-01 "], pa.date32()),
])
def test_text_needing_cleaning_or_not_parsing_goes_the_long_way(values, target):
    assert _clean_cast(pa.array(values), target, None) is None


@pytest.mark.parametrize(("values", "target", "locale"), [
    (["1"], pa.timestamp("us", tz="UTC"), None),  # time zones: cast_column's business
    (["1"], pa.string(), None),
    (["1.234"], pa.float64(), "vi"),  # a thousands separator under locale vi
])
def test_not_for_timestamps_text_or_a_locale(values, target, locale):
    assert _clean_cast(pa.array(values), target, locale) is None


def test_not_for_values_that_are_not_text():
    assert _clean_cast(pa.array([1.0, 2.0]), pa.int64(), None) is None


def _dataset() -> Dataset:
    return Dataset.model_validate({
        "id": "health_facilities", "title": "t", "publisher": "p", "theme": "health",
        "source": {"kind": "http", "url": "https://example.org/f.csv"},
        "columns": {"beds": {"name": "beds", "type": "integer"}, "opened": {"name": "opened", "type": "date"}}})


def test_renamed_takes_the_one_pass_cast_for_clean_text(monkeypatch):
    def slow(*args, **kwargs):
        raise AssertionError("clean text must not need cast_column")

    monkeypatch.setattr(columns, "cast_column", slow)
    batch = pa.RecordBatch.from_arrays([pa.array(["12", None]), pa.array(["2024-01-31", "1975-04-30"])],
                                       names=["beds", "opened"])
    typed = renamed(batch, ["beds", "opened"], ["beds", "opened"], _dataset(), first_row=2, row_label="line")
    assert typed.schema.types == [pa.int64(), pa.date32()]
    assert typed.column(0).to_pylist() == [12, None]


def test_renamed_still_cleans_and_rejects_the_long_way():
    batch = pa.RecordBatch.from_arrays([pa.array([" 12 ", "", "x", "7"]),
                                        pa.array(["2024-01-31", "2024-01-31", "2024-01-31", "2024-02-30"])],
                                       names=["beds", "opened"])
    rejects = Rejects()
    typed = renamed(batch, ["beds", "opened"], ["beds", "opened"], _dataset(), first_row=2, row_label="line",
                    rejects=rejects)
    assert typed.column(0).to_pylist() == [12, None]  # trimmed; empty is null; lines 4 and 5 dropped
    assert [(r["row"], r["column"], r["value"]) for r in rejects.rows] == [(4, "beds", "x"), (5, "opened", "2024-02-30")]
