"""``kind: rest`` end to end: a Huế-like JSON API on loopback → dlt → raw zone → Delta, read back as a partner."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pyarrow.parquet as pq
import pytest

from pipelines.errors import SourceError
from pipelines.ingest import _user_error
from pipelines.model import Dataset
from pipelines.rest import rest_resource
from pipelines.settings import IngestSettings
from tests.support import rest_portal as api
from tests.support.project import write_project
from tests.support.runs import sync
from warehouse import layout
from warehouse.raw import latest_load
from warehouse.reader import PublishedWarehouse
from warehouse.store import Warehouse

pytestmark = pytest.mark.integration

AUTH = {"Authorization": "Bearer ${HUE_TOKEN}"}
UTC = dt.timezone.utc

EATERIES = [  # {code, message, data, hienthi}, page_number
    {"ID": "00012", "TenDiaDiem": "Bún bò Huế O Cương Chú Điệp", "MaPhuongXa": "19753", "SoChoNgoi": 40},
    {"ID": "00107", "TenDiaDiem": "Cơm hến Hoa Đông", "MaPhuongXa": "19768", "SoChoNgoi": 25},
    {"ID": "00230", "TenDiaDiem": "Bánh khoái Lạc Thiện", "MaPhuongXa": "19771", "SoChoNgoi": 60},
    {"ID": "01004", "TenDiaDiem": "Chè Hẻm", "MaPhuongXa": "19753", "SoChoNgoi": 30},
    {"ID": "01310", "TenDiaDiem": "Quán Hạnh", "MaPhuongXa": "00123", "SoChoNgoi": 80},
]
SITES = [  # {data, totalRows}, offset; ``ghiChu`` only on the last page, ``kinhDo`` null on one record
    {"maDiem": "046001", "tenDiem": "Đại Nội Huế", "loaiHinh": "Di tích", "kinhDo": 107.577, "soLuotKhach": 2100000},
    {"maDiem": "046002", "tenDiem": "Lăng Tự Đức", "loaiHinh": "Di tích", "kinhDo": 107.568, "soLuotKhach": 560000},
    {"maDiem": "046003", "tenDiem": "Chùa Thiên Mụ", "loaiHinh": "Tâm linh", "kinhDo": None, "soLuotKhach": 800000},
    {"maDiem": "046004", "tenDiem": "Đồi Vọng Cảnh", "loaiHinh": "Thắng cảnh", "kinhDo": 107.556, "soLuotKhach": 95000,
     "ghiChu": "Miễn phí vé"},
]
PRICES = [  # {totalCount, newsList}, page_number until an empty page
    {"placeID": "01", "placeTitle": "Đại Nội Huế", "soVeDon": 200000, "soVeTuyen": 530000, "customerType": "01",
     "customerTypeName": "Người lớn"},
    {"placeID": "01", "placeTitle": "Đại Nội Huế", "soVeDon": 40000, "soVeTuyen": 100000, "customerType": "02",
     "customerTypeName": "Trẻ em"},
    {"placeID": "02", "placeTitle": "Lăng Minh Mạng", "soVeDon": 150000, "soVeTuyen": 530000, "customerType": "01",
     "customerTypeName": "Người lớn"},
]
TICKET_TYPES = [  # bare list, one page
    {"MaLoaiVe": "001", "TenLoaiVe": "Vé đơn", "ConHieuLuc": True},
    {"MaLoaiVe": "002", "TenLoaiVe": "Vé tuyến 3 điểm", "ConHieuLuc": True},
    {"MaLoaiVe": "010", "TenLoaiVe": "Vé đêm Đại Nội", "ConHieuLuc": False},
]
COURT_MUSIC = [  # {code, message, data, nextCursor}, cursor
    {"STT": 1, "ID": "NN001", "title": "Lưu thủy", "TheLoai": "Đại nhạc", "updatedAt": "2026-03-01T08:00:00"},
    {"STT": 2, "ID": "NN002", "title": "Hành vân", "TheLoai": "Tiểu nhạc", "updatedAt": "2026-03-01T09:30:00"},
    {"STT": 3, "ID": "NN003", "title": "Phú lục", "TheLoai": "Ca Huế", "updatedAt": "2026-03-02T10:00:00+07:00"},
    {"STT": 4, "ID": "NN004", "title": "Nam ai", "TheLoai": "Ca Huế", "updatedAt": "2026-03-03T14:15:00"},
    {"STT": 5, "ID": "NN005", "title": "Tứ đại cảnh", "TheLoai": "Tiểu nhạc", "updatedAt": "2026-03-05T08:00:00"},
]
FESTIVALS = [  # {data, links: {next}}, json_link
    {"MaLeHoi": "LH001", "TenLeHoi": "Festival Huế", "ThoiGian": "2026-06-01"},
    {"MaLeHoi": "LH002", "TenLeHoi": "Lễ hội Điện Hòn Chén", "ThoiGian": "2026-04-15"},
    {"MaLeHoi": "LH003", "TenLeHoi": "Lễ hội cầu ngư Thai Dương", "ThoiGian": "2026-02-20"},
]


def rest_dataset(id_: str, endpoint: str, **extra) -> dict:
    source = {"kind": "rest", "url": f"${{HUE_PORTAL}}/api/{endpoint}", "headers": AUTH} | extra.pop("source", {})
    return {"id": id_, "title": f"Dữ liệu {endpoint}", "publisher": "so-van-hoa-the-thao", "theme": "tourism",
            "source": source} | extra


EATERIES_DS = rest_dataset(
    "eateries", "diem-an-uong", source={
        "data_selector": "data", "params": {"pageSize": 2}, "success": {"path": "code", "equals": 200},
        "paginator": {"type": "page_number", "page_param": "page", "base_page": 1, "total_path": "hienthi"}},
    columns={"ID": {"name": "eatery_id", "type": "string"}, "MaPhuongXa": {"name": "ward_code", "type": "string"},
             "SoChoNgoi": {"name": "seats", "type": "integer"}},
    primary_key=["eatery_id"])


@pytest.fixture
def portal(httpserver, monkeypatch) -> api.RestPortal:
    """The fixture API; ``HUE_PORTAL`` and ``HUE_TOKEN`` set for the registry."""
    rest = api.RestPortal(httpserver)
    monkeypatch.setenv("HUE_PORTAL", rest.url)
    monkeypatch.setenv("HUE_TOKEN", api.TOKEN)
    return rest


def published(config, dataset: str, key: str) -> list[dict]:
    """The dataset's current rows as a partner reads them, without regionlink's own columns, sorted by ``key``."""
    rows = PublishedWarehouse(config).read(dataset).to_pylist()
    return sorted(({k: v for k, v in r.items() if not k.startswith("_")} for r in rows), key=lambda r: r[key])


def test_code_envelope_paged_by_page_number_with_the_token_sent_and_never_stored(portal, project_root,
                                                                                 s3_warehouse):
    portal.serve("diem-an-uong", api.code_pages, EATERIES)
    write_project(project_root, [EATERIES_DS], {})
    runs, _ = sync()
    assert runs["eateries"].status == "published", runs["eateries"].message
    assert published(s3_warehouse, "eateries", "eatery_id") == [
        {"eatery_id": "00012", "ten_dia_diem": "Bún bò Huế O Cương Chú Điệp", "ward_code": "19753", "seats": 40},
        {"eatery_id": "00107", "ten_dia_diem": "Cơm hến Hoa Đông", "ward_code": "19768", "seats": 25},
        {"eatery_id": "00230", "ten_dia_diem": "Bánh khoái Lạc Thiện", "ward_code": "19771", "seats": 60},
        {"eatery_id": "01004", "ten_dia_diem": "Chè Hẻm", "ward_code": "19753", "seats": 30},
        {"eatery_id": "01310", "ten_dia_diem": "Quán Hạnh", "ward_code": "00123", "seats": 80},
    ]
    requests = portal.requests("diem-an-uong")
    assert [(r.args["page"], r.args["pageSize"]) for r in requests] == [("1", "2"), ("2", "2"), ("3", "2")]
    assert {r.authorization for r in requests} == {f"Bearer {api.TOKEN}"}
    entry = PublishedWarehouse(s3_warehouse).entry("eateries")
    assert entry["source"] == {"kind": "rest", "url": f"{portal.url}/api/diem-an-uong"}
    assert {"name": "ward_code", "type": "string"} in entry["columns"]
    store = Warehouse(s3_warehouse)
    for path in store.list_files(""):
        assert api.TOKEN.encode() not in store.read_bytes(path), path


def test_rows_envelope_paged_by_offset_keeps_one_type_per_column_across_pages(portal, project_root, local_warehouse):
    portal.serve("diem-du-lich", api.rows_offset, SITES)
    sites = rest_dataset("tourist_sites", "diem-du-lich", source={
        "data_selector": "data",
        "paginator": {"type": "offset", "limit": 3, "offset_param": "skip", "limit_param": "take",
                      "total_path": "totalRows"}},
        columns={"maDiem": {"name": "site_code", "type": "string"}}, primary_key=["site_code"])
    write_project(project_root, [sites], {})
    runs, _ = sync()
    assert runs["tourist_sites"].status == "published", runs["tourist_sites"].message
    assert published(local_warehouse, "tourist_sites", "site_code") == [
        {"site_code": "046001", "ten_diem": "Đại Nội Huế", "loai_hinh": "Di tích", "kinh_do": 107.577,
         "so_luot_khach": 2100000, "ghi_chu": None},
        {"site_code": "046002", "ten_diem": "Lăng Tự Đức", "loai_hinh": "Di tích", "kinh_do": 107.568,
         "so_luot_khach": 560000, "ghi_chu": None},
        {"site_code": "046003", "ten_diem": "Chùa Thiên Mụ", "loai_hinh": "Tâm linh", "kinh_do": None,
         "so_luot_khach": 800000, "ghi_chu": None},
        {"site_code": "046004", "ten_diem": "Đồi Vọng Cảnh", "loai_hinh": "Thắng cảnh", "kinh_do": 107.556,
         "so_luot_khach": 95000, "ghi_chu": "Miễn phí vé"},
    ]
    columns = {c["name"]: c["type"] for c in PublishedWarehouse(local_warehouse).entry("tourist_sites")["columns"]}
    assert (columns["kinh_do"], columns["so_luot_khach"], columns["ghi_chu"]) == ("float", "integer", "string")
    assert [(r.args["skip"], r.args["take"]) for r in portal.requests("diem-du-lich")] == [("0", "3"), ("3", "3")]


def test_news_list_envelope_paged_until_an_empty_page(portal, project_root, local_warehouse):
    portal.serve("gia-ve", api.news_pages, PRICES)
    prices = rest_dataset("ticket_prices", "gia-ve", source={
        "data_selector": "newsList", "params": {"pageSize": 2},
        "paginator": {"type": "page_number", "page_param": "pageIndex", "base_page": 1, "total_path": None}},
        columns={"placeID": {"name": "place_id", "type": "string"},
                 "customerType": {"name": "customer_type", "type": "string"}},
        primary_key=["place_id", "customer_type"])
    write_project(project_root, [prices], {})
    runs, _ = sync()
    assert runs["ticket_prices"].status == "published", runs["ticket_prices"].message
    rows = published(local_warehouse, "ticket_prices", "so_ve_don")
    assert [(r["place_id"], r["place_title"], r["customer_type"], r["customer_type_name"], r["so_ve_don"],
             r["so_ve_tuyen"]) for r in rows] == [
        ("01", "Đại Nội Huế", "02", "Trẻ em", 40000, 100000),
        ("02", "Lăng Minh Mạng", "01", "Người lớn", 150000, 530000),
        ("01", "Đại Nội Huế", "01", "Người lớn", 200000, 530000),
    ]
    assert [r.args["pageIndex"] for r in portal.requests("gia-ve")] == ["1", "2", "3"]


def test_bare_list_on_a_single_page(portal, project_root, local_warehouse):
    portal.serve("loai-ve", api.bare_list, TICKET_TYPES)
    types = rest_dataset("ticket_types", "loai-ve", columns={"MaLoaiVe": {"name": "type_code", "type": "string"}},
                         primary_key=["type_code"])
    write_project(project_root, [types], {})
    runs, _ = sync()
    assert runs["ticket_types"].status == "published", runs["ticket_types"].message
    assert published(local_warehouse, "ticket_types", "type_code") == [
        {"type_code": "001", "ten_loai_ve": "Vé đơn", "con_hieu_luc": True},
        {"type_code": "002", "ten_loai_ve": "Vé tuyến 3 điểm", "con_hieu_luc": True},
        {"type_code": "010", "ten_loai_ve": "Vé đêm Đại Nội", "con_hieu_luc": False},
    ]
    assert len(portal.requests("loai-ve")) == 1


def test_cursor_and_json_link_paging(portal, project_root, local_warehouse):
    portal.serve("nha-nhac", api.cursor_pages, COURT_MUSIC)
    portal.serve("le-hoi", api.link_pages, FESTIVALS)
    music = rest_dataset("court_music", "nha-nhac", source={
        "data_selector": "data", "success": {"path": "code", "equals": 200},
        "paginator": {"type": "cursor", "cursor_path": "nextCursor", "cursor_param": "cursor"}},
        columns={"ID": {"name": "item_id", "type": "string"}, "updatedAt": {"type": "timestamp"}},
        primary_key=["item_id"])
    festivals = rest_dataset("festivals", "le-hoi", source={
        "data_selector": "data", "paginator": {"type": "json_link", "next_url_path": "links.next"}},
        columns={"MaLeHoi": {"name": "festival_code"}, "ThoiGian": {"name": "starts_on", "type": "date"}},
        primary_key=["festival_code"])
    write_project(project_root, [music, festivals], {})
    runs, _ = sync()
    assert {d: r.status for d, r in runs.items()} == {"court_music": "published", "festivals": "published"}
    music_rows = published(local_warehouse, "court_music", "item_id")
    assert [(r["stt"], r["item_id"], r["title"], r["the_loai"]) for r in music_rows] == [
        (1, "NN001", "Lưu thủy", "Đại nhạc"), (2, "NN002", "Hành vân", "Tiểu nhạc"), (3, "NN003", "Phú lục", "Ca Huế"),
        (4, "NN004", "Nam ai", "Ca Huế"), (5, "NN005", "Tứ đại cảnh", "Tiểu nhạc")]
    assert music_rows[0]["updated_at"] == dt.datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 in Huế
    assert music_rows[2]["updated_at"] == dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    assert [r.args.get("cursor") for r in portal.requests("nha-nhac")] == [None, "c-0002", "c-0004"]
    assert published(local_warehouse, "festivals", "festival_code") == [
        {"festival_code": "LH001", "ten_le_hoi": "Festival Huế", "starts_on": dt.date(2026, 6, 1)},
        {"festival_code": "LH002", "ten_le_hoi": "Lễ hội Điện Hòn Chén", "starts_on": dt.date(2026, 4, 15)},
        {"festival_code": "LH003", "ten_le_hoi": "Lễ hội cầu ngư Thai Dương", "starts_on": dt.date(2026, 2, 20)},
    ]
    assert [r.args.get("trang") for r in portal.requests("le-hoi")] == [None, "2"]


def test_broken_apis_fail_alone_naming_dataset_page_and_what_the_api_said(portal, project_root, local_warehouse,
                                                                          monkeypatch):
    monkeypatch.setenv("REGIONLINK_HTTP_RETRIES", "1")
    for endpoint in ("diem-an-uong", "loi-he-thong", "bao-tri", "qua-tai"):
        portal.serve(endpoint, api.code_pages, EATERIES)
    portal.fail("loi-he-thong", {"code": 500, "message": "Lỗi hệ thống", "data": None, "hienthi": 0},
                when={"page": "2"})
    portal.fail("bao-tri", "<!DOCTYPE html><html><body>Bảo trì hệ thống</body></html>",
                content_type="text/html; charset=utf-8")
    portal.fail("qua-tai", "upstream error", status=503, content_type="text/plain")
    broken = {
        "system_error": rest_dataset("system_error", "loi-he-thong", source=EATERIES_DS["source"]
                                     | {"url": "${HUE_PORTAL}/api/loi-he-thong"}),
        "maintenance": rest_dataset("maintenance", "bao-tri"),
        "overloaded": rest_dataset("overloaded", "qua-tai"),
        "no_token": rest_dataset("no_token", "diem-an-uong", source={"headers": {}}),
        "unset_token": rest_dataset("unset_token", "diem-an-uong",
                                    source={"headers": {"Authorization": "Bearer ${HUE_OTHER_TOKEN}"}}),
    }
    write_project(project_root, [EATERIES_DS, *broken.values()], {})
    runs, _ = sync()
    assert runs["eateries"].status == "published"
    expected = {
        "system_error": ["page 2", "success check failed: code is 500, expected 200",
                         '"message": "Lỗi hệ thống"', "/api/loi-he-thong?pageSize=2&page=2"],
        "maintenance": ["page 1", "expected JSON, got text/html", "Bảo trì"],
        "overloaded": ["HTTP 503"],
        "no_token": ["HTTP 401", "Token không hợp lệ"],
        "unset_token": ["HUE_OTHER_TOKEN", "not set"],
    }
    for dataset, parts in expected.items():
        run = runs[dataset]
        assert run.status == "error" and f"'{dataset}'" in run.message, (dataset, run.message)
        assert all(part in run.message for part in parts), (dataset, run.message)
        assert api.TOKEN not in run.message
        assert latest_load(Warehouse(local_warehouse), dataset) is None, f"{dataset}: nothing may be loaded"
    assert PublishedWarehouse(local_warehouse).datasets() == ["eateries"]
    assert len(portal.requests("qua-tai")) == 2, "a 5xx answer is retried (REGIONLINK_HTTP_RETRIES=1)"
    assert [r.args["page"] for r in portal.requests("loi-he-thong")] == ["1", "2"]


@pytest.fixture
def extract(portal, tmp_path):
    """Run a dataset's resource in-process (no pipeline) and return the Arrow tables it yields."""

    def run(dataset: dict) -> list:
        model = Dataset.model_validate(dataset)
        env = {"HUE_PORTAL": portal.url, "HUE_TOKEN": api.TOKEN}
        try:
            return list(rest_resource(model, env, IngestSettings(workdir=tmp_path, http_retries=0)))
        except Exception as exc:  # dlt wraps what a resource raises
            raise _user_error(exc) or exc from exc

    return run


def test_a_bad_value_is_reported_by_its_record_number_over_all_pages(portal, extract):
    records = [dict(r) for r in EATERIES]
    records[3]["SoChoNgoi"] = "ba mươi"
    portal.serve("diem-an-uong", api.code_pages, records)
    data, rejected = extract(EATERIES_DS)  # the good records, then the values that did not parse
    assert data.num_rows == len(EATERIES) - 1
    assert rejected.to_pylist() == [{"row": 4, "row_label": "record", "column": "SoChoNgoi", "value": "ba mươi",
                                     "expected": "integer"}]
    incremental = EATERIES_DS | {"write": "append", "incremental": {"cursor": "ID"}}
    with pytest.raises(SourceError) as info:  # with incremental a bad value stops the run, by record number
        extract(incremental)
    error = info.value
    assert (error.dataset, error.row, error.row_label) == ("eateries", 4, "record")
    assert "'SoChoNgoi'" in error.detail and "'ba mươi'" in error.detail


def test_records_must_be_a_list_where_the_data_selector_points(portal, extract):
    portal.serve("diem-an-uong", api.code_pages, EATERIES)
    with pytest.raises(SourceError, match=r"page 1: records at the top level are an object with keys "
                                          r"\['code', 'message', 'data', 'hienthi'\], not a list; set "
                                          r"source.data_selector"):
        extract(rest_dataset("eateries", "diem-an-uong"))
    with pytest.raises(SourceError, match=r"page 1: source.data_selector 'items' not found"):
        extract(rest_dataset("eateries", "diem-an-uong", source={"data_selector": "items"}))
    portal.serve("loai-ve", api.bare_list, TICKET_TYPES)
    with pytest.raises(SourceError, match=r"'data' not found \(the response has a list at the top level\)"):
        extract(rest_dataset("ticket_types", "loai-ve", source={"data_selector": "data"}))


def _state(store: Warehouse, dataset: str) -> dict:
    """The newest dlt pipeline state kept in the warehouse's raw zone."""
    from dlt.common.versioned_state import decompress_state

    rows = [json.loads(line) for path in store.list_files(f"{layout.raw_dataset(dataset)}/_dlt_pipeline_state")
            for line in store.read_bytes(path).decode().splitlines() if line.strip()]
    return decompress_state(max(rows, key=lambda r: r["version"])["state"])


def _raw_rows(store: Warehouse, dataset: str) -> tuple[str, int, set[str]]:
    """The newest raw load: its id, row count (Parquet metadata) and the item ids it carries."""
    load = latest_load(store, dataset)
    count, ids = 0, set()
    for path in load.files:
        with store.fs.open_input_file(store.path(path)) as file:
            parquet = pq.ParquetFile(file)
            count += parquet.metadata.num_rows
            ids |= set(parquet.read(columns=["item_id"]).column("item_id").to_pylist())
    return load.load_id, count, ids


def test_incremental_moves_only_records_past_the_cursor_kept_in_the_warehouse(portal, project_root, s3_warehouse):
    portal.serve("nha-nhac", api.cursor_pages, COURT_MUSIC)
    music = rest_dataset("court_music", "nha-nhac", source={
        "data_selector": "data", "paginator": {"type": "cursor", "cursor_path": "nextCursor", "cursor_param": "cursor"}},
        columns={"ID": {"name": "item_id", "type": "string"}, "updatedAt": {"type": "timestamp"}},
        primary_key=["item_id"], write="merge", incremental={"cursor": "updatedAt"})
    write_project(project_root, [music], {})
    assert sync()[0]["court_music"].status == "published"
    store = Warehouse(s3_warehouse)
    first_load, rows, _ = _raw_rows(store, "court_music")
    assert rows == 5

    changed = [dict(r) for r in COURT_MUSIC]
    changed[1] |= {"title": "Hành vân (bản phục dựng)", "updatedAt": "2026-03-06T07:00:00"}
    changed += [
        {"STT": 6, "ID": "NN006", "title": "Cổ bản", "TheLoai": "Tiểu nhạc", "updatedAt": "2026-03-06T09:00:00"},
        {"STT": 7, "ID": "NN007", "title": "Long ngâm", "TheLoai": "Đại nhạc", "updatedAt": "2026-03-07T10:30:00"},
    ]
    portal.serve("nha-nhac", api.cursor_pages, changed)
    shutil.rmtree(project_root / "work")  # a fresh machine: the cursor must come back from the warehouse
    runs, _ = sync()
    assert runs["court_music"].status == "published", runs["court_music"].message
    load_id, rows, ids = _raw_rows(store, "court_music")
    assert load_id != first_load and rows == 3 and ids == {"NN002", "NN006", "NN007"}
    cursor = _state(store, "court_music")["sources"]["court_music"]["resources"]["court_music"]["incremental"]
    assert dt.datetime.fromisoformat(str(cursor["updated_at"]["last_value"])) == dt.datetime(2026, 3, 7, 3, 30,
                                                                                             tzinfo=UTC)
    table = published(s3_warehouse, "court_music", "item_id")
    assert [(r["item_id"], r["title"]) for r in table] == [
        ("NN001", "Lưu thủy"), ("NN002", "Hành vân (bản phục dựng)"), ("NN003", "Phú lục"), ("NN004", "Nam ai"),
        ("NN005", "Tứ đại cảnh"), ("NN006", "Cổ bản"), ("NN007", "Long ngâm")]
    assert table[1]["updated_at"] == dt.datetime(2026, 3, 6, 0, 0, tzinfo=UTC)

    runs, _ = sync()  # nothing past the cursor: nothing moves
    assert runs["court_music"].status == "unchanged"
    assert latest_load(store, "court_music").load_id == load_id


def test_a_record_without_the_incremental_cursor_is_reported_by_number(portal, extract):
    records = [dict(r) for r in COURT_MUSIC]
    records[2]["updatedAt"] = None
    portal.serve("nha-nhac", api.cursor_pages, records)
    music = rest_dataset("court_music", "nha-nhac", source={
        "data_selector": "data", "paginator": {"type": "cursor", "cursor_path": "nextCursor", "cursor_param": "cursor"}},
        write="append", incremental={"cursor": "updated_at", "initial_value": "2026-01-01"})
    with pytest.raises(SourceError, match=r"record 3: incremental.cursor 'updated_at' has no value"):
        extract(music)
    with pytest.raises(SourceError, match=r"incremental.cursor 'modified' is not a field of the records"):
        extract(music | {"incremental": {"cursor": "modified"}})


def test_initial_value_is_read_like_the_cursor_column(portal, extract):
    portal.serve("nha-nhac", api.cursor_pages, COURT_MUSIC)
    music = rest_dataset("court_music", "nha-nhac", source={
        "data_selector": "data", "paginator": {"type": "cursor", "cursor_path": "nextCursor", "cursor_param": "cursor"}},
        columns={"ID": {"name": "item_id", "type": "string"}, "updatedAt": {"type": "timestamp"}},
        write="append", incremental={"cursor": "updatedAt", "initial_value": "2026-03-03"})  # local midnight in Huế
    tables = extract(music)
    assert [r["item_id"] for t in tables for r in t.to_pylist()] == ["NN004", "NN005"]


def test_an_unreachable_api_is_reported_without_the_secret_in_its_query(portal, extract):
    from tests.conftest import free_port

    gone = rest_dataset("eateries", "diem-an-uong", source={
        "url": f"http://127.0.0.1:{free_port()}/api/diem-an-uong", "params": {"token": "${HUE_TOKEN}"}})
    with pytest.raises(SourceError, match="page 1: source unreachable: ConnectionError") as info:
        extract(gone)
    assert "token=***" in str(info.value) and api.TOKEN not in str(info.value)


def test_an_unchanged_api_costs_no_new_load(portal, project_root, local_warehouse):
    """Without incremental, the same answer twice gives no new raw load and no new table version."""
    portal.serve("diem-an-uong", api.code_pages, EATERIES)
    write_project(project_root, [EATERIES_DS], {})
    assert sync()[0]["eateries"].status == "published"
    store = Warehouse(local_warehouse)
    first = latest_load(store, "eateries").load_id
    runs, _ = sync()
    assert runs["eateries"].status == "unchanged", runs["eateries"].message
    assert latest_load(store, "eateries").load_id == first
    portal.serve("diem-an-uong", api.code_pages, EATERIES[:-1])
    assert sync()[0]["eateries"].status == "published"


def test_bad_values_in_an_api_answer_quarantine_with_their_record_numbers(portal, project_root, local_warehouse):
    bad = [dict(r) for r in EATERIES]
    bad[1]["SoChoNgoi"] = "khoảng 30"
    portal.serve("diem-an-uong", api.code_pages, bad)
    write_project(project_root, [EATERIES_DS], {})
    run = sync()[0]["eateries"]
    assert run.status == "quarantined", run.message
    folder = PublishedWarehouse(local_warehouse).entry("eateries")["quality"]["quarantine"]
    reason = Warehouse(local_warehouse).read_json(f"{folder}/reason.json")
    assert [(r["row_label"], r["row"], r["value"]) for r in reason["rejected_values"]] == [("record", 2, "khoảng 30")]
