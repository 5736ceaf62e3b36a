"""Shared pieces of the registry model: strict models and ``${VAR}`` syntax checks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from pipelines.envsubst import variables


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_vars(value: str) -> str:
    variables(value)
    return value
