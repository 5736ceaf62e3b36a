"""pipelines.readers: CSV / JSON / XLSX / Parquet files → Arrow batches with registry names and types."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.readers import delimited
from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.readers import detect_type, read_batches
from tests.support.text import cp1258

URL = "https://data.hue.gov.vn/files/source"
FACILITY_COLUMNS = {"Mã cơ sở": {"name": "facility_code", "type": "string"},
                    "Số giường bệnh": {"name": "beds", "type": "integer"}}


def make_dataset(columns: dict | None = None, **fmt) -> Dataset:
    return Dataset.model_validate({
        "id": "health_facilities", "title": "Cơ sở khám bệnh, chữa bệnh", "publisher": "so-y-te", "theme": "health",
        "source": {"kind": "http", "url": URL}, "format": fmt, "columns": columns or {}})


def read(path, kind: str, dataset: Dataset) -> pa.Table | None:
    batches = list(read_batches(path, kind, dataset, URL))
    return pa.Table.from_batches(batches) if batches else None


def read_error(path, kind: str, dataset: Dataset) -> SourceError:
    with pytest.raises(SourceError) as info:
        read(path, kind, dataset)
    assert info.value.dataset == "health_facilities"
    return info.value


def nfc(rows: list[dict]) -> list[dict]:
    return [{k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]


FACILITIES_CSV = "Mã cơ sở,Tên cơ sở,Số giường bệnh\n46001,Bệnh viện Trung ương Huế,2000\n00004,Trạm y tế phường Phú Hội,\n"
FACILITIES_ROWS = [{"facility_code": "46001", "ten_co_so": "Bệnh viện Trung ương Huế", "beds": 2000},
                   {"facility_code": "00004", "ten_co_so": "Trạm y tế phường Phú Hội", "beds": None}]


# --------------------------------------------------------------------------------------------------- CSV
@pytest.mark.parametrize(("content", "fmt"), [
    (FACILITIES_CSV.encode(), {}),
    (FACILITIES_CSV.replace(",", ";").encode(), {"delimiter": ";"}),
    (b"\xef\xbb\xbf" + FACILITIES_CSV.encode(), {}),  # Excel's UTF-8 BOM
    (b"\xef\xbb\xbf" + FACILITIES_CSV.encode(), {"encoding": "utf-8-sig"}),
    (FACILITIES_CSV.replace("\n", "\r\n").encode(), {}),
    (("BÁO CÁO CƠ SỞ Y TẾ 2025\n" + FACILITIES_CSV).encode(), {"header_row": 2}),
])
def test_csv_variants(tmp_path, content, fmt):
    path = tmp_path / "co-so.csv"
    path.write_bytes(content)
    table = read(path, "csv", make_dataset(FACILITY_COLUMNS, **fmt))
    assert table.schema == pa.schema([("facility_code", pa.string()), ("ten_co_so", pa.string()), ("beds", pa.int64())])
    assert table.to_pylist() == FACILITIES_ROWS


def test_csv_undeclared_columns_keep_inferred_types(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Mã phường/xã,Vĩ độ,Ghi chú\n19753,16.46,\n19754,16.47,x\n", encoding="utf-8")
    table = read(path, "csv", make_dataset())
    assert table.column_names == ["ma_phuong_xa", "vi_do", "ghi_chu"]
    assert table.to_pylist() == [{"ma_phuong_xa": 19753, "vi_do": 16.46, "ghi_chu": None},
                                 {"ma_phuong_xa": 19754, "vi_do": 16.47, "ghi_chu": "x"}]


def test_csv_cp1258(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(cp1258(FACILITIES_CSV))
    table = read(path, "csv", make_dataset(encoding="cp1258"))
    assert table.column_names == ["ma_co_so", "ten_co_so", "so_giuong_benh"]
    assert nfc(table.to_pylist())[0] == {"ma_co_so": 46001, "ten_co_so": "Bệnh viện Trung ương Huế", "so_giuong_benh": 2000}


def test_csv_cp1258_with_declared_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(cp1258(FACILITIES_CSV))
    table = read(path, "csv", make_dataset(FACILITY_COLUMNS, encoding="cp1258"))
    assert nfc(table.to_pylist()) == FACILITIES_ROWS


def test_csv_header_with_trailing_space_keeps_declared_type(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Mã cơ sở ,Tên cơ sở\n00004,Trạm y tế\n", encoding="utf-8")
    table = read(path, "csv", make_dataset({"Mã cơ sở": {"name": "facility_code", "type": "string"}}))
    assert table.to_pylist() == [{"facility_code": "00004", "ten_co_so": "Trạm y tế"}]


def test_csv_declared_column_missing_lists_headers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Mã,Tên\n1,a\n", encoding="utf-8")
    error = read_error(path, "csv", make_dataset(FACILITY_COLUMNS))
    assert error.url == URL
    assert "'Mã cơ sở'" in str(error) and "'Số giường bệnh'" in str(error) and "['Mã', 'Tên']" in str(error)


@pytest.mark.parametrize("content", [
    b"<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>",
    b"\xef\xbb\xbf  \n<html lang='vi'><head><title>Dang nhap</title></head></html>",
    b"<?xml version='1.0'?><rdf:RDF/>",
])
def test_html_page_instead_of_data(tmp_path, content):
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    error = read_error(path, "csv", make_dataset())
    assert "HTML" in str(error) and "CSV" in str(error) and error.url == URL


def test_empty_file(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    assert "empty" in str(read_error(path, "csv", make_dataset()))


@pytest.mark.parametrize(("content", "fmt", "row"), [
    ("a,b\n1,2\n3,x\n", {}, 3),
    ("Tiêu đề\na,b\n1,2\n3,4\n5,x\n", {"header_row": 2}, 5),
])
def test_csv_cast_error_names_file_line(tmp_path, content, fmt, row):
    path = tmp_path / "a.csv"
    path.write_text(content, encoding="utf-8")
    error = read_error(path, "csv", make_dataset({"b": {"type": "integer"}}, **fmt))
    assert error.row == row and "'x'" in str(error) and "'b'" in str(error)
    assert error.row_label == "line" and f"line {row}:" in str(error) and error.url == URL


def test_csv_rows_counted_across_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(delimited, "CSV_BLOCK", 64)
    lines = [f"{i:05d},{i}" for i in range(1, 200)] + ["00200,x"]
    path = tmp_path / "a.csv"
    path.write_text("code,n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    batches = list(read_batches(path, "csv", make_dataset({"code": {"type": "string"}, "n": {"type": "string"}}), URL))
    assert len(batches) > 5
    table = pa.Table.from_batches(batches)
    assert table.column("code").to_pylist() == [f"{i:05d}" for i in range(1, 201)]
    error = read_error(path, "csv", make_dataset({"code": {"type": "string"}, "n": {"type": "integer"}}))
    assert error.row == 201 and "'x'" in str(error)  # file line of "00200,x", counted across batches


def test_csv_undeclared_column_text_after_first_block(tmp_path, monkeypatch):
    monkeypatch.setattr(delimited, "CSV_BLOCK", 64)
    path = tmp_path / "a.csv"
    path.write_text("Mã,Ghi chú\n" + "".join(f"{i},\n" for i in range(100)) + "100,đã sáp nhập\n", encoding="utf-8")
    values = [v for b in read_batches(path, "csv", make_dataset(), URL) for v in b.column(1).to_pylist()]
    assert len(values) == 101 and values[-1] == "đã sáp nhập"


def test_invalid_utf8_in_header(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("Mã cơ sở,".encode("cp1258", "replace") + "T\xean\n1,a\n".encode("latin-1"))
    error = read_error(path, "csv", make_dataset())
    assert "utf-8" in str(error) and "cp1258" in str(error) and error.row == 1 and "line 1:" in str(error)


def test_invalid_utf8_in_declared_column_names_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"code,name\n1,Hue\n2,Da Nang\n3,Hu\xea\n")
    error = read_error(path, "csv", make_dataset({"name": {"type": "string"}}))
    assert "utf-8" in str(error) and "'name'" in str(error)
    assert error.row == 4 and "line 4:" in str(error)


def test_invalid_utf8_in_undeclared_column(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"code,name\n1,Hue\n2,Da Nang\n3,Hu\xea\n")
    error = read_error(path, "csv", make_dataset())
    assert "utf-8" in str(error) and error.row == 4


@pytest.mark.parametrize(("kind", "row"), [("string", 5), ("integer", 5)])
def test_invalid_utf8_after_the_first_block_names_line(tmp_path, monkeypatch, kind, row):
    # the first block types the column (text or numbers); the bad bytes come in a later block
    monkeypatch.setattr(delimited, "CSV_BLOCK", 64)
    values = [f"n{i}" if kind == "string" else str(i) for i in range(100)]
    path = tmp_path / "a.csv"
    path.write_bytes(("code,name\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values))).encode() + b"3,Hu\xea\n")
    error = read_error(path, "csv", make_dataset())
    assert "utf-8" in str(error) and "'name'" in str(error) and error.row == 102


def test_cp1258_undecodable_byte_names_line(tmp_path, monkeypatch):
    monkeypatch.setattr(delimited, "CSV_BLOCK", 64)
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n" + b"1,a\n" * 100 + b"2,\x8d\n")  # 0x8d is unassigned in cp1258
    error = read_error(path, "csv", make_dataset(encoding="cp1258"))
    assert "cp1258" in str(error) and error.row == 102 and error.row_label == "line"


def test_csv_column_empty_in_the_whole_file_is_text(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Mã,Ghi chú\n1,\n2,\n", encoding="utf-8")
    table = read(path, "csv", make_dataset())
    assert table.schema == pa.schema([("ma", pa.int64()), ("ghi_chu", pa.string())])


@pytest.mark.parametrize(("fmt", "later"), [({"delimiter": ";"}, "12,5"), ({}, "đã sáp nhập")])
def test_csv_inferred_type_broken_later_names_column_line_and_remedy(tmp_path, monkeypatch, fmt, later):
    monkeypatch.setattr(delimited, "CSV_BLOCK", 64)
    sep = fmt.get("delimiter", ",")
    path = tmp_path / "a.csv"
    path.write_text(f"Mã{sep}Số lượng\n" + "".join(f"{i}{sep}{i}\n" for i in range(100)) + f"100{sep}{later}\n",
                    encoding="utf-8")
    error = read_error(path, "csv", make_dataset(**fmt))
    message = str(error)
    assert error.row == 102 and "line 102:" in message
    assert "'Số lượng'" in message and repr(later) in message and "integer" in message
    assert "columns" in message and "type: string" in message and "type: float" in message


def test_csv_declared_type_of_a_header_with_spaces_names_bad_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Mã cơ sở ,Tên\n1,a\nx,b\n", encoding="utf-8")
    error = read_error(path, "csv", make_dataset({"Mã cơ sở": {"type": "integer"}}))
    assert error.row == 3 and "'x'" in str(error) and "'Mã cơ sở'" in str(error)


def test_csv_timestamp_error_names_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a,Thời điểm\n1,2025-01-01 10:00\n2,hôm qua\n", encoding="utf-8")
    error = read_error(path, "csv", make_dataset({"Thời điểm": {"type": "timestamp"}}))
    assert error.row == 3 and "line 3:" in str(error) and "'hôm qua'" in str(error) and error.url == URL


# -------------------------------------------------------------------------------------------------- JSON
TICKETS = [{"placeID": 1, "placeTitle": "Đại Nội", "soVeDon": "200000", "customerType": "NL"},
           {"placeID": 2, "placeTitle": "Lăng Tự Đức", "soVeDon": " 150000 ", "customerType": None,
            "tags": ["lăng", "di sản"], "meta": {"k": 1}}]
TICKET_ROWS = [
    {"place_id": 1, "place_title": "Đại Nội", "single_ticket_vnd": 200000, "customer_type": "NL", "tags": None,
     "meta": None},
    {"place_id": 2, "place_title": "Lăng Tự Đức", "single_ticket_vnd": 150000, "customer_type": None,
     "tags": '["lăng", "di sản"]', "meta": '{"k": 1}'},
]
TICKET_COLUMNS = {"soVeDon": {"name": "single_ticket_vnd", "type": "integer"}}


@pytest.mark.parametrize(("document", "records"), [
    ({"code": 200, "message": "OK", "data": TICKETS, "hienthi": 1}, "data"),
    (TICKETS, None),
    ({"result": {"totalCount": 2, "newsList": TICKETS}}, "result.newsList"),
])
def test_json_records(tmp_path, document, records):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    table = read(path, "json", make_dataset(TICKET_COLUMNS, records=records))
    assert table.to_pylist() == TICKET_ROWS


def test_json_codes_stay_strings(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"ma": "00004", "n": 1}, {"ma": "46001", "n": 2.5}]), encoding="utf-8")
    table = read(path, "json", make_dataset())
    assert table.schema == pa.schema([("ma", pa.string()), ("n", pa.float64())])
    assert table.column("ma").to_pylist() == ["00004", "46001"]


def test_json_empty_list_yields_nothing(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"data": [], "totalRows": 0}', encoding="utf-8")
    assert read(path, "json", make_dataset(records="data")) is None


def test_json_object_without_records_lists_keys(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"code": 200, "message": "OK", "data": TICKETS}), encoding="utf-8")
    message = str(read_error(path, "json", make_dataset()))
    assert "['code', 'message', 'data']" in message and "format.records" in message


@pytest.mark.parametrize(("records", "fragments"), [
    ("rows", ["'rows'", "['code', 'message', 'data']"]),
    ("data.items", ["'data.items'", "'items'", "list"]),
    ("message", ["not a list"]),
])
def test_json_wrong_records_path(tmp_path, records, fragments):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"code": 200, "message": "OK", "data": TICKETS}), encoding="utf-8")
    message = str(read_error(path, "json", make_dataset(records=records)))
    for fragment in fragments:
        assert fragment in message


def test_json_not_json(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"data": [', encoding="utf-8")
    assert "not valid JSON" in str(read_error(path, "json", make_dataset()))


def test_json_cast_error_names_record_number(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"soVeDon": "200000"}, {"soVeDon": "miễn phí"}]), encoding="utf-8")
    error = read_error(path, "json", make_dataset(TICKET_COLUMNS))
    assert "'miễn phí'" in str(error)
    assert error.row == 2 and "record 2:" in str(error)


# -------------------------------------------------------------------------------------------------- XLSX
def workbook(path, sheets: dict[str, list[list]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


BEDS_SHEET = [
    ["BÁO CÁO CÔNG SUẤT GIƯỜNG BỆNH NĂM 2025"],
    ["Mã cơ sở", "Tên cơ sở", "Kỳ báo cáo", "Giường kế hoạch", "Công suất (%)", None, None],
    ["46001", "Bệnh viện Trung ương Huế", dt.date(2025, 1, 1), 2000, 95.5, None, None],
    ["46002", "Bệnh viện Đa khoa", dt.datetime(2025, 2, 1), 500, 80, None, ""],
    ["00004", "Trạm y tế", dt.date(2025, 3, 1), None, 70.25],
]
BEDS_COLUMNS = {"Mã cơ sở": {"name": "facility_code", "type": "string"}, "Kỳ báo cáo": {"name": "report_month", "type": "date"},
                "Giường kế hoạch": {"name": "beds_planned", "type": "integer"}}
BEDS_ROWS = [
    {"facility_code": "46001", "ten_co_so": "Bệnh viện Trung ương Huế", "report_month": dt.date(2025, 1, 1),
     "beds_planned": 2000, "cong_suat": 95.5},
    {"facility_code": "46002", "ten_co_so": "Bệnh viện Đa khoa", "report_month": dt.date(2025, 2, 1),
     "beds_planned": 500, "cong_suat": 80.0},
    {"facility_code": "00004", "ten_co_so": "Trạm y tế", "report_month": dt.date(2025, 3, 1),
     "beds_planned": None, "cong_suat": 70.25},
]


def test_xlsx_named_sheet_header_row_2(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"Tổng hợp": [["x"]], "Giường bệnh": BEDS_SHEET})
    table = read(path, "xlsx", make_dataset(BEDS_COLUMNS, sheet="Giường bệnh", header_row=2))
    assert table.schema == pa.schema([("facility_code", pa.string()), ("ten_co_so", pa.string()),
                                      ("report_month", pa.date32()), ("beds_planned", pa.int64()),
                                      ("cong_suat", pa.float64())])
    assert table.to_pylist() == BEDS_ROWS  # empty trailing columns are dropped


def test_xlsx_first_sheet_is_the_default_and_numbers_become_codes(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"Sheet": [["Mã", "Số"], [4600, 1.5], [46002, 2], [None, None], [19753, 3]],
                                          "Other": [["x"]]})
    table = read(path, "xlsx", make_dataset({"Mã": {"type": "string"}}))
    assert table.to_pylist() == [{"ma": "4600", "so": 1.5}, {"ma": "46002", "so": 2.0}, {"ma": "19753", "so": 3.0}]


def test_xlsx_missing_sheet_lists_sheets(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"Tổng hợp": [["x"]], "Giường bệnh": BEDS_SHEET})
    message = str(read_error(path, "xlsx", make_dataset(sheet="Sheet1")))
    assert "'Sheet1'" in message and "['Tổng hợp', 'Giường bệnh']" in message


def test_xlsx_declared_column_missing(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"S": BEDS_SHEET})
    message = str(read_error(path, "xlsx", make_dataset(BEDS_COLUMNS)))  # header_row 1 is the title row
    assert "'Mã cơ sở'" in message and "BÁO CÁO" in message


def test_xlsx_not_a_workbook(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert "XLSX" in str(read_error(path, "xlsx", make_dataset()))


def test_xlsx_cast_error_names_sheet_row(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"S": [["Tiêu đề"], ["Mã", "Ngày"], ["1", "2025-01-01"], ["2", "1/2/2025"]]})
    error = read_error(path, "xlsx", make_dataset({"Ngày": {"type": "date"}}, header_row=2))
    assert error.row == 4 and "'1/2/2025'" in str(error) and "sheet row 4:" in str(error)


def test_xlsx_cast_error_row_after_blank_row(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"S": [["Mã", "Ngày"], ["1", "2025-01-01"], [None, None], ["2", "1/2/2025"]]})
    error = read_error(path, "xlsx", make_dataset({"Ngày": {"type": "date"}}))
    assert error.row == 4


def test_xlsx_mixed_code_column_has_no_float_suffix(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"S": [["Mã cơ sở"], ["00004"], [46002]]})
    table = read(path, "xlsx", make_dataset({"Mã cơ sở": {"name": "facility_code", "type": "string"}}))
    assert table.column("facility_code").to_pylist() == ["00004", "46002"]


def test_xlsx_undeclared_mixed_column_is_text_without_float_suffix(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"S": [["Mã"], ["00004"], [46002], [1.5], [None], ["x"]]})
    table = read(path, "xlsx", make_dataset())
    assert table.column("ma").to_pylist() == ["00004", "46002", "1.5", "x"]


def test_xlsx_bad_cell_in_numeric_column_is_the_one_reported(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"S": [["Giường"], [2000], [500], ["không rõ"]]})
    error = read_error(path, "xlsx", make_dataset({"Giường": {"type": "integer"}}))
    assert "'không rõ'" in str(error) and error.row == 4


# ----------------------------------------------------------------------------------------------- Parquet
def test_parquet(tmp_path):
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"Mã trạm": ["KK-TTH01", "KK-TTH01", "KK-ĐN01"], "VN_AQI": [50, None, 70],
                             "PM2.5": [12.5, None, 3.0], "Ngày": ["2025-01-01", " 2025-01-02 ", ""]}),
                   path, row_group_size=2)
    table = read(path, "parquet", make_dataset({"Mã trạm": {"name": "station_code"}, "Ngày": {"type": "date"}}))
    assert table.schema == pa.schema([("station_code", pa.string()), ("vn_aqi", pa.int64()),
                                      ("pm2_5", pa.float64()), ("ngay", pa.date32())])
    assert table.to_pylist() == [
        {"station_code": "KK-TTH01", "vn_aqi": 50, "pm2_5": 12.5, "ngay": dt.date(2025, 1, 1)},
        {"station_code": "KK-TTH01", "vn_aqi": None, "pm2_5": None, "ngay": dt.date(2025, 1, 2)},
        {"station_code": "KK-ĐN01", "vn_aqi": 70, "pm2_5": 3.0, "ngay": None},
    ]


def test_parquet_errors(tmp_path):
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"aqi": ["50", "61", "n/a"]}), path)
    error = read_error(path, "parquet", make_dataset({"aqi": {"type": "integer"}}))
    assert error.row == 3 and "'n/a'" in str(error) and "record 3:" in str(error)
    assert "'pm10'" in str(read_error(path, "parquet", make_dataset({"pm10": {"type": "float"}})))
    broken = tmp_path / "b.parquet"
    broken.write_bytes(b"PAR1 truncated")
    assert "Parquet" in str(read_error(broken, "parquet", make_dataset()))


# ----------------------------------------------------------------------------------------------- formats
@pytest.mark.parametrize(("fmt", "url", "content_type", "kind"), [
    ({"type": "json"}, "https://x/a.csv", "text/csv", "json"),
    ({}, "https://x/Co-So.CSV?token=1", "", "csv"),
    ({}, "https://x/a.xlsx", "", "xlsx"),
    ({}, "https://x/api/data", "application/json; charset=utf-8", "json"),
    ({}, "https://x/download", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ({}, "https://x/a.parquet", "application/octet-stream", "parquet"),
])
def test_detect_type(fmt, url, content_type, kind):
    assert detect_type(make_dataset(**fmt), url, content_type) == kind


def test_detect_type_unknown():
    with pytest.raises(SourceError, match="format.type"):
        detect_type(make_dataset(), "https://x/download", "application/octet-stream")
