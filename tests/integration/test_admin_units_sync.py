"""admin_units: a dataset still using pre-2025 codes publishes with the Decision 19/2025 codes beside them."""

from __future__ import annotations

import pytest

from tests.support.project import expectation, write_project
from tests.support.runs import sync
from warehouse.reader import PublishedWarehouse

pytestmark = pytest.mark.integration

DATASET = {
    "id": "tourist_flows", "title": "Lượt khách theo tỉnh xuất phát", "publisher": "so-van-hoa-the-thao",
    "theme": "tourism", "source": {"kind": "http", "url": "${HUE_PORTAL}/files/luot-khach.csv"},
    "columns": {"Mã tỉnh": {"name": "province_code", "type": "string"}, "Lượt khách": {"name": "visitors", "type": "integer"}},
    "primary_key": ["province_code"], "admin_units": {"province_code": {"level": "province"}},
}
SUITE = {"tourist_flows": [
    expectation("expect_column_values_to_be_valid_admin_unit_code", column="province_code_2025", level="province",
                as_of="2025-07-01"),
    expectation("expect_column_values_to_be_valid_admin_unit_code", "warning", column="province_code", level="province",
                as_of="2025-07-01"),
]}


def test_old_codes_gain_their_2025_code_and_the_gx_expectation_checks_them(portal, project_root, local_warehouse,
                                                                          monkeypatch):
    monkeypatch.setenv("HUE_PORTAL", portal.url)
    write_project(project_root, [DATASET], SUITE)
    portal.put("luot-khach.csv", "Mã tỉnh,Lượt khách\n49,1200\n46,5400\n45,800\n01,300\n")
    runs, _ = sync()
    run = runs["tourist_flows"]
    assert run.status == "published" and run.quality == "warning", run.message  # 49 and 45 are pre-2025 codes
    rows = PublishedWarehouse(local_warehouse).read("tourist_flows").to_pylist()
    assert {r["province_code"]: r["province_code_2025"] for r in rows} == {"49": "48", "46": "46", "45": "44", "01": "01"}


def test_an_unknown_code_fails_the_dataset_naming_the_row(portal, project_root, local_warehouse, monkeypatch):
    monkeypatch.setenv("HUE_PORTAL", portal.url)
    write_project(project_root, [DATASET], SUITE)
    portal.put("luot-khach.csv", "Mã tỉnh,Lượt khách\n46,5400\n99,12\n")
    run = sync()[0]["tourist_flows"]
    assert run.status == "error" and "'tourist_flows'" in run.message and "99" in run.message and "row 2" in run.message
