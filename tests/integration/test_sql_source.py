"""``kind: sql`` end to end against the real PostgreSQL (127.0.0.1:5432) and MariaDB (127.0.0.1:3306).

Each test gets its own schema (PostgreSQL) or database (MariaDB), dropped afterwards. The registry reads the
agency database through ``${AGENCY_DB_URL}``, a URL with a password: a MariaDB user created for the test,
or on PostgreSQL (trust authentication, which ignores it) a made-up one; it must never reach the warehouse.
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from tests.support.project import expectation, write_project
from tests.support.runs import sync
from warehouse import layout
from warehouse.raw import latest_load
from warehouse.reader import PublishedWarehouse
from warehouse.store import Warehouse

pytestmark = pytest.mark.integration

ADMIN = {"postgresql": "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
         "mariadb": "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"}
ID = "health_facilities"
THUAN_HOA = "Trạm y tế phường Thuận Hoá"


def local(*args: int) -> datetime:
    """A wall-clock time in Huế (what a DATETIME / TIMESTAMP WITHOUT TIME ZONE column holds)."""
    return datetime(*args)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def facility(code, name, ward, beds, area, updated_at) -> dict:
    return {"facility_code": code, "Tên cơ sở": name, "ward_code": ward, "beds": beds, "area_m2": area,
            "updated_at": updated_at}


ROWS = [
    facility("00001", "Bệnh viện Trung ương Huế", "19768", 2078, Decimal("12500.50"), local(2025, 3, 1, 8, 0)),
    # decomposed (NFD) on purpose: curated text must come out NFC
    facility("00002", unicodedata.normalize("NFD", THUAN_HOA), "00123", 12, Decimal("180.25"), local(2025, 3, 1, 9, 30)),
    facility("00010", "Phòng khám Đa khoa Vỹ Dạ", "19771", 0, None, local(2025, 3, 2, 7, 15)),
]


@dataclass
class AgencyDb:
    """A throw-away schema (database on MariaDB) holding ``co_so_y_te``; ``url`` is what the registry gets."""

    kind: str
    admin: sa.Engine
    schema: str
    url: str
    password: str

    @property
    def table(self) -> sa.Table:
        return sa.Table(
            "co_so_y_te", sa.MetaData(schema=self.schema),
            sa.Column("facility_code", sa.String(10), primary_key=True),
            sa.Column("Tên cơ sở", sa.String(200), nullable=False),
            sa.Column("ward_code", sa.String(5)),
            sa.Column("beds", sa.Integer),
            sa.Column("area_m2", sa.Numeric(10, 2)),
            sa.Column("updated_at", sa.DateTime, nullable=False),
        )

    def insert(self, rows: list[dict]) -> None:
        with self.admin.begin() as conn:
            conn.execute(self.table.insert(), rows)

    def update(self, code: str, **values) -> None:
        table = self.table
        with self.admin.begin() as conn:
            conn.execute(table.update().where(table.c.facility_code == code).values(**values))


def _create(kind: str, admin: sa.Engine, name: str, password: str) -> str:
    """Create the schema/database (and on MariaDB a user with a password); returns the registry's URL."""
    with admin.begin() as conn:
        if kind == "postgresql":
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
            return f"postgresql+psycopg2://postgres:{password}@127.0.0.1:5432/test"
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        conn.execute(sa.text(f"CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'"))
        conn.execute(sa.text(f"GRANT SELECT ON `{name}`.* TO '{name}'@'%'"))
        return f"mysql+pymysql://{name}:{password}@127.0.0.1:3306/{name}"


def _drop(kind: str, admin: sa.Engine, name: str) -> None:
    with admin.begin() as conn:
        if kind == "postgresql":
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        else:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
            conn.execute(sa.text(f"DROP USER IF EXISTS '{name}'@'%'"))


@pytest.fixture(params=["postgresql", "mariadb"])
def agency_db(request, project_root, local_warehouse, monkeypatch):
    kind, name = request.param, f"rl_{uuid.uuid4().hex[:10]}"
    password = f"Mk-{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(ADMIN[kind])
    try:
        url = _create(kind, admin, name, password)
        db = AgencyDb(kind, admin, name, url, password)
        db.table.metadata.create_all(admin)
        db.insert(ROWS)
        monkeypatch.setenv("AGENCY_DB_URL", url)
        yield db
    finally:
        _drop(kind, admin, name)
        admin.dispose()


def dataset(source: dict, **extra) -> dict:
    return {"id": ID, "title": "Cơ sở khám chữa bệnh", "publisher": "so-y-te", "theme": "health",
            "source": {"kind": "sql", "url": "${AGENCY_DB_URL}", **source},
            "columns": {"facility_code": {"type": "string"}, "ward_code": {"type": "string"}},
            "primary_key": ["facility_code"], "incremental": {"cursor": "updated_at"}, **extra}


SUITES = {ID: [expectation("expect_column_values_to_match_regex", column="ward_code", regex=r"^\d{5}$"),
               expectation("expect_column_values_to_be_between", "warning", column="beds", min_value=0, max_value=5000)]}


def raw_rows(wh: Warehouse) -> tuple[str, int]:
    """The newest raw load of the dataset: its id and row count (from the Parquet footers)."""
    load = latest_load(wh, ID)
    assert load is not None
    return load.load_id, sum(pq.ParquetFile(wh.fs.open_input_file(wh.path(f))).metadata.num_rows for f in load.files)


def stored_cursor(wh: Warehouse) -> object:
    """The incremental cursor dlt keeps in its state, read from the warehouse (not the local working folder)."""
    from dlt.common.versioned_state import decompress_state

    files = [f for f in wh.list_files(layout.raw_dataset(ID)) if "/_dlt_pipeline_state/" in f]
    newest = max((json.loads(wh.read_bytes(f)) for f in files), key=lambda record: float(record["_dlt_load_id"]))
    resources = decompress_state(newest["state"])["sources"][ID]["resources"]
    (incremental,) = [r["incremental"]["updated_at"] for r in resources.values() if "incremental" in r]
    return incremental["last_value"]


def by_code(table: pa.Table, column: str) -> dict:
    return dict(zip(table.column("facility_code").to_pylist(), table.column(column).to_pylist()))


def assert_no_password(db: AgencyDb, wh: Warehouse, project_root) -> None:
    for path in wh.list_files(""):
        assert db.password.encode() not in wh.read_bytes(path), path
    for path in (project_root / "work").rglob("*"):
        if path.is_file():
            assert db.password.encode() not in path.read_bytes(), path


def test_table_syncs_incrementally_and_merges_on_the_key(agency_db, project_root, local_warehouse):
    write_project(project_root, [dataset({"table": f"{agency_db.schema}.co_so_y_te"},
                                         columns={"facility_code": {"type": "string"}, "ward_code": {"type": "string"},
                                                  "Tên cơ sở": {"name": "facility_name"}})], SUITES)
    wh, partner = Warehouse(local_warehouse), PublishedWarehouse(local_warehouse)
    runs, _ = sync([ID])
    assert runs[ID].status == "published" and runs[ID].rows == 3 and runs[ID].quality == "passed", runs[ID].message
    first_load, rows = raw_rows(wh)
    assert rows == 3
    table = partner.read(ID).sort_by("facility_code")
    assert table.column("facility_code").to_pylist() == ["00001", "00002", "00010"]
    assert table.column("facility_name").to_pylist() == ["Bệnh viện Trung ương Huế", THUAN_HOA, "Phòng khám Đa khoa Vỹ Dạ"]
    assert table.column("ward_code").to_pylist() == ["19768", "00123", "19771"]
    assert table.column("beds").to_pylist() == [2078, 12, 0]
    assert table.column("area_m2").to_pylist() == [12500.5, 180.25, None]  # NUMERIC → float
    # wall-clock times in Huế (UTC+7) stored as UTC instants
    assert table.column("updated_at").to_pylist() == [utc(2025, 3, 1, 1, 0), utc(2025, 3, 1, 2, 30), utc(2025, 3, 2, 0, 15)]
    assert table.schema.field("updated_at").type == pa.timestamp("us", tz="UTC")
    scheme, _, rest = agency_db.url.partition("://")
    assert partner.entry(ID)["source"] == {"kind": "sql", "url": f"{scheme}://{rest.partition('@')[2]}#{agency_db.schema}.co_so_y_te"}

    agency_db.insert([facility("00011", "Trạm y tế xã Phú Mậu", "19780", 8, Decimal("95.00"), local(2025, 3, 6, 14, 0)),
                      facility("00012", "Trung tâm Y tế Phong Điền", "19543", 120, None, local(2025, 3, 6, 15, 0))])
    agency_db.update("00002", beds=14, updated_at=local(2025, 3, 7, 10, 0))
    runs, _ = sync([ID])
    assert runs[ID].status == "published", runs[ID].message
    second_load, rows = raw_rows(wh)
    assert second_load != first_load and rows == 3  # only the rows past the stored cursor moved
    cursor = stored_cursor(wh)
    assert datetime.fromisoformat(str(cursor)) == local(2025, 3, 7, 10, 0)
    table = partner.read(ID)
    assert table.num_rows == 5 and len(set(table.column("facility_code").to_pylist())) == 5
    assert by_code(table, "beds") == {"00001": 2078, "00002": 14, "00010": 0, "00011": 8, "00012": 120}
    assert by_code(table, "facility_name")["00011"] == "Trạm y tế xã Phú Mậu"
    assert by_code(table, "updated_at")["00002"] == utc(2025, 3, 7, 3, 0)
    assert partner.table(ID).version() == 1

    runs, _ = sync([ID])
    assert runs[ID].status == "unchanged", runs[ID].message
    assert raw_rows(wh)[0] == second_load and partner.table(ID).version() == 1
    assert_no_password(agency_db, wh, project_root)


def test_query_source_is_read_incrementally(agency_db, project_root, local_warehouse):
    """A query instead of a table; the cursor named by its curated name (the column is renamed)."""
    # '%' (pyformat drivers) and ':' (SQLAlchemy bind syntax) in the query must reach the database as written
    query = (f"SELECT facility_code, ward_code, beds, updated_at FROM {agency_db.schema}.co_so_y_te "
             "WHERE ward_code LIKE '197%' AND updated_at >= '2025-01-01 00:00:00'")
    columns = {"facility_code": {"type": "string"}, "ward_code": {"type": "string"}, "updated_at": {"name": "modified_at"}}
    write_project(project_root, [dataset({"query": query}, columns=columns, incremental={"cursor": "modified_at"})], SUITES)
    runs, _ = sync([ID])
    assert runs[ID].status == "published", runs[ID].message
    partner, wh = PublishedWarehouse(local_warehouse), Warehouse(local_warehouse)
    table = partner.read(ID)
    assert table.column_names[:4] == ["facility_code", "ward_code", "beds", "modified_at"]
    assert by_code(table, "ward_code") == {"00001": "19768", "00010": "19771"}
    agency_db.insert([facility("00011", "Trạm y tế xã Phú Mậu", "19780", 8, None, local(2025, 3, 6, 14, 0)),
                      facility("00099", "Ngoài phạm vi", "00001", 1, None, local(2025, 3, 6, 14, 0))])
    runs, _ = sync([ID])
    assert runs[ID].status == "published", runs[ID].message
    assert raw_rows(wh)[1] == 1
    assert sorted(partner.read(ID).column("facility_code").to_pylist()) == ["00001", "00010", "00011"]


def test_missing_table_and_unset_url_fail_alone_without_the_password(agency_db, project_root, local_warehouse):
    unset = dict(dataset({"table": "co_so_y_te"}), id="clinics")
    unset["source"] = dict(unset["source"], url="${CLINICS_DB_URL}")
    write_project(project_root, [dataset({"table": f"{agency_db.schema}.khong_ton_tai"}), unset], SUITES)
    runs, _ = sync()
    missing = runs[ID]
    assert missing.status == "error"
    assert f"'{ID}'" in missing.message and "khong_ton_tai" in missing.message and "co_so_y_te" in missing.message
    assert agency_db.password not in missing.message and "127.0.0.1" in missing.message
    assert runs["clinics"].status == "error"
    assert "'clinics'" in runs["clinics"].message and "CLINICS_DB_URL" in runs["clinics"].message
    assert_no_password(agency_db, Warehouse(local_warehouse), project_root)
