"""Read suite files (GX's JSON) without importing GX: names, severities and the checks they become."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

SEVERITIES = ("critical", "warning", "info")
NOT_NULL, UNIQUE, COMPOUND_UNIQUE = ("expect_column_values_to_not_be_null", "expect_column_values_to_be_unique",
                                     "expect_compound_columns_to_be_unique")
UNIQUENESS = frozenset({UNIQUE, COMPOUND_UNIQUE, "expect_multicolumn_values_to_be_unique"})
_NON_NAME = re.compile(r"[^A-Za-z0-9_]+")
# not a GX expectation: the ingest's verdict on values that did not parse as their declared type
PARSE_CHECK_TYPE = "regionlink_values_parse_as_declared_types"


class SuiteError(Exception):
    """A suite file is missing or malformed; the message names the file and expectation."""


@dataclass(frozen=True)
class ExpectationSpec:
    type: str
    kwargs: dict
    severity: str = "critical"
    meta: dict = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Columns this expectation reads (``column``, ``column_A``/``column_B``, ``column_list``)."""
        cols = [self.kwargs[k] for k in ("column", "column_A", "column_B") if isinstance(self.kwargs.get(k), str)]
        return cols + [c for c in self.kwargs.get("column_list", []) if isinstance(c, str)]

    def base_name(self) -> str:
        suffix = "_".join(self.columns)
        return _NON_NAME.sub("_", f"{self.type}__{suffix}" if suffix else self.type).strip("_")

    def to_gx(self) -> dict:
        return {"type": self.type, "kwargs": self.kwargs, "meta": self.meta, "severity": self.severity}


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    expectations: tuple[ExpectationSpec, ...]

    def check_names(self) -> list[str]:
        """One unique, Dagster-safe check name per expectation, in order, the same for the same suite.

        An expectation's name is its :meth:`ExpectationSpec.base_name`; a repeat gets the first free ``_2``,
        ``_3``… suffix, skipping names another expectation has as its own (a check on column ``phone_2``).
        """
        bases = [spec.base_name() for spec in self.expectations]
        reserved, taken, names = set(bases), set(), []
        for base in bases:
            name, n = base, 1
            while name in taken or (name != base and name in reserved):
                n += 1
                name = f"{base}_{n}"
            taken.add(name)
            names.append(name)
        return names

    def with_parse_check(self, severity: str) -> Suite:
        """Add the check that every source value parsed as its declared type (filled in by the curated step)."""
        spec = ExpectationSpec(PARSE_CHECK_TYPE, {}, severity, {"added_by": "regionlink (source values)"})
        return Suite(self.name, self.path, self.expectations + (spec,))

    def with_primary_key(self, key: list[str]) -> Suite:
        """Add critical not-null and uniqueness expectations for the primary key unless the suite has them."""
        added = []
        present = {_identity(e.type, e.columns) for e in self.expectations}
        meta = {"added_by": "regionlink (primary key)"}
        for col in key:
            if _identity(NOT_NULL, [col]) not in present:
                added.append(ExpectationSpec(NOT_NULL, {"column": col}, "critical", dict(meta)))
        if len(key) == 1 and _identity(UNIQUE, key) not in present:
            added.append(ExpectationSpec(UNIQUE, {"column": key[0]}, "critical", dict(meta)))
        if len(key) > 1 and _identity(COMPOUND_UNIQUE, key) not in present:
            added.append(ExpectationSpec(COMPOUND_UNIQUE, {"column_list": list(key)}, "critical", dict(meta)))
        return Suite(self.name, self.path, self.expectations + tuple(added))


def _identity(kind: str, columns: list[str]) -> tuple[str, tuple[str, ...] | frozenset[str]]:
    """What makes two expectations the same check: the type and columns (a set for compound uniqueness)."""
    return (kind, frozenset(columns)) if kind == COMPOUND_UNIQUE else (kind, tuple(columns))


def suite_path(suites_dir: Path, name: str) -> Path:
    return suites_dir / f"{name}.json"


def _spec(raw: object, where: str) -> ExpectationSpec:
    if not isinstance(raw, dict):
        raise SuiteError(f"{where}: must be an object with 'type' and 'kwargs'")
    unknown = set(raw) - {"type", "kwargs", "meta", "severity", "notes", "description", "id", "rendered_content"}
    if unknown:
        raise SuiteError(f"{where}: unknown key(s) {sorted(unknown)}")
    kind, kwargs = raw.get("type"), raw.get("kwargs", {})
    if not isinstance(kind, str) or not kind.startswith("expect_"):
        raise SuiteError(f"{where}.type: must name a GX expectation (expect_…), got {kind!r}")
    if not isinstance(kwargs, dict):
        raise SuiteError(f"{where}.kwargs: must be an object")
    severity = raw.get("severity", "critical")
    if severity not in SEVERITIES:
        raise SuiteError(f"{where}.severity: must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    return ExpectationSpec(kind, kwargs, severity, raw.get("meta") or {})


def load_suite(suites_dir: Path, name: str) -> Suite:
    """Parse ``<suites_dir>/<name>.json``; raises :class:`SuiteError` naming the file and expectation index."""
    path = suite_path(suites_dir, name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(f"{path}: suite file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SuiteError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise SuiteError(f"{path}: must be a GX suite object with an 'expectations' list")
    specs = tuple(_spec(raw, f"{path}: expectations[{i}]") for i, raw in enumerate(data["expectations"]))
    return Suite(name=data.get("name") or name, path=path, expectations=specs)
