"""Apply and revoke partner grants on MinIO through its admin API (``minio.MinioAdmin``), at the S3 endpoint.

On MinIO the partner's user name is its access key (``regionlink-<code>``); the secret is generated here,
sent encrypted by the admin client and returned once in the :class:`IssuedKey`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from pydantic import SecretStr

from warehouse.config import WarehouseConfig
from warehouse.grants import GrantError, IssuedKey, PartnerGrant, partner_policy_name, partner_user

NO_SUCH_USER = "XMinioAdminNoSuchUser"
NO_SUCH_POLICY = "XMinioAdminNoSuchPolicy"
ALREADY_APPLIED = "XMinioAdminPolicyChangeAlreadyApplied"


class _AdminFailure(Exception):
    def __init__(self, status: str, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.code = code


class MinioBackend:
    """Partner users and their canned read policy on a MinIO deployment."""

    def __init__(self, endpoint_url: str, access_key_id: str, secret_access_key: SecretStr | str,
                 region: str = "us-east-1"):
        parts = urlsplit(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"MinIO endpoint {endpoint_url!r}: expected http(s)://host:port")
        self.endpoint_url = endpoint_url
        self.access_key_id = access_key_id
        self._secret = SecretStr(secret_access_key) if isinstance(secret_access_key, str) else secret_access_key
        self.region = region
        self._host, self._secure = parts.netloc, parts.scheme == "https"
        self._admin = None

    @classmethod
    def from_config(cls, config: WarehouseConfig) -> MinioBackend:
        if not config.endpoint_url:
            raise ValueError("MinIO grants need the MinIO endpoint in AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3)")
        config.require_credentials()
        return cls(config.endpoint_url, config.access_key_id or "", config.secret_access_key or "", config.region)

    def __repr__(self) -> str:
        return f"MinioBackend(endpoint_url={self.endpoint_url!r}, access_key_id={self.access_key_id!r})"

    @property
    def admin(self):
        if self._admin is None:
            from minio import MinioAdmin
            from minio.credentials import StaticProvider

            credentials = StaticProvider(self.access_key_id, self._secret.get_secret_value())
            self._admin = MinioAdmin(endpoint=self._host, credentials=credentials, region=self.region,
                                     secure=self._secure)
        return self._admin

    def _call(self, method: str, *args, **kwargs) -> str:
        """One admin call; a server error becomes :class:`_AdminFailure` carrying MinIO's error code."""
        from minio.error import MinioAdminException

        try:
            return getattr(self.admin, method)(*args, **kwargs)
        except MinioAdminException as exc:
            # minio-py keeps the HTTP status and MinIO's JSON error body only in these two attributes.
            status, body = str(getattr(exc, "_code", "")), str(getattr(exc, "_body", ""))
            try:
                error = json.loads(body)
            except ValueError:
                error = None
            error = error if isinstance(error, dict) else {}
            raise _AdminFailure(status, error.get("Code", ""), error.get("Message") or body[:200]) from None

    @contextmanager
    def _failures(self, action: str, code: str) -> Iterator[None]:
        from urllib3.exceptions import HTTPError

        try:
            yield
        except _AdminFailure as exc:
            raise GrantError(f"MinIO at {self.endpoint_url}: cannot {action} partner {code} ({exc})") from None
        except (HTTPError, OSError, ValueError) as exc:
            raise GrantError(f"MinIO at {self.endpoint_url}: cannot {action} partner {code}: {exc}") from None

    def _user_policies(self, user: str) -> list[str] | None:
        """The user's attached policies, or None when the user does not exist."""
        try:
            info = json.loads(self._call("user_info", user) or "{}")
        except _AdminFailure as exc:
            if exc.code == NO_SUCH_USER:
                return None
            raise
        return [p for p in (info.get("policyName") or "").split(",") if p]

    def apply(self, grant: PartnerGrant, policy: dict) -> IssuedKey | None:
        """Add or replace the canned policy, create the user when new and attach; the new key, else None."""
        user, name = partner_user(grant.code), partner_policy_name(grant.code)
        with self._failures("grant read access to", grant.code):
            self._call("policy_add", name, policy=policy)
            attached = self._user_policies(user)
            secret = None
            if attached is None:
                secret = secrets.token_urlsafe(30)  # 40 characters: MinIO's longest secret key
                self._call("user_add", user, secret)
                attached = []
            if name not in attached:
                try:
                    self._call("attach_policy", [name], user=user)
                except _AdminFailure as exc:
                    if exc.code != ALREADY_APPLIED:
                        if secret is not None:
                            # The secret is lost with this error; without the user, a retry issues a new one.
                            self._forget_user(user)
                        raise
        return None if secret is None else IssuedKey(grant.code, user, secret)

    def _forget_user(self, user: str) -> None:
        try:
            self._call("user_remove", user)
        except _AdminFailure:
            pass

    def revoke(self, code: str) -> bool:
        """Remove the partner's user, then its policy (MinIO refuses to remove a policy still in use)."""
        user, name = partner_user(code), partner_policy_name(code)
        removed = False
        with self._failures("revoke", code):
            for method, arg, missing in (("user_remove", user, NO_SUCH_USER), ("policy_remove", name, NO_SUCH_POLICY)):
                try:
                    self._call(method, arg)
                    removed = True
                except _AdminFailure as exc:
                    if exc.code != missing:
                        raise
        return removed
