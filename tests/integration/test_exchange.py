"""Two regions exchange data on one S3 server that enforces signatures and IAM policies (moto on loopback).

Huế (46) and Đà Nẵng (48) each publish to their own bucket, grant each other read access with
``regionlink grants apply --backend iam``, and ingest each other's shared dataset with ``kind: partner``.
What moto does not enforce (prefix conditions on ListBucket, anonymous bucket policies) is covered by the
policy documents' unit tests and by open data living under its own prefixes and catalog view.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import uuid

import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

from tests.support.regions import Region
from tests.support.runs import sync
from warehouse.reader import PublishedWarehouse

pytestmark = pytest.mark.integration

SITES = ("Mã điểm,Tên điểm,Điện thoại liên hệ,Email người phụ trách\n"
         "DL001,Đại Nội Huế,0905 123 456,nguyen.van.a@hue.gov.vn\n"
         "DL002,Lăng Tự Đức,0234 3822 123,tran.thi.b@hue.gov.vn\n"
         "DL003,Chùa Thiên Mụ,0914 777 888,le.van.c@hue.gov.vn\n")
VISITS = "Tháng,Lượt khách\n2025-09,212000\n2025-10,198500\n"
BEACHES = "Mã bãi biển,Tên bãi biển,Chất lượng nước\nBB01,Mỹ Khê,Tốt\nBB02,Non Nước,Tốt\nBB03,Xuân Thiều,Trung bình\n"
BEACHES_V1 = BEACHES + "BB04,Nam Ô,Tốt\n"
STAFF = "Mã nhân viên,Họ tên,Điện thoại\nNV1,Phạm Văn D,0935 111 222\nNV2,Hồ Thị E,0905 333 444\n"


def _partner_source(region: str, dataset: str, prefix: str) -> dict:
    return {"kind": "partner", "region": region, "dataset": dataset, "warehouse": f"${{{prefix}_WAREHOUSE}}",
            "endpoint": "${S3_ENDPOINT}", "access_key_id": f"${{{prefix}_KEY_ID}}",
            "secret_access_key": f"${{{prefix}_SECRET}}"}


def _regions(tmp_path, iam_s3, portal) -> tuple[Region, Region]:
    run = uuid.uuid4().hex[:8]
    common = dict(endpoint=iam_s3.endpoint, access_key_id=iam_s3.admin_access_key_id,
                  secret_access_key=iam_s3.admin_secret_access_key)
    hue = Region("46", "Thành phố Huế", tmp_path / "hue", f"s3://hue-{run}/warehouse", **common)
    danang = Region("48", "Thành phố Đà Nẵng", tmp_path / "danang", f"s3://danang-{run}/warehouse", **common)
    shared_env = {"PORTAL": portal.url, "S3_ENDPOINT": iam_s3.endpoint, "HUE_WAREHOUSE": hue.location,
                  "DANANG_WAREHOUSE": danang.location}
    hue.extra_env.update(shared_env)
    danang.extra_env.update(shared_env)
    hue.write([
        {"id": "tourist_sites", "title": "Điểm du lịch", "publisher": "so-du-lich", "theme": "tourism",
         "source": {"kind": "http", "url": "${PORTAL}/files/diem-du-lich.csv"},
         "columns": {"Mã điểm": {"name": "site_code", "type": "string"}, "Tên điểm": {"name": "site_name"},
                     "Điện thoại liên hệ": {"name": "contact_phone", "type": "string"},
                     "Email người phụ trách": {"name": "manager_email"}},
         "primary_key": ["site_code"], "sharing": "shared", "share_with": ["48"],
         "personal_data": {"contact_phone": "pseudonymize", "manager_email": "drop"}},
        {"id": "monthly_visits", "title": "Lượt khách theo tháng", "publisher": "so-du-lich", "theme": "tourism",
         "source": {"kind": "http", "url": "${PORTAL}/files/luot-khach.csv"}},
        {"id": "danang_beaches", "title": "Bãi biển Đà Nẵng", "publisher": "so-du-lich", "theme": "tourism",
         "source": _partner_source("48", "beaches", "DANANG"), "primary_key": ["beach_code"]},
    ], {"danang_beaches": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "beach_code"},
                            "severity": "critical"}]}, {"48": danang})
    danang.write([
        {"id": "beaches", "title": "Bãi biển", "publisher": "so-du-lich", "theme": "tourism",
         "source": {"kind": "http", "url": "${PORTAL}/files/bai-bien.csv"},
         "columns": {"Mã bãi biển": {"name": "beach_code", "type": "string"}}, "primary_key": ["beach_code"],
         "sharing": "shared", "share_with": ["46"]},
        {"id": "hotel_staff", "title": "Nhân viên khách sạn", "publisher": "so-du-lich", "theme": "tourism",
         "source": {"kind": "http", "url": "${PORTAL}/files/nhan-vien.csv"}},
        {"id": "hue_sites", "title": "Điểm du lịch Huế", "publisher": "so-du-lich", "theme": "tourism",
         "source": _partner_source("46", "tourist_sites", "HUE"), "primary_key": ["site_code"]},
    ], {}, {"46": hue})
    for name, body in (("diem-du-lich.csv", SITES), ("luot-khach.csv", VISITS), ("bai-bien.csv", BEACHES),
                       ("nhan-vien.csv", STAFF)):
        portal.put(name, body)
    return hue, danang


def _grant(owner: Region, partner: Region) -> dict:
    """``regionlink grants apply <partner> --backend iam`` as ``owner``: the key printed once on stdout."""
    done = owner.cli("grants", "apply", partner.code, "--backend", "iam")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and set(lines[0]) == {"partner", "access_key_id", "secret_access_key"}
    assert lines[0]["secret_access_key"] not in done.stderr
    return lines[0]


def _sync(region: Region, ids: list[str]) -> dict:
    with region.active():
        runs, _ = sync(ids)
    return runs


def _denied(call) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"]


@pytest.fixture
def regions(tmp_path, iam_s3, portal):
    """Huế and Đà Nẵng on the enforcing server; their IAM users are removed afterwards (they are account-wide)."""
    from warehouse.grants_iam import IamBackend

    yield _regions(tmp_path, iam_s3, portal)
    iam = IamBackend(iam_s3.endpoint, iam_s3.admin_access_key_id, iam_s3.admin_secret_access_key)
    for code in ("46", "48"):
        iam.revoke(code)


def test_two_regions_exchange_verified_pseudonymised_data_and_revocation_cuts_access(regions, tmp_path, iam_s3, portal):
    hue, danang = regions
    first_hue = _sync(hue, ["tourist_sites", "monthly_visits"])
    first_danang = _sync(danang, ["beaches", "hotel_staff"])
    assert {r.status for r in [*first_hue.values(), *first_danang.values()]} == {"published"}

    # nothing granted yet: Huế cannot read Đà Nẵng's catalog view
    hue.extra_env.update(DANANG_KEY_ID="none", DANANG_SECRET="none")
    refused = _sync(hue, ["danang_beaches"])["danang_beaches"]
    assert refused.failed and "does not let us read catalog/46.json" in refused.message

    to_hue, to_danang = _grant(danang, hue), _grant(hue, danang)
    hue.extra_env.update(DANANG_KEY_ID=to_hue["access_key_id"], DANANG_SECRET=to_hue["secret_access_key"])
    danang.extra_env.update(HUE_KEY_ID=to_danang["access_key_id"], HUE_SECRET=to_danang["secret_access_key"])
    assert _sync(hue, ["danang_beaches"])["danang_beaches"].status == "published"
    assert _sync(danang, ["hue_sites"])["hue_sites"].status == "published"

    # what arrived: every row, lineage kept, personal data pseudonymised with Huế's key, e-mails dropped
    beaches = PublishedWarehouse(hue.warehouse().config).read("danang_beaches")
    assert sorted(beaches.column("beach_code").to_pylist()) == ["BB01", "BB02", "BB03"]
    assert set(beaches.column("_origin_region").to_pylist()) == {"48"}
    assert set(beaches.column("_origin_version").to_pylist()) == {0}
    sites = PublishedWarehouse(danang.warehouse().config).read("hue_sites")
    assert "manager_email" not in sites.column_names
    expected = hmac.new(hue.pseudonym_key.encode(), "0905 123 456".encode(), hashlib.sha256).hexdigest()
    assert expected in sites.column("contact_phone").to_pylist()
    assert not any("0905" in str(v) for v in sites.column("contact_phone").to_pylist())
    entry = PublishedWarehouse(danang.warehouse().config).entry("hue_sites")
    assert entry["lineage"] == {"region": "46", "dataset": "tourist_sites", "version": 0}

    # the views list exactly what each partner may read; internal data is in none of them
    danang_wh = danang.warehouse()
    assert [e["id"] for e in danang_wh.read_json("catalog/46.json")["datasets"]] == ["beaches"]
    assert danang_wh.read_json("catalog/open.json")["datasets"] == []
    assert "source" not in danang_wh.read_json("catalog/46.json")["datasets"][0]

    # Huế's key on Đà Nẵng's bucket: granted prefixes only, no internal data, no writes, no wrong secret
    bucket, prefix = danang.location.removeprefix("s3://").split("/", 1)
    as_hue = iam_s3.client("s3", to_hue["access_key_id"], to_hue["secret_access_key"])
    assert as_hue.get_object(Bucket=bucket, Key=f"{prefix}/catalog/46.json")["Body"].read()
    internal = danang_wh.list_files("curated/hotel_staff")[0]
    assert _denied(lambda: as_hue.get_object(Bucket=bucket, Key=f"{prefix}/{internal}")) == "AccessDenied"
    assert _denied(lambda: as_hue.get_object(Bucket=bucket, Key=f"{prefix}/catalog.json")) == "AccessDenied"
    assert _denied(lambda: as_hue.get_object(Bucket=bucket, Key=f"{prefix}/raw/beaches/_dlt_loads/x")) == "AccessDenied"
    assert _denied(lambda: as_hue.put_object(Bucket=bucket, Key=f"{prefix}/curated/beaches/x.parquet",
                                             Body=b"x")) == "AccessDenied"
    wrong = iam_s3.client("s3", to_hue["access_key_id"], "not-the-secret")
    assert _denied(lambda: wrong.get_object(Bucket=bucket, Key=f"{prefix}/catalog/46.json")) == "SignatureDoesNotMatch"

    # a Huế analyst pulls the shared table with the key Đà Nẵng issued, verified, into one Parquet file
    analyst = dict(os.environ, AWS_ACCESS_KEY_ID=to_hue["access_key_id"],
                   AWS_SECRET_ACCESS_KEY=to_hue["secret_access_key"], AWS_ENDPOINT_URL=iam_s3.endpoint)
    pull = [sys.executable, "-m", "orchestration.cli", "pull", "beaches", "--from", danang.location, "--region", "48",
            "--as", "46", "--out", str(tmp_path / "pulled")]
    done = subprocess.run(pull + ["--public-key", danang.public_key], env=analyst, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert pq.read_table(tmp_path / "pulled" / "beaches-v0.parquet").num_rows == 3
    wrong_key = subprocess.run(pull + ["--public-key", hue.public_key], env=analyst, capture_output=True, text=True)
    assert wrong_key.returncode == 1 and "signature" in wrong_key.stderr
    internal_pull = subprocess.run(pull[:4] + ["hotel_staff"] + pull[5:] + ["--public-key", danang.public_key],
                                   env=analyst, capture_output=True, text=True)
    assert internal_pull.returncode == 1 and "not shared with 46" in internal_pull.stderr

    # Đà Nẵng publishes version 1; a data file is tampered with in the bucket: Huế ingests nothing
    portal.put("bai-bien.csv", BEACHES_V1)
    assert _sync(danang, ["beaches"])["beaches"].version == 1
    manifest = danang_wh.read_json("manifests/beaches/1.json")
    victim = f"curated/beaches/{manifest['files'][-1]['path']}"
    original = danang_wh.read_bytes(victim)
    danang_wh.write_bytes(victim, original[:-16] + bytes(16))
    tampered = _sync(hue, ["danang_beaches"])["danang_beaches"]
    assert tampered.failed and "sha256" in tampered.message and manifest["files"][-1]["path"] in tampered.message
    assert PublishedWarehouse(hue.warehouse().config).read("danang_beaches").num_rows == 3

    # a manifest changed after signing fails on its signature
    danang_wh.write_bytes(victim, original)
    body = danang_wh.read_bytes("manifests/beaches/1.json")
    danang_wh.write_bytes("manifests/beaches/1.json", body.replace(b'"rows":4', b'"rows":5'))
    forged = _sync(hue, ["danang_beaches"])["danang_beaches"]
    assert forged.failed and "signature" in forged.message
    danang_wh.write_bytes("manifests/beaches/1.json", body)
    restored = _sync(hue, ["danang_beaches"])["danang_beaches"]
    assert restored.status == "published", restored.message
    assert PublishedWarehouse(hue.warehouse().config).read("danang_beaches").num_rows == 4

    # revocation: the key stops working at once, and the next partner sync fails clearly
    danang.cli("grants", "revoke", "46", "--backend", "iam")
    assert _denied(lambda: as_hue.get_object(Bucket=bucket, Key=f"{prefix}/catalog/46.json")) in (
        "InvalidAccessKeyId", "AccessDenied")
    portal.put("bai-bien.csv", BEACHES_V1 + "BB05,Phạm Văn Đồng,Tốt\n")
    _sync(danang, ["beaches"])
    cut = _sync(hue, ["danang_beaches"])["danang_beaches"]
    assert cut.failed and "does not let us read" in cut.message

    events = [json.loads(line) for line in danang.cli("audit").stdout.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds.count("publish") == 5 and "grant" in kinds and kinds[-1] == "publish" and "revoke" in kinds
    assert not any(to_hue["secret_access_key"] in json.dumps(e) for e in events)
