"""Read-only grants for partner regions: the IAM policy documents and the key handed out (no network here).

A partner may read, under the warehouse root: ``curated/<id>/*`` and ``manifests/<id>/*`` for each dataset
it is granted, its own catalog view ``catalog/<code>.json`` and every public key ``keys/*``. Nothing else,
and never a write. The documents use the AWS IAM grammar, which MinIO accepts unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from warehouse.config import WarehouseConfig
from warehouse.store import WarehouseError

POLICY_VERSION = "2012-10-17"
READ_ACTIONS = ("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation")
# Codes and ids end up inside ARNs and user names: wildcards or slashes there would widen a grant.
# Nine characters at most keeps "regionlink-<code>" within MinIO's 20-character access key limit.
_CODE = re.compile(r"^[A-Za-z0-9]{1,9}$")
_DATASET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")


class GrantError(WarehouseError):
    """A grant could not be applied or revoked on the object store; the message names the partner, never a secret."""


@dataclass(frozen=True)
class PartnerGrant:
    """What one partner region may read: its code (e.g. ``"48"``), display name and granted dataset ids."""

    code: str
    name: str
    datasets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_code(self.code)
        object.__setattr__(self, "datasets", tuple(self.datasets))
        bad = [d for d in self.datasets if not _DATASET.match(d)]
        if bad:
            raise ValueError(f"partner {self.code}: invalid dataset ids {bad}")


@dataclass(frozen=True, repr=False)
class IssuedKey:
    """A freshly issued access key: shown to the operator once, as one JSON line, and never logged."""

    partner: str
    access_key_id: str
    secret_access_key: str

    def to_json_line(self) -> str:
        return json.dumps({"partner": self.partner, "access_key_id": self.access_key_id,
                           "secret_access_key": self.secret_access_key})

    def __repr__(self) -> str:
        return f"IssuedKey(partner={self.partner!r}, access_key_id={self.access_key_id!r}, secret_access_key='***')"


def _check_code(code: str) -> None:
    if not _CODE.match(code):
        raise ValueError(f"partner code {code!r}: expected 1-9 letters or digits (e.g. '48')")


def partner_user(code: str) -> str:
    _check_code(code)
    return f"regionlink-{code}"


def partner_policy_name(code: str) -> str:
    return f"{partner_user(code)}-read"


def _bucket_and_prefix(location: str) -> tuple[str, str]:
    config = WarehouseConfig(location=location)
    if not config.is_s3:
        raise ValueError(f"grants need an S3 warehouse (s3://bucket[/prefix]), not the local path {location!r}")
    if any(c in config.prefix for c in "*?$"):
        raise ValueError(f"warehouse {location!r}: the prefix must not contain wildcards")
    return config.bucket, config.prefix


def _keys(prefix: str, rels: list[str]) -> list[str]:
    return [f"{prefix}/{rel}" if prefix else rel for rel in rels]


def _dataset_rels(datasets: list[str] | tuple[str, ...]) -> list[str]:
    rels = []
    for dataset in sorted(set(datasets)):
        if not _DATASET.match(dataset):
            raise ValueError(f"invalid dataset id {dataset!r}")
        rels += [f"curated/{dataset}/*", f"manifests/{dataset}/*"]
    return rels


def partner_policy(location: str, grant: PartnerGrant) -> dict:
    """The identity policy for ``grant``'s user on the warehouse at ``location`` (``s3://bucket[/prefix]``)."""
    bucket, prefix = _bucket_and_prefix(location)
    readable = _keys(prefix, _dataset_rels(grant.datasets) + [f"catalog/{grant.code}.json", "keys/*"])
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {"Sid": "ReadGrantedObjects", "Effect": "Allow", "Action": ["s3:GetObject"],
             "Resource": [f"arn:aws:s3:::{bucket}/{key}" for key in readable]},
            {"Sid": "ListGrantedPrefixes", "Effect": "Allow", "Action": ["s3:ListBucket"],
             "Resource": [f"arn:aws:s3:::{bucket}"],
             "Condition": {"StringLike": {"s3:prefix": readable}}},
            {"Sid": "LocateBucket", "Effect": "Allow", "Action": ["s3:GetBucketLocation"],
             "Resource": [f"arn:aws:s3:::{bucket}"]},
        ],
    }


def open_data_policy(location: str, datasets: list[str]) -> dict:
    """A bucket policy letting anyone (no credentials) read the open datasets, the open catalog and the keys."""
    bucket, prefix = _bucket_and_prefix(location)
    readable = _keys(prefix, _dataset_rels(datasets) + ["catalog/open.json", "keys/*"])
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {"Sid": "OpenDataRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
             "Resource": [f"arn:aws:s3:::{bucket}/{key}" for key in readable]},
        ],
    }


def apply_open_data_policy(config: WarehouseConfig, datasets: list[str]) -> dict:
    """Set :func:`open_data_policy` as the bucket's policy through the S3 API (AWS and MinIO alike); with no
    open dataset the bucket's policy is deleted. Returns the document set (or ``{}``)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    if not config.is_s3:
        raise ValueError(f"grants need an S3 warehouse (s3://bucket[/prefix]), not the local path {config.location}")
    s3 = boto3.client("s3", endpoint_url=config.endpoint_url, region_name=config.region,
                      aws_access_key_id=config.access_key_id,
                      aws_secret_access_key=config.secret_access_key.get_secret_value() if config.secret_access_key else None,
                      config=Config(s3={"addressing_style": "path"}))
    policy = open_data_policy(config.location, datasets) if datasets else {}
    try:
        if policy:
            s3.put_bucket_policy(Bucket=config.bucket, Policy=json.dumps(policy))
        else:
            s3.delete_bucket_policy(Bucket=config.bucket)
    except (ClientError, BotoCoreError) as exc:
        raise GrantError(f"open data policy on bucket '{config.bucket}': {exc}") from None
    return policy
