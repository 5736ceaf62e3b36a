"""Dagster resources: the warehouse and the ingest settings, resolved from settings objects at run time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import dagster as dg

from pipelines.settings import IngestSettings
from warehouse.config import WarehouseConfig
from warehouse.keys import RegionKeys
from warehouse.store import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The region's warehouse (``REGIONLINK_WAREHOUSE``: local directory or ``s3://bucket[/prefix]``).

    Fields left empty are read from the environment when a run starts (the standard ``AWS_*`` variables
    for S3/MinIO); an S3 warehouse without keys fails the run before any work. Secrets are never logged.
    """

    location: str | None = None
    endpoint_url: str | None = None

    def warehouse(self) -> Warehouse:
        config = WarehouseConfig.from_env()
        updates = {k: v for k, v in (("location", self.location), ("endpoint_url", self.endpoint_url)) if v}
        if updates:
            config = WarehouseConfig.model_validate({**config.model_dump(), **updates,
                                                     "secret_access_key": config.secret_access_key})
        config.require_credentials()
        return Warehouse(config)


class IngestResource(dg.ConfigurableResource):
    """Ingest settings: local work directory, HTTP timeout/retries, and the environment for ``${VAR}``."""

    workdir: str | None = None

    def settings(self) -> IngestSettings:
        settings = IngestSettings.from_env()
        return settings.model_copy(update={"workdir": Path(self.workdir)}) if self.workdir else settings

    def environment(self) -> Mapping[str, str]:
        """Variables the registry's ``${VAR}`` references expand from (the run worker's environment)."""
        return dict(os.environ)


class KeysResource(dg.ConfigurableResource):
    """The region's secrets, read from the environment when a run starts (never logged, never in config):
    ``REGIONLINK_SIGNING_KEY`` signs every published version's manifest (required: a run without it fails
    before any work) and ``REGIONLINK_PSEUDONYM_KEY`` keys the HMAC of ``pseudonymize`` columns."""

    def region_keys(self) -> RegionKeys:
        return RegionKeys.from_env()
