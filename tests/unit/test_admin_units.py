"""Administrative unit reference data, crosswalk, Arrow column transform and the GX expectation."""

from __future__ import annotations

import csv
import gzip
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines import admin_units as au
from pipelines.errors import SourceError
from pipelines.types import Rejects

BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)


# --- the committed data file -------------------------------------------------------------------------------

def test_data_file_is_small_and_attributed():
    assert au.DATA.stat().st_size < 1_000_000
    notice = (au.DATA.parent / "NOTICE").read_text(encoding="utf-8")
    assert "vietnamadminunits" in notice and "MIT License" in notice
    assert "124/2004" in notice and "19/2025" in notice


def test_official_counts():
    assert len(au.valid_codes("province", AFTER)) == 34  # Decision 19/2025/QĐ-TTg
    assert len(au.valid_codes("province", BEFORE)) == 63
    assert len(au.valid_codes("ward", AFTER)) == 3_321
    assert len(au.valid_codes("ward", BEFORE)) == 10_035
    assert au.valid_codes("province", date(2030, 1, 1)) == au.valid_codes("province", AFTER)
    assert au.valid_codes("province", "2025-06-30") == au.valid_codes("province", BEFORE)


def test_codes_keep_leading_zeros():
    for when in (BEFORE, AFTER):
        assert {len(c) for c in au.valid_codes("province", when)} == {2}
        assert {len(c) for c in au.valid_codes("ward", when)} == {5}
        assert all(c.isdigit() for c in au.valid_codes("ward", when))
    assert "01" in au.valid_codes("province", AFTER) and "1" not in au.valid_codes("province", AFTER)
    assert "00004" in au.valid_codes("ward", AFTER)  # Phường Ba Đình, Hà Nội


def test_validity_across_the_reform():
    before, after = au.valid_codes("province", BEFORE), au.valid_codes("province", AFTER)
    assert after < before  # every 2025 province kept the code of one of the merged ones
    assert {"49", "45", "62", "64"} <= before - after
    assert {"46", "48", "44", "51", "52"} <= after


def test_rows_of_a_renamed_code():
    rows = [r for r in csv.DictReader(gzip.open(au.DATA, "rt", encoding="utf-8"))
            if r["level"] == "province" and r["code"] in ("44", "46")]
    by = {(r["code"], r["name"]): (r["valid_from"], r["valid_to"]) for r in rows}
    assert by[("44", "Tỉnh Quảng Bình")] == ("", "2025-06-30")
    assert by[("44", "Tỉnh Quảng Trị")] == ("2025-07-01", "")
    assert by[("46", "Thành phố Huế")] == ("", "")  # same code and name: one row valid across both


# --- crosswalk ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("legacy", "new"), [
    ("49", "48"),  # Quảng Nam → Đà Nẵng
    ("48", "48"),
    ("45", "44"),  # Quảng Trị (old code) → Quảng Trị 44
    ("44", "44"),  # Quảng Bình
    ("62", "51"),  # Kon Tum → Quảng Ngãi
    ("51", "51"),
    ("64", "52"),  # Gia Lai (old code) → Gia Lai 52
    ("52", "52"),  # Bình Định
    ("46", "46"),  # Huế unchanged
    ("01", "01"),
])
def test_province_crosswalk(legacy, new):
    assert au.to_2025(pa.array([legacy]), "province").to_pylist() == [new]


def test_every_legacy_unit_has_a_2025_unit():
    for level in au.LEVELS:
        mapped = au.to_2025(pa.array(sorted(au.valid_codes(level, BEFORE))), level)
        assert mapped.null_count == 0
        assert set(mapped.to_pylist()) <= au.valid_codes(level, AFTER)


def test_hue_wards():
    hue = {r["code"] for r in au.units().to_pylist() if r["level"] == "ward" and r["province"] == "46"}
    hue_2025 = hue & au.valid_codes("ward", AFTER)
    assert len(hue_2025) == 40  # domain.md: 40 commune-level units in Huế from 2025-07-01
    legacy = ["19750", "19768", "19780", "19792", "19803", "19813", "19867", "20110"]
    assert au.to_2025(pa.array(legacy), "ward").to_pylist() == [
        "19753",  # Tây Lộc → Phú Xuân
        "19753",  # Đông Ba → Phú Xuân
        "19789",  # Phường Đúc → Thuận Hóa
        "19777",  # Xuân Phú → Vỹ Dạ
        "19804",  # An Hòa → Hương An
        "19813",  # Thủy Xuân kept its code and name
        "19867",  # Thị trấn Sịa → Xã Quảng Điền (took Sịa's code)
        "20137",  # Thị trấn Lăng Cô → Xã Chân Mây - Lăng Cô
    ]
    assert "19750" in au.valid_codes("ward", BEFORE) and "19750" not in au.valid_codes("ward", AFTER)
    assert "19813" in au.valid_codes("ward", BEFORE) and "19813" in au.valid_codes("ward", AFTER)


def test_split_ward_that_kept_its_code_maps_to_itself():
    # Phường Xuân La (Hà Nội) was split; the new Phường Tây Hồ took its code 00103 (the source's
    # "default" successor is Xuân Đỉnh, but a code valid in 2025 means that 2025 unit).
    assert "00103" in au.valid_codes("ward", BEFORE) and "00103" in au.valid_codes("ward", AFTER)
    assert au.to_2025(pa.array(["00103"]), "ward").to_pylist() == ["00103"]


def test_to_2025_vectorised_and_unknowns():
    codes = pa.chunked_array([["49", None, "99"], ["46", "49", " 62 ", "", "4"]])
    assert au.to_2025(codes, "province").to_pylist() == ["48", None, None, "46", "48", "51", None, None]
    assert au.to_2025(pa.array([], pa.string()), "ward").to_pylist() == []
    big = pa.array(["45", "19750"] * 50_000)
    out = au.to_2025(big, "province")
    assert len(out) == 100_000 and out.null_count == 50_000
    with pytest.raises(TypeError, match="text"):
        au.to_2025(pa.array([1, 49]), "province")
    with pytest.raises(ValueError, match="level"):
        au.to_2025(pa.array(["01"]), "district")


# --- add_2025_columns ----------------------------------------------------------------------------------------

def test_add_2025_columns():
    batch = pa.record_batch({"tinh": ["49", "46", None], "xa": ["19750", "20110", "19813"], "n": [1, 2, 3]})
    out = au.add_2025_columns(batch, {"tinh": "province", "xa": "ward"})
    assert isinstance(out, pa.RecordBatch)
    assert out.schema.names == ["tinh", "xa", "n", "tinh_2025", "xa_2025"]
    assert out.column("tinh_2025").to_pylist() == ["48", "46", None]
    assert out.column("xa_2025").to_pylist() == ["19753", "20137", "19813"]
    table = au.add_2025_columns(pa.Table.from_batches([batch, batch]), {"tinh": "province"})
    assert table.column("tinh_2025").to_pylist() == ["48", "46", None] * 2


def test_add_2025_columns_unknown_code_raises():
    batch = pa.record_batch({"tinh": ["49", "46", "7"]})
    with pytest.raises(SourceError) as error:
        au.add_2025_columns(batch, {"tinh": "province"}, first_row=11, row_label="line", dataset="schools")
    message = str(error.value)
    assert error.value.row == 13 and "'7'" in message and "tinh" in message and "line 13" in message
    assert "schools" in message
    with pytest.raises(SourceError, match="not in the data"):
        au.add_2025_columns(batch, {"ma_xa": "ward"})


def test_add_2025_columns_unknown_codes_to_rejects():
    batch = pa.record_batch({"tinh": ["99", "46", None, "1"], "xa": ["19750", "00000", "19813", "19813"]})
    rejects = Rejects()
    out = au.add_2025_columns(batch, {"tinh": "province", "xa": "ward"}, rejects=rejects, first_row=2)
    assert out.column("tinh_2025").to_pylist() == [None, "46", None, None]
    assert out.column("xa_2025").to_pylist() == ["19753", None, "19813", "19813"]
    got = [(r["row"], r["column"], r["value"]) for r in rejects.table().to_pylist()]
    assert got == [(2, "tinh", "99"), (5, "tinh", "1"), (3, "xa", "00000")]
    assert rejects.rows[0]["row_label"] == "record" and "province code" in rejects.rows[0]["expected"]


# --- GX expectation ------------------------------------------------------------------------------------------

def _validate(values: list, **kwargs):
    import expectations.admin_units  # noqa: F401  (registers the expectation)
    from expectations.runner import validate
    from expectations.suites import ExpectationSpec, Suite

    table = pa.table({"code": pa.array(values, pa.string())})
    spec = ExpectationSpec("expect_column_values_to_be_valid_admin_unit_code", {"column": "code", **kwargs})
    suite = Suite("admin", Path("admin.json"), (spec,))

    def open_reader(columns):
        part = table.select(columns)
        return pa.RecordBatchReader.from_batches(part.schema, part.to_batches())

    return validate(suite, open_reader, table.schema)


def test_gx_province_code_49_valid_until_the_reform():
    assert _validate(["49", "46", None], level="province", as_of="2025-06-30").status == "passed"
    result = _validate(["49", "46", None], level="province", as_of="2025-07-01")
    assert result.status == "failed"
    outcome = result.outcomes[0].to_json()
    assert outcome["unexpected_count"] == 1 and outcome["element_count"] == 3
    assert outcome["sample_unexpected_values"] == ["49"] and outcome["sample_rows"] == [1]


def test_gx_ward_codes_and_result_json():
    values = ["19753", "19750", "1", "19753 ", "20137", "99999"]
    outcome = _validate(values, level="ward", as_of="2025-07-01").outcomes[0].to_json()
    assert outcome["success"] is False and outcome["error"] is None
    assert outcome["unexpected_count"] == 4
    assert outcome["sample_unexpected_values"] == ["19750", "1", "19753 ", "99999"]
    assert outcome["sample_rows"] == [2, 3, 4, 6]
    mostly = _validate(values, level="ward", as_of="2025-07-01", mostly=0.3)
    assert mostly.status == "passed"


def test_gx_rejects_bad_kwargs():
    import expectations.admin_units  # noqa: F401
    from expectations.runner import build_suite
    from expectations.suites import ExpectationSpec, Suite

    for kwargs in ({"level": "district", "as_of": "2025-07-01"}, {"level": "ward", "as_of": "01/07/2025"}):
        spec = ExpectationSpec("expect_column_values_to_be_valid_admin_unit_code", {"column": "c", **kwargs})
        with pytest.raises(Exception, match="level|as_of"):
            build_suite(Suite("bad", Path("bad.json"), (spec,)))
    assert expectations.admin_units.ExpectColumnValuesToBeValidAdminUnitCode  # registered class is importable
