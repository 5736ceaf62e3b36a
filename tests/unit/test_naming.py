"""pipelines.naming: ASCII snake_case column names from Vietnamese / camelCase headers."""

from __future__ import annotations

import unicodedata

import pytest
from dlt.common.normalizers.naming.snake_case import NamingConvention

from pipelines.naming import IDENTIFIER, column_names, snake_case

# Realistic headers from the region's portals and spreadsheets (see /work/shared/domain.md).
HEADERS = [
    "Mã cơ sở", "Tên cơ sở", "Loại hình", "Mã phường/xã", "Điện thoại", "Số giường bệnh", "Ngày cấp phép",
    "Vĩ độ", "Kinh độ", "Đường", "Công suất sử dụng giường (%)", "Giường kế hoạch", "Kỳ báo cáo",
    "Số ngày điều trị nội trú", "Tổng số lượt khách", "  Địa chỉ  ", "Mã KCB BHYT", "Lượt khách (nghìn)",
    "NO₂ (µg/m³)", "PM2.5", "Năm 2024", "2024", "1. Tên", "Thừa Thiên Huế", "Thủy", "Thuỷ",
    "placeID", "placeTitle", "soVeDon", "soVeTuyen", "customerType", "customerTypeName", "STT", "ID",
    "TheLoai", "createdAt", "updatedAt", "HTTPStatus", "dcterms:identifier", "hueod:downloadURL", "", "???",
]


@pytest.mark.parametrize(("header", "expected"), [
    ("Tên cơ sở", "ten_co_so"),
    ("Đường", "duong"),
    ("đường Lê Lợi", "duong_le_loi"),
    ("Mã phường/xã", "ma_phuong_xa"),
    ("Số giường bệnh", "so_giuong_benh"),
    ("Công suất sử dụng giường (%)", "cong_suat_su_dung_giuong"),
    ("  Địa chỉ  ", "dia_chi"),
    ("Thủy", "thuy"),
    ("Thuỷ", "thuy"),
    (unicodedata.normalize("NFD", "Tên cơ sở"), "ten_co_so"),  # decomposed (cp1258-decoded) input
    ("placeID", "place_id"),
    ("soVeDon", "so_ve_don"),
    ("customerTypeName", "customer_type_name"),
    ("TheLoai", "the_loai"),
    ("HTTPStatus", "http_status"),
    ("STT", "stt"),
    ("PM2.5", "pm2_5"),
    ("2024", "c_2024"),
    ("1. Tên", "c_1_ten"),
    ("", "column"),
    ("   ", "column"),
    ("(%)", "column"),
    ("__a__b__", "a_b"),
])
def test_snake_case(header, expected):
    assert snake_case(header) == expected


@pytest.mark.parametrize("header", HEADERS)
def test_snake_case_is_an_identifier_dlt_keeps(header):
    name = snake_case(header)
    assert IDENTIFIER.match(name), name
    assert name.isascii()
    assert NamingConvention().normalize_identifier(name) == name


def test_column_names_of_all_headers_are_unique_and_stable_under_dlt():
    names = column_names(HEADERS, {"Mã cơ sở": "facility_code"})
    assert len(names) == len(HEADERS) == len(set(names))
    convention = NamingConvention()
    assert [convention.normalize_identifier(n) for n in names] == names
    # the two spellings of Thủy/Thuỷ and the two unnamed columns collide and get suffixes, in order
    assert names[HEADERS.index("Thủy")] == "thuy"
    assert names[HEADERS.index("Thuỷ")] == "thuy_2"
    assert names[HEADERS.index("")] == "column"
    assert names[HEADERS.index("???")] == "column_2"


@pytest.mark.parametrize(("headers", "renames", "expected"), [
    (["Mã cơ sở", "Tên cơ sở"], {}, ["ma_co_so", "ten_co_so"]),
    # explicit renames win over snake_case
    (["Mã cơ sở", "Tên cơ sở"], {"Mã cơ sở": "facility_code"}, ["facility_code", "ten_co_so"]),
    # de-duplication: second and third occurrences get _2, _3
    (["Điện thoại", "Điện  thoại", "điện thoại"], {}, ["dien_thoai", "dien_thoai_2", "dien_thoai_3"]),
    # a rename's target is reserved even when the renamed header comes later
    (["code", "Mã"], {"Mã": "code"}, ["code_2", "code"]),
    # a generated suffix never collides with a header that already ends in _2
    (["a", "A", "a_2"], {}, ["a", "a_2", "a_2_2"]),
    ([], {}, []),
])
def test_column_names(headers, renames, expected):
    assert column_names(headers, renames) == expected
