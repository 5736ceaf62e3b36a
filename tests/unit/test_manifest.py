"""warehouse.manifest: signed manifests of curated Delta versions and verified downloads by partners."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import write_deltalake

from warehouse import layout, manifest, signing
from warehouse.config import WarehouseConfig
from warehouse.manifest import IntegrityError, ManifestError
from warehouse.signing import SignatureError
from warehouse.store import Warehouse

ORIGIN = "partner region 46"


@pytest.fixture
def wh(tmp_path) -> Warehouse:
    warehouse = Warehouse(WarehouseConfig(location=str(tmp_path / "wh")))
    warehouse.ensure_ready()
    return warehouse


@pytest.fixture
def keys():
    private_b64, public_b64 = signing.generate_key_pair()
    return signing.load_private_key(private_b64), signing.load_public_key(public_b64, owner=ORIGIN), private_b64


def _festivals(start: int, count: int) -> pa.Table:
    ids = list(range(start, start + count))
    return pa.table({"festival_id": pa.array(ids, pa.int64()), "name": [f"Lễ hội {i}" for i in ids]})


def _write(wh: Warehouse, dataset: str, table: pa.Table, mode: str = "append") -> None:
    write_deltalake(wh.uri(layout.curated(dataset)), table, mode=mode)


def _build(wh: Warehouse, dataset: str = "festivals", previous: dict | None = None) -> dict:
    return manifest.build_manifest(wh, dataset, region="46", quality="passed", run_id="run-1", sharing="open",
                                   lineage={"source": "ckan"}, previous=previous)


def _published(wh: Warehouse, keys, dataset: str = "festivals") -> dict:
    built = _build(wh, dataset)
    manifest.publish_manifest(wh, built, keys[0])
    return built


def test_manifest_lists_every_active_file_with_size_and_sha256(wh):
    _write(wh, "festivals", _festivals(0, 3))
    _write(wh, "festivals", _festivals(3, 2))
    built = _build(wh)
    table_dir = Path(wh.path("curated/festivals"))
    on_disk = sorted(p.relative_to(table_dir).as_posix() for p in table_dir.glob("*.parquet"))
    assert [f["path"] for f in built["files"]] == on_disk and len(on_disk) == 2
    for entry in built["files"]:
        data = (table_dir / entry["path"]).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert built["format"] == manifest.MANIFEST_FORMAT and built["version"] == 1 and built["rows"] == 5
    assert built["table_path"] == "curated/festivals" and built["dataset"] == "festivals"
    assert built["schema"] == [{"name": "festival_id", "type": "integer"}, {"name": "name", "type": "string"}]
    assert (built["region"], built["quality"], built["sharing"], built["run_id"]) == ("46", "passed", "open", "run-1")
    assert built["lineage"] == {"source": "ckan"} and built["published_at"].endswith("+00:00")


def test_files_are_sorted_by_path(wh):
    for start in range(0, 12, 2):
        _write(wh, "festivals", _festivals(start, 2))
    paths = [f["path"] for f in _build(wh)["files"]]
    assert len(paths) == 6 and paths == sorted(paths)


def test_overwrite_lists_only_the_files_of_the_current_version(wh):
    _write(wh, "festivals", _festivals(0, 3))
    _write(wh, "festivals", _festivals(10, 1), mode="overwrite")
    built = _build(wh)
    assert built["version"] == 1 and built["rows"] == 1 and len(built["files"]) == 1


def test_append_reuses_the_hashes_of_unchanged_files(wh):
    _write(wh, "festivals", _festivals(0, 3))
    first = _build(wh)
    # a deliberately wrong hash: carried over only if the file is not hashed again
    previous = json.loads(json.dumps(first))
    previous["files"][0]["sha256"] = "0" * 64
    _write(wh, "festivals", _festivals(3, 2))
    second = _build(wh, previous=previous)
    assert len(second["files"]) == 2
    carried = [f for f in second["files"] if f["path"] == first["files"][0]["path"]]
    assert carried == [previous["files"][0]]
    new = [f for f in second["files"] if f["path"] != first["files"][0]["path"]][0]
    data = Path(wh.path(f"curated/festivals/{new['path']}")).read_bytes()
    assert new["sha256"] == hashlib.sha256(data).hexdigest()


def test_previous_manifest_of_another_dataset_is_not_trusted_for_hashes(wh):
    _write(wh, "festivals", _festivals(0, 3))
    previous = _build(wh)
    previous["dataset"], previous["files"][0]["sha256"] = "schools", "0" * 64
    assert _build(wh, previous=previous)["files"][0]["sha256"] != "0" * 64


def test_published_manifest_round_trips_and_is_found_as_latest(wh, keys):
    _write(wh, "festivals", _festivals(0, 3))
    first = _published(wh, keys)
    _write(wh, "festivals", _festivals(3, 2))
    second = _published(wh, keys)
    assert wh.exists(layout.manifest_signature("festivals", 1))
    assert wh.read_bytes(layout.manifest("festivals", 1)) == manifest.manifest_bytes(second)
    assert manifest.read_verified_manifest(wh, "festivals", 0, keys[1], origin=ORIGIN) == first
    assert manifest.read_verified_manifest(wh, "festivals", 1, keys[1], origin=ORIGIN) == second
    assert manifest.latest_manifest(wh, "festivals") == second
    assert manifest.latest_manifest(wh, "schools") is None


def test_latest_manifest_compares_versions_as_numbers(wh, keys):
    for version in (2, 10, 9):
        wh.write_bytes(layout.manifest("festivals", version), json.dumps({"version": version}).encode())
    assert manifest.latest_manifest(wh, "festivals") == {"version": 10}


def test_manifest_bytes_are_canonical():
    data = manifest.manifest_bytes({"b": 1, "a": "Huế", "c": [1, {"z": 1, "y": 2}]})
    assert data == '{"a":"Huế","b":1,"c":[1,{"y":2,"z":1}]}'.encode()


def test_a_changed_manifest_byte_fails_verification(wh, keys):
    _write(wh, "festivals", _festivals(0, 3))
    _published(wh, keys)
    path = layout.manifest("festivals", 0)
    data = wh.read_bytes(path)
    wh.write_bytes(path, data.replace(b'"rows":3', b'"rows":4'))
    with pytest.raises(SignatureError) as err:
        manifest.read_verified_manifest(wh, "festivals", 0, keys[1], origin=ORIGIN)
    assert all(part in str(err.value) for part in (ORIGIN, "'festivals'", "version 0", path))


def test_a_manifest_signed_by_another_key_fails_verification(wh, keys):
    _write(wh, "festivals", _festivals(0, 3))
    _published(wh, keys)
    intruder, _ = signing.generate_key_pair()
    data = wh.read_bytes(layout.manifest("festivals", 0))
    wh.write_bytes(layout.manifest_signature("festivals", 0), signing.sign(signing.load_private_key(intruder), data))
    with pytest.raises(SignatureError, match="does not verify"):
        manifest.read_verified_manifest(wh, "festivals", 0, keys[1], origin=ORIGIN)


def test_a_validly_signed_manifest_of_another_dataset_or_version_is_refused(wh, keys):
    _write(wh, "festivals", _festivals(0, 3))
    _published(wh, keys)
    _write(wh, "festivals", _festivals(3, 1))
    _published(wh, keys)
    for dataset, version in (("schools", 0), ("festivals", 7)):
        for src, dst in ((layout.manifest, layout.manifest), (layout.manifest_signature, layout.manifest_signature)):
            wh.write_bytes(dst(dataset, version), wh.read_bytes(src("festivals", 0)))
        with pytest.raises(ManifestError, match="not the one asked for"):
            manifest.read_verified_manifest(wh, dataset, version, keys[1], origin=ORIGIN)


def test_missing_manifest_or_signature_names_the_path(wh, keys):
    with pytest.raises(ManifestError, match=r"manifests/festivals/0\.json not found"):
        manifest.read_verified_manifest(wh, "festivals", 0, keys[1], origin=ORIGIN)
    _write(wh, "festivals", _festivals(0, 3))
    _published(wh, keys)
    Path(wh.path(layout.manifest_signature("festivals", 0))).unlink()
    with pytest.raises(ManifestError, match=r"manifests/festivals/0\.json\.sig not found"):
        manifest.read_verified_manifest(wh, "festivals", 0, keys[1], origin=ORIGIN)


def test_download_verified_returns_matching_local_files(wh, keys, tmp_path):
    _write(wh, "festivals", _festivals(0, 3))
    _write(wh, "festivals", _festivals(3, 2))
    _published(wh, keys)
    verified = manifest.read_verified_manifest(wh, "festivals", 1, keys[1], origin=ORIGIN)
    files = manifest.download_verified(wh, verified, tmp_path / "dl")
    assert [p.name for p in files] == [f["path"] for f in verified["files"]]
    for path, entry in zip(files, verified["files"]):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert pa.concat_tables([pq.read_table(p) for p in files]).num_rows == 5
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == sorted(p.name for p in files)


def test_a_tampered_data_file_is_refused_and_nothing_is_kept(wh, keys, tmp_path):
    _write(wh, "festivals", _festivals(0, 3))
    _write(wh, "festivals", _festivals(3, 2))
    built = _published(wh, keys)
    victim = built["files"][1]
    target = Path(wh.path(f"curated/festivals/{victim['path']}"))
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    target.write_bytes(bytes(data))
    verified = manifest.read_verified_manifest(wh, "festivals", 1, keys[1], origin=ORIGIN)
    dest = tmp_path / "dl"
    with pytest.raises(IntegrityError) as err:
        manifest.download_verified(wh, verified, dest)
    text = str(err.value)
    for part in ("'festivals'", "version 1", victim["path"], victim["sha256"], hashlib.sha256(data).hexdigest()):
        assert part in text
    assert list(dest.rglob("*")) == []


def test_a_missing_or_resized_data_file_is_refused(wh, keys, tmp_path):
    _write(wh, "festivals", _festivals(0, 3))
    built = _published(wh, keys)
    target = Path(wh.path(f"curated/festivals/{built['files'][0]['path']}"))
    target.write_bytes(target.read_bytes() + b"extra")
    with pytest.raises(IntegrityError, match=rf"expected {built['files'][0]['size']} bytes .* got "
                                             rf"{built['files'][0]['size'] + 5} bytes"):
        manifest.download_verified(wh, built, tmp_path / "dl")
    target.unlink()
    with pytest.raises(IntegrityError, match="missing"):
        manifest.download_verified(wh, built, tmp_path / "dl")
    assert list((tmp_path / "dl").rglob("*")) == []


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "/etc/passwd", "a/../../x.parquet", "s3://other/x", "a//b", "",
                                     "..\\..\\x"])
def test_a_manifest_with_a_path_outside_the_table_is_refused(wh, keys, tmp_path, hostile):
    _write(wh, "festivals", _festivals(0, 3))
    built = _build(wh)
    good = built["files"][0]
    built["files"] = [good, {"path": hostile, "size": good["size"], "sha256": good["sha256"]}]
    dest = tmp_path / "dl" / "inner"
    with pytest.raises(ManifestError, match="refusing file path"):
        manifest.download_verified(wh, built, dest)
    assert not list((tmp_path / "dl").rglob("*.parquet")) and not (tmp_path / "etc").exists()
    with pytest.raises(ManifestError, match="refusing file path"):
        manifest.publish_manifest(wh, built, keys[0])


def test_a_manifest_pointing_at_another_table_is_refused(wh, keys, tmp_path):
    _write(wh, "festivals", _festivals(0, 3))
    built = {**_build(wh), "table_path": "curated/schools"}
    with pytest.raises(ManifestError, match="table_path 'curated/schools'"):
        manifest.download_verified(wh, built, tmp_path / "dl")
    with pytest.raises(ManifestError, match="table_path"):
        manifest.publish_manifest(wh, built, keys[0])


def test_partitioned_table_paths_are_decoded_object_keys(wh, keys, tmp_path):
    table = pa.table({"id": [1, 2, 3], "ward": ["Phú Hội", "a/b", "x%y"]})
    write_deltalake(wh.uri(layout.curated("wards")), table, partition_by=["ward"])
    built = manifest.build_manifest(wh, "wards", region="46", quality="passed", run_id="r", sharing="open")
    for entry in built["files"]:
        assert Path(wh.path(f"curated/wards/{entry['path']}")).stat().st_size == entry["size"]
    manifest.publish_manifest(wh, built, keys[0])
    verified = manifest.read_verified_manifest(wh, "wards", 0, keys[1], origin=ORIGIN)
    assert len(manifest.download_verified(wh, verified, tmp_path / "dl")) == 3


def test_an_emptied_table_has_no_files(wh):
    _write(wh, "festivals", _festivals(0, 3))
    _write(wh, "festivals", _festivals(0, 0), mode="overwrite")
    built = _build(wh)
    assert (built["version"], built["files"], built["rows"]) == (1, [], 0)


def test_no_table_is_a_manifest_error(wh):
    with pytest.raises(ManifestError, match="no Delta table at curated/festivals"):
        _build(wh)


def test_public_key_is_published_for_operators(wh, keys):
    path = manifest.publish_public_key(wh, "46", signing.public_key_b64(keys[0]))
    assert path == "keys/46.pub"
    assert wh.read_bytes(path) == (signing.public_key_b64(keys[0]) + "\n").encode()
    with pytest.raises(signing.SigningError, match="region 46"):
        manifest.publish_public_key(wh, "46", "nope")


def test_errors_never_show_the_private_key(wh, keys, tmp_path):
    _write(wh, "festivals", _festivals(0, 3))
    built = _published(wh, keys)
    wh.write_bytes(layout.manifest("festivals", 0), manifest.manifest_bytes({**built, "rows": 9}))
    errors = []
    for call in (lambda: manifest.read_verified_manifest(wh, "festivals", 0, keys[1], origin=ORIGIN),
                 lambda: manifest.read_verified_manifest(wh, "schools", 0, keys[1], origin=ORIGIN),
                 lambda: manifest.download_verified(wh, {**built, "files": [{"path": "..", "size": 1,
                                                                             "sha256": "0" * 64}]}, tmp_path)):
        with pytest.raises(Exception) as err:
            call()
        errors.append(str(err.value) + repr(err.value))
    assert len(errors) == 3 and not any(keys[2] in text for text in errors)
