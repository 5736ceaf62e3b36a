"""warehouse.leak_guard: undeclared phones, citizen IDs, emails and birth dates in open/shared batches."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from warehouse.leak_guard import Finding, LeakGuard, PersonalDataLeak, mask


def batch(**columns) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({k: v if isinstance(v, pa.Array) else pa.array(v, pa.string())
                                       for k, v in columns.items()})


def scan(*batches: pa.RecordBatch, declared: set[str] = frozenset(), **kw) -> LeakGuard:
    guard = LeakGuard("tour_guides", batches[0].schema, set(declared), **kw)
    for b in batches:
        guard.scan(b)
    return guard


PHONES = ["0905 123 412", "0234 3822 123", "090.123.4567", "+84 90 123 4567", "84785123456", "(0236) 3821 456",
          "0339-123-456", "024 3825 1234", None, "   "]


def test_phone_numbers_in_several_formats_are_found_and_reported_masked():
    guard = scan(batch(ten_co_so=["Nhà hàng Hương Giang"] * 10, so_dien_thoai=PHONES))
    assert guard.findings() == [Finding("so_dien_thoai", "phone", 8, 8, "09******12")]
    with pytest.raises(PersonalDataLeak) as err:
        guard.raise_if_found()
    assert str(err.value) == (
        "dataset 'tour_guides' is shared/open but column 'so_dien_thoai' holds phone numbers (8 of 8 values, "
        "e.g. 09******12) not declared under personal_data: declare a treatment (drop | pseudonymize | generalize) "
        "or `keep` with a reason")
    assert "0905" not in str(err.value)


def test_one_line_per_column_and_the_sharing_class_in_the_message():
    guard = scan(batch(dien_thoai=["0905123412"] * 3, cccd=["046095001234", "048190004567", "044301000123"],
                       thu_dien_tu=["huong.nt@gmail.com", "duc.tv@hue.gov.vn", "Không có"]), sharing="open")
    assert [(f.column, f.kind, f.matches, f.checked) for f in guard.findings()] == [
        ("dien_thoai", "phone", 3, 3), ("cccd", "citizen_id", 3, 3), ("thu_dien_tu", "email", 2, 3)]
    with pytest.raises(PersonalDataLeak) as err:
        guard.raise_if_found()
    lines = str(err.value).splitlines()
    assert len(lines) == 3
    assert all(line.startswith("dataset 'tour_guides' is open but column '") for line in lines)
    assert "citizen ID numbers (CCCD/CMND) (3 of 3 values, e.g. 04********34)" in lines[1]
    assert "email addresses (2 of 3 values, e.g. h***@gmail.com)" in lines[2]


def test_declared_and_lineage_columns_are_not_scanned():
    b = batch(so_dien_thoai=["0905123412"] * 3, _run_id=["0905123412"] * 3, _note=["a@b.vn"] * 3)
    guard = scan(b, declared={"so_dien_thoai"})
    assert guard.columns == []
    guard.raise_if_found()


def test_nine_digit_cmnd_only_counts_when_the_column_name_says_id():
    numbers = ["191234567", "201987654", "046095001234"]
    guard = scan(batch(so_cmnd=numbers, ma_ho_so=numbers, **{"Số CCCD": numbers}))
    found = {f.column: (f.kind, f.matches) for f in guard.findings()}
    assert found == {"so_cmnd": ("citizen_id", 3), "Số CCCD": ("citizen_id", 3), "ma_ho_so": ("citizen_id", 1)}


def test_birth_dates_need_a_birth_name():
    born = [dt.date(1995, 3, 7), dt.date(1990, 12, 31), None]
    guard = scan(batch(ngay_sinh=pa.array(born), ngay_mo_cua=pa.array(born),
                       ngaySinh=["07/03/1995", "31-12-1990", "1988-01-02"], date_of_birth=["7.3.1995", "", None],
                       nam_sinh=["1995", "1990", "1988"], ngay_cap_nhat=["2024-05-01", "2024-05-02", "2024-06-30"]))
    found = {f.column: (f.kind, f.matches, f.checked, f.example) for f in guard.findings()}
    assert found == {"ngay_sinh": ("birth_date", 2, 2, "****-**-**"), "ngaySinh": ("birth_date", 3, 3, "**/**/****"),
                     "date_of_birth": ("birth_date", 1, 1, "*.*.****")}


@pytest.mark.parametrize(("name", "values"), [
    ("ma_giao_dich", ["123456789012", "987654321098", "097000000001", "500012345678"]),  # first 3 digits > 096
    ("ma_so", ["0123456789", "0412345678", "0612345678", "0234567890"]),  # 0[1246] are not mobile prefixes
    ("duong_day_nong", ["1900 1234", "1800 599 920", "1900.1234", "113"]),
    ("ma_buu_chinh", ["530000", "550000", "560000", "520000"]),
    ("ma_xa", ["19753", "20194", "20197", "00004"]),
    ("ngay_cap_nhat", ["2024-05-01", "2024-05-02", "01/06/2024", "2024-06-30T08:00:00"]),
    ("ghi_chu", ["Liên hệ 0905 123 412 giờ hành chính", "gọi 0234 3822 123", "email: a@b.vn nhé", "Không"]),
    ("ma_so_thue", ["3300101406", "0401234567", "4000123456", "3301234567"]),
    ("toa_do", ["16.4637, 107.5909", "16.0544,108.2022", "15.8801 108.3380", "0.9051234567"]),
])
def test_codes_hotlines_dates_and_notes_are_not_flagged(name, values):
    guard = scan(batch(**{name: values}))
    assert guard.findings() == []
    guard.raise_if_found()


def test_a_notes_column_whose_values_are_phone_numbers_is_flagged():
    notes = ["0905123412", "0914 555 666", "liên hệ sau", "0234 3822 123"]
    assert [f.matches for f in scan(batch(ghi_chu=notes)).findings()] == [3]


@pytest.mark.parametrize(("threshold", "flagged"), [(0.3, True), (0.31, False), (0.2, True), (1.0, False)])
def test_threshold_is_a_share_of_non_blank_values(threshold, flagged):
    values = ["0905123412"] * 3 + ["Huế"] * 7 + [None, "", "  "]
    guard = scan(batch(lien_he=values), threshold=threshold)
    assert bool(guard.findings()) is flagged
    if flagged:
        assert guard.findings()[0].checked == 10


def test_counts_accumulate_over_batches():
    clean = batch(lien_he=["Huế"] * 8)
    dirty = batch(lien_he=["0905123412", "0905123499", "Đà Nẵng", None])
    guard = scan(clean, dirty)
    assert guard.findings() == []
    guard.scan(dirty)
    assert guard.findings() == []  # 4 of 14: under 30%
    guard.scan(dirty)
    assert guard.findings() == [Finding("lien_he", "phone", 6, 17, "09******12")]


def test_the_most_frequent_kind_is_reported():
    values = ["huong@gmail.com", "duc@gmail.com", "0905123412", "tam@hue.gov.vn"]
    assert [f.kind for f in scan(batch(lien_he=values)).findings()] == ["email"]


def test_bad_threshold():
    with pytest.raises(ValueError, match="threshold"):
        LeakGuard("x", pa.schema([("a", pa.string())]), set(), threshold=0)


@pytest.mark.parametrize(("value", "kind", "masked"), [
    ("0905 123 412", "phone", "09******12"), ("046095001234", "citizen_id", "04********34"),
    ("nguyen.van.an@gmail.com", "email", "n***@gmail.com"), ("1995-03-07", "birth_date", "****-**-**"),
])
def test_mask(value, kind, masked):
    assert mask(value, kind) == masked


def test_a_million_rows_in_one_batch():
    n = 1_000_000
    phones = pa.array([f"09{i:08d}" if i % 2 else "Huế" for i in range(n)])
    codes = pa.array([f"{46000 + i % 40:05d}" for i in range(n)])
    guard = scan(batch(so_dien_thoai=phones, ma_xa=codes, ghi_chu=phones))
    assert [(f.column, f.matches, f.checked) for f in guard.findings()] == [
        ("so_dien_thoai", n // 2, n), ("ghi_chu", n // 2, n)]
