"""Signed manifests of curated Delta versions: what a partner region downloads, and how it checks it.

Every publish writes ``manifests/<id>/<version>.json`` listing the version's active data files with size and
sha256, plus a detached Ed25519 signature ``<version>.json.sig`` over the exact stored bytes. A partner
verifies the signature with the region's registered public key, then downloads every file and checks size and
sha256 before ingesting anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pyarrow as pa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pipelines.types import type_name
from warehouse import layout, signing
from warehouse.catalog import now_iso
from warehouse.store import Warehouse, WarehouseError

MANIFEST_FORMAT = "regionlink-manifest/1"
BLOCK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_VERSION_FILE = re.compile(r"^(\d+)\.json$")


class ManifestError(WarehouseError):
    """A manifest is missing, malformed, or not the dataset version that was asked for."""


class IntegrityError(WarehouseError):
    """A data file differs from its manifest entry (or is missing); nothing of the version is kept."""


def _safe_rel(path: object, where: str) -> str:
    """``path`` if it stays inside its directory; a hostile manifest could otherwise write anywhere."""
    bad = not isinstance(path, str) or path.startswith("/") or any(c in path for c in ("\\", "\0", "://"))
    if bad or any(part in ("", ".", "..") for part in path.split("/")):
        raise ManifestError(f"{where}: refusing file path {path!r}: not a plain relative path inside the table")
    return path


def _stream(wh: Warehouse, rel: str, out=None, limit: int = 0) -> tuple[str, int] | None:
    """sha256 and size of ``rel`` read in blocks (copied to ``out`` up to ``limit`` bytes); None if missing."""
    digest, seen = hashlib.sha256(), 0
    try:
        with wh.fs.open_input_stream(wh.path(rel)) as stream:
            while block := stream.read(BLOCK):
                digest.update(block)
                if out is not None and seen + len(block) <= limit:  # an oversized file is hashed, not stored
                    out.write(block)
                seen += len(block)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) or "NoSuchKey" in str(exc) or "Path does not exist" in str(exc):
            return None
        raise
    return digest.hexdigest(), seen


def _hash_file(wh: Warehouse, rel: str, size: int, where: str) -> str:
    streamed = _stream(wh, rel)
    if streamed is None:
        raise ManifestError(f"{where}: {rel} is in the Delta log but missing from the warehouse")
    if streamed[1] != size:
        raise ManifestError(f"{where}: the Delta log gives {rel} {size} bytes but the warehouse has {streamed[1]}")
    return streamed[0]


def _check_listing(table, rels: list[str], where: str) -> None:
    """The log paths, decoded, must be the files deltalake itself would read for this version."""
    wanted, depth = set(rels), max((r.count("/") + 1 for r in rels), default=1)
    uris, found = table.file_uris(), set()
    for uri in uris:
        parts = uri.split("/")
        found.update(tail for k in range(1, depth + 1) if (tail := "/".join(parts[-k:])) in wanted)
    if found != wanted or len(uris) != len(rels):
        raise ManifestError(f"{where}: the Delta log's add actions ({len(rels)}) do not match the table's files "
                            f"({len(uris)}); not publishing a manifest that partners could not check")


def _known_hashes(previous: dict | None, dataset: str) -> dict[tuple[str, int], str]:
    if not isinstance(previous, dict) or previous.get("dataset") != dataset:
        return {}
    return {(f["path"], f["size"]): f["sha256"] for f in previous.get("files") or []
            if isinstance(f, dict) and isinstance(f.get("sha256"), str) and _SHA256.match(f["sha256"])}


def build_manifest(wh: Warehouse, dataset: str, *, region: str, quality: str, run_id: str, sharing: str,
                   lineage: dict | None = None, previous: dict | None = None) -> dict:
    """The manifest of the current version of ``curated/<dataset>``.

    Files already in ``previous`` with the same path and size keep its sha256 (Delta data files are never
    rewritten), so an append hashes only the new files.
    """
    from deltalake import DeltaTable

    table_path = layout.curated(dataset)
    uri, options = wh.uri(table_path), wh.config.delta_options()
    if not DeltaTable.is_deltatable(uri, storage_options=options):
        raise ManifestError(f"dataset '{dataset}': no Delta table at {table_path}")
    table = DeltaTable(uri, storage_options=options)
    version = table.version()
    where = f"dataset '{dataset}' version {version}"
    actions = pa.table(table.get_add_actions(flatten=True))
    # the log stores each path URL-encoded; the object key is the decoded form
    rels = [_safe_rel(unquote(p), where) for p in actions.column("path").to_pylist()]
    sizes = actions.column("size_bytes").to_pylist()
    _check_listing(table, rels, where)
    known = _known_hashes(previous, dataset)
    files = []
    for rel, size in sorted(zip(rels, sizes)):
        sha256 = known.get((rel, size)) or _hash_file(wh, f"{table_path}/{rel}", size, where)
        files.append({"path": rel, "size": int(size), "sha256": sha256})
    schema = pa.schema(table.schema().to_arrow())
    return {
        "format": MANIFEST_FORMAT, "region": region, "dataset": dataset, "version": version, "table_path": table_path,
        "files": files, "rows": sum(r or 0 for r in actions.column("num_records").to_pylist()),
        "schema": [{"name": f.name, "type": type_name(f.type)} for f in schema],
        "quality": quality, "sharing": sharing, "run_id": run_id, "lineage": lineage, "published_at": now_iso(),
    }


def manifest_bytes(manifest: dict) -> bytes:
    """Canonical JSON of ``manifest``: the exact bytes that are signed and stored."""
    text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def _check(manifest: object, dataset: str, version: int, where: str) -> list[dict]:
    """The manifest's files, once it is known to describe ``dataset`` at ``version`` and to be well formed."""
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        got = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise ManifestError(f"{where}: not a {MANIFEST_FORMAT} manifest (format {got!r})")
    if manifest.get("dataset") != dataset or type(manifest.get("version")) is not int or manifest["version"] != version:
        raise ManifestError(f"{where}: the manifest describes dataset {manifest.get('dataset')!r} version "
                            f"{manifest.get('version')!r}, not the one asked for")
    if manifest.get("table_path") != layout.curated(dataset):
        raise ManifestError(f"{where}: table_path {manifest.get('table_path')!r} is not {layout.curated(dataset)!r}")
    files = manifest.get("files")
    if not isinstance(files, list):
        raise ManifestError(f"{where}: 'files' is not a list")
    seen: set[str] = set()
    for entry in files:
        if not (isinstance(entry, dict) and type(entry.get("size")) is int and entry["size"] >= 0
                and isinstance(entry.get("sha256"), str) and _SHA256.match(entry["sha256"])):
            raise ManifestError(f"{where}: malformed file entry {entry!r} (needs path, size, sha256)")
        path = _safe_rel(entry.get("path"), where)
        if path in seen:
            raise ManifestError(f"{where}: file {path} is listed twice")
        seen.add(path)
    return files


def publish_manifest(wh: Warehouse, manifest: dict, private_key: Ed25519PrivateKey) -> str:
    """Sign and store ``manifest``; the signature goes first, so a reader never finds an unsigned manifest."""
    dataset, version = manifest.get("dataset"), manifest.get("version")
    _check(manifest, dataset, version, f"dataset '{dataset}' version {version}")
    data = manifest_bytes(manifest)
    wh.write_bytes(layout.manifest_signature(dataset, version), signing.sign(private_key, data))
    path = layout.manifest(dataset, version)
    wh.write_bytes(path, data)
    return path


def latest_manifest(wh: Warehouse, dataset: str) -> dict | None:
    """The highest-version manifest of ``dataset``, unverified: for the publisher's own use (``previous``)."""
    versions = [int(m.group(1)) for p in wh.list_files(layout.manifests(dataset))
                if (m := _VERSION_FILE.match(p.rsplit("/", 1)[-1]))]
    if not versions:
        return None
    manifest = wh.read_json(layout.manifest(dataset, max(versions)))
    return manifest if isinstance(manifest, dict) else None


def read_verified_manifest(wh: Warehouse, dataset: str, version: int, public_key: Ed25519PublicKey, *,
                           origin: str) -> dict:
    """The manifest of ``dataset`` at ``version``, once its signature by ``origin``'s key verifies."""
    path, sig_path = layout.manifest(dataset, version), layout.manifest_signature(dataset, version)
    where = f"{origin}, dataset '{dataset}' version {version}"
    data = wh.read_bytes(path)
    if data is None:
        raise ManifestError(f"{where}: manifest {path} not found")
    signature = wh.read_bytes(sig_path)
    if signature is None:
        raise ManifestError(f"{where}: signature {sig_path} not found; an unsigned manifest is never trusted")
    signing.verify(public_key, data, signature, what=f"{where}: manifest {path}")
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise ManifestError(f"{where}: manifest {path} is not valid JSON: {exc}") from None
    _check(manifest, dataset, version, where)
    return manifest


def _download(wh: Warehouse, rel: str, target: Path, entry: dict, where: str) -> None:
    """Stream ``rel`` to ``target`` through a temporary file; ``target`` appears only if it matches ``entry``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            streamed = _stream(wh, rel, out, entry["size"])
        if streamed is None:
            raise IntegrityError(f"{where}: file {entry['path']} is listed in the manifest but missing "
                                 f"from the warehouse ({rel})")
        actual, seen = streamed
        if seen != entry["size"] or actual != entry["sha256"]:
            raise IntegrityError(f"{where}: file {entry['path']} does not match the manifest: expected "
                                 f"{entry['size']} bytes sha256 {entry['sha256']}, got {seen} bytes sha256 {actual}")
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _discard(dest_dir: Path, targets: list[Path]) -> None:
    """Remove the files of a failed download and the (now empty) folders made for them."""
    for target in targets:
        target.unlink(missing_ok=True)
        for folder in target.parents:
            if folder == dest_dir or dest_dir not in folder.parents:
                break
            try:
                folder.rmdir()
            except OSError:
                break


def download_verified(wh: Warehouse, manifest: dict, dest_dir: Path) -> list[Path]:
    """Download every file of a verified ``manifest`` into ``dest_dir``; all match it, or none is kept."""
    dataset, version = manifest.get("dataset"), manifest.get("version")
    where = f"dataset '{dataset}' version {version}"
    files = _check(manifest, dataset, version, where)
    table_path = manifest["table_path"]
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    done: list[Path] = []
    for entry in files:
        target = dest_dir / entry["path"]
        try:
            _download(wh, f"{table_path}/{entry['path']}", target, entry, where)
        except BaseException:
            _discard(dest_dir, [*done, target])
            raise
        done.append(target)
    return done


def publish_public_key(wh: Warehouse, region_code: str, public_b64: str) -> str:
    """Store the region's public key at ``keys/<code>.pub`` for operators; partners trust the registry's copy."""
    signing.load_public_key(public_b64, owner=f"region {region_code}")
    path = layout.public_key(region_code)
    wh.write_bytes(path, public_b64.strip().encode("ascii") + b"\n")
    return path
