"""Read a downloaded source file (CSV, XLSX, JSON, Parquet) as Arrow record batches with registry names/types.

Batches keep the source's values; only column names and declared types change here.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipelines.errors import SourceError
from pipelines.model import Column, Dataset
from pipelines.naming import column_names
from pipelines.types import arrow_type, cast_column, to_text, type_name

CSV_BLOCK = 4 << 20  # larger blocks buy no speed here and multiply peak memory
_COLUMN = re.compile(r"CSV column #(\d+)")
_BAD_VALUE = re.compile(r"CSV conversion error to [^:]+: invalid value '(.*)'$", re.DOTALL)
_TYPE_HINT = "declare the column's type in the registry `columns` (e.g. `type: string` or `type: float`)"
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
    """Record batches of the file at ``path`` (``kind`` as from :func:`detect_type`).

    A :class:`SourceError` names where: ``line`` N of a CSV file, ``sheet row`` N of a workbook, ``record`` N
    of JSON or Parquet.
    """
    _sniff(path, kind, dataset, url)
    readers = {"csv": _csv, "xlsx": _xlsx, "json": _json, "parquet": _parquet}
    try:
        yield from readers[kind](path, dataset, url)
    except SourceError as exc:
        if exc.url is not None:
            raise
        raise SourceError(exc.dataset, exc.detail, url=url, row=exc.row, row_label=exc.row_label) from None


def _header_key(header: object) -> str:
    """A header as the registry spells it: stripped, Unicode NFC (cp1258 decodes to decomposed text)."""
    return unicodedata.normalize("NFC", str(header).strip())


def _declared(dataset: Dataset) -> dict[str, Column]:
    """The registry's columns keyed by :func:`_header_key`."""
    return {_header_key(src): column for src, column in dataset.columns.items()}


def _target_names(headers: list[str], dataset: Dataset) -> list[str]:
    """Curated names of ``headers`` (already :func:`_header_key`-ed): registry renames, else snake_case."""
    return column_names(headers, {_header_key(src): name for src, name in dataset.renames.items()})


def _check_declared(headers: list[str], dataset: Dataset, url: str) -> None:
    missing = [c for c in dataset.columns if _header_key(c) not in headers]
    if missing:
        raise SourceError(dataset.id, f"column(s) {missing} declared in the registry are not in the source; it has {headers}", url=url)


def _renamed(batch: pa.RecordBatch, headers: list[str], names: list[str], dataset: Dataset, *,
             first_row: int, row_label: str) -> pa.RecordBatch:
    """Apply the registry's types to ``batch`` (columns ``headers``) and name its columns ``names``."""
    declared = _declared(dataset)
    arrays = []
    for header, array in zip(headers, batch.columns):
        column = declared.get(header)
        if column is not None and column.type:
            array = cast_column(array, arrow_type(column.type), dataset=dataset.id, column=header,
                                first_row=first_row, row_label=row_label)
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, names=names)


# ---------------------------------------------------------------------------------------------------- CSV
@dataclass(frozen=True)
class _CsvFile:
    """A CSV source file and the options every read of it shares."""

    path: Path
    dataset: Dataset
    url: str
    read: pacsv.ReadOptions
    parse: pacsv.ParseOptions

    @classmethod
    def of(cls, path: Path, dataset: Dataset, url: str) -> _CsvFile:
        fmt = dataset.format
        encoding = fmt.encoding.lower().replace("_", "-")
        read = pacsv.ReadOptions(skip_rows=fmt.header_row - 1, block_size=CSV_BLOCK,
                                 encoding="utf8" if encoding in ("utf-8", "utf8", "utf-8-sig") else fmt.encoding)
        return cls(path, dataset, url, read, pacsv.ParseOptions(delimiter=fmt.delimiter, newlines_in_values=True))

    @property
    def first_line(self) -> int:
        """The line of the first record (best effort: a quoted newline makes later records one line further)."""
        return self.dataset.format.header_row + 1

    def open(self, column_types: dict[str, pa.DataType], include: list[str] | None = None) -> pacsv.CSVStreamingReader:
        """A streaming reader; ``column_types`` is keyed by the file's raw headers, other columns are inferred."""
        convert = pacsv.ConvertOptions(column_types=column_types, include_columns=include or [],
                                       strings_can_be_null=True, quoted_strings_can_be_null=False)
        return pacsv.open_csv(self.path, read_options=self.read, parse_options=self.parse, convert_options=convert)

    def error(self, message: str, line: int | None = None) -> SourceError:
        return SourceError(self.dataset.id, message, url=self.url, row=line, row_label="line")


def _csv(path: Path, dataset: Dataset, url: str) -> Iterator[pa.RecordBatch]:
    """Stream a CSV file in ``CSV_BLOCK`` blocks, typed by the parser; errors re-read the file to name the line."""
    source = _CsvFile.of(path, dataset, url)
    try:
        yield from _csv_batches(source)
    except UnicodeDecodeError:  # the header (UTF-8), or any line (other encodings go through Python's codec)
        raise _encoding_error(source) from None
    except pa.ArrowInvalid as exc:
        raise _csv_read_error(source, exc) from None


def _csv_batches(source: _CsvFile) -> Iterator[pa.RecordBatch]:
    """The batches, renamed; declared timestamps (read as text) are cast per batch (local time → UTC)."""
    reader, headers = _open_typed(source)
    names = _target_names(headers, source.dataset)
    declared = _declared(source.dataset)
    timestamps = {h for h in headers if h in declared and declared[h].type == "timestamp"}
    line = source.first_line
    with reader:
        for batch in reader:
            arrays = [
                cast_column(array, arrow_type("timestamp"), dataset=source.dataset.id, column=header,
                            first_row=line, row_label="line") if header in timestamps else array
                for header, array in zip(headers, batch.columns)
            ]
            yield pa.RecordBatch.from_arrays(arrays, names=names)
            line += batch.num_rows


def _open_typed(source: _CsvFile) -> tuple[pacsv.CSVStreamingReader, list[str]]:
    """Open the file with declared types keyed by its own headers and its first-block-empty columns as text.

    The first open assumes the headers are spelled as in the registry; when one is not (trailing spaces,
    decomposed Unicode) or a column is empty in the first block (inferred ``null``, which any later value
    would break), the file is opened again before any batch is read.  Returns the reader and the headers
    (:func:`_header_key`-ed).
    """
    guess = {src: _parse_type(col.type) for src, col in source.dataset.columns.items() if col.type}
    reader = source.open(guess)
    try:
        raw = reader.schema.names  # raises UnicodeDecodeError when a UTF-8 header is not valid
        headers = [_header_key(h) for h in raw]
        _check_declared(headers, source.dataset, source.url)
        wanted = _column_types(raw, reader.schema.types, source.dataset)
        if wanted != guess:
            reader.close()
            reader = source.open(wanted)
        binary = [name for name, kind in zip(raw, reader.schema.types) if pa.types.is_binary(kind)]
        if binary:  # the parser infers binary for a column that is not valid UTF-8
            raise _encoding_error(source, binary[0])
    except BaseException:
        reader.close()
        raise
    return reader, headers


def _parse_type(name: str) -> pa.DataType:
    """The type the parser reads a declared column as; timestamps are read as text and cast per batch."""
    return pa.string() if name == "timestamp" else arrow_type(name)


def _column_types(raw: list[str], inferred: list[pa.DataType], dataset: Dataset) -> dict[str, pa.DataType]:
    """Parser types keyed by the raw headers: the declared ones, and text for columns inferred as ``null``."""
    declared = _declared(dataset)
    types = {}
    for header, kind in zip(raw, inferred):
        column = declared.get(_header_key(header))
        if column is not None and column.type:
            types[header] = _parse_type(column.type)
        elif pa.types.is_null(kind):
            types[header] = pa.string()
    return types


def _csv_read_error(source: _CsvFile, exc: pa.ArrowInvalid) -> SourceError:
    """The parser's error as a :class:`SourceError` naming column, value and line (re-reads: error path only)."""
    message = str(exc)
    column = _COLUMN.search(message)
    bad = _BAD_VALUE.search(message)
    if "UTF8" in message:
        return _encoding_error(source, _raw_schema(source).names[int(column.group(1))] if column else None)
    if column and bad:
        return _conversion_error(source, int(column.group(1)), bad.group(1))
    return source.error(f"CSV could not be read: {message.splitlines()[0]}")


def _raw_schema(source: _CsvFile) -> pa.Schema:
    """The schema the parser infers from the first block, without the registry's types."""
    with source.open({}) as reader:
        return reader.schema


def _conversion_error(source: _CsvFile, index: int, value: str) -> SourceError:
    """A value the parser could not convert: a declared type, or a type inferred from the first block."""
    field = _raw_schema(source).field(index)
    if "\ufffd" in value:  # the parser replaced bytes that are not UTF-8
        return _encoding_error(source, field.name)
    key = _header_key(field.name)
    try:
        line = _line_of_value(source, field.name, value)
    except pa.ArrowInvalid:  # the column is not valid UTF-8 either
        return _encoding_error(source, field.name)
    column = _declared(source.dataset).get(key)
    if column is not None and column.type:
        return source.error(f"column '{key}': value {value!r} is not a valid {column.type}", line)
    return source.error(f"column '{key}': value {value!r} is not a valid {type_name(field.type)} (the type the first "
                        f"rows of the file suggest); {_TYPE_HINT}", line)


def _line_of_value(source: _CsvFile, header: str, value: str) -> int | None:
    """The line of the first cell of column ``header`` whose text is ``value`` (trimmed), read as text."""
    wanted = value.strip()
    line = source.first_line
    with source.open({header: pa.string()}, include=[header]) as reader:
        for batch in reader:
            found = pc.index(pc.utf8_trim_whitespace(batch.column(0)), wanted).as_py()
            if found >= 0:
                return line + found
            line += batch.num_rows
    return None


def _encoding_error(source: _CsvFile, column: str | None = None) -> SourceError:
    """The file is not in ``format.encoding``: name the first line that does not decode."""
    encoding = source.dataset.format.encoding
    where = f"column '{_header_key(column)}': " if column else ""
    return source.error(f"{where}text is not valid {encoding}; set format.encoding (e.g. cp1258, utf-16)",
                        _first_undecodable_line(source.path, encoding))


def _first_undecodable_line(path: Path, encoding: str) -> int | None:
    """The physical line holding the first bytes ``encoding`` cannot decode (a Python scan: error path only)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with path.open("rb") as file:
        try:
            for chunk in file:  # split at b"\n"; the incremental decoder carries a split character over
                line += decoder.decode(chunk).count("\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return line
    return None


# ------------------------------------------------------------------------------------------ XLSX and JSON
def _batch_from_rows(header: list, body: list[list], dataset: Dataset, url: str, *, first_row: int,
                     row_label: str) -> pa.RecordBatch:
    """One batch from a header and body rows numbered from ``first_row``; blank rows are dropped after typing.

    Unnamed (empty) columns are dropped.  A column mixing kinds of cells (text and numbers…) is read as text.
    """
    keys = [_header_key(h) if h not in (None, "") else "" for h in header]
    keep = [i for i, key in enumerate(keys) if key]
    headers = [keys[i] for i in keep]
    _check_declared(headers, dataset, url)
    arrays = [_cells([row[i] if i < len(row) else None for row in body]) for i in keep]
    batch = _renamed(pa.RecordBatch.from_arrays(arrays, names=headers), headers, _target_names(headers, dataset),
                     dataset, first_row=first_row, row_label=row_label)
    filled = pa.array([any(v not in (None, "") for v in row) for row in body], pa.bool_())
    return batch.filter(filled)


def _cells(values: list) -> pa.Array:
    """One column's cells as an array (empty text is null); mixed kinds become text (see :func:`_mixed_as_text`)."""
    values = [None if isinstance(v, str) and v == "" else v for v in values]
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return _mixed_as_text(values)


def _mixed_as_text(values: list) -> pa.Array:
    """Cells of several kinds as text, each kind by :func:`types.to_text` (so 46002.0 → ``"46002"``)."""
    kinds = dict.fromkeys(type(v) for v in values if v is not None)
    parts = [to_text(pa.array([v if type(v) is kind else None for v in values])) for kind in kinds]
    return pc.coalesce(*parts)


def _xlsx(path: Path, dataset: Dataset, url: str) -> Iterator[pa.RecordBatch]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise SourceError(dataset.id, f"not a readable XLSX workbook: {exc}", url=url) from None
    sheet = dataset.format.sheet or workbook.sheet_names[0]
    if sheet not in workbook.sheet_names:
        raise SourceError(dataset.id, f"sheet {sheet!r} not found; the workbook has {workbook.sheet_names}", url=url)
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)  # rows[0] is sheet row 1
    header_row = dataset.format.header_row
    if len(rows) < header_row:
        raise SourceError(dataset.id, f"no header at row {header_row}", url=url)
    yield _batch_from_rows(rows[header_row - 1], rows[header_row:], dataset, url, first_row=header_row + 1,
                           row_label="sheet row")


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
    body = [[_scalar(r.get(h)) if isinstance(r, dict) else None for h in headers] for r in records]
    yield _batch_from_rows(headers, body, dataset, url, first_row=1, row_label="record")


def _scalar(value: object) -> object:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _parquet(path: Path, dataset: Dataset, url: str) -> Iterator[pa.RecordBatch]:
    try:
        parquet = pq.ParquetFile(path)
    except pa.ArrowInvalid as exc:
        raise SourceError(dataset.id, f"not a readable Parquet file: {exc}", url=url) from None
    headers = [_header_key(h) for h in parquet.schema_arrow.names]
    _check_declared(headers, dataset, url)
    names, record = _target_names(headers, dataset), 1
    for batch in parquet.iter_batches(batch_size=262_144):
        yield _renamed(batch, headers, names, dataset, first_row=record, row_label="record")
        record += batch.num_rows
