"""Typed model of the dataset registry (one YAML file or a directory of them)."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from pipelines.model_base import _Strict
from pipelines.naming import IDENTIFIER, snake_case
from pipelines.sharing import REGION_CODE, Partner, PersonalData
from pipelines.source_kinds import (CkanSource, DcatSource, HttpSource, PartnerSource, RestSource, RestSuccess, Source,
                                    SqlSource)

__all__ = ["AdminUnit", "CkanSource", "Column", "Dataset", "DcatSource", "Format", "HttpSource", "Incremental", "Partner",
           "PartnerSource", "PersonalData", "Publisher", "Region", "Registry", "RegistryFile", "RestSource", "RestSuccess",
           "Source", "SqlSource"]

DATASET_ID = r"^[a-z][a-z0-9_]{0,62}$"
THEMES = ("culture", "health", "education", "agriculture", "environment", "transport", "tourism", "economy", "other")
COLUMN_TYPES = ("string", "integer", "float", "boolean", "date", "timestamp")


class Region(_Strict):
    code: str = Field(pattern=REGION_CODE, description="Province code under Decision 19/2025 (e.g. '46').")
    name: str


class Publisher(_Strict):
    name: str
    name_en: str | None = None
    url: str | None = None


class Incremental(_Strict):
    """Move only records whose ``cursor`` field is past the value stored (in the warehouse) by the last run."""

    cursor: str
    initial_value: object | None = None


class AdminUnit(_Strict):
    """An administrative-unit code column: ``<column>_2025`` gets its code under Decision 19/2025/QĐ-TTg."""

    level: Literal["province", "ward"]


class Format(_Strict):
    type: Literal["csv", "xlsx", "json", "parquet"] | None = None
    encoding: str = "utf-8"
    delimiter: str = Field(",", min_length=1, max_length=1)
    # a sheet row / CSV line, two rows whose names join with "_" (XLSX), or auto (found under title rows)
    header_row: int | list[int] | Literal["auto"] = 1
    skip_rows: list[int] = []  # XLSX sheet rows that are not data (unit rows under the header, footnotes…)
    section_column: str | None = None  # XLSX: carry section rows ("THÀNH PHỐ HUẾ") into this column
    sheet: str | None = None
    records: str | None = None
    locale: Literal["vi"] | None = None  # vi: numbers 1.234.567,89 and dates dd/mm/yyyy in text values
    # values that do not parse as their declared type: reject the batch (quarantined whole), or publish the
    # good rows and quarantine only the bad ones
    on_bad_rows: Literal["reject", "quarantine"] = "reject"

    @field_validator("header_row")
    @classmethod
    def _header_rows(cls, value: int | list[int] | str) -> int | list[int] | str:
        if value == "auto":
            return value
        rows = value if isinstance(value, list) else [value]
        if not 1 <= len(rows) <= 2 or any(r < 1 for r in rows) or rows != sorted(set(rows)):
            raise ValueError("header_row is a row number ≥ 1, or a list of two increasing row numbers")
        return value

    @property
    def header_rows(self) -> list[int]:
        """The header's rows (``auto`` is resolved by the reader before this is asked)."""
        if self.header_row == "auto":
            raise ValueError("header_row: auto must be resolved against the file first")
        return self.header_row if isinstance(self.header_row, list) else [self.header_row]

    @field_validator("section_column")
    @classmethod
    def _section_name(cls, value: str | None) -> str | None:
        if value is not None and not IDENTIFIER.match(value):
            raise ValueError(f"section_column {value!r} must be lower-case ASCII snake_case")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        if value == "auto":
            return value
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value


class Column(_Strict):
    name: str | None = None
    type: Literal[COLUMN_TYPES] | None = None  # type: ignore[valid-type]
    normalize: Literal["vi_key"] | None = None  # adds <name>_key: a join key whatever the tone placement

    @field_validator("name")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value is not None and not IDENTIFIER.match(value):
            raise ValueError(f"column name {value!r} must be lower-case ASCII snake_case")
        return value


class Dataset(_Strict):
    id: str = Field(pattern=DATASET_ID)
    title: str = Field(min_length=1)
    title_en: str | None = None
    description: str | None = None
    publisher: str
    theme: Literal[THEMES]  # type: ignore[valid-type]
    source: Source
    format: Format = Format()
    columns: dict[str, Column] = {}
    primary_key: list[str] = []
    write: Literal["merge", "replace", "append"] | None = None
    expectations: str | None = None
    schedule: str | None = None
    incremental: Incremental | None = None
    admin_units: dict[str, AdminUnit] = {}  # curated column → level; adds <column>_2025
    sharing: Literal["open", "shared", "internal"] = "internal"  # Data Law 60/2024 classes
    share_with: list[str] = []  # partner region codes, for sharing: shared
    personal_data: dict[str, PersonalData] = {}  # curated column → treatment

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            from croniter import croniter

            if len(value.split()) != 5 or not croniter.is_valid(value):
                raise ValueError(f"{value!r} is not a 5-field cron expression")
        return value

    @model_validator(mode="after")
    def _write_mode(self) -> Dataset:
        if self.write == "merge" and not self.primary_key:
            raise ValueError("write: merge needs a primary_key")
        if self.incremental is not None and self.source.kind not in ("rest", "sql"):
            raise ValueError(f"incremental works with source kinds rest and sql, not {self.source.kind}")
        if self.incremental is not None and self.write_mode == "replace":
            raise ValueError("incremental moves only new records: use write: merge (with primary_key) or append")
        if self.sharing == "shared" and not self.share_with:
            raise ValueError("sharing: shared needs share_with (the partner region codes that may read it)")
        if self.share_with and self.sharing != "shared":
            raise ValueError(f"share_with only applies to sharing: shared (this dataset is {self.sharing})")
        return self

    @field_validator("share_with", mode="before")
    @classmethod
    def _int_codes(cls, value: object) -> object:
        return [f"{c:02d}" if isinstance(c, int) else c for c in value] if isinstance(value, list) else value

    @field_validator("share_with")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not re.match(REGION_CODE, str(c))]
        if bad:
            raise ValueError(f"share_with: {bad} are not 2-digit region codes (quote them: \"48\")")
        return value

    @property
    def write_mode(self) -> str:
        if self.write is None and self.source.kind == "partner":
            return "replace"  # each verified partner version is a whole snapshot
        return self.write or ("merge" if self.primary_key else "replace")

    @property
    def suite(self) -> str:
        return self.expectations or self.id

    @property
    def renames(self) -> dict[str, str]:
        return {src: col.name for src, col in self.columns.items() if col.name}

    @property
    def key_columns(self) -> dict[str, str]:
        """Curated column → its ``vi_key`` join-key column, for columns declared ``normalize: vi_key``."""
        names = {src: col.name or snake_case(unicodedata.normalize("NFC", src.strip()))
                 for src, col in self.columns.items() if col.normalize == "vi_key"}
        return {name: f"{name}_key" for name in names.values()}


class RegistryFile(_Strict):
    """What one YAML file of the registry may hold; every top-level key is optional."""

    region: Region | None = None
    publishers: dict[str, Publisher] = {}
    partners: dict[str, Partner] = {}
    datasets: list[Dataset] = []

    @field_validator("partners", mode="before")
    @classmethod
    def _partner_codes(cls, value: object) -> object:
        return {f"{k:02d}" if isinstance(k, int) else k: v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("partners")
    @classmethod
    def _partner_code_format(cls, value: dict) -> dict:
        bad = [c for c in value if not re.match(REGION_CODE, c)]
        if bad:
            raise ValueError(f"partners: {bad} are not 2-digit region codes")
        return value


class Registry(BaseModel):
    """The merged registry: one region, its publishers and datasets, and where each came from."""

    region: Region
    publishers: dict[str, Publisher]
    datasets: dict[str, Dataset]
    partners: dict[str, Partner] = {}
    origin: dict[str, str] = {}

    def select(self, ids: list[str] | None) -> list[Dataset]:
        if not ids:
            return list(self.datasets.values())
        unknown = [i for i in ids if i not in self.datasets]
        if unknown:
            raise KeyError(f"unknown dataset(s): {', '.join(unknown)}; known: {', '.join(sorted(self.datasets))}")
        return [self.datasets[i] for i in ids]
