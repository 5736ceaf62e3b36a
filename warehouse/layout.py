"""Paths inside a warehouse, relative to its root; the same on a local directory and on S3."""

from __future__ import annotations

from pipelines.types import REJECTED_TABLE

RAW = "raw"
CATALOG = "catalog.json"
AUDIT = "audit"


def raw_dataset(dataset: str) -> str:
    return f"{RAW}/{dataset}"


def raw_table(dataset: str) -> str:
    return f"{RAW}/{dataset}/{dataset}"


def raw_rejected(dataset: str) -> str:
    """Values of a load that did not parse as their declared type (``row, row_label, column, value, expected``)."""
    return f"{RAW}/{dataset}/{REJECTED_TABLE}"


def raw_loads(dataset: str) -> str:
    return f"{RAW}/{dataset}/_dlt_loads"


def curated(dataset: str) -> str:
    return f"curated/{dataset}"


def quality_report(dataset: str, run_id: str) -> str:
    return f"quality/{dataset}/{run_id}.json"


def quarantine(dataset: str, run_id: str) -> str:
    return f"quarantine/{dataset}/{run_id}"


def catalog_entry(dataset: str) -> str:
    return f"catalog/entries/{dataset}.json"


def catalog_entries() -> str:
    return "catalog/entries"


def publish_state(dataset: str) -> str:
    """What the curated step last processed (raw load id, run, outcome): drives "nothing changed → no work"."""
    return f"state/{dataset}.json"


def manifests(dataset: str) -> str:
    return f"manifests/{dataset}"


def manifest(dataset: str, version: int) -> str:
    """The signed description of one Delta version of ``curated/<dataset>`` (files, sizes, sha256)."""
    return f"manifests/{dataset}/{version}.json"


def manifest_signature(dataset: str, version: int) -> str:
    return f"manifests/{dataset}/{version}.json.sig"


def public_key(region_code: str) -> str:
    return f"keys/{region_code}.pub"
