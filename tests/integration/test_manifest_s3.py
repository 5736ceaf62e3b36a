"""Signed manifests on a moto S3 warehouse: publish, verify and download as a partner region would."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import write_deltalake

from warehouse import layout, manifest, signing
from warehouse.manifest import IntegrityError
from warehouse.store import Warehouse

pytestmark = pytest.mark.integration


def test_manifest_round_trip_on_s3(s3_warehouse, tmp_path):
    wh = Warehouse(s3_warehouse)
    wh.ensure_ready()
    uri, options = wh.uri(layout.curated("festivals")), wh.config.delta_options()
    write_deltalake(uri, pa.table({"festival_id": [1, 2], "name": ["Festival Huế", "Lễ hội Cầu Ngư"]}),
                    storage_options=options)
    write_deltalake(uri, pa.table({"festival_id": [3], "name": ["Điện Hòn Chén"]}), mode="append",
                    storage_options=options)
    private_b64, public_b64 = signing.generate_key_pair()
    key = signing.load_private_key(private_b64)

    first = manifest.build_manifest(wh, "festivals", region="46", quality="passed", run_id="r1", sharing="open")
    assert first["version"] == 1 and first["rows"] == 3 and len(first["files"]) == 2
    path = manifest.publish_manifest(wh, first, key)
    assert path == "manifests/festivals/1.json" and wh.exists(layout.manifest_signature("festivals", 1))
    assert manifest.latest_manifest(wh, "festivals") == first

    public = signing.load_public_key(public_b64, owner="partner region 46")
    verified = manifest.read_verified_manifest(wh, "festivals", 1, public, origin="partner region 46")
    files = manifest.download_verified(wh, verified, tmp_path / "dl")
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in files] == [f["sha256"] for f in first["files"]]
    assert sorted(pa.concat_tables(pq.read_table(p) for p in files).column("festival_id").to_pylist()) == [1, 2, 3]

    victim = first["files"][0]["path"]
    data = bytearray(wh.read_bytes(f"curated/festivals/{victim}"))
    data[-20] ^= 0xFF
    wh.write_bytes(f"curated/festivals/{victim}", bytes(data))
    with pytest.raises(IntegrityError, match=victim):
        manifest.download_verified(wh, verified, tmp_path / "again")
    assert list((tmp_path / "again").rglob("*")) == []
    wh.fs.delete_file(wh.path(f"curated/festivals/{victim}"))
    with pytest.raises(IntegrityError, match="missing"):
        manifest.download_verified(wh, verified, tmp_path / "again")
    assert list((tmp_path / "again").rglob("*")) == []
