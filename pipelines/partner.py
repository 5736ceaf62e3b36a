"""``kind: partner``: a dataset a neighbouring region shares with us, ingested only once it verifies.

The partner's catalog view ``catalog/<our code>.json`` says which Delta version is current. Its manifest
``manifests/<id>/<version>.json`` must carry a valid Ed25519 signature by the key registered under
``partners``, and every data file must match the manifest's size and sha256 — all files are downloaded and
checked before the first row is handed to dlt, so a bad signature or a tampered file ingests nothing.
A version already ingested is not fetched again.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from pipelines.envsubst import expand
from pipelines.errors import SourceError
from pipelines.model import Dataset, PartnerSource
from pipelines.settings import IngestSettings
from pipelines.types import ARROW_TYPES

ORIGIN_REGION = "_origin_region"
ORIGIN_DATASET = "_origin_dataset"
ORIGIN_VERSION = "_origin_version"
LINEAGE_COLUMNS = (ORIGIN_REGION, ORIGIN_DATASET, ORIGIN_VERSION)


@dataclass(frozen=True)
class Exchange:
    """What a partner source needs from our registry: our region code and the partner's public key."""

    region: str
    partner_public_key: str


def partner_warehouse(src: PartnerSource, env: Mapping[str, str], *, where: str):
    """The partner's warehouse, opened with the credentials it issued us (``${VAR}``s expanded)."""
    from warehouse.config import WarehouseConfig
    from warehouse.store import Warehouse

    def value(text: str | None, key: str) -> str | None:
        return None if text is None else expand(text, env, where=f"{where} source.{key}")

    config = WarehouseConfig(location=value(src.warehouse, "warehouse"), endpoint_url=value(src.endpoint, "endpoint"),
                             access_key_id=value(src.access_key_id, "access_key_id"),
                             secret_access_key=value(src.secret_access_key, "secret_access_key"), region=src.aws_region)
    return Warehouse(config)


def shared_entry(wh, src: PartnerSource, our_region: str, dataset_id: str) -> dict:
    """The dataset's entry in the partner's catalog view for us; a clear error when it is not shared."""
    view = f"catalog/{our_region}.json"
    try:
        catalog = wh.read_json(view)
    except OSError as exc:
        raise SourceError(dataset_id, f"partner region {src.region} does not let us read {view}: {_short(exc)}",
                          url=src.display_url) from None
    if not isinstance(catalog, dict):
        raise SourceError(dataset_id, f"partner region {src.region} publishes no catalog view {view} for region "
                          f"{our_region} (nothing shared with us yet?)", url=src.display_url)
    for entry in catalog.get("datasets", []):
        if entry.get("id") == src.dataset:
            if entry.get("version") is None:
                raise SourceError(dataset_id, f"partner region {src.region} lists '{src.dataset}' but has not "
                                  "published a version yet", url=src.display_url)
            return entry
    listed = ", ".join(e.get("id", "?") for e in catalog.get("datasets", [])) or "nothing"
    raise SourceError(dataset_id, f"partner region {src.region} does not share '{src.dataset}' with region "
                      f"{our_region} ({view} lists: {listed})", url=src.display_url)


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "…"


def _ours(batch: pa.RecordBatch, dataset: Dataset, lineage: dict[str, pa.Scalar]) -> pa.RecordBatch:
    """A partner batch with our names/types and lineage (their own ``_*`` lineage columns are theirs, not ours)."""
    names, arrays = [], []
    for field, array in zip(batch.schema, batch.columns):
        if field.name.startswith("_"):
            continue
        declared = dataset.columns.get(field.name)
        if declared is not None and declared.type:
            array = array.cast(ARROW_TYPES[declared.type])
        names.append(declared.name if declared is not None and declared.name else field.name)
        arrays.append(array)
    arrays += [pa.repeat(value, batch.num_rows) for value in lineage.values()]
    return pa.RecordBatch.from_arrays(arrays, names=names + list(lineage))


def verified_batches(dataset: Dataset, env: Mapping[str, str], settings: IngestSettings, state: dict,
                     exchange: Exchange) -> Iterator[pa.RecordBatch]:
    """Arrow batches of the partner's newest verified version, with ``_origin_*`` lineage columns."""
    from warehouse.manifest import download_verified, read_verified_manifest
    from warehouse.pull import verified_table_batches
    from warehouse.signing import load_public_key
    from warehouse.store import WarehouseError

    src = dataset.source
    assert isinstance(src, PartnerSource)
    where = f"dataset '{dataset.id}'"
    wh = partner_warehouse(src, env, where=where)
    entry = shared_entry(wh, src, exchange.region, dataset.id)
    version = int(entry["version"])
    if state.get("origin_version") == version:
        return
    origin = f"partner region {src.region}"
    public_key = load_public_key(expand(exchange.partner_public_key, env, where=f"partners.{src.region}.public_key"),
                                 owner=origin)
    settings.workdir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"partner-{dataset.id}-", dir=settings.workdir))
    try:
        try:
            manifest = read_verified_manifest(wh, src.dataset, version, public_key, origin=origin)
            files = download_verified(wh, manifest, folder)
        except (WarehouseError, OSError) as exc:
            raise SourceError(dataset.id, f"{origin}, '{src.dataset}' version {version}: {exc}; nothing ingested",
                              url=src.display_url) from None
        lineage = {ORIGIN_REGION: pa.scalar(src.region), ORIGIN_DATASET: pa.scalar(src.dataset),
                   ORIGIN_VERSION: pa.scalar(version, pa.int64())}
        for batch in verified_table_batches(files):
            yield _ours(batch, dataset, lineage)
        state.update(origin_version=version, origin_region=src.region, origin_dataset=src.dataset,
                     rows=manifest.get("rows"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
