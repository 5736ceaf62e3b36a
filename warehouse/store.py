"""File operations on the warehouse (local or S3) through ``pyarrow.fs``, with atomic small-file writes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pyarrow.fs as pafs

from warehouse.config import WarehouseConfig


class WarehouseError(Exception):
    """The warehouse cannot be reached, read or written as a step needs; the message says which dataset."""


class Warehouse:
    """One region's warehouse: ``uri()`` for table engines, ``read_*``/``write_*`` for small files."""

    def __init__(self, config: WarehouseConfig):
        self.config = config
        self.fs = config.arrow_filesystem()
        if config.is_s3:
            self.root = "/".join(p for p in (config.bucket, config.prefix) if p)
        else:
            self.root = str(Path(config.location).resolve())

    @classmethod
    def from_env(cls) -> Warehouse:
        return cls(WarehouseConfig.from_env())

    def __repr__(self) -> str:
        return f"Warehouse({self.config.location!r})"

    def path(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def uri(self, rel: str) -> str:
        """Location of ``rel`` for deltalake and dlt: ``s3://bucket/prefix/rel`` or an absolute local path."""
        return f"s3://{self.path(rel)}" if self.config.is_s3 else self.path(rel)

    def ensure_ready(self) -> None:
        """Create the local directory, or check (and if needed create) the S3 bucket, with a clear error."""
        if not self.config.is_s3:
            Path(self.root).mkdir(parents=True, exist_ok=True)
            return
        self.config.require_credentials()
        bucket = self.config.bucket
        try:
            info = self.fs.get_file_info(bucket)
            if info.type == pafs.FileType.NotFound:
                self.fs.create_dir(bucket)
        except OSError as exc:
            raise WarehouseError(
                f"warehouse {self.config.location}: bucket '{bucket}' at {self.config.endpoint_url or 'AWS'} "
                f"is not reachable or cannot be created: {exc}"
            ) from None

    def exists(self, rel: str) -> bool:
        return self.fs.get_file_info(self.path(rel)).type != pafs.FileType.NotFound

    def list_files(self, rel_dir: str) -> list[str]:
        """Files below ``rel_dir`` (recursive), as paths relative to the warehouse root; [] when absent."""
        selector = pafs.FileSelector(self.path(rel_dir), recursive=True, allow_not_found=True)
        prefix = self.root + "/"
        return sorted(i.path[len(prefix):] for i in self.fs.get_file_info(selector) if i.type == pafs.FileType.File)

    def listing(self, rel_dir: str) -> dict[str, tuple[int | None, int | None]]:
        """Files below ``rel_dir`` with (mtime in ns, size): a cheap fingerprint of what is there."""
        selector = pafs.FileSelector(self.path(rel_dir), recursive=True, allow_not_found=True)
        prefix = self.root + "/"
        return {i.path[len(prefix):]: (i.mtime_ns, i.size) for i in self.fs.get_file_info(selector)
                if i.type == pafs.FileType.File}

    def read_bytes(self, rel: str) -> bytes | None:
        try:
            with self.fs.open_input_stream(self.path(rel)) as stream:
                return stream.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            if "NoSuchKey" in str(exc) or "Path does not exist" in str(exc) or "not found" in str(exc).lower():
                return None
            raise

    def read_json(self, rel: str) -> dict | list | None:
        data = self.read_bytes(rel)
        return None if data is None else json.loads(data)

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Write ``rel`` so that readers see the old or the new content, never a partial file."""
        target = self.path(rel)
        if self.config.is_s3:
            with self.fs.open_output_stream(target) as out:  # a single PUT: atomic on S3 and MinIO
                out.write(data)
            return
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=Path(target).parent, prefix=f".{Path(target).name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def write_json(self, rel: str, obj: object) -> None:
        self.write_bytes(rel, json.dumps(obj, ensure_ascii=False, indent=2, default=str).encode("utf-8"))

    def output_stream(self, rel: str):
        """A stream writing ``rel`` (on S3 the object appears when the stream closes)."""
        if not self.config.is_s3:
            Path(self.path(rel)).parent.mkdir(parents=True, exist_ok=True)
        return self.fs.open_output_stream(self.path(rel))
