"""``kind: dcat`` end to end: a Huế-shaped DCAT catalog (RDF/XML, JSON-LD, Turtle) on loopback → the chosen
distribution → raw zone → Delta, read back as a partner; plus catalog listing and distribution choice."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from pipelines.dcat import list_datasets, locate_distribution
from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.settings import IngestSettings
from tests.support.dcat_catalog import DcatPortal, Dist, Entry
from tests.support.project import expectation, write_project
from tests.support.runs import sync
from warehouse.reader import PublishedWarehouse

pytestmark = pytest.mark.integration

FACILITIES_ID, RELICS_ID, REPORT_ID = "000.00.14.H57-DL-0012", "000.00.23.H57-DL-0031", "000.00.14.H57-DL-0044"
FACILITIES = ("Mã cơ sở,Tên cơ sở,Mã phường/xã,Số giường bệnh\n"
              "00001,Bệnh viện Trung ương Huế,19768,2078\n"
              "00002,Trạm y tế phường Thuận Hoá,00123,12\n")
RELICS = [["Mã di tích", "Tên di tích", "Xếp hạng"],
          ["046001", "Kinh thành Huế", "Quốc gia đặc biệt"],
          ["046017", "Điện Hòn Chén", "Quốc gia"]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def catalog(facilities_modified: str = "2026-03-02T08:00:00+07:00") -> list[Entry]:
    return [
        Entry(FACILITIES_ID, "Danh sách cơ sở khám chữa bệnh", "2026-03-01T08:00:00+07:00", [
            Dist("co-so-y-te.pdf", "application/pdf", modified=facilities_modified),
            Dist("co-so-y-te.csv", "text/csv", modified=facilities_modified)]),
        Entry(RELICS_ID, "Danh mục di tích lịch sử – văn hoá", "2026-02-10T10:30:00+07:00", [
            Dist("di-tich.xlsx", XLSX, iana=False),  # a literal media type
            Dist("di-tich.csv", fmt="CSV")]),  # only dcterms:format
        Entry(REPORT_ID, "Báo cáo tổng hợp số liệu y tế năm 2025", None, [
            Dist("bao-cao.pdf", "application/pdf"), Dist("bao-cao.zip", "application/zip")]),
    ]


def dcat_dataset(id_: str, catalog_url: str, identifier: str, **extra) -> dict:
    source = {"kind": "dcat", "catalog": catalog_url, "dataset": identifier} | extra.pop("source", {})
    return {"id": id_, "title": f"Dữ liệu {identifier}", "publisher": "so-y-te", "theme": "health", "source": source} | extra


FACILITY_COLUMNS = {"Mã cơ sở": {"name": "facility_code", "type": "string"},
                    "Mã phường/xã": {"name": "ward_code", "type": "string"},
                    "Số giường bệnh": {"name": "beds", "type": "integer"}}
SUITES = {"health_facilities": [expectation("expect_column_values_to_match_regex", column="ward_code", regex=r"^\d{5}$")]}


@pytest.fixture
def hue(portal, project_root, monkeypatch):
    """Huế's portal: the catalog in RDF/XML, JSON-LD and Turtle, and the distributions' files."""
    monkeypatch.setenv("HUE_PORTAL", portal.url)
    dcat = DcatPortal(portal)
    for name, fmt in (("catalog.rdf", "xml"), ("catalog.jsonld", "json-ld"), ("catalog.ttl", "turtle")):
        dcat.catalog(name, catalog(), fmt)
    portal.put("co-so-y-te.csv", FACILITIES)
    portal.put("co-so-y-te.pdf", b"%PDF-1.4 not data", "application/pdf")
    portal.put("di-tich.xlsx", _xlsx(RELICS), XLSX)
    portal.put("di-tich.csv", "\n".join(",".join(row) for row in RELICS) + "\n")
    return dcat


def facilities(catalog_file: str = "catalog.rdf") -> dict:
    return dcat_dataset("health_facilities", f"${{HUE_PORTAL}}/dcat/{catalog_file}", FACILITIES_ID,
                        source={"media_type": "text/csv"}, columns=FACILITY_COLUMNS, primary_key=["facility_code"])


def test_rdf_xml_catalog_publishes_the_csv_distribution(hue, project_root, local_warehouse):
    write_project(project_root, [facilities()], SUITES)
    runs, _ = sync()
    assert runs["health_facilities"].status == "published", runs["health_facilities"].message
    partner = PublishedWarehouse(local_warehouse)
    table = partner.read("health_facilities").sort_by("facility_code")
    assert table.column("facility_code").to_pylist() == ["00001", "00002"]
    assert table.column("ward_code").to_pylist() == ["19768", "00123"]
    assert table.column("ten_co_so").to_pylist() == ["Bệnh viện Trung ương Huế", "Trạm y tế phường Thuận Hoá"]
    assert table.column("beds").to_pylist() == [2078, 12]
    entry = partner.entry("health_facilities")
    assert entry["version"] == 0 and entry["rows"] == 2 and entry["quality"]["status"] == "passed"
    assert entry["source"] == {"kind": "dcat", "url": f"{hue.url}/dcat/catalog.rdf#{FACILITIES_ID}"}
    assert hue.hits == {"co-so-y-te.csv": 1}  # the PDF distribution is never fetched


@pytest.mark.parametrize("media_type, downloaded", [
    (XLSX, "di-tich.xlsx"),
    ("text/csv", "di-tich.csv"),  # matched through dcterms:format CSV
    (None, "di-tich.csv"),  # no preference: CSV first among tabular distributions
])
def test_json_ld_catalog_and_media_type_choose_the_distribution(hue, project_root, local_warehouse, media_type, downloaded):
    relics = dcat_dataset("relics", "${HUE_PORTAL}/dcat/catalog.jsonld", RELICS_ID, primary_key=["ma_di_tich"],
                          source={"media_type": media_type} if media_type else {},
                          columns={"Mã di tích": {"type": "string"}}, theme="culture")
    write_project(project_root, [relics], {})
    runs, _ = sync()
    assert runs["relics"].status == "published", runs["relics"].message
    assert hue.hits == {downloaded: 1}
    table = PublishedWarehouse(local_warehouse).read("relics").sort_by("ma_di_tich")
    assert table.column("ma_di_tich").to_pylist() == ["046001", "046017"]
    assert table.column("ten_di_tich").to_pylist() == ["Kinh thành Huế", "Điện Hòn Chén"]
    assert table.column("xep_hang").to_pylist() == ["Quốc gia đặc biệt", "Quốc gia"]
    # the remote @context came through regionlink's session (timeouts, retries), not rdflib's urllib
    assert [ua for path, ua in hue.requests if path == "/dcat/context.jsonld"] == ["regionlink/0.1 (+provincial data exchange)"]


def test_unchanged_modified_skips_the_download_and_a_new_one_publishes(hue, project_root, local_warehouse):
    write_project(project_root, [facilities("catalog.ttl")], SUITES)
    assert sync()[0]["health_facilities"].status == "published"
    runs, _ = sync()
    assert runs["health_facilities"].status == "unchanged", runs["health_facilities"].message
    assert hue.hits == {"co-so-y-te.csv": 1}  # not even a conditional GET: dct:modified said unchanged
    assert [p for p, _ in hue.requests].count("/dcat/catalog.ttl") == 2
    hue.portal.put("co-so-y-te.csv", FACILITIES.replace(",12\n", ",16\n") + "00003,Phòng khám Vỹ Dạ,19771,0\n")
    hue.catalog("catalog.ttl", catalog(facilities_modified="2026-04-01T08:00:00+07:00"), "turtle")
    runs, _ = sync()
    assert runs["health_facilities"].status == "published" and runs["health_facilities"].version == 1
    assert hue.hits == {"co-so-y-te.csv": 2}
    table = PublishedWarehouse(local_warehouse).read("health_facilities")
    beds = dict(zip(table.column("facility_code").to_pylist(), table.column("beds").to_pylist()))
    assert beds == {"00001": 2078, "00002": 16, "00003": 0}


def test_catalog_errors_fail_their_dataset_alone(hue, project_root, local_warehouse):
    hue.put("trang-chu.rdf", "<!DOCTYPE html><html><body>Hệ thống đang bảo trì</body></html>", "text/html")
    hue.put("hong.ttl", "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:dataset ", "text/turtle")
    rdf = "${HUE_PORTAL}/dcat/catalog.rdf"
    datasets = [facilities(),
                dcat_dataset("unknown_id", rdf, "000.00.99.H57-DL-9999"),
                dcat_dataset("report_only", rdf, REPORT_ID),
                dcat_dataset("html_catalog", "${HUE_PORTAL}/dcat/trang-chu.rdf", FACILITIES_ID),
                dcat_dataset("broken_turtle", "${HUE_PORTAL}/dcat/hong.ttl", FACILITIES_ID),
                dcat_dataset("missing_catalog", "${HUE_PORTAL}/dcat/khong-co.rdf", FACILITIES_ID)]
    write_project(project_root, datasets, SUITES)
    runs, _ = sync()
    assert runs["health_facilities"].status == "published"
    expected = {
        "unknown_id": ["no dcat:Dataset with dct:identifier '000.00.99.H57-DL-9999'",
                       f"it has: {FACILITIES_ID}, {REPORT_ID}, {RELICS_ID}"],
        "report_only": [f"'{REPORT_ID}' has no CSV, XLSX, JSON or Parquet distribution", "application/pdf",
                        "application/zip"],
        "html_catalog": ["not RDF", "HTML page"],
        "broken_turtle": ["not valid Turtle"],
        "missing_catalog": ["HTTP 404"],
    }
    for id_, parts in expected.items():
        run = runs[id_]
        assert run.status == "error", (id_, run.status, run.message)
        assert f"dataset '{id_}'" in run.message, run.message
        for part in parts:
            assert part in run.message, (id_, part, run.message)


def test_list_datasets_reads_every_syntax_alike(hue):
    listing = list_datasets(f"{hue.url}/dcat/catalog.rdf", retries=0)
    assert listing == [
        {"identifier": FACILITIES_ID, "title": "Danh sách cơ sở khám chữa bệnh",
         "media_types": ["application/pdf", "text/csv"], "formats": ["csv"], "modified": "2026-03-01T08:00:00+07:00",
         "download_url": f"{hue.url}/files/co-so-y-te.csv"},
        {"identifier": REPORT_ID, "title": "Báo cáo tổng hợp số liệu y tế năm 2025",
         "media_types": ["application/pdf", "application/zip"], "formats": [], "modified": None, "download_url": None},
        {"identifier": RELICS_ID, "title": "Danh mục di tích lịch sử – văn hoá", "media_types": [XLSX, "csv"],
         "formats": ["csv", "xlsx"], "modified": "2026-02-10T10:30:00+07:00", "download_url": f"{hue.url}/files/di-tich.csv"},
    ]
    assert list_datasets(f"{hue.url}/dcat/catalog.jsonld", retries=0) == listing
    assert list_datasets(f"{hue.url}/dcat/catalog.ttl", retries=0) == listing
    with pytest.raises(SourceError, match="not RDF"):
        hue.put("index.html", "<html><body>Cổng dữ liệu</body></html>", "text/html")
        list_datasets(f"{hue.url}/dcat/index.html", retries=0)


def _locate(hue, entries: list[Entry], media_type: str | None = None, name: str = "c.rdf",
            content_type: str = "application/rdf+xml", fmt: str = "xml") -> tuple[str, str | None]:
    url = hue.catalog(name, entries, fmt, content_type)
    dataset = Dataset.model_validate(dcat_dataset("probe", url, entries[0].identifier,
                                                  source={"media_type": media_type} if media_type else {}))
    return locate_distribution(dataset.source, dataset, {"HUE_PORTAL": hue.url}, IngestSettings(http_retries=0))


def test_download_url_precedence_relative_urls_and_fingerprints(hue):
    both = Entry("X-1", "Thử", None, [Dist("b.csv", "text/csv", url="../files/b.csv", access_url="/trang/b")])
    url, fingerprint = _locate(hue, [both])  # hueod:downloadURL (relative) before dcat:accessURL
    assert (url, fingerprint) == (f"{hue.url}/files/b.csv", None)  # no dct:modified: the file's sha256 decides
    direct = Entry("X-1", "Thử", "2026-01-01T07:00:00+07:00", [Dist("a.csv", "text/csv", url_predicate="dcat:downloadURL",
                                                     access_url="/trang/a")])
    url, fingerprint = _locate(hue, [direct], name="d.ttl", content_type="application/octet-stream", fmt="turtle")
    assert (url, fingerprint) == (f"{hue.url}/files/a.csv", f"2026-01-01T07:00:00+07:00|{hue.url}/files/a.csv")  # dataset's modified
    moved = Entry("X-1", "Thử", "2026-01-01T07:00:00+07:00", [Dist("a.csv", "text/csv", url_predicate="dcat:downloadURL",
                                                    url=f"{hue.url}/files/moi/a.csv")])
    assert _locate(hue, [moved])[1] != fingerprint  # same date, new place: changed
    access_only = Entry("X-1", "Thử", None, [Dist("a.xlsx", fmt="XLSX", url_predicate="dcat:accessURL")])
    assert _locate(hue, [access_only], media_type="text/csv")[0] == f"{hue.url}/files/a.xlsx"  # fallback: tabular


def test_dcat_ap_shapes_blank_node_format_and_a_sniffed_syntax(hue):
    hue.put("ap", f"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{hue.url}/ds/7> dct:identifier "HUE-7" ; dct:modified "2026-05-01" ;
    dcat:distribution [ dct:format [ rdfs:label "XLSX" ] ; dcat:accessURL <{hue.url}/tai-ve/7> ] .
""", "text/plain")  # no RDF content type, no extension: the syntax is told from the text; no rdf:type either
    dataset = Dataset.model_validate(dcat_dataset("probe", "${HUE_PORTAL}/dcat/ap", "HUE-7"))
    assert locate_distribution(dataset.source, dataset, {"HUE_PORTAL": hue.url}, IngestSettings(http_retries=0)) == (
        f"{hue.url}/tai-ve/7", f"2026-05-01|{hue.url}/tai-ve/7")


def test_discover_lists_a_dcat_catalog_and_emits_entries_that_load(hue):
    import yaml

    from pipelines.discover import discover, registry_entries

    url = hue.catalog("catalog.rdf", catalog(), "xml").replace("${HUE_PORTAL}", hue.url)
    offers = discover(url)
    assert {o.kind for o in offers} == {"dcat"} and "000.00.14.H57-DL-0012" in {o.id for o in offers}
    text = registry_entries(url, offers, ["000.00.14.H57-DL-0012"])
    entry = yaml.safe_load(text)["datasets"][0]
    assert entry["source"] == {"kind": "dcat", "catalog": url, "dataset": "000.00.14.H57-DL-0012"}
