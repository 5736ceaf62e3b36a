"""format.locale: vi — Vietnamese numbers and dates in text sources, bad values reported by line."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.readers import read_batches
from pipelines.types import ARROW_TYPES, cast_column


def _cast(values, kind):
    return cast_column(pa.array(values), ARROW_TYPES[kind], dataset="d", column="c", locale="vi").to_pylist()


@pytest.mark.parametrize("text, expected", [
    ("1.234.567,89", 1234567.89), ("1.234", 1234.0), ("12,5", 12.5), ("-3,25", -3.25), ("1234567", 1234567.0),
    ("  2.000 ", 2000.0),
])
def test_vietnamese_numbers(text, expected):
    assert _cast([text], "float") == [expected]


def test_vietnamese_integers_and_bad_numbers():
    assert _cast(["1.234.567", "", None], "integer") == [1234567, None, None]
    with pytest.raises(SourceError, match=r"row 2.*'12\.5\.1'"):
        _cast(["1", "12.5.1"], "float")


@pytest.mark.parametrize("text, expected", [
    ("09/01/2021", dt.date(2021, 1, 9)), ("9/1/2021", dt.date(2021, 1, 9)), ("09-01-2021", dt.date(2021, 1, 9)),
    ("09.01.2021", dt.date(2021, 1, 9)), ("2021-01-09", dt.date(2021, 1, 9)),
])
def test_vietnamese_dates(text, expected):
    assert _cast([text], "date") == [expected]


def test_bad_date_is_reported_with_its_row_not_a_silent_null():
    with pytest.raises(SourceError, match=r"row 3.*'31/02/2021'"):
        _cast(["01/02/2021", None, "31/02/2021"], "date")


def test_local_datetimes_become_utc_instants():
    [value] = _cast(["20/11/2025 08:00"], "timestamp")
    assert value == dt.datetime(2025, 11, 20, 1, 0, tzinfo=dt.timezone.utc)


def test_csv_with_locale_vi_reads_exact_values_and_names_the_bad_line(tmp_path):
    path = tmp_path / "san-luong.csv"
    path.write_text("Mã xã;Sản lượng (tấn);Ngày báo cáo\n00004;1.234,5;31/12/2024\n19768;12.000;1/7/2025\n",
                    encoding="utf-8")
    dataset = Dataset.model_validate({
        "id": "farm_output", "title": "Sản lượng", "publisher": "p", "theme": "agriculture",
        "source": {"kind": "http", "url": "http://127.0.0.1/x.csv"},
        "format": {"type": "csv", "delimiter": ";", "locale": "vi"},
        "columns": {"Mã xã": {"name": "ward_code", "type": "string"}, "Sản lượng (tấn)": {"name": "tonnes", "type": "float"},
                    "Ngày báo cáo": {"name": "reported_on", "type": "date"}},
    })
    table = pa.Table.from_batches(list(read_batches(path, "csv", dataset, "http://127.0.0.1/x.csv")))
    assert table.to_pylist() == [
        {"ward_code": "00004", "tonnes": 1234.5, "reported_on": dt.date(2024, 12, 31)},
        {"ward_code": "19768", "tonnes": 12000.0, "reported_on": dt.date(2025, 7, 1)},
    ]
    path.write_text(path.read_text(encoding="utf-8") + "19771;5,0;32/01/2025\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"line 4.*'32/01/2025'"):
        list(read_batches(path, "csv", dataset, "http://127.0.0.1/x.csv"))
