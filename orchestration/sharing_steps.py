"""The exchange side of the curated step (plain functions, no Dagster): personal data before anything leaves
the raw zone, the signed manifest and audit record after a publish, the partners' catalog views after it all.
"""

from __future__ import annotations

from pipelines.model import Dataset, Registry
from pipelines.partner import ORIGIN_DATASET, ORIGIN_REGION, ORIGIN_VERSION
from warehouse import audit, layout
from warehouse.keys import RegionKeys
from warehouse.store import Warehouse
from warehouse.tables import TableInfo

WITHHELD = "<withheld: personal data>"


def treatments(dataset: Dataset, keys: RegionKeys):
    """The dataset's personal-data treatments (``keep`` needs none), or None when it declares none."""
    from warehouse.privacy import ColumnTreatment, Treatments

    declared = [ColumnTreatment(column, pd.treatment, pd.kind) for column, pd in dataset.personal_data.items()
                if pd.treatment != "keep"]
    if not declared:
        return None
    return Treatments(dataset.id, declared, keys.pseudonym() if any(t.treatment == "pseudonymize" for t in declared)
                      else None)


def guard(dataset: Dataset, batch) -> None:
    """Refuse an ``open``/``shared`` batch holding personal data the registry does not declare."""
    if dataset.sharing == "internal":
        return
    from warehouse.leak_guard import LeakGuard

    leak = LeakGuard(dataset.id, batch.schema, set(dataset.personal_data), sharing=dataset.sharing)
    if not leak.columns:
        return
    for chunk in batch.reader(leak.columns):
        leak.scan(chunk)
    leak.raise_if_found()


def mask_rejected(dataset: Dataset, rejected):
    """Rejected values of personal-data columns are withheld (they stay in the raw zone only)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hidden = [c for c, pd in dataset.personal_data.items() if pd.treatment != "keep"]
    if not hidden or not rejected.num_rows:
        return rejected
    personal = pc.is_in(rejected.column("column"), pa.array(hidden))
    values = pc.if_else(personal, pa.scalar(WITHHELD), rejected.column("value").cast(pa.string()))
    return rejected.set_column(rejected.schema.get_field_index("value"), "value", values)


def lineage(dataset: Dataset, batch) -> dict | None:
    """Origin region/dataset/version of a partner dataset's batch (from its ``_origin_*`` columns)."""
    if dataset.source.kind != "partner" or batch is None or ORIGIN_VERSION not in batch.schema.names:
        return None
    for chunk in batch.reader([ORIGIN_REGION, ORIGIN_DATASET, ORIGIN_VERSION], batch_rows=1):
        if chunk.num_rows:
            row = chunk.slice(0, 1).to_pylist()[0]
            return {"region": row[ORIGIN_REGION], "dataset": row[ORIGIN_DATASET], "version": row[ORIGIN_VERSION]}
    return None


def sign_version(wh: Warehouse, dataset: Dataset, registry: Registry, info: TableInfo, keys: RegionKeys, *,
                 quality: str, run_id: str, origin: dict | None) -> str:
    """Write and sign the manifest of the table's current version (the hashes of unchanged files are reused)."""
    from warehouse.manifest import build_manifest, latest_manifest, publish_manifest

    previous = latest_manifest(wh, dataset.id)
    manifest = build_manifest(wh, dataset.id, region=registry.region.code, quality=quality, run_id=run_id,
                              sharing=dataset.sharing, lineage=origin, previous=previous)
    return publish_manifest(wh, manifest, keys.signer())


def ensure_signed(wh: Warehouse, dataset: Dataset, registry: Registry, info: TableInfo | None, keys: RegionKeys,
                  previous_entry: dict | None, run_id: str) -> str | None:
    """The manifest of the current version, written now if an earlier publish left none (e.g. an older release)."""
    if info is None:
        return None
    path = layout.manifest(dataset.id, info.version)
    if wh.exists(path):
        return path
    quality = ((previous_entry or {}).get("quality") or {}).get("status", "passed")
    return sign_version(wh, dataset, registry, info, keys, quality=quality, run_id=run_id,
                        origin=(previous_entry or {}).get("lineage"))


def record_publish(wh: Warehouse, dataset: Dataset, info: TableInfo, *, run_id: str, load_id: str, quality: str,
                   manifest: str) -> None:
    audit.record(wh, "publish", dataset=dataset.id, version=info.version, rows=info.rows, run_id=run_id,
                 raw_load_id=load_id, quality=quality, sharing=dataset.sharing, manifest=manifest)


def record_quarantine(wh: Warehouse, dataset: Dataset, *, run_id: str, load_id: str, folder: str) -> None:
    audit.record(wh, "quarantine", dataset=dataset.id, run_id=run_id, raw_load_id=load_id, folder=folder)


def sharing_entry(dataset: Dataset, manifest: str | None, origin: dict | None) -> dict:
    """Catalog keys about sharing: class, audience, personal-data treatments, signed manifest, lineage."""
    entry = {"sharing": dataset.sharing, "share_with": list(dataset.share_with),
             "personal_data": {c: pd.treatment for c, pd in dataset.personal_data.items()}, "manifest": manifest}
    if origin:
        entry["lineage"] = origin
    return entry


def publish_views(wh: Warehouse, registry: Registry, catalog: dict, keys: RegionKeys | None) -> None:
    """The partners' catalog views and, when the signing key is known, the region's public key."""
    from warehouse.views import write_views

    current = []  # the registry decides who may read what now, even for a dataset not republished since
    for entry in catalog.get("datasets", []):
        dataset = registry.datasets.get(entry["id"])
        if dataset is not None:
            entry = {**entry, "sharing": dataset.sharing, "share_with": list(dataset.share_with)}
        current.append(entry)
    write_views(wh, {**catalog, "datasets": current}, list(registry.partners))
    if keys is not None and keys.signing_key is not None:
        from warehouse.manifest import publish_public_key

        public = keys.public_key()
        stored = wh.read_bytes(layout.public_key(registry.region.code))
        if stored is None or stored.decode().strip() != public:
            publish_public_key(wh, registry.region.code, public)


def partner_grants(registry: Registry, codes: list[str] | None = None):
    """Per partner: the datasets it may read (every ``open`` one, and the ``shared`` ones naming it)."""
    from warehouse.grants import PartnerGrant

    unknown = [c for c in codes or [] if c not in registry.partners]
    if unknown:
        raise KeyError(f"unknown partner(s) {', '.join(unknown)}; the registry's partners are "
                       f"{', '.join(sorted(registry.partners)) or 'none'}")
    grants = []
    for code in codes or sorted(registry.partners):
        datasets = sorted(d.id for d in registry.datasets.values()
                          if d.sharing == "open" or (d.sharing == "shared" and code in d.share_with))
        grants.append(PartnerGrant(code=code, name=registry.partners[code].name, datasets=tuple(datasets)))
    return grants
