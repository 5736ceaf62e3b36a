"""CSV (any delimiter and encoding) streamed in blocks and typed by pyarrow's parser; errors name the line."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.readers.columns import check_declared, declared_columns, header_key, renamed, target_names
from pipelines.types import Rejects, type_name

class Growing(Protocol):
    """A file still being downloaded (:class:`pipelines.fetch.InFlight`): ``open`` waits for bytes to come."""

    def open(self, mode: str = "rb") -> BinaryIO: ...


CSV_BLOCK = 4 << 20  # larger blocks buy no speed here and multiply peak memory
_COLUMN = re.compile(r"CSV column #(\d+)")
_BAD_VALUE = re.compile(r"CSV conversion error to [^:]+: invalid value '(.*)'$", re.DOTALL)
_TYPE_HINT = "declare the column's type in the registry `columns` (e.g. `type: string` or `type: float`)"


@dataclass(frozen=True)
class _CsvFile:
    """A CSV source file and the options every read of it shares."""

    path: Path | Growing
    dataset: Dataset
    url: str
    read: pacsv.ReadOptions
    parse: pacsv.ParseOptions

    @classmethod
    def of(cls, path: Path | Growing, dataset: Dataset, url: str) -> _CsvFile:
        fmt = dataset.format
        if isinstance(fmt.header_row, list) or fmt.skip_rows or fmt.section_column:
            raise SourceError(dataset.id, "two header rows, skip_rows and section_column are for XLSX; a CSV has "
                              "one header line (format.header_row: N)", url=url)
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
        # a Path is read natively; a download in progress through its file object (which waits for more bytes)
        source = self.path if isinstance(self.path, Path) else self.path.open("rb")
        return pacsv.open_csv(source, read_options=self.read, parse_options=self.parse, convert_options=convert)

    def error(self, message: str, line: int | None = None) -> SourceError:
        return SourceError(self.dataset.id, message, url=self.url, row=line, row_label="line")


def read_csv(path: Path | Growing, dataset: Dataset, url: str, rejects: Rejects | None = None
             ) -> Iterator[pa.RecordBatch]:
    """Stream a CSV file in ``CSV_BLOCK`` blocks, typed by the parser; errors re-read the file to name the line."""
    source = _CsvFile.of(path, dataset, url)
    try:
        yield from _csv_batches(source, rejects)
    except UnicodeDecodeError:  # the header (UTF-8), or any line (other encodings go through Python's codec)
        raise _encoding_error(source) from None
    except pa.ArrowInvalid as exc:
        raise _csv_read_error(source, exc) from None


def _csv_batches(source: _CsvFile, rejects: Rejects | None) -> Iterator[pa.RecordBatch]:
    """The batches, renamed, declared columns cast per batch (bad values into ``rejects``, else an error)."""
    reader, headers = _open_typed(source)
    names = target_names(headers, source.dataset)
    declared = declared_columns(source.dataset)
    typed = {h for h in headers if h in declared and declared[h].type}
    as_text = {h for h in typed if declared[h].type != "string"}
    line = source.first_line
    with reader:
        for batch in reader:
            yield renamed(batch, headers, names, source.dataset, first_row=line, row_label="line",
                          rejects=rejects, only=as_text)
            line += batch.num_rows


def _open_typed(source: _CsvFile) -> tuple[pacsv.CSVStreamingReader, list[str]]:
    """Open the file with declared types keyed by its own headers and its first-block-empty columns as text.

    The first open assumes the headers are spelled as in the registry; when one is not (trailing spaces,
    decomposed Unicode) or a column is empty in the first block (inferred ``null``, which any later value
    would break), the file is opened again before any batch is read.  Returns the reader and the headers
    (:func:`header_key`-ed).
    """
    # declared columns are read as text and cast per batch (as fast as the parser's own typing here), so every
    # value that does not parse is found with its line, and `locale: vi` can apply
    guess = {src: pa.string() for src, col in source.dataset.columns.items() if col.type}
    reader = source.open(guess)
    try:
        raw = reader.schema.names  # raises UnicodeDecodeError when a UTF-8 header is not valid
        headers = [header_key(h) for h in raw]
        check_declared(headers, source.dataset, source.url)
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


def _column_types(raw: list[str], inferred: list[pa.DataType], dataset: Dataset) -> dict[str, pa.DataType]:
    """Parser types keyed by the raw headers: the declared ones, and text for columns inferred as ``null``."""
    declared = declared_columns(dataset)
    types = {}
    for header, kind in zip(raw, inferred):
        column = declared.get(header_key(header))
        if column is not None and column.type:
            types[header] = pa.string()
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
    key = header_key(field.name)
    try:
        line = _line_of_value(source, field.name, value)
    except pa.ArrowInvalid:  # the column is not valid UTF-8 either
        return _encoding_error(source, field.name)
    column = declared_columns(source.dataset).get(key)
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
    where = f"column '{header_key(column)}': " if column else ""
    return source.error(f"{where}text is not valid {encoding}; set format.encoding (e.g. cp1258, utf-16)",
                        _first_undecodable_line(source.path, encoding))


def _first_undecodable_line(path: Path | Growing, encoding: str) -> int | None:
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
