"""Personal data on the way out of the raw zone, and the signed manifest and audit record of each publish
(one region, local warehouse, fixture portal)."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from tests.support.project import expectation, write_project
from tests.support.runs import sync
from warehouse.manifest import read_verified_manifest
from warehouse.reader import PublishedWarehouse
from warehouse.signing import load_public_key
from warehouse.store import Warehouse

pytestmark = pytest.mark.integration

GUIDES = ("Số thẻ,Họ và tên,Ngày sinh,Điện thoại,Tọa độ X,Ghi chú\n"
          "148000001,Nguyễn Thị Hương,12/03/1988,0905 123 456,16.0544,Tiếng Anh\n"
          "148000002,Trần Văn Bảo,01/11/1975,0234 3822 123,16.4637,Tiếng Hàn\n"
          "148000003,Lê Thị Mai,29/02/1992,0914777888,16.4675,Tiếng Nhật\n")


def _guides(**extra) -> dict:
    return {"id": "tour_guides", "title": "Hướng dẫn viên du lịch", "publisher": "so-van-hoa-the-thao",
            "theme": "tourism", "source": {"kind": "http", "url": "${HUE_PORTAL}/files/hdv.csv"},
            "format": {"locale": "vi"},
            "columns": {"Số thẻ": {"name": "card_number", "type": "string"},
                        "Ngày sinh": {"name": "birth_date", "type": "date"},
                        "Điện thoại": {"name": "phone", "type": "string"},
                        "Tọa độ X": {"name": "latitude", "type": "float"}},
            "primary_key": ["card_number"], "sharing": "shared", "share_with": ["48"], **extra}


@pytest.fixture
def guides(project_root, portal, local_warehouse, monkeypatch):
    monkeypatch.setenv("HUE_PORTAL", portal.url)
    portal.put("hdv.csv", GUIDES)

    def write(dataset: dict, suite: list | None = None) -> None:
        write_project(project_root, [dataset], {"tour_guides": suite or []})
        region = project_root / "registry" / "region.yaml"
        public = os.environ["REGIONLINK_TEST_PUBLIC_KEY"]
        region.write_text(region.read_text(encoding="utf-8") +
                          f'partners:\n  "48": {{name: "Thành phố Đà Nẵng", public_key: "{public}"}}\n', encoding="utf-8")

    return write


def _all_text(wh: Warehouse, *folders: str) -> bytes:
    return b"".join(wh.read_bytes(p) or b"" for f in folders for p in wh.list_files(f))


def test_undeclared_phone_numbers_stop_a_shared_dataset_naming_the_column(guides, local_warehouse):
    guides(_guides(personal_data={"ho_va_ten": "pseudonymize", "birth_date": "generalize"}))
    run = sync()[0]["tour_guides"]
    assert run.failed
    assert "column 'phone' holds phone numbers (3 of 3 values" in run.message and "personal_data" in run.message
    assert "0905 123 456" not in run.message
    wh = Warehouse(local_warehouse)
    assert wh.list_files("curated") == [] and wh.list_files("quarantine") == []


def test_treatments_apply_everywhere_outside_the_raw_zone(guides, local_warehouse, monkeypatch):
    suite = [expectation("expect_column_values_to_match_regex", column="ho_va_ten", regex="^[0-9a-f]{64}$"),
             # fails on purpose (warning): its sample values land in the quality report
             expectation("expect_column_values_to_be_in_set", "warning", column="birth_date", value_set=["1988-03"])]
    guides(_guides(personal_data={"ho_va_ten": "pseudonymize", "birth_date": "generalize", "phone": "generalize",
                                  "latitude": {"treatment": "generalize", "kind": "coordinate"},
                                  "ghi_chu": {"treatment": "keep", "reason": "ngôn ngữ hướng dẫn, không định danh"}}),
           suite)
    run = sync()[0]["tour_guides"]
    assert run.status == "published", run.message
    table = PublishedWarehouse(local_warehouse).read("tour_guides").sort_by("card_number")
    key = os.environ["REGIONLINK_PSEUDONYM_KEY"].encode()
    assert table.column("ho_va_ten")[0].as_py() == hmac.new(key, "Nguyễn Thị Hương".encode(), hashlib.sha256).hexdigest()
    assert table.column("birth_date").to_pylist() == ["1988-03", "1975-11", "1992-02"]
    assert table.column("phone").to_pylist() == ["090", "0234", "091"]
    assert table.column("latitude").to_pylist() == [16.05, 16.46, 16.47]
    assert table.column("ghi_chu").to_pylist() == ["Tiếng Anh", "Tiếng Hàn", "Tiếng Nhật"]
    wh = Warehouse(local_warehouse)
    published = _all_text(wh, "curated", "quality", "catalog", "manifests")
    for original in ("Nguyễn Thị Hương".encode(), b"1988-03-12", b"0905 123 456", b"3822 123", b"16.0544"):
        assert original not in published
    assert "Nguyễn Thị Hương".encode() in _all_text(wh, "raw")  # the raw zone keeps the originals

    # the signed manifest of version 0 verifies with the region's public key and describes the table
    public = load_public_key(os.environ["REGIONLINK_TEST_PUBLIC_KEY"], owner="test region")
    manifest = read_verified_manifest(wh, "tour_guides", 0, public, origin="region 46")
    assert manifest["rows"] == 3 and manifest["quality"] == "warning" and manifest["sharing"] == "shared"
    assert {"name": "birth_date", "type": "string"} in manifest["schema"]
    assert wh.read_bytes("keys/46.pub").decode().strip() == os.environ["REGIONLINK_TEST_PUBLIC_KEY"]
    entry = PublishedWarehouse(local_warehouse).entry("tour_guides")
    assert entry["manifest"] == "manifests/tour_guides/0.json" and entry["personal_data"]["ho_va_ten"] == "pseudonymize"
    view = wh.read_json("catalog/48.json")
    assert [e["id"] for e in view["datasets"]] == ["tour_guides"] and "source" not in view["datasets"][0]
    from warehouse.audit import read_events

    (event,) = read_events(wh, event="publish")
    assert event["dataset"] == "tour_guides" and event["version"] == 0 and event["manifest"] == entry["manifest"]


def test_a_quarantined_batch_keeps_no_original_personal_data(guides, local_warehouse):
    suite = [expectation("expect_column_values_to_be_in_set", column="ho_va_ten", value_set=["nobody"])]
    guides(_guides(personal_data={"ho_va_ten": "pseudonymize", "birth_date": "drop", "phone": "drop"}), suite)
    run = sync()[0]["tour_guides"]
    assert run.status == "quarantined"
    quarantined = _all_text(Warehouse(local_warehouse), "quarantine", "quality")
    assert quarantined and "Nguyễn Thị Hương".encode() not in quarantined and b"0905 123 456" not in quarantined


def test_pseudonymize_without_the_key_fails_before_any_work(guides, local_warehouse, monkeypatch):
    monkeypatch.delenv("REGIONLINK_PSEUDONYM_KEY")
    guides(_guides(personal_data={"ho_va_ten": "pseudonymize", "birth_date": "drop", "phone": "drop"}))
    run = sync()[0]["tour_guides"]
    assert run.failed and "'ho_va_ten' is declared pseudonymize but REGIONLINK_PSEUDONYM_KEY is not set" in run.message
    assert Warehouse(local_warehouse).list_files("curated") == []


def test_publishing_without_a_signing_key_fails_naming_the_variable(guides, local_warehouse, monkeypatch):
    monkeypatch.delenv("REGIONLINK_SIGNING_KEY")
    guides(_guides(personal_data={"ho_va_ten": "drop", "birth_date": "drop", "phone": "drop"}))
    run = sync()[0]["tour_guides"]
    assert run.failed and "REGIONLINK_SIGNING_KEY" in run.message and "keys init" in run.message
