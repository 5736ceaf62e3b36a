"""The two steps of a dataset, as plain functions (no Dagster here; the assets in :mod:`factory` call them).

``ingest``: source → dlt → raw zone.  ``curate``: newest raw load → stage → GX → Delta or quarantine →
quality report, catalog entry, ``catalog.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from expectations.suites import PARSE_CHECK_TYPE, Suite
from orchestration import sharing_steps as sharing
from pipelines.ingest import IngestResult, RawDestination, run_ingest
from pipelines.model import Dataset, Registry
from pipelines.settings import IngestSettings
from pipelines.partner import Exchange
from pipelines.urls import redact_url
from warehouse import catalog as catalog_mod
from warehouse import layout
from warehouse.keys import RegionKeys
from warehouse.catalog import now_iso
from warehouse.quarantine import quarantine
from warehouse.raw import latest_load, rejected_rows
from warehouse.staging import curated_batch, rows_at
from warehouse.store import Warehouse, WarehouseError
from warehouse.tables import TableInfo, publish, table_info


@dataclass(frozen=True)
class CurateResult:
    """What the curated step did: ``published``, ``unchanged`` or ``quarantined``."""

    dataset: str
    outcome: str
    table: TableInfo | None
    validation: object | None = None  # expectations.runner.Validation (GX imported lazily)
    report: str | None = None
    quarantine: str | None = None
    load_id: str | None = None
    batch_rows: int = 0

    @property
    def quality(self) -> str | None:
        return self.validation.status if self.validation is not None else None


def dataset_suite(suite: Suite, dataset: Dataset) -> Suite:
    """The checks a dataset's batches get: its suite, its primary key's, and "every value parsed"."""
    severity = "warning" if dataset.format.on_bad_rows == "quarantine" else "critical"
    return suite.with_primary_key(list(dataset.primary_key)).with_parse_check(severity)


def _parse_outcome(validation, rejected, rows: int) -> None:
    """Fill the "every value parsed" check from the raw load's rejected values."""
    outcome = next(o for o in validation.outcomes if o.spec.type == PARSE_CHECK_TYPE)
    records = rejected.to_pylist()
    outcome.element_count, outcome.unexpected_count = rows + len(records), len(records)
    outcome.success = not records
    outcome.sample_values = [f"{r['column']}={r['value']!r} (not a {r['expected']})" for r in records[:20]]
    outcome.sample_rows = [r["row"] for r in records[:20]]
    if records:
        outcome.error = f"{len(records)} value(s) did not parse as their declared type; first at " \
                        f"{records[0]['row_label']} {records[0]['row']}"


def _keep_rejected(wh: Warehouse, dataset: str, run_id: str, rejected, reason: dict) -> str:
    """``rejected_rows.parquet`` and ``reason.json`` in the run's quarantine folder; returns the folder."""
    import pyarrow.parquet as pq

    folder = layout.quarantine(dataset, run_id)
    with wh.output_stream(f"{folder}/rejected_rows.parquet") as out:
        pq.write_table(rejected, out)
    wh.write_json(f"{folder}/reason.json", {"dataset": dataset, "run_id": run_id, "quarantined_at": now_iso(),
                                            "rows": rejected.num_rows, **reason,
                                            "rejected_values": rejected.slice(0, 1000).to_pylist()})
    return folder


def _quarantine(wh: Warehouse, dataset: str, run_id: str, batch, validation, rejected, reason: dict) -> str:
    """Keep a rejected batch (its rows, the values that did not parse) and why; returns the folder."""
    failed = validation.failed("critical") or validation.failed()
    reason = {**reason, "failed_expectations": [o.to_json() for o in failed],
              "rejected_values": rejected.slice(0, 1000).to_pylist()}
    if rejected.num_rows:
        _keep_rejected(wh, dataset, run_id, rejected, reason)
    if batch is None:  # no row parsed: the reason (and rejected values) is all there is
        return layout.quarantine(dataset, run_id)
    sample = sorted({r for o in failed for r in o.sample_rows if o.spec.type != PARSE_CHECK_TYPE})
    return quarantine(wh, dataset, run_id, batch, {**reason, "sample_failing_rows": rows_at(batch, sample)})


def ingest(dataset: Dataset, wh: Warehouse, settings: IngestSettings, env: Mapping[str, str],
           registry: Registry | None = None) -> IngestResult:
    """Pull the dataset's source into ``raw/<id>/`` (nothing new is loaded when the source is unchanged)."""
    wh.ensure_ready()
    destination = RawDestination(bucket_url=wh.uri(layout.RAW), credentials=wh.config.dlt_credentials())
    exchange = None
    if dataset.source.kind == "partner" and registry is not None:
        exchange = Exchange(region=registry.region.code,
                            partner_public_key=registry.partners[dataset.source.region].public_key)
    return run_ingest(dataset, destination, settings, env, exchange)


def _source_entry(dataset: Dataset, env: Mapping[str, str]) -> dict:
    from pipelines.envsubst import expand

    try:
        url = expand(dataset.source.display_url, env, where=dataset.id)
    except Exception:  # an unset variable must not stop the catalog; show the template instead
        url = dataset.source.display_url
    return {"kind": dataset.source.kind, "url": redact_url(url)}


def catalog_entry(dataset: Dataset, registry: Registry, info: TableInfo | None, quality: dict,
                  env: Mapping[str, str], previous: dict | None) -> dict:
    """The dataset's entry in ``catalog.json`` (no credentials: URLs are redacted)."""
    publisher = registry.publishers[dataset.publisher]
    entry = {
        "id": dataset.id, "title": dataset.title, "title_en": dataset.title_en, "description": dataset.description,
        "publisher": {"id": dataset.publisher, "name": publisher.name}, "theme": dataset.theme,
        "path": layout.curated(dataset.id), "format": "delta",
        "version": info.version if info else None, "rows": info.rows if info else 0,
        "columns": info.columns if info else [], "primary_key": list(dataset.primary_key),
        "modified": (previous or {}).get("modified"), "source": _source_entry(dataset, env), "quality": quality,
    }
    if info and (previous is None or previous.get("version") != info.version):
        entry["modified"] = now_iso()
    return entry


def _report(dataset: Dataset, suite: Suite, validation, run_id: str, load_id: str, checked_at: str) -> dict:
    return {"dataset": dataset.id, "suite": suite.name, "run_id": run_id, "raw_load_id": load_id,
            "checked_at": checked_at, "rows": validation.rows, "status": validation.status,
            "results": [o.to_json() for o in validation.outcomes]}


def refresh_catalog(wh: Warehouse, registry: Registry, keys: RegionKeys | None = None) -> dict:
    """Rebuild ``catalog.json`` from every dataset entry of the registry, then the partners' views of it."""
    region = {"code": registry.region.code, "name": registry.region.name}
    catalog = catalog_mod.rebuild(wh, region, set(registry.datasets))
    sharing.publish_views(wh, registry, catalog, keys)
    return catalog


def curate(dataset: Dataset, registry: Registry, suite: Suite, wh: Warehouse, *, run_id: str,
           env: Mapping[str, str], force: bool = False, keys: RegionKeys | None = None) -> CurateResult:
    """Validate the newest raw load and publish it (or quarantine it); unchanged when already processed.

    Personal-data treatments apply before anything leaves the raw zone (validation, quarantine, publish);
    an ``open``/``shared`` batch with undeclared personal data fails the step and publishes nothing. Each
    published version gets a signed manifest and an audit record.
    """
    from expectations.runner import empty_validation, validate

    keys = keys or RegionKeys.from_env()
    keys.signer()  # fail fast, before any work, when the signing key is missing or malformed
    treatments = sharing.treatments(dataset, keys)
    load = latest_load(wh, dataset.id)
    state = wh.read_json(layout.publish_state(dataset.id)) or {}
    current = table_info(wh, dataset.id)
    if load is None:
        if current is None:
            raise WarehouseError(f"dataset '{dataset.id}': no raw load in {wh.uri(layout.raw_dataset(dataset.id))}; run its raw step first")
        return CurateResult(dataset.id, "unchanged", current)
    if state.get("load_id") == load.load_id and not force:
        sharing.ensure_signed(wh, dataset, registry, current, keys, catalog_mod.read_entry(wh, dataset.id), run_id)
        return CurateResult(dataset.id, "unchanged", current, load_id=load.load_id)
    checked_at = datetime.now(timezone.utc)
    rejected = sharing.mask_rejected(dataset, rejected_rows(wh, load))
    full_suite = dataset_suite(suite, dataset)
    report_path = layout.quality_report(dataset.id, run_id)
    if not load.files:  # every row had a value that did not parse: nothing to validate or publish
        batch, validation = None, empty_validation(full_suite)
    else:
        batch = curated_batch(wh, load, run_id=run_id, loaded_at=checked_at, treatments=treatments)
        sharing.guard(dataset, batch)
        validation = validate(full_suite, batch.reader, batch.schema)
    _parse_outcome(validation, rejected, batch.rows if batch else 0)
    wh.write_json(report_path, _report(dataset, full_suite, validation, run_id, load.load_id, checked_at.isoformat()))
    quality = {"status": validation.status, "checked_at": checked_at.isoformat(timespec="seconds"), "report": report_path}
    previous = catalog_mod.read_entry(wh, dataset.id)
    origin = sharing.lineage(dataset, batch)
    folder, manifest = None, None
    if validation.status == "failed" or batch is None:
        folder = _quarantine(wh, dataset.id, run_id, batch, validation, rejected,
                             {"raw_load_id": load.load_id, "report": report_path})
        info, outcome = current, "quarantined"
        origin = (previous or {}).get("lineage")
        manifest = sharing.ensure_signed(wh, dataset, registry, info, keys, previous, run_id)
        sharing.record_quarantine(wh, dataset, run_id=run_id, load_id=load.load_id, folder=folder)
    else:
        info = publish(wh, dataset.id, batch, mode=dataset.write_mode, primary_key=list(dataset.primary_key),
                       run_id=run_id, load_id=load.load_id)
        outcome = "published"
        manifest = sharing.sign_version(wh, dataset, registry, info, keys, quality=validation.status, run_id=run_id,
                                        origin=origin)
        sharing.record_publish(wh, dataset, info, run_id=run_id, load_id=load.load_id, quality=validation.status,
                               manifest=manifest)
        if rejected.num_rows:  # on_bad_rows: quarantine — the good rows are published, the bad ones kept
            folder = _keep_rejected(wh, dataset.id, run_id, rejected, {"raw_load_id": load.load_id,
                                                                       "report": report_path})
    if folder:
        quality["quarantine"] = folder
    entry = catalog_entry(dataset, registry, info, quality, env, previous)
    catalog_mod.write_entry(wh, {**entry, **sharing.sharing_entry(dataset, manifest, origin)})
    wh.write_json(layout.publish_state(dataset.id), {"load_id": load.load_id, "run_id": run_id, "outcome": outcome,
                                                      "at": now_iso()})
    refresh_catalog(wh, registry, keys)
    return CurateResult(dataset.id, outcome, info, validation, report_path, folder, load.load_id,
                        batch.rows if batch else 0)
