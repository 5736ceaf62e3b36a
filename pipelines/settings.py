"""Where the registry, the suites and the local work files are: read from the environment once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel

PACKAGE_ROOT = Path(__file__).resolve().parent
DEFAULT_REGISTRY = PACKAGE_ROOT / "registry"
DEFAULT_SUITES = PACKAGE_ROOT.parent / "expectations" / "suites"


class IngestSettings(BaseModel):
    """``REGIONLINK_REGISTRY``, ``REGIONLINK_EXPECTATIONS``, ``REGIONLINK_WORKDIR`` and HTTP limits."""

    registry: Path = DEFAULT_REGISTRY
    expectations: Path = DEFAULT_SUITES
    workdir: Path = Path(".regionlink")
    http_timeout: float = 60.0
    http_retries: int = 4

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IngestSettings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for field, var in (
            ("registry", "REGIONLINK_REGISTRY"),
            ("expectations", "REGIONLINK_EXPECTATIONS"),
            ("workdir", "REGIONLINK_WORKDIR"),
            ("http_timeout", "REGIONLINK_HTTP_TIMEOUT"),
            ("http_retries", "REGIONLINK_HTTP_RETRIES"),
        ):
            if env.get(var):
                values[field] = env[var]
        return cls.model_validate(values)
