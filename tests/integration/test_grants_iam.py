"""Partner grants on IAM, checked with the issued key against a moto server that enforces IAM policies.

What moto does NOT enforce, so these tests cannot show it: Condition operators other than StringEquals are
ignored (the ListBucket ``s3:prefix`` StringLike condition lets a partner list any prefix of the bucket), and
resource-based bucket policies never grant anything (anonymous reads under ``open_data_policy``).
"""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from warehouse.config import WarehouseConfig
from warehouse.grants import GrantError, PartnerGrant, partner_policy
from warehouse.grants_iam import IamBackend

pytestmark = pytest.mark.integration

PARTNER_CODES = ("44", "45", "46", "47", "48")
OBJECTS = ["hue/curated/a/x.parquet", "hue/curated/b/y.parquet", "hue/catalog/48.json", "hue/catalog/44.json",
           "hue/keys/46.pub"]


@pytest.fixture
def bucket(iam_s3):
    name = f"grants-{uuid.uuid4().hex[:10]}"
    s3 = iam_s3.client("s3")
    s3.create_bucket(Bucket=name)
    for key in OBJECTS:
        s3.put_object(Bucket=name, Key=key, Body=key.encode())
    return name


@pytest.fixture
def backend(iam_s3):
    """The IAM backend; users are account-wide on the shared server, so each test starts and ends clean."""
    iam = IamBackend(iam_s3.endpoint, iam_s3.admin_access_key_id, iam_s3.admin_secret_access_key)
    for code in PARTNER_CODES:
        iam.revoke(code)
    yield iam
    for code in PARTNER_CODES:
        iam.revoke(code)


def _error(call, **kwargs) -> str:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


def test_partner_key_reads_exactly_its_grant(iam_s3, bucket, backend):
    location = f"s3://{bucket}/hue"
    grant = PartnerGrant("48", "Tây Ninh", ("a",))
    key = backend.apply(grant, partner_policy(location, grant))
    assert key is not None and key.partner == "48"
    line = json.loads(key.to_json_line())
    assert set(line) == {"partner", "access_key_id", "secret_access_key"}
    assert key.secret_access_key not in repr(key)

    partner = iam_s3.client("s3", key.access_key_id, key.secret_access_key)
    assert partner.get_object(Bucket=bucket, Key="hue/curated/a/x.parquet")["Body"].read() == b"hue/curated/a/x.parquet"
    assert partner.get_object(Bucket=bucket, Key="hue/catalog/48.json")["Body"].read() == b"hue/catalog/48.json"
    assert partner.get_object(Bucket=bucket, Key="hue/keys/46.pub")["Body"].read() == b"hue/keys/46.pub"
    assert _error(partner.get_object, Bucket=bucket, Key="hue/curated/b/y.parquet") == "AccessDenied"
    assert _error(partner.get_object, Bucket=bucket, Key="hue/catalog/44.json") == "AccessDenied"
    for target in ("hue/curated/a/new.parquet", "hue/catalog/48.json", "elsewhere.txt"):
        assert _error(partner.put_object, Bucket=bucket, Key=target, Body=b"x") == "AccessDenied"
    assert _error(partner.delete_object, Bucket=bucket, Key="hue/curated/a/x.parquet") == "AccessDenied"
    wrong = iam_s3.client("s3", key.access_key_id, key.secret_access_key[:-2] + "xx")
    assert _error(wrong.get_object, Bucket=bucket, Key="hue/curated/a/x.parquet") == "SignatureDoesNotMatch"

    wider = PartnerGrant("48", "Tây Ninh", ("a", "b"))
    assert backend.apply(wider, partner_policy(location, wider)) is None
    assert partner.get_object(Bucket=bucket, Key="hue/curated/b/y.parquet")["Body"].read() == b"hue/curated/b/y.parquet"
    assert _error(partner.get_object, Bucket=bucket, Key="hue/catalog/44.json") == "AccessDenied"
    assert backend.revoke("48") is True
    # The user is gone, so moto no longer knows the key at all (not merely denies it).
    assert _error(partner.get_object, Bucket=bucket, Key="hue/curated/a/x.parquet") == "InvalidAccessKeyId"
    assert backend.revoke("48") is False


def test_policy_versions_stay_within_the_iam_limit(iam_s3, bucket, backend):
    location = f"s3://{bucket}/hue"
    iam = iam_s3.client("iam")
    for n in range(7):
        grant = PartnerGrant("47", "x", tuple(f"d{i}" for i in range(n + 1)))
        key = backend.apply(grant, partner_policy(location, grant))
        assert (key is not None) == (n == 0)
    [arn] = [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == "regionlink-47-read"]
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert len(versions) == 5
    default = next(v for v in versions if v["IsDefaultVersion"])
    document = iam.get_policy_version(PolicyArn=arn, VersionId=default["VersionId"])["PolicyVersion"]["Document"]
    assert document == partner_policy(location, grant)
    assert backend.apply(grant, partner_policy(location, grant)) is None
    assert len(iam.list_policy_versions(PolicyArn=arn)["Versions"]) == 5
    assert backend.revoke("47") is True
    assert not [p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == "regionlink-47-read"]


def test_a_user_left_without_a_key_gets_a_new_one(iam_s3, bucket, backend):
    grant = PartnerGrant("46", "x", ("a",))
    policy = partner_policy(f"s3://{bucket}/hue", grant)
    first = backend.apply(grant, policy)
    iam_s3.client("iam").delete_access_key(UserName="regionlink-46", AccessKeyId=first.access_key_id)
    second = backend.apply(grant, policy)
    assert second is not None and second.access_key_id != first.access_key_id
    assert backend.revoke("46") is True


def test_errors_become_grant_errors_without_the_secret(iam_s3, bucket):
    secret = "wrong-secret-never-logged"
    backend = IamBackend.from_config(
        WarehouseConfig(location=f"s3://{bucket}/hue", endpoint_url="http://127.0.0.1:1",
                        access_key_id=iam_s3.admin_access_key_id, secret_access_key=secret),
        iam_endpoint_url=iam_s3.endpoint)
    assert backend.endpoint_url == iam_s3.endpoint
    grant = PartnerGrant("45", "x", ("a",))
    with pytest.raises(GrantError, match="partner 45.*SignatureDoesNotMatch") as info:
        backend.apply(grant, partner_policy(f"s3://{bucket}/hue", grant))
    assert secret not in str(info.value) and secret not in repr(backend)


def test_admin_can_still_write_conditionally_and_delete(iam_s3, bucket):
    s3 = iam_s3.client("s3")
    s3.put_object(Bucket=bucket, Key="hue/state/x.json", Body=b"1", IfNoneMatch="*")
    again = _error(s3.put_object, Bucket=bucket, Key="hue/state/x.json", Body=b"2", IfNoneMatch="*")
    assert again == "PreconditionFailed"
    s3.delete_object(Bucket=bucket, Key="hue/state/x.json")
    assert _error(s3.get_object, Bucket=bucket, Key="hue/state/x.json") == "NoSuchKey"
