"""Object-store side of regionlink: layout, Delta publishing, quality reports, quarantine and the catalog.

Usable on its own (no Dagster): a partner region reads published tables with :mod:`warehouse.reader`.
"""

from warehouse.config import WarehouseConfig
from warehouse.store import Warehouse

__all__ = ["Warehouse", "WarehouseConfig"]
