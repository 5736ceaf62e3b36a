"""XLSX as offices make them: title rows, two header rows with merged group cells, section rows, skip_rows."""

from __future__ import annotations

import pyarrow as pa
import pytest
from openpyxl import Workbook

from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.readers import read_batches


def _workbook(path, rows, merges=()):
    book = Workbook()
    sheet = book.active
    sheet.title = "Bieu 01"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)


def _dataset(**fmt) -> Dataset:
    return Dataset.model_validate({
        "id": "hospital_beds", "title": "Giường bệnh", "publisher": "p", "theme": "health",
        "source": {"kind": "http", "url": "http://127.0.0.1/b.xlsx"}, "format": {"type": "xlsx", **fmt},
        "columns": {"Mã cơ sở": {"name": "facility_code", "type": "string"},
                    "Số giường_Kế hoạch": {"name": "beds_planned", "type": "integer"},
                    "Số giường_Thực kê": {"name": "beds_actual", "type": "integer"}},
    })


ROWS = [
    ["BÁO CÁO GIƯỜNG BỆNH THÁNG 7/2025", None, None, None],
    ["Mã cơ sở", "Tên cơ sở", "Số giường", None],
    [None, None, "Kế hoạch", "Thực kê"],
    ["(1)", "(2)", "(3)", "(4)"],
    ["THÀNH PHỐ HUẾ", None, None, None],
    ["00004", "Bệnh viện Trung ương Huế", 2078, 2500],
    ["00017", "Trung tâm Y tế Phú Vang", 150, 172],
    ["TỈNH QUẢNG TRỊ", None, None, None],
    ["00120", "Bệnh viện đa khoa tỉnh Quảng Trị", 800, 910],
    [None, None, None, None],
]


def test_two_header_rows_sections_and_skipped_rows(tmp_path):
    path = tmp_path / "b.xlsx"
    _workbook(path, ROWS, merges=["C2:D2", "A2:A3", "B2:B3"])
    dataset = _dataset(header_row=[2, 3], skip_rows=[4], section_column="province")
    table = pa.Table.from_batches(list(read_batches(path, "xlsx", dataset, "u")))
    assert table.to_pylist() == [
        {"facility_code": "00004", "ten_co_so": "Bệnh viện Trung ương Huế", "beds_planned": 2078, "beds_actual": 2500,
         "province": "THÀNH PHỐ HUẾ"},
        {"facility_code": "00017", "ten_co_so": "Trung tâm Y tế Phú Vang", "beds_planned": 150, "beds_actual": 172,
         "province": "THÀNH PHỐ HUẾ"},
        {"facility_code": "00120", "ten_co_so": "Bệnh viện đa khoa tỉnh Quảng Trị", "beds_planned": 800,
         "beds_actual": 910, "province": "TỈNH QUẢNG TRỊ"},
    ]


def test_bad_value_is_reported_at_its_sheet_row_after_sections(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[8][3] = "không rõ"
    path = tmp_path / "b.xlsx"
    _workbook(path, rows, merges=["C2:D2"])
    with pytest.raises(SourceError, match=r"sheet row 9.*'không rõ'"):
        list(read_batches(path, "xlsx", _dataset(header_row=[2, 3], skip_rows=[4]), "u"))


def test_a_lone_code_row_is_data_not_a_section(tmp_path):
    path = tmp_path / "s.xlsx"
    _workbook(path, [["Mã trạm", "AQI"], ["KK-TTH01", None], ["KK-TTH02", 51]])
    dataset = Dataset.model_validate({"id": "aq", "title": "t", "publisher": "p", "theme": "environment",
                                      "source": {"kind": "http", "url": "http://127.0.0.1/s.xlsx"}})
    table = pa.Table.from_batches(list(read_batches(path, "xlsx", dataset, "u")))
    assert table.column("ma_tram").to_pylist() == ["KK-TTH01", "KK-TTH02"]


@pytest.mark.parametrize("header_row", [[3, 2], [0], [1, 2, 3]])
def test_bad_header_rows_are_refused_at_load(header_row):
    with pytest.raises(ValueError, match="header_row"):
        _dataset(header_row=header_row)


def test_csv_refuses_xlsx_only_options(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    dataset = Dataset.model_validate({"id": "x", "title": "t", "publisher": "p", "theme": "other",
                                      "source": {"kind": "http", "url": "http://127.0.0.1/x.csv"},
                                      "format": {"type": "csv", "header_row": [1, 2]}})
    with pytest.raises(SourceError, match="XLSX"):
        list(read_batches(path, "csv", dataset, "u"))


def test_header_row_auto_finds_the_header_under_title_rows(tmp_path):
    path = tmp_path / "b.xlsx"
    _workbook(path, [["BÁO CÁO GIƯỜNG BỆNH"], ["Tháng 7/2025"], [],
                     ["Mã cơ sở", "Tên cơ sở", "Số giường"], ["00004", "Bệnh viện Trung ương Huế", 2078]])
    dataset = Dataset.model_validate({"id": "beds", "title": "t", "publisher": "p", "theme": "health",
                                      "source": {"kind": "http", "url": "http://127.0.0.1/b.xlsx"},
                                      "format": {"header_row": "auto"},
                                      "columns": {"Mã cơ sở": {"name": "facility_code", "type": "string"}}})
    rows = pa.Table.from_batches(list(read_batches(path, "xlsx", dataset, "u"))).to_pylist()
    assert rows == [{"facility_code": "00004", "ten_co_so": "Bệnh viện Trung ương Huế", "so_giuong": 2078}]


def test_header_row_auto_in_a_csv_with_title_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("DANH SÁCH TRƯỜNG HỌC,,\nNăm học 2025-2026,,\nMã trường,Tên trường,Số học sinh\n"
                    "046001,Trường THPT Quốc Học,1450\n", encoding="utf-8")
    dataset = Dataset.model_validate({"id": "schools", "title": "t", "publisher": "p", "theme": "education",
                                      "source": {"kind": "http", "url": "http://127.0.0.1/t.csv"},
                                      "format": {"type": "csv", "header_row": "auto", "encoding": "auto"},
                                      "columns": {"Mã trường": {"name": "school_code", "type": "string"}}})
    rows = pa.Table.from_batches(list(read_batches(path, "csv", dataset, "u"))).to_pylist()
    assert rows == [{"school_code": "046001", "ten_truong": "Trường THPT Quốc Học", "so_hoc_sinh": 1450}]
