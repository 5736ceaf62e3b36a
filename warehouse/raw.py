"""The raw zone written by dlt: which loads are complete, and reading one load's Parquet files."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.dataset as pads

from warehouse import layout
from warehouse.store import Warehouse


@dataclass(frozen=True)
class RawLoad:
    """One completed dlt load of a dataset: its id and Parquet files (warehouse-relative paths)."""

    dataset: str
    load_id: str
    files: tuple[str, ...]
    rejected: tuple[str, ...] = ()


def _load_id_of_data_file(path: str) -> str:
    # dlt's default layout: {table}/{load_id}.{file_id}.{ext}; load ids themselves contain a dot
    return path.rsplit("/", 1)[-1].rsplit(".", 2)[0]


def completed_load_ids(wh: Warehouse, dataset: str) -> set[str]:
    """Loads dlt marked complete (``_dlt_loads/<schema>__<load_id>.jsonl``)."""
    ids = set()
    for path in wh.list_files(layout.raw_loads(dataset)):
        name = path.rsplit("/", 1)[-1]
        if "__" in name:
            ids.add(name.split("__", 1)[1].rsplit(".", 1)[0])
    return ids


def latest_load(wh: Warehouse, dataset: str) -> RawLoad | None:
    """The newest complete load that carried data for the dataset's table, or None."""
    complete = completed_load_ids(wh, dataset)
    data, rejected = _by_load(wh, layout.raw_table(dataset)), _by_load(wh, layout.raw_rejected(dataset))
    candidates = [lid for lid in set(data) | set(rejected) if lid in complete]
    if not candidates:
        return None
    newest = max(candidates, key=float)
    return RawLoad(dataset=dataset, load_id=newest, files=tuple(sorted(data.get(newest, []))),
                   rejected=tuple(sorted(rejected.get(newest, []))))


def _by_load(wh: Warehouse, folder: str) -> dict[str, list[str]]:
    files: dict[str, list[str]] = {}
    for path in wh.list_files(folder):
        if path.endswith(".parquet"):
            files.setdefault(_load_id_of_data_file(path), []).append(path)
    return files


def rejected_rows(wh: Warehouse, load: RawLoad):
    """The load's values that did not parse (a small pyarrow Table), in row order."""
    import pyarrow as pa

    from pipelines.types import Rejects

    if not load.rejected:
        return Rejects.SCHEMA.empty_table()
    table = pads.dataset([wh.path(f) for f in load.rejected], format=PARQUET, filesystem=wh.fs).to_table()
    return pa.table({n: table.column(n) for n in Rejects.SCHEMA.names}).sort_by("row")


# pre_buffer would read whole files ahead (hundreds of MB for a large load): memory must stay bounded
PARQUET = pads.ParquetFileFormat(default_fragment_scan_options=pads.ParquetFragmentScanOptions(pre_buffer=False))


def open_load(wh: Warehouse, load: RawLoad) -> pads.Dataset:
    """The load's files as one Arrow dataset (streamed, not read into memory)."""
    return pads.dataset([wh.path(f) for f in load.files], format=PARQUET, filesystem=wh.fs)
