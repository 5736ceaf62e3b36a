"""Fetch a dataset a region shares with us, verified, into one local Parquet file (a partner analyst's tool).

Needs only the sharing region's warehouse address, the credentials it issued and its public key: the
catalog view says which version is current, the signed manifest says which files make it up, and each file
must match its sha256 before anything is written. No Dagster, no registry.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from warehouse.store import Warehouse, WarehouseError
from warehouse.views import read_view, view_path


def verified_table_batches(files: list[Path], batch_rows: int = 65_536) -> Iterator[pa.RecordBatch]:
    """The batches of a version's data files under one schema (files written before a column was added to
    the table lack it: those rows get nulls), in bounded memory."""
    import pyarrow.parquet as pq

    schema = unified_schema(files) if files else pa.schema([])
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows, use_threads=False):
            arrays = [batch.column(f.name).cast(f.type) if f.name in batch.schema.names
                      else pa.nulls(batch.num_rows, f.type) for f in schema]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def _plain(dtype: pa.DataType) -> pa.DataType:
    """View types (delta-rs merges write ``string_view``) as their plain kin, which every reader takes."""
    if pa.types.is_string_view(dtype) or pa.types.is_large_string(dtype):
        return pa.string()
    if pa.types.is_binary_view(dtype) or pa.types.is_large_binary(dtype):
        return pa.binary()
    return dtype


def unified_schema(files: list[Path]) -> pa.Schema:
    import pyarrow.parquet as pq

    schemas = [pa.schema([f.with_type(_plain(f.type)) for f in pq.read_schema(p)]) for p in files]
    return pa.unify_schemas(schemas, promote_options="permissive")


@dataclass(frozen=True)
class Pulled:
    dataset: str
    version: int
    rows: int
    path: Path
    manifest_path: Path


def current_version(wh: Warehouse, dataset: str, audience: str) -> int:
    """The version the sharing region's catalog view for ``audience`` lists for ``dataset``."""
    try:
        view = read_view(wh, audience)
    except OSError as exc:
        raise WarehouseError(f"{wh.config.location}: cannot read {view_path(audience)}: {exc}") from None
    if view is None:
        raise WarehouseError(f"{wh.config.location}: no catalog view {view_path(audience)} (nothing shared with {audience})")
    for entry in view.get("datasets", []):
        if entry.get("id") == dataset and entry.get("version") is not None:
            return int(entry["version"])
    listed = ", ".join(e["id"] for e in view.get("datasets", [])) or "nothing"
    raise WarehouseError(f"{wh.config.location}: '{dataset}' is not shared with {audience} "
                         f"({view_path(audience)} lists: {listed})")


def pull(wh: Warehouse, dataset: str, *, public_key, origin: str, out_dir: Path, audience: str = "open",
         version: int | None = None, workdir: Path | None = None) -> Pulled:
    """Verify and download ``dataset`` (current version for ``audience``, or ``version``) into
    ``out_dir/<dataset>-v<version>.parquet``, with the verified manifest beside it."""
    import pyarrow.parquet as pq

    from warehouse.manifest import download_verified, read_verified_manifest

    version = current_version(wh, dataset, audience) if version is None else version
    manifest = read_verified_manifest(wh, dataset, version, public_key, origin=origin)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{dataset}-v{version}.parquet"
    folder = Path(tempfile.mkdtemp(prefix=f".pull-{dataset}-", dir=workdir or out_dir))
    partial = target.with_suffix(".parquet.partial")
    rows = 0
    try:
        files = download_verified(wh, manifest, folder)
        if not files:
            raise WarehouseError(f"{origin}: '{dataset}' version {version} has no data files")
        with pq.ParquetWriter(partial, unified_schema(files)) as writer:
            for batch in verified_table_batches(files):
                writer.write_batch(batch)
                rows += batch.num_rows
        partial.replace(target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        partial.unlink(missing_ok=True)
    manifest_path = out_dir / f"{dataset}-v{version}.manifest.json"
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return Pulled(dataset, version, rows, target, manifest_path)
