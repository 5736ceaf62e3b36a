"""The demo estate: its portal (files with ETag/304, CKAN Action API), its registry's sources and suites,
and the committed files being what ``pipelines.demo.generate`` makes."""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import yaml

from pipelines.demo import generate
from pipelines.demo.portal import serve_portal

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "pipelines" / "demo"
REGISTRY = REPO / "pipelines" / "registry"
SUITES = REPO / "expectations" / "suites"
PACKAGES = json.loads((DEMO / "packages.json").read_text(encoding="utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def registry_datasets() -> list[dict]:
    datasets = []
    for path in sorted(REGISTRY.glob("*.yaml")):
        datasets += yaml.safe_load(path.read_text(encoding="utf-8")).get("datasets") or []
    return datasets


def expand(value: str, base_url: str) -> str:
    """``${VAR}`` expansion as the registry loader does it, with DEMO_PORTAL set to ``base_url``."""
    return re.sub(r"\$\{(\w+)\}", lambda m: {"DEMO_PORTAL": base_url}[m.group(1)], value)


def action(base_url: str, name: str, **params) -> requests.Response:
    return requests.get(f"{base_url}/api/3/action/{name}", params=params, timeout=10)


def raw_get(base_url: str, path: str) -> int:
    """Status of a GET sent with the path exactly as given (requests would normalise ``..``)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_portal() -> str:
    with serve_portal() as base_url:
        yield base_url


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """A copy of the bundled estate that a test may change."""
    root = tmp_path / "estate"
    shutil.copytree(DEMO / "files", root / "files")
    shutil.copy(DEMO / "packages.json", root / "packages.json")
    return root


# --- files ---------------------------------------------------------------------------------------

def test_file_has_sha256_etag_mtime_and_content_type(demo_portal: str) -> None:
    path = DEMO / "files" / "co-so-kham-chua-benh.csv"
    response = requests.get(f"{demo_portal}/files/{path.name}", timeout=10)
    assert response.status_code == 200
    assert response.content == path.read_bytes()
    assert response.headers["ETag"] == f'"{sha256(path.read_bytes())}"'
    modified = email.utils.parsedate_to_datetime(response.headers["Last-Modified"]).timestamp()
    assert modified == int(path.stat().st_mtime)
    assert response.headers["Content-Type"].startswith("text/csv")
    head = requests.head(f"{demo_portal}/files/quan-trac-khong-khi-tu-dong.parquet", timeout=10)
    assert head.status_code == 200 and head.headers["Content-Type"] == "application/vnd.apache.parquet"


def test_conditional_requests_get_304(demo_portal: str) -> None:
    url = f"{demo_portal}/files/le-hoi.json"
    first = requests.get(url, timeout=10)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    by_etag = requests.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert by_etag.status_code == 304 and by_etag.content == b"" and by_etag.headers["ETag"] == etag
    assert requests.get(url, headers={"If-None-Match": f'"x", {etag}'}, timeout=10).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": last_modified}, timeout=10).status_code == 304
    older = email.utils.formatdate(email.utils.parsedate_to_datetime(last_modified).timestamp() - 3600, usegmt=True)
    assert requests.get(url, headers={"If-Modified-Since": older}, timeout=10).status_code == 200
    # If-None-Match takes precedence over If-Modified-Since
    both = {"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    assert requests.get(url, headers=both, timeout=10).status_code == 200


def test_changed_file_gets_new_etag_and_ckan_hash(estate: Path) -> None:
    path = estate / "files" / "gia-ve-tham-quan.json"
    with serve_portal(estate) as base_url:
        url = f"{base_url}/files/{path.name}"
        old = requests.get(url, timeout=10).headers["ETag"]
        records = json.loads(path.read_text(encoding="utf-8"))
        records[0]["soVeDon"] = 250_000
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        os.utime(path, (time.time() + 5, time.time() + 5))
        fresh = requests.get(url, headers={"If-None-Match": old}, timeout=10)
        assert fresh.status_code == 200
        assert fresh.headers["ETag"] == f'"{sha256(path.read_bytes())}"' != old
        resource = action(base_url, "package_show", id="gia-ve-tham-quan-di-tich-hue").json()["result"]["resources"][0]
        assert resource["hash"] == sha256(path.read_bytes()) and resource["size"] == path.stat().st_size


def test_missing_or_escaping_paths_are_404(demo_portal: str) -> None:
    assert requests.get(f"{demo_portal}/files/khong-co.csv", timeout=10).status_code == 404
    assert requests.get(f"{demo_portal}/packages.json", timeout=10).status_code == 404
    assert raw_get(demo_portal, "/files/../packages.json") == 404
    assert raw_get(demo_portal, "/files/%2e%2e/packages.json") == 404
    assert raw_get(demo_portal, "/files/") == 404


# --- CKAN Action API -----------------------------------------------------------------------------

def test_package_show_resources_are_absolute_and_download(demo_portal: str) -> None:
    assert len(PACKAGES) >= 2
    for package in PACKAGES:
        by_name = action(demo_portal, "package_show", id=package["name"])
        assert by_name.status_code == 200
        body = by_name.json()
        assert body["success"] is True and body["help"].startswith(demo_portal)
        result = body["result"]
        assert result == action(demo_portal, "package_show", id=package["id"]).json()["result"]
        assert result["organization"]["name"] and result["title"] and result["metadata_modified"]
        assert len(result["resources"]) == len(package["resources"]) >= 1
        for resource in result["resources"]:
            assert resource["url"].startswith(f"{demo_portal}/files/")
            download = requests.get(resource["url"], timeout=10)
            assert download.status_code == 200
            assert sha256(download.content) == resource["hash"] and len(download.content) == resource["size"]
            assert resource["format"] and resource["mimetype"] and resource["last_modified"]


def test_resource_urls_follow_the_host_header(demo_portal: str) -> None:
    port = urlsplit(demo_portal).port
    response = requests.get(f"{demo_portal}/api/3/action/package_show", params={"id": PACKAGES[0]["name"]},
                            headers={"Host": f"localhost:{port}"}, timeout=10)
    urls = [r["url"] for r in response.json()["result"]["resources"]]
    assert urls and all(u.startswith(f"http://localhost:{port}/files/") for u in urls)


def test_unknown_package_is_a_ckan_not_found(demo_portal: str) -> None:
    response = action(demo_portal, "package_show", id="khong-ton-tai")
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False
    assert body["error"] == {"__type": "Not Found Error", "message": "Not found"}
    assert action(demo_portal, "package_show").status_code == 409
    assert action(demo_portal, "no_such_action").status_code == 400


def test_package_list_and_search(demo_portal: str) -> None:
    names = sorted(p["name"] for p in PACKAGES)
    assert action(demo_portal, "package_list").json()["result"] == names
    everything = action(demo_portal, "package_search", rows=100).json()["result"]
    assert everything["count"] == len(names) and [p["name"] for p in everything["results"]] == names
    page = action(demo_portal, "package_search", rows=1, start=1).json()["result"]
    assert page["count"] == len(names) and [p["name"] for p in page["results"]] == names[1:2]
    air = action(demo_portal, "package_search", q="KHÔNG KHÍ").json()["result"]
    assert [p["name"] for p in air["results"]] == ["quan-trac-moi-truong-khong-khi"]
    assert air["results"][0]["resources"][0]["url"].startswith(demo_portal)
    assert action(demo_portal, "package_search", q="xyzzy").json()["result"]["count"] == 0
    assert action(demo_portal, "package_search", rows="nhiều").status_code == 409
    posted = requests.post(f"{demo_portal}/api/3/action/package_show", json={"id": names[0]}, timeout=10)
    assert posted.status_code == 200 and posted.json()["result"]["name"] == names[0]


# --- the registry's sources and suites -------------------------------------------------------------

def test_every_registry_source_resolves(demo_portal: str) -> None:
    datasets = registry_datasets()
    kinds = [d["source"]["kind"] for d in datasets]
    assert len(datasets) >= 13 and kinds.count("ckan") >= 1 and kinds.count("http") >= 3 and "rest" in kinds
    for dataset in datasets:
        if dataset["source"]["kind"] == "partner":  # a neighbour's warehouse, not the portal
            continue
        source = {k: expand(v, demo_portal) if isinstance(v, str) else v for k, v in dataset["source"].items()}
        if source["kind"] in ("http", "rest"):
            url = source["url"]
        elif source["kind"] == "dcat":
            url = source["catalog"]
        else:
            show = requests.get(f"{source['portal']}/api/3/action/package_show", params={"id": source["package"]},
                                timeout=10)
            assert show.status_code == 200, dataset["id"]
            resources = show.json()["result"]["resources"]
            wanted = source.get("resource")
            matches = [r for r in resources if wanted in (r["name"], r["id"])] if wanted else resources[:1]
            assert len(matches) == 1 and (wanted or len(resources) == 1), dataset["id"]
            url = matches[0]["url"]
        response = requests.get(url, timeout=10)
        assert response.status_code == 200 and response.content, dataset["id"]


def test_registry_matches_the_suites() -> None:
    documents = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(REGISTRY.glob("*.yaml"))]
    assert sum("region" in d for d in documents) == 1
    publishers = {k for d in documents for k in (d.get("publishers") or {})}
    datasets = registry_datasets()
    ids = [d["id"] for d in datasets]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z][a-z0-9_]{0,62}", i) for i in ids)
    assert len({d["publisher"] for d in datasets}) >= 6 and {d["publisher"] for d in datasets} <= publishers
    for dataset in datasets:
        suite = json.loads((SUITES / f"{dataset.get('expectations', dataset['id'])}.json").read_text(encoding="utf-8"))
        assert 2 <= len(suite["expectations"]) <= 8, dataset["id"]
        named = {c["name"] for c in dataset.get("columns", {}).values()}
        assert set(dataset.get("primary_key", [])) <= named, dataset["id"]
        for expectation in suite["expectations"]:
            assert expectation["severity"] in ("critical", "warning"), dataset["id"]
            kwargs = expectation["kwargs"]
            for column in kwargs.get("column_list", [kwargs["column"]] if "column" in kwargs else []):
                assert column in named, (dataset["id"], column)


# --- generated files and the command line -----------------------------------------------------------

def test_committed_files_are_what_the_generator_makes(tmp_path: Path) -> None:
    sizes = generate.write(tmp_path)
    assert len(sizes) >= 13 and sum(sizes.values()) < 3 * 1024 * 1024
    for name in sizes:
        assert (tmp_path / "files" / name).read_bytes() == (DEMO / "files" / name).read_bytes(), name
    assert (tmp_path / "packages.json").read_bytes() == (DEMO / "packages.json").read_bytes()


def test_command_line_writes_url_file_and_stops_on_sigterm(tmp_path: Path) -> None:
    url_file = tmp_path / "portal.url"
    process = subprocess.Popen([sys.executable, "-m", "pipelines.demo.portal", "--url-file", str(url_file)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not url_file.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        base_url = url_file.read_text(encoding="utf-8").strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        assert action(base_url, "package_list").json()["success"] is True
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read().strip() == base_url
        assert not url_file.exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_records_api_pages_a_data_file(demo_portal: str) -> None:
    first = requests.get(f"{demo_portal}/api/diem-du-lich", params={"start": 0, "pageSize": 20}, timeout=10).json()
    last = requests.get(f"{demo_portal}/api/diem-du-lich", params={"start": 40, "pageSize": 20}, timeout=10).json()
    assert first["code"] == 200 and len(first["data"]) == 20 and first["totalRows"] == 45
    assert len(last["data"]) == 5 and {r["placeID"] for r in first["data"]}.isdisjoint(r["placeID"] for r in last["data"])
    missing = requests.get(f"{demo_portal}/api/khong-co", timeout=10)
    assert missing.status_code == 404 and missing.json()["code"] == 404


def test_dcat_catalog_lists_its_datasets_with_download_links(demo_portal: str) -> None:
    from pipelines.dcat import list_datasets

    listing = {d["identifier"]: d for d in list_datasets(f"{demo_portal}/dcat/catalog.rdf")}
    relics = listing["000.00.14.H57-DL-0012"]
    assert relics["title"] == "Di tích đã được xếp hạng" and relics["formats"] == ["json"]
    assert requests.get(relics["download_url"], timeout=10).json()["data"]
