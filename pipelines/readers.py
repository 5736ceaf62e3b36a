"""Read a downloaded source file (CSV, XLSX, JSON, Parquet) as Arrow record batches with registry names/types.

Batches keep the source's values; only column names and declared types change here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.naming import column_names
from pipelines.types import arrow_type, cast_column

CSV_BLOCK = 16 << 20
_ROW = re.compile(r"Row #(\d+)")
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


def _sniff(path: Path, kind: str, dataset: Dataset, url: str) -> None:
    head = path.open("rb").read(1024).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        raise SourceError(dataset.id, f"expected {kind.upper()} but the server sent an HTML/XML page (starts {head[:40]!r})", url=url)
    if not head:
        raise SourceError(dataset.id, "the source file is empty", url=url)


def read_batches(path: Path, kind: str, dataset: Dataset, url: str) -> Iterator[pa.RecordBatch]:
    """Record batches of the file at ``path`` (``kind`` as from :func:`detect_type`)."""
    _sniff(path, kind, dataset, url)
    readers = {"csv": _csv, "xlsx": _xlsx, "json": _json, "parquet": _parquet}
    yield from readers[kind](path, dataset, url)


def _renamed(batch: pa.RecordBatch, dataset: Dataset, first_row: int, names: list[str] | None = None) -> pa.RecordBatch:
    """Apply the registry's names and types (names computed once per file and passed back in)."""
    headers = batch.schema.names
    names = names or column_names(headers, dataset.renames)
    arrays = []
    for header, array in zip(headers, batch.columns):
        declared = dataset.columns.get(header)
        if declared and declared.type:
            array = cast_column(array, arrow_type(declared.type), dataset=dataset.id, column=header, first_row=first_row)
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, names=names)


def _check_declared(headers: list[str], dataset: Dataset, url: str) -> None:
    missing = [c for c in dataset.columns if c not in headers]
    if missing:
        raise SourceError(dataset.id, f"column(s) {missing} declared in the registry are not in the source; it has {headers}", url=url)


def _csv(path: Path, dataset: Dataset, url: str) -> Iterator[pa.RecordBatch]:
    fmt = dataset.format
    encoding = fmt.encoding.lower().replace("_", "-")
    read = pacsv.ReadOptions(skip_rows=fmt.header_row - 1, block_size=CSV_BLOCK,
                             encoding="utf8" if encoding in ("utf-8", "utf8", "utf-8-sig") else fmt.encoding)
    parse = pacsv.ParseOptions(delimiter=fmt.delimiter, newlines_in_values=True)
    # declared columns are read as text and cast per batch (exact row numbers in errors, local timestamps)
    declared = {src: col.type for src, col in dataset.columns.items() if col.type}
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(declared, pa.string()), strings_can_be_null=True,
                                   quoted_strings_can_be_null=False)
    rows_done, names = 0, None
    try:
        with pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert) as reader:
            headers = [h.strip() for h in reader.schema.names]
            _check_declared(headers, dataset, url)
            names = column_names(headers, dataset.renames)
            first_data_row = fmt.header_row + 1
            for batch in reader:
                arrays = [
                    cast_column(array, arrow_type(declared[header]), dataset=dataset.id, column=header,
                                first_row=first_data_row + rows_done) if header in declared else array
                    for header, array in zip(reader.schema.names, batch.columns)
                ]
                yield pa.RecordBatch.from_arrays(arrays, names=names)
                rows_done += batch.num_rows
    except UnicodeDecodeError as exc:  # the header row itself
        raise _csv_error(exc, dataset, url, rows_done, header=fmt.header_row) from None
    except pa.ArrowInvalid as exc:
        raise _csv_error(exc, dataset, url, rows_done) from None


def _csv_error(exc: Exception, dataset: Dataset, url: str, rows_done: int, header: int | None = None) -> SourceError:
    message = str(exc)
    match = _ROW.search(message)
    row = header if header is not None else (rows_done + int(match.group(1)) if match else None)
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in message or "codec" in message.lower():
        hint = f"text is not valid {dataset.format.encoding}; set format.encoding (e.g. cp1258, utf-16)"
        return SourceError(dataset.id, f"{hint} [{message.splitlines()[0]}]", url=url, row=row)
    return SourceError(dataset.id, f"CSV could not be read: {message.splitlines()[0]}", url=url, row=row)


def _table_from_rows(rows: list[list], dataset: Dataset, url: str) -> pa.RecordBatch:
    header_index = dataset.format.header_row - 1
    if len(rows) <= header_index:
        raise SourceError(dataset.id, f"no header at row {dataset.format.header_row}", url=url)
    header = [str(h).strip() if h not in (None, "") else "" for h in rows[header_index]]
    keep = [i for i, h in enumerate(header) if h]  # unnamed (empty trailing) columns are dropped
    body = [r for r in rows[header_index + 1:] if any(v not in (None, "") for v in r)]
    headers = [header[i] for i in keep]
    _check_declared(headers, dataset, url)
    arrays = []
    for i in keep:
        values = [(r[i] if i < len(r) and r[i] != "" else None) for r in body]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
    batch = pa.RecordBatch.from_arrays(arrays, names=headers)
    return _renamed(batch, dataset, first_row=header_index + 2)


def _xlsx(path: Path, dataset: Dataset, url: str) -> Iterator[pa.RecordBatch]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise SourceError(dataset.id, f"not a readable XLSX workbook: {exc}", url=url) from None
    sheet = dataset.format.sheet or workbook.sheet_names[0]
    if sheet not in workbook.sheet_names:
        raise SourceError(dataset.id, f"sheet {sheet!r} not found; the workbook has {workbook.sheet_names}", url=url)
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    yield _table_from_rows(rows, dataset, url)


def _records_at(document: object, path: str | None, dataset: Dataset, url: str) -> list:
    node = document
    for key in path.split(".") if path else []:
        if not isinstance(node, dict) or key not in node:
            keys = list(node) if isinstance(node, dict) else type(node).__name__
            raise SourceError(dataset.id, f"format.records path {path!r}: key {key!r} not found (found {keys})", url=url)
        node = node[key]
    if isinstance(node, dict):
        raise SourceError(dataset.id, f"JSON at {path or 'the top level'} is an object with keys {list(node)}; set format.records to the path of the record list", url=url)
    if not isinstance(node, list):
        raise SourceError(dataset.id, f"JSON at {path or 'the top level'} is not a list of records", url=url)
    return node


def _json(path: Path, dataset: Dataset, url: str) -> Iterator[pa.RecordBatch]:
    try:
        document = json.loads(path.read_bytes().decode(dataset.format.encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(dataset.id, f"not valid JSON ({dataset.format.encoding}): {exc}", url=url) from None
    records = _records_at(document, dataset.format.records, dataset, url)
    if not records:
        return
    headers = list(dict.fromkeys(k for r in records if isinstance(r, dict) for k in r))
    rows = [headers] + [[_scalar(r.get(h)) if isinstance(r, dict) else None for h in headers] for r in records]
    yield _table_from_rows(rows, dataset.model_copy(update={"format": dataset.format.model_copy(update={"header_row": 1})}), url)


def _scalar(value: object) -> object:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _parquet(path: Path, dataset: Dataset, url: str) -> Iterator[pa.RecordBatch]:
    try:
        parquet = pq.ParquetFile(path)
    except pa.ArrowInvalid as exc:
        raise SourceError(dataset.id, f"not a readable Parquet file: {exc}", url=url) from None
    headers = parquet.schema_arrow.names
    _check_declared(headers, dataset, url)
    names, row = column_names(headers, dataset.renames), 1
    for batch in parquet.iter_batches(batch_size=262_144):
        yield _renamed(batch, dataset, first_row=row, names=names)
        row += batch.num_rows
