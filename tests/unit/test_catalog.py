"""warehouse.catalog.rebuild: catalog.json stays complete when another dataset publishes meanwhile."""

from warehouse import catalog, layout
from warehouse.config import WarehouseConfig
from warehouse.store import Warehouse

REGION = {"code": "46", "name": "Thành phố Huế"}


def test_rebuild_includes_an_entry_written_while_it_was_building(tmp_path):
    wh = Warehouse(WarehouseConfig(location=str(tmp_path)))
    catalog.write_entry(wh, {"id": "festivals", "title": "Lễ hội"})
    real_read = wh.read_json
    injected = []

    def read_json(rel):  # another process publishes schools between our listing and our write
        if not injected:
            injected.append(True)
            catalog.write_entry(wh, {"id": "schools", "title": "Trường học"})
        return real_read(rel)

    wh.read_json = read_json
    built = catalog.rebuild(wh, REGION)
    assert [e["id"] for e in built["datasets"]] == ["festivals", "schools"]
    assert [e["id"] for e in catalog.read_catalog(wh)["datasets"]] == ["festivals", "schools"]


def test_rebuild_lists_only_registry_datasets(tmp_path):
    wh = Warehouse(WarehouseConfig(location=str(tmp_path)))
    for dataset in ("festivals", "retired_dataset"):
        catalog.write_entry(wh, {"id": dataset, "title": dataset})
    built = catalog.rebuild(wh, REGION, known={"festivals"})
    assert [e["id"] for e in built["datasets"]] == ["festivals"]
    assert wh.exists(layout.CATALOG) and not list(tmp_path.glob("*.tmp"))
