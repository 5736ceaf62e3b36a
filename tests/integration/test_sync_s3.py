"""The whole pipeline against a fixture portal and a moto S3 warehouse on loopback, read back as a partner."""

from __future__ import annotations

import io
import json
import unicodedata

import pytest
from openpyxl import Workbook

from tests.support.project import expectation, write_project
from tests.support.runs import check_evaluations, sync
from tests.support.text import cp1258
from warehouse.reader import PublishedWarehouse
from warehouse.store import Warehouse

pytestmark = pytest.mark.integration

FACILITIES = (
    "Mã cơ sở,Tên cơ sở,Mã phường/xã,Số giường bệnh\n"
    "00001,Bệnh viện Trung ương Huế,19768,2078\n"
    # decomposed (NFD) on purpose: curated text must come out NFC
    f"00002,{unicodedata.normalize('NFD', 'Trạm y tế phường Thuận Hoá')},00123,12\n"
)


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["DANH SÁCH TRƯỜNG HỌC NĂM HỌC 2025-2026"])
    sheet.append(["Mã trường", "Tên trường", "Số học sinh"])
    sheet.append(["046001", "Trường THPT Quốc Học", 1450])
    sheet.append(["046002", "Trường THCS Nguyễn Tri Phương", 980])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DATASETS = [
    {"id": "health_facilities", "title": "Cơ sở khám chữa bệnh", "publisher": "so-y-te", "theme": "health",
     "source": {"kind": "http", "url": "${HUE_PORTAL}/files/co-so-y-te.csv"},
     "columns": {"Mã cơ sở": {"name": "facility_code", "type": "string"},
                 "Mã phường/xã": {"name": "ward_code", "type": "string"}, "Số giường bệnh": {"name": "beds", "type": "integer"},
                 "Tên cơ sở": {"normalize": "vi_key"}},
     "primary_key": ["facility_code"]},
    {"id": "festivals", "title": "Lễ hội truyền thống", "publisher": "so-van-hoa-the-thao", "theme": "culture",
     "source": {"kind": "ckan", "portal": "${HUE_PORTAL}", "package": "le-hoi", "resource": "le-hoi-json"},
     "format": {"type": "json", "records": "data"}, "primary_key": ["festival_id"],
     "columns": {"ID": {"name": "festival_id", "type": "string"}}},
    {"id": "schools", "title": "Trường học", "publisher": "so-giao-duc-dao-tao", "theme": "education",
     "source": {"kind": "http", "url": "${HUE_PORTAL}/files/truong-hoc.xlsx"},
     "format": {"type": "xlsx", "sheet": "Danh sách", "header_row": 2},
     "columns": {"Mã trường": {"name": "school_code", "type": "string"}}, "write": "replace"},
]
SUITES = {
    "health_facilities": [expectation("expect_column_values_to_match_regex", column="ward_code", regex=r"^\d{5}$"),
                          expectation("expect_column_values_to_be_between", "warning", column="beds", min_value=0, max_value=5000)],
    "festivals": [expectation("expect_column_values_to_not_be_null", column="ten_le_hoi")],
    "schools": [expectation("expect_table_row_count_to_be_between", min_value=1, max_value=1000)],
}


@pytest.fixture
def estate(project_root, portal, s3_warehouse, monkeypatch):
    monkeypatch.setenv("HUE_PORTAL", portal.url)
    write_project(project_root, DATASETS, SUITES)
    portal.put("co-so-y-te.csv", FACILITIES)
    festivals = {"code": 200, "message": "Thành công", "data": [
        {"ID": "001", "Tên lễ hội": "Festival Huế", "Thời gian": "2026-06-01"},
        {"ID": "002", "Tên lễ hội": "Lễ hội Điện Hòn Chén", "Thời gian": "2026-04-15"}]}
    portal.put("le-hoi.json", json.dumps(festivals, ensure_ascii=False), "application/json")
    portal.package("le-hoi", [{"name": "le-hoi-json", "file": "le-hoi.json", "format": "JSON"}])
    portal.put("truong-hoc.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return portal


def test_sync_publishes_every_dataset_and_a_partner_reads_them(estate, s3_warehouse):
    runs, _ = sync()
    assert {d: r.status for d, r in runs.items()} == dict.fromkeys(runs, "published")
    partner = PublishedWarehouse(s3_warehouse)
    catalog = partner.catalog()
    assert catalog["region"] == {"code": "46", "name": "Thành phố Huế"}
    assert [e["id"] for e in catalog["datasets"]] == ["festivals", "health_facilities", "schools"]
    facilities = partner.read("health_facilities").sort_by("facility_code")
    assert facilities.column("facility_code").to_pylist() == ["00001", "00002"]
    assert facilities.column("ward_code").to_pylist() == ["19768", "00123"]
    assert facilities.column("ten_co_so").to_pylist()[1] == unicodedata.normalize("NFC", "Trạm y tế phường Thuận Hoá")
    assert facilities.column("ten_co_so_key").to_pylist()[1] == "trạm y tế phường thuận hoá"
    assert set(facilities.column("_run_id").to_pylist()) == {runs["health_facilities"] and facilities.column("_run_id")[0].as_py()}
    entry = partner.entry("health_facilities")
    assert entry["version"] == 0 and entry["rows"] == 2 and entry["format"] == "delta"
    assert entry["publisher"] == {"id": "so-y-te", "name": "Sở Y tế"}
    assert entry["primary_key"] == ["facility_code"] and entry["quality"]["status"] == "passed"
    assert {"name": "beds", "type": "integer"} in entry["columns"]
    assert entry["source"] == {"kind": "http", "url": f"{estate.url}/files/co-so-y-te.csv"}
    report = Warehouse(s3_warehouse).read_json(entry["quality"]["report"])
    assert report["status"] == "passed" and report["rows"] == 2
    assert partner.read("festivals").column("festival_id").to_pylist() in (["001", "002"], ["002", "001"])
    assert sorted(partner.read("schools").column("school_code").to_pylist()) == ["046001", "046002"]


def test_no_secret_reaches_the_bucket(estate, s3_warehouse):
    sync()
    store = Warehouse(s3_warehouse)
    for path in store.list_files(""):
        if path.endswith((".json", ".jsonl")):
            assert b"s3cr3t-value-never-logged" not in store.read_bytes(path), path


def test_rerun_merges_on_key_and_unchanged_source_does_nothing(estate, s3_warehouse):
    sync(["health_facilities"])
    estate.put("co-so-y-te.csv", FACILITIES.replace(",12\n", ",14\n") + "00003,Phòng khám Vỹ Dạ,19771,0\n")
    runs, _ = sync(["health_facilities"])
    assert runs["health_facilities"].status == "published"
    partner = PublishedWarehouse(s3_warehouse)
    table = partner.read("health_facilities")
    assert table.num_rows == 3 and len(set(table.column("facility_code").to_pylist())) == 3
    beds = dict(zip(table.column("facility_code").to_pylist(), table.column("beds").to_pylist()))
    assert beds == {"00001": 2078, "00002": 14, "00003": 0}
    version = partner.table("health_facilities").version()
    assert version == 1
    runs, _ = sync(["health_facilities"])
    assert runs["health_facilities"].status == "unchanged"
    assert partner.table("health_facilities").version() == version


def test_critical_failure_quarantines_and_keeps_previous_version(estate, s3_warehouse):
    sync(["health_facilities"])
    estate.put("co-so-y-te.csv", FACILITIES + "00002,Trùng mã,1977,5\n")
    runs, instance = sync(["health_facilities"])
    run = runs["health_facilities"]
    assert run.status == "quarantined" and run.failed and run.version == 0 and run.quality == "failed"
    partner = PublishedWarehouse(s3_warehouse)
    assert partner.table("health_facilities").version() == 0
    assert partner.read("health_facilities").num_rows == 2
    entry = partner.entry("health_facilities")
    assert entry["quality"]["status"] == "failed" and entry["version"] == 0
    store = Warehouse(s3_warehouse)
    folder = entry["quality"]["quarantine"]
    reason = store.read_json(f"{folder}/reason.json")
    failed = {f["check"] for f in reason["failed_expectations"]}
    assert failed == {"expect_column_values_to_match_regex__ward_code", "expect_column_values_to_be_unique__facility_code"}
    assert {r["_row"] for r in reason["sample_failing_rows"]} == {2, 3}
    assert store.exists(f"{folder}/data.parquet")
    checks = check_evaluations(instance, "health_facilities")
    assert checks["expect_column_values_to_be_unique__facility_code"] == (False, "ERROR")
    assert checks["expect_column_values_to_be_between__beds"] == (True, "WARN")


def test_warning_failure_still_publishes(estate, s3_warehouse):
    estate.put("co-so-y-te.csv", FACILITIES.replace(",12\n", ",-3\n"))
    runs, instance = sync(["health_facilities"])
    assert runs["health_facilities"].status == "published" and runs["health_facilities"].quality == "warning"
    assert PublishedWarehouse(s3_warehouse).entry("health_facilities")["quality"]["status"] == "warning"
    assert check_evaluations(instance, "health_facilities")["expect_column_values_to_be_between__beds"] == (False, "WARN")


@pytest.mark.parametrize("case, expected", [
    ("down", "HTTP 503"),
    ("html", "HTML"),
    ("encoding", "not valid utf-8"),
])
def test_a_broken_source_fails_alone(estate, s3_warehouse, project_root, case, expected):
    broken = {"id": "broken", "title": "Nguồn lỗi", "publisher": "so-y-te", "theme": "health",
              "source": {"kind": "http", "url": "${HUE_PORTAL}/files/broken.csv"}}
    write_project(project_root, DATASETS + [broken], SUITES)
    if case == "down":
        estate.fail("broken.csv", 503)
    elif case == "html":
        estate.put("broken.csv", "<!DOCTYPE html><html><body>Bảo trì hệ thống</body></html>", "text/html")
    else:
        estate.put("broken.csv", cp1258("Tên,Số\nThừa Thiên Huế,1\n"))
    runs, _ = sync()
    assert runs["broken"].status == "error"
    assert "'broken'" in runs["broken"].message and expected in runs["broken"].message
    assert all(runs[d["id"]].status == "published" for d in DATASETS), {d: (r.status, r.message) for d, r in runs.items()}
    if case == "down":
        assert estate.hits["broken.csv"] > 1, "5xx responses must be retried"


def test_a_new_machine_resumes_from_state_kept_in_the_warehouse(estate, s3_warehouse, project_root):
    import shutil

    sync(["health_facilities"])
    shutil.rmtree(project_root / "work")  # the local dlt working folder is gone, as on a fresh machine
    hits = estate.hits["co-so-y-te.csv"]
    runs, _ = sync(["health_facilities"])
    assert runs["health_facilities"].status == "unchanged"
    assert estate.hits["co-so-y-te.csv"] == hits + 1
    assert estate.not_modified["co-so-y-te.csv"] == 1  # the ETag came back from the warehouse: 304, no download
    assert PublishedWarehouse(s3_warehouse).table("health_facilities").version() == 0


def test_reprocess_revalidates_a_quarantined_load_after_the_suite_is_fixed(estate, s3_warehouse, project_root):
    estate.put("co-so-y-te.csv", FACILITIES + "00009,Trạm y tế xã Phong Điền,1977,5\n")  # 4-digit ward code
    assert sync(["health_facilities"])[0]["health_facilities"].status == "quarantined"
    assert sync(["health_facilities"])[0]["health_facilities"].status == "unchanged"  # same load: not redone
    relaxed = dict(SUITES, health_facilities=[expectation("expect_column_values_to_match_regex", column="ward_code",
                                                          regex=r"^\d{4,5}$")])
    write_project(project_root, DATASETS, relaxed)
    runs, _ = sync(["health_facilities"], reprocess=True)
    assert runs["health_facilities"].status == "published" and runs["health_facilities"].rows == 3


BAD_ROWS = FACILITIES + "00003,Phòng khám Vỹ Dạ,19771,nhiều\n00005,Trạm y tế Hương Sơ,19772,12,5\n".replace(",12,5", ",\"12,5\"")


def test_values_that_do_not_parse_quarantine_the_batch_with_their_lines(estate, s3_warehouse):
    sync(["health_facilities"])
    estate.put("co-so-y-te.csv", BAD_ROWS)
    runs, instance = sync(["health_facilities"])
    assert runs["health_facilities"].status == "quarantined", runs["health_facilities"].message
    partner = PublishedWarehouse(s3_warehouse)
    assert partner.table("health_facilities").version() == 0 and partner.read("health_facilities").num_rows == 2
    folder = partner.entry("health_facilities")["quality"]["quarantine"]
    reason = Warehouse(s3_warehouse).read_json(f"{folder}/reason.json")
    assert [(r["row_label"], r["row"], r["column"], r["value"]) for r in reason["rejected_values"]] == [
        ("line", 4, "Số giường bệnh", "nhiều"), ("line", 5, "Số giường bệnh", "12,5")]
    assert Warehouse(s3_warehouse).exists(f"{folder}/rejected_rows.parquet")
    assert check_evaluations(instance, "health_facilities")["regionlink_values_parse_as_declared_types"] == (False, "ERROR")


def test_on_bad_rows_quarantine_publishes_the_good_rows(estate, s3_warehouse, project_root):
    lenient = [dict(d, format={"type": "csv", "on_bad_rows": "quarantine"}) if d["id"] == "health_facilities" else d
               for d in DATASETS]
    write_project(project_root, lenient, SUITES)
    estate.put("co-so-y-te.csv", BAD_ROWS)
    runs, instance = sync(["health_facilities"])
    assert runs["health_facilities"].status == "published" and runs["health_facilities"].quality == "warning"
    partner = PublishedWarehouse(s3_warehouse)
    assert sorted(partner.read("health_facilities").column("facility_code").to_pylist()) == ["00001", "00002"]
    folder = partner.entry("health_facilities")["quality"]["quarantine"]
    assert [r["row"] for r in Warehouse(s3_warehouse).read_json(f"{folder}/reason.json")["rejected_values"]] == [4, 5]
    assert check_evaluations(instance, "health_facilities")["regionlink_values_parse_as_declared_types"] == (False, "WARN")
