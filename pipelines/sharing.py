"""Sharing in the registry: partner regions, sharing classes (Data Law 60/2024) and personal-data treatments."""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from pydantic import Field, field_validator, model_validator

from pipelines.envsubst import variables
from pipelines.model_base import _Strict

REGION_CODE = r"^\d{2}$"
SHARING_CLASSES = ("open", "shared", "internal")


class Partner(_Strict):
    """A neighbouring region: who it is and the Ed25519 public key its manifests are signed with."""

    name: str = Field(min_length=1)
    public_key: str  # base64 of the raw 32-byte key, or ${VAR}

    @field_validator("public_key")
    @classmethod
    def _raw_ed25519(cls, value: str) -> str:
        if variables(value):
            return value
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("public_key must be the base64 of a raw Ed25519 public key "
                             "(`regionlink keys init` prints one)") from None
        if len(raw) != 32:
            raise ValueError(f"public_key decodes to {len(raw)} bytes; an Ed25519 public key has 32")
        return value


class PersonalData(_Strict):
    """How a personal-data column leaves the raw zone (Decree 13/2023, PDP Law 91/2025).

    ``drop`` removes it, ``pseudonymize`` replaces it by a keyed HMAC-SHA256 (stable, so partners can join),
    ``generalize`` coarsens it (``kind``: date → month, coordinate → ~1 km, phone → area code; inferred from
    the column's type when left out), ``keep`` publishes it as is and needs a ``reason``.
    """

    treatment: Literal["drop", "pseudonymize", "generalize", "keep"]
    kind: Literal["date", "coordinate", "phone"] | None = None
    reason: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        return {"treatment": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> PersonalData:
        if self.treatment == "keep" and not (self.reason or "").strip():
            raise ValueError("keep publishes personal data as is: give a reason, e.g. "
                             "{treatment: keep, reason: \"public hotline of the agency\"}")
        if self.kind is not None and self.treatment != "generalize":
            raise ValueError("kind only applies to treatment: generalize")
        return self
