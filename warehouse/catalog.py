"""The catalog partners read: one entry per dataset, merged into ``catalog.json`` after every publish."""

from __future__ import annotations

from datetime import datetime, timezone

from warehouse import layout
from warehouse.store import Warehouse

def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_entry(wh: Warehouse, dataset: str) -> dict | None:
    entry = wh.read_json(layout.catalog_entry(dataset))
    return entry if isinstance(entry, dict) else None


def write_entry(wh: Warehouse, entry: dict) -> None:
    wh.write_json(layout.catalog_entry(entry["id"]), entry)


def rebuild(wh: Warehouse, region: dict, known: set[str] | None = None, attempts: int = 5) -> dict:
    """Merge every entry into ``catalog.json`` (one atomic write); ``known`` limits it to registry datasets.

    Publishes of other datasets may run at the same time (multi-process runs): when the entries changed
    while the catalog was being built, it is built again, so the last writer always writes a complete one.
    """
    catalog: dict = {}
    for _ in range(attempts):
        before = wh.listing(layout.catalog_entries())
        datasets = []
        for path in sorted(before):
            entry = wh.read_json(path) if path.endswith(".json") else None
            if isinstance(entry, dict) and (known is None or entry.get("id") in known):
                datasets.append(entry)
        catalog = {"region": region, "generated_at": now_iso(), "datasets": sorted(datasets, key=lambda e: e["id"])}
        wh.write_json(layout.CATALOG, catalog)
        if wh.listing(layout.catalog_entries()) == before:
            break
    return catalog


def read_catalog(wh: Warehouse) -> dict | None:
    catalog = wh.read_json(layout.CATALOG)
    return catalog if isinstance(catalog, dict) else None
