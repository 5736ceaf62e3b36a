"""Partner grant policy documents and issued keys (pure, no network)."""

from __future__ import annotations

import json

import pytest

from warehouse.grants import (READ_ACTIONS, GrantError, IssuedKey, PartnerGrant, open_data_policy, partner_policy,
                              partner_policy_name, partner_user)
from warehouse.store import WarehouseError


def _statements(policy: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in policy["Statement"]}


def test_names():
    assert partner_user("48") == "regionlink-48"
    assert partner_policy_name("48") == "regionlink-48-read"
    with pytest.raises(ValueError):
        partner_user("4*")


def test_partner_policy_with_prefix_exact_resources():
    grant = PartnerGrant("48", "Tây Ninh", ("traffic", "births"))
    policy = partner_policy("s3://hue-bucket/hue", grant)
    assert policy["Version"] == "2012-10-17"
    statements = _statements(policy)
    readable = ["hue/curated/births/*", "hue/manifests/births/*", "hue/curated/traffic/*",
                "hue/manifests/traffic/*", "hue/catalog/48.json", "hue/keys/*"]
    assert statements["ReadGrantedObjects"] == {
        "Sid": "ReadGrantedObjects", "Effect": "Allow", "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::hue-bucket/{key}" for key in readable]}
    assert statements["ListGrantedPrefixes"] == {
        "Sid": "ListGrantedPrefixes", "Effect": "Allow", "Action": ["s3:ListBucket"],
        "Resource": ["arn:aws:s3:::hue-bucket"], "Condition": {"StringLike": {"s3:prefix": readable}}}
    assert statements["LocateBucket"]["Resource"] == ["arn:aws:s3:::hue-bucket"]
    assert statements["LocateBucket"]["Action"] == ["s3:GetBucketLocation"]
    json.dumps(policy)


def test_partner_policy_without_prefix_and_without_datasets():
    policy = partner_policy("s3://hue-bucket", PartnerGrant("44", "Quảng Trị"))
    statements = _statements(policy)
    assert statements["ReadGrantedObjects"]["Resource"] == ["arn:aws:s3:::hue-bucket/catalog/44.json",
                                                            "arn:aws:s3:::hue-bucket/keys/*"]
    assert statements["ListGrantedPrefixes"]["Condition"] == {"StringLike": {"s3:prefix": ["catalog/44.json",
                                                                                           "keys/*"]}}
    assert partner_policy("s3://hue-bucket/", PartnerGrant("44", "x")) == policy


def test_partner_policy_is_read_only_and_never_wider_than_the_grant():
    policy = partner_policy("s3://b/wh", PartnerGrant("48", "x", ("a", "a", "b")))
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert actions == set(READ_ACTIONS) == {"s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"}
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    objects = _statements(policy)["ReadGrantedObjects"]["Resource"]
    assert len(objects) == len(set(objects)) == 6
    resources = [r for s in policy["Statement"] for r in s["Resource"]]
    for resource in resources:
        assert resource in ("arn:aws:s3:::b",) or resource.startswith("arn:aws:s3:::b/wh/")
        assert "*" not in resource.removesuffix("/*")
    assert "arn:aws:s3:::b/wh/catalog/open.json" not in resources
    assert "arn:aws:s3:::b/*" not in resources


@pytest.mark.parametrize("datasets", [("*",), ("a/../b",), ("a?",), ("",)])
def test_wildcards_and_paths_in_dataset_ids_are_refused(datasets):
    with pytest.raises(ValueError):
        PartnerGrant("48", "x", datasets)


def test_local_location_refused():
    with pytest.raises(ValueError, match="grants need an S3 warehouse"):
        partner_policy("/srv/warehouse", PartnerGrant("48", "x", ("a",)))
    with pytest.raises(ValueError, match="grants need an S3 warehouse"):
        open_data_policy(".warehouse", ["a"])


def test_open_data_policy():
    policy = open_data_policy("s3://hue-bucket/hue", ["traffic", "births"])
    [statement] = policy["Statement"]
    assert statement["Principal"] == "*"
    assert statement["Action"] == ["s3:GetObject"]
    assert statement["Resource"] == [f"arn:aws:s3:::hue-bucket/hue/{key}" for key in (
        "curated/births/*", "manifests/births/*", "curated/traffic/*", "manifests/traffic/*",
        "catalog/open.json", "keys/*")]
    assert open_data_policy("s3://hue-bucket", [])["Statement"][0]["Resource"] == [
        "arn:aws:s3:::hue-bucket/catalog/open.json", "arn:aws:s3:::hue-bucket/keys/*"]


def test_issued_key_masks_its_secret():
    key = IssuedKey("48", "regionlink-48", "s3cr3t-value-never-logged")
    assert "s3cr3t" not in repr(key)
    assert "s3cr3t" not in str(key)
    assert "s3cr3t" not in f"{key}" and "s3cr3t" not in repr([key])
    assert "regionlink-48" in repr(key)
    assert json.loads(key.to_json_line()) == {"partner": "48", "access_key_id": "regionlink-48",
                                              "secret_access_key": "s3cr3t-value-never-logged"}
    assert "\n" not in key.to_json_line()


def test_grant_error_is_a_warehouse_error():
    assert issubclass(GrantError, WarehouseError)
