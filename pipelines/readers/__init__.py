"""Read a downloaded source file (CSV, XLSX, JSON, Parquet) as Arrow record batches with registry names/types.

Batches keep the source's values; only column names and declared types change here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from pipelines import encodings
from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.types import Rejects
from pipelines.readers.delimited import Growing, read_csv
from pipelines.readers.header import SCAN, csv_header_row, header_row
from pipelines.readers.documents import read_json, read_parquet, read_xlsx

_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".parquet": "parquet"}


def detect_type(dataset: Dataset, url: str, content_type: str) -> str:
    """The format: declared, else from the URL's extension, else from the Content-Type."""
    if dataset.format.type:
        return dataset.format.type
    path = url.split("?", 1)[0].lower()
    for ext, kind in _EXTENSIONS.items():
        if path.endswith(ext):
            return kind
    for marker, kind in (("csv", "csv"), ("spreadsheetml", "xlsx"), ("json", "json"), ("parquet", "parquet")):
        if marker in content_type:
            return kind
    raise SourceError(dataset.id, f"cannot tell the file format (Content-Type {content_type!r}); set format.type", url=url)


def _sniff(path: Path | Growing, kind: str, dataset: Dataset, url: str) -> None:
    with path.open("rb") as file:
        head = file.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        raise SourceError(dataset.id, f"expected {kind.upper()} but the server sent an HTML/XML page (starts {head[:40]!r})", url=url)
    if not head:
        raise SourceError(dataset.id, "the source file is empty", url=url)


def _auto_header(path: Path | Growing, kind: str, dataset: Dataset) -> int:
    """``header_row: auto``: the row of the header under any title rows."""
    if kind == "csv":
        return csv_header_row(path, dataset.format.encoding, dataset.format.delimiter)
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    sheet = dataset.format.sheet if dataset.format.sheet in workbook.sheet_names else workbook.sheet_names[0]
    return header_row(workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[:SCAN])


def _refuse_legacy_text(batch: pa.RecordBatch, dataset: Dataset, url: str) -> None:
    """Stop before publishing mojibake: text columns still in TCVN3/VNI (checked on the first batch)."""
    for name, column in zip(batch.schema.names, batch.columns):
        if pa.types.is_string(column.type):
            sample = [v for v in column.slice(0, 2000).to_pylist() if v]
            legacy = encodings.legacy_vietnamese(sample)
            if legacy:
                example = next(v for v in sample if not v.isascii())
                raise SourceError(dataset.id, f"column '{name}' holds Vietnamese in the legacy {legacy} encoding "
                                  f"(e.g. {example!r}), not Unicode; convert the source to Unicode before publishing",
                                  url=url)


def read_batches(path: Path | Growing, kind: str, dataset: Dataset, url: str,
                 rejects: Rejects | None = None) -> Iterator[pa.RecordBatch]:
    """Record batches of the file at ``path`` (``kind`` as from :func:`detect_type`); a CSV may still be arriving.

    With ``rejects``, values that do not parse as their declared type are collected there (their rows left
    out of the batches) instead of stopping the read.

    A :class:`SourceError` names where: ``line`` N of a CSV file, ``sheet row`` N of a workbook, ``record`` N
    of JSON or Parquet.
    """
    _sniff(path, kind, dataset, url)
    if dataset.format.encoding == "auto":
        with path.open("rb") as stream:
            resolved = dataset.format.model_copy(update={"encoding": encodings.detect(stream)})
        dataset = dataset.model_copy(update={"format": resolved})
    if dataset.format.header_row == "auto" and kind in ("csv", "xlsx"):
        found = _auto_header(path, kind, dataset)
        dataset = dataset.model_copy(update={"format": dataset.format.model_copy(update={"header_row": found})})
    readers = {"csv": read_csv, "xlsx": read_xlsx, "json": read_json, "parquet": read_parquet}
    try:
        first = True
        for batch in readers[kind](path, dataset, url, rejects):
            if first:
                _refuse_legacy_text(batch, dataset, url)
                first = False
            yield batch
    except SourceError as exc:
        if exc.url is not None:
            raise
        raise SourceError(exc.dataset, exc.detail, url=url, row=exc.row, row_label=exc.row_label) from None
