"""Read what a region publishes, the way a partner does: its catalog and its Delta tables (no Dagster)."""

from __future__ import annotations

import pyarrow as pa

from warehouse import layout
from warehouse.catalog import read_catalog
from warehouse.config import WarehouseConfig
from warehouse.store import Warehouse


class PublishedWarehouse:
    """A (possibly remote) region's warehouse, opened read-only.

    >>> wh = PublishedWarehouse(WarehouseConfig(location="s3://hue-warehouse", endpoint_url=..., ...))
    >>> wh.datasets()                      # ids in catalog.json
    >>> wh.read("tourist_sites")           # the current version as a pyarrow Table
    """

    def __init__(self, config: WarehouseConfig | None = None):
        self.store = Warehouse(config or WarehouseConfig.from_env())

    def catalog(self) -> dict:
        catalog = read_catalog(self.store)
        if catalog is None:
            raise FileNotFoundError(f"no {layout.CATALOG} in {self.store.config.location}")
        return catalog

    def datasets(self) -> list[str]:
        return [entry["id"] for entry in self.catalog()["datasets"]]

    def entry(self, dataset: str) -> dict:
        for entry in self.catalog()["datasets"]:
            if entry["id"] == dataset:
                return entry
        raise KeyError(f"dataset '{dataset}' is not in the catalog of {self.store.config.location}")

    def table(self, dataset: str, version: int | None = None):
        """The ``deltalake.DeltaTable`` of a published dataset (optionally an older version)."""
        from deltalake import DeltaTable

        path = self.entry(dataset)["path"]
        return DeltaTable(self.store.uri(path), version=version, storage_options=self.store.config.delta_options())

    def read(self, dataset: str, columns: list[str] | None = None, version: int | None = None) -> pa.Table:
        return pa.table(self.table(dataset, version).to_pyarrow_dataset().to_table(columns=columns))
