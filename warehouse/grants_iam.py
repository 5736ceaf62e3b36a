"""Apply and revoke partner grants on AWS-style IAM (AWS itself, or any IAM-compatible endpoint such as moto).

Each partner gets a user ``regionlink-<code>`` with one customer-managed policy ``regionlink-<code>-read``
attached, both under the IAM path ``/regionlink/``. Re-applying a grant adds a policy version and keeps the key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import SecretStr

from warehouse.config import WarehouseConfig
from warehouse.grants import GrantError, IssuedKey, PartnerGrant, partner_policy_name, partner_user

IAM_PATH = "/regionlink/"
MAX_POLICY_VERSIONS = 5


class IamBackend:
    """Partner users, their read policy and their access key, managed through the IAM API with boto3."""

    def __init__(self, endpoint_url: str | None, access_key_id: str | None,
                 secret_access_key: SecretStr | str | None, region: str = "us-east-1"):
        self.endpoint_url = endpoint_url
        self.access_key_id = access_key_id
        self._secret = SecretStr(secret_access_key) if isinstance(secret_access_key, str) else secret_access_key
        self.region = region
        self._iam = None

    @classmethod
    def from_config(cls, config: WarehouseConfig, iam_endpoint_url: str | None = None) -> IamBackend:
        """The warehouse's keys; IAM at ``iam_endpoint_url`` (e.g. ``AWS_ENDPOINT_URL_IAM``), else the S3 endpoint."""
        return cls(iam_endpoint_url or config.endpoint_url, config.access_key_id, config.secret_access_key,
                   config.region)

    def __repr__(self) -> str:
        return f"IamBackend(endpoint_url={self.endpoint_url!r}, access_key_id={self.access_key_id!r})"

    @property
    def iam(self):
        if self._iam is None:
            import boto3

            self._iam = boto3.client(
                "iam", endpoint_url=self.endpoint_url, region_name=self.region,
                aws_access_key_id=self.access_key_id,
                aws_secret_access_key=self._secret.get_secret_value() if self._secret else None,
            )
        return self._iam

    @contextmanager
    def _failures(self, action: str, code: str) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise GrantError(f"IAM at {self.endpoint_url or 'AWS'}: cannot {action} partner {code} "
                             f"({exc.operation_name}: {error.get('Code')}: {error.get('Message')})") from None
        except BotoCoreError as exc:
            raise GrantError(f"IAM at {self.endpoint_url or 'AWS'}: cannot {action} partner {code}: {exc}") from None

    def _user_exists(self, user: str) -> bool:
        try:
            self.iam.get_user(UserName=user)
        except self.iam.exceptions.NoSuchEntityException:
            return False
        return True

    def _policy_arn(self, name: str) -> str | None:
        pages = self.iam.get_paginator("list_policies").paginate(Scope="Local", PathPrefix=IAM_PATH)
        return next((p["Arn"] for page in pages for p in page["Policies"] if p["PolicyName"] == name), None)

    def _update_policy(self, arn: str, policy: dict) -> None:
        versions = self.iam.list_policy_versions(PolicyArn=arn)["Versions"]
        default = next(v for v in versions if v["IsDefaultVersion"])
        current = self.iam.get_policy_version(PolicyArn=arn, VersionId=default["VersionId"])["PolicyVersion"]
        if current["Document"] == policy:
            return
        if len(versions) >= MAX_POLICY_VERSIONS:
            oldest = min((v for v in versions if not v["IsDefaultVersion"]),
                         key=lambda v: (v["CreateDate"], int(v["VersionId"].lstrip("v"))))
            self.iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
        self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(policy), SetAsDefault=True)

    def apply(self, grant: PartnerGrant, policy: dict) -> IssuedKey | None:
        """Create or update the partner's user and policy; the new key when one was issued, else None."""
        user, name = partner_user(grant.code), partner_policy_name(grant.code)
        with self._failures("grant read access to", grant.code):
            created = not self._user_exists(user)
            if created:
                self.iam.create_user(UserName=user, Path=IAM_PATH,
                                     Tags=[{"Key": "regionlink:partner", "Value": grant.code}])
            arn = self._policy_arn(name)
            if arn is None:
                arn = self.iam.create_policy(
                    PolicyName=name, Path=IAM_PATH, PolicyDocument=json.dumps(policy),
                    Description=f"regionlink: read-only access for partner region {grant.code}",
                )["Policy"]["Arn"]
            else:
                self._update_policy(arn, policy)
            attached = self.iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
            if arn not in {p["PolicyArn"] for p in attached}:
                self.iam.attach_user_policy(UserName=user, PolicyArn=arn)
            if not created and self.iam.list_access_keys(UserName=user)["AccessKeyMetadata"]:
                return None
            key = self.iam.create_access_key(UserName=user)["AccessKey"]
            return IssuedKey(grant.code, key["AccessKeyId"], key["SecretAccessKey"])

    def revoke(self, code: str) -> bool:
        """Delete the partner's keys, policy and user; False when there was nothing to revoke."""
        user, name = partner_user(code), partner_policy_name(code)
        with self._failures("revoke", code):
            exists, arn = self._user_exists(user), self._policy_arn(name)
            if not exists and arn is None:
                return False
            if exists:
                for key in self.iam.list_access_keys(UserName=user)["AccessKeyMetadata"]:
                    self.iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
                for attached in self.iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]:
                    self.iam.detach_user_policy(UserName=user, PolicyArn=attached["PolicyArn"])
                for inline in self.iam.list_user_policies(UserName=user)["PolicyNames"]:
                    self.iam.delete_user_policy(UserName=user, PolicyName=inline)
                self.iam.delete_user(UserName=user)
            if arn is not None:
                for version in self.iam.list_policy_versions(PolicyArn=arn)["Versions"]:
                    if not version["IsDefaultVersion"]:
                        self.iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
                self.iam.delete_policy(PolicyArn=arn)
            return True
