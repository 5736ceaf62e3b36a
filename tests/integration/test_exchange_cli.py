"""``regionlink keys init`` and ``regionlink grants plan|open`` through the real CLI."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from tests.support.regions import Region
from warehouse.signing import load_private_key, public_key_b64

pytestmark = pytest.mark.integration


@pytest.fixture
def hue(tmp_path, iam_s3):
    region = Region("46", "Thành phố Huế", tmp_path / "hue", f"s3://hue-{uuid.uuid4().hex[:8]}/warehouse",
                    iam_s3.endpoint, iam_s3.admin_access_key_id, iam_s3.admin_secret_access_key)
    partners = {code: Region(code, name, tmp_path / code, "s3://x", "", "", "")
                for code, name in (("48", "Thành phố Đà Nẵng"), ("44", "Tỉnh Quảng Trị"))}
    http = {"kind": "http", "url": "https://data.hue.gov.vn/files/x.csv"}
    base = {"publisher": "so-du-lich", "theme": "tourism", "source": http}
    region.write([{"id": "festivals", "title": "Lễ hội", "sharing": "open", **base},
                  {"id": "tourist_sites", "title": "Điểm du lịch", "sharing": "shared", "share_with": ["48"], **base},
                  {"id": "staff", "title": "Nhân sự", **base}], {}, partners)
    region.warehouse().ensure_ready()
    return region


def test_keys_init_prints_a_working_pair(hue):
    done = hue.cli("keys", "init")
    pair = json.loads(done.stdout)
    assert len(base64.b64decode(pair["private_key"])) == 32
    assert public_key_b64(load_private_key(pair["private_key"])) == pair["public_key"]
    assert pair["private_key"] not in done.stderr


def test_grants_plan_lists_exactly_each_partners_datasets(hue):
    plan = json.loads(hue.cli("grants", "plan").stdout)
    by_code = {p["partner"]: p for p in plan["partners"]}
    assert by_code["48"]["datasets"] == ["festivals", "tourist_sites"] and by_code["44"]["datasets"] == ["festivals"]
    assert by_code["48"]["user"] == "regionlink-48"
    resources = json.dumps(by_code["44"]["policy"])
    assert "catalog/44.json" in resources and "tourist_sites" not in resources and "staff" not in resources
    assert not any(a.startswith("s3:Put") or a.startswith("s3:Delete") for s in by_code["48"]["policy"]["Statement"]
                   for a in s["Action"])
    assert "curated/festivals/*" in json.dumps(plan["open_data_bucket_policy"])
    one = json.loads(hue.cli("grants", "plan", "44").stdout)
    assert [p["partner"] for p in one["partners"]] == ["44"]
    unknown = hue.cli("grants", "plan", "01", check=False)
    assert unknown.returncode == 2 and "unknown partner" in unknown.stderr


def test_grants_open_sets_the_bucket_policy_for_open_data(hue, iam_s3):
    hue.cli("grants", "open")
    bucket = hue.location.removeprefix("s3://").split("/")[0]
    policy = json.loads(iam_s3.client("s3").get_bucket_policy(Bucket=bucket)["Policy"])
    readable = json.dumps(policy)
    assert policy["Statement"][0]["Principal"] == "*" and "curated/festivals/*" in readable
    assert "tourist_sites" not in readable and "staff" not in readable
    events = [json.loads(line) for line in hue.cli("audit", "--event", "open_data_policy").stdout.splitlines()]
    assert events and events[-1]["datasets"] == ["festivals"]


def test_grants_refuse_a_local_warehouse(hue, tmp_path):
    hue.location = str(tmp_path / "local")
    done = hue.cli("grants", "plan", check=False)
    assert done.returncode == 2 and "grants need an S3 warehouse" in done.stderr
