"""Where the warehouse is and how to reach it: a local directory or ``s3://bucket[/prefix]`` (MinIO, any S3)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr, field_validator


class WarehouseConfig(BaseModel):
    """``REGIONLINK_WAREHOUSE`` plus the standard ``AWS_*`` variables for S3 endpoints such as MinIO."""

    location: str = ".warehouse"
    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: SecretStr | None = None
    region: str = "us-east-1"

    @field_validator("location")
    @classmethod
    def _scheme(cls, value: str) -> str:
        if "://" in value and not value.startswith("s3://"):
            raise ValueError(f"warehouse {value!r}: only a local directory or s3://bucket[/prefix] is supported")
        if value.startswith("s3://") and not urlsplit(value).netloc:
            raise ValueError(f"warehouse {value!r}: missing bucket name")
        return value.rstrip("/") or value

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WarehouseConfig:
        env = os.environ if env is None else env
        values = {
            "location": env.get("REGIONLINK_WAREHOUSE") or ".warehouse",
            "endpoint_url": env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None,
            "access_key_id": env.get("AWS_ACCESS_KEY_ID") or None,
            "secret_access_key": env.get("AWS_SECRET_ACCESS_KEY") or None,
            "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        }
        return cls.model_validate(values)

    @property
    def is_s3(self) -> bool:
        return self.location.startswith("s3://")

    @property
    def bucket(self) -> str:
        return urlsplit(self.location).netloc

    @property
    def prefix(self) -> str:
        return urlsplit(self.location).path.strip("/")

    def require_credentials(self) -> None:
        """Fail fast (without echoing any secret) when an S3 warehouse lacks keys."""
        if self.is_s3 and (not self.access_key_id or self.secret_access_key is None):
            raise ValueError(
                f"warehouse {self.location}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set for an S3 warehouse"
            )

    def _secret(self) -> str:
        return self.secret_access_key.get_secret_value() if self.secret_access_key else ""

    def delta_options(self) -> dict[str, str]:
        """Storage options for deltalake (delta-rs object_store keys)."""
        if not self.is_s3:
            return {}
        options = {
            "AWS_ACCESS_KEY_ID": self.access_key_id or "",
            "AWS_SECRET_ACCESS_KEY": self._secret(),
            "AWS_REGION": self.region,
            "conditional_put": "etag",
        }
        if self.endpoint_url:
            options["AWS_ENDPOINT_URL"] = self.endpoint_url
            options["AWS_ALLOW_HTTP"] = "true" if self.endpoint_url.startswith("http://") else "false"
        return options

    def dlt_credentials(self) -> dict[str, str] | None:
        """Credentials for dlt's filesystem destination (s3fs underneath)."""
        if not self.is_s3:
            return None
        creds = {"aws_access_key_id": self.access_key_id or "", "aws_secret_access_key": self._secret(), "region_name": self.region}
        if self.endpoint_url:
            creds["endpoint_url"] = self.endpoint_url
        return creds

    def arrow_filesystem(self):
        """A ``pyarrow.fs`` filesystem rooted nowhere (paths are ``bucket/key`` or absolute local paths)."""
        import pyarrow.fs as pafs

        if not self.is_s3:
            return pafs.LocalFileSystem()
        kwargs = {"access_key": self.access_key_id, "secret_key": self._secret(), "region": self.region,
                  "allow_bucket_creation": True}
        if self.endpoint_url:
            parts = urlsplit(self.endpoint_url)
            kwargs.update(endpoint_override=parts.netloc, scheme=parts.scheme or "https")
        return pafs.S3FileSystem(**kwargs)
