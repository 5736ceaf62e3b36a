"""Workbooks (XLSX), JSON documents and Parquet files as record batches; errors name the sheet row or record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.readers.columns import check_declared, header_key, renamed, target_names
from pipelines.types import Rejects, to_text


def _batch_from_rows(header: list, body: list[list], dataset: Dataset, url: str, *, first_row: int,
                     row_label: str, rejects: Rejects | None = None) -> pa.RecordBatch:
    """One batch from a header and body rows numbered from ``first_row``; blank rows are dropped after typing.

    Unnamed (empty) columns are dropped.  A column mixing kinds of cells (text and numbers…) is read as text.
    """
    keys = [header_key(h) if h not in (None, "") else "" for h in header]
    keep = [i for i, key in enumerate(keys) if key]
    headers = [keys[i] for i in keep]
    check_declared(headers, dataset, url)
    arrays = [_cells([row[i] if i < len(row) else None for row in body]) for i in keep]
    before = len(rejects.rows) if rejects is not None else 0
    batch = renamed(pa.RecordBatch.from_arrays(arrays, names=headers), headers, target_names(headers, dataset),
                    dataset, first_row=first_row, row_label=row_label, rejects=rejects)
    bad = {r["row"] - first_row for r in rejects.rows[before:]} if rejects is not None else set()
    filled = [any(v not in (None, "") for v in row) for i, row in enumerate(body) if i not in bad]
    return batch.filter(pa.array(filled, pa.bool_()))


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


def read_xlsx(path: Path, dataset: Dataset, url: str, rejects: Rejects | None = None) -> Iterator[pa.RecordBatch]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise SourceError(dataset.id, f"not a readable XLSX workbook: {exc}", url=url) from None
    sheet = dataset.format.sheet or workbook.sheet_names[0]
    if sheet not in workbook.sheet_names:
        raise SourceError(dataset.id, f"sheet {sheet!r} not found; the workbook has {workbook.sheet_names}", url=url)
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)  # rows[0] is sheet row 1
    fmt = dataset.format
    last = fmt.header_rows[-1]
    if len(rows) < last:
        raise SourceError(dataset.id, f"no header at row {last} of sheet {sheet!r}", url=url)
    header = _header([rows[r - 1] for r in fmt.header_rows])
    body = [[] if last + 1 + i in fmt.skip_rows else row for i, row in enumerate(rows[last:])]
    sections = _sections(body)
    if fmt.section_column:
        header = header + [fmt.section_column]
        body = [row + [sections[i]] if row else row for i, row in enumerate(body)]
    yield _batch_from_rows(header, body, dataset, url, first_row=last + 1, row_label="sheet row", rejects=rejects)


def _header(rows: list[list]) -> list[str]:
    """The column names: one header row, or two joined with ``_`` (a merged group cell spans the columns under it)."""
    if len(rows) == 1:
        return ["" if v is None else str(v) for v in rows[0]]
    top, bottom = ([("" if v is None else str(v).strip()) for v in row] for row in rows)
    width = max(len(top), len(bottom))
    top, bottom = top + [""] * (width - len(top)), bottom + [""] * (width - len(bottom))
    for i in range(1, width):  # merged group cell: only its first column holds the text
        if not top[i] and bottom[i] and bottom[i - 1] and top[i - 1]:
            top[i] = top[i - 1]
    return [f"{t}_{b}" if t and b else t or b for t, b in zip(top, bottom)]


def _is_section(row: list) -> bool:
    """A section heading inside the data: the only filled cell, in the first two columns, is several words in
    capitals (``THÀNH PHỐ HUẾ``, ``I. KHỐI BỆNH VIỆN``); a lone code such as ``KK-TTH01`` is not one."""
    filled = [(i, v) for i, v in enumerate(row) if v not in (None, "")]
    if len(filled) != 1 or filled[0][0] > 1 or not isinstance(filled[0][1], str):
        return False
    text = filled[0][1].strip()
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    return len(words) >= 2 and text == text.upper()


def _sections(body: list[list]) -> list[str | None]:
    """Per body row, the section heading above it; section rows themselves are emptied (so dropped)."""
    current, labels = None, []
    for i, row in enumerate(body):
        if _is_section(row):
            current = next(v for v in row if v not in (None, "")).strip()
            body[i] = []
        labels.append(current)
    return labels


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


def read_json(path: Path, dataset: Dataset, url: str, rejects: Rejects | None = None) -> Iterator[pa.RecordBatch]:
    try:
        document = json.loads(path.read_bytes().decode(dataset.format.encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(dataset.id, f"not valid JSON ({dataset.format.encoding}): {exc}", url=url) from None
    records = _records_at(document, dataset.format.records, dataset, url)
    if records:
        yield records_batch(records, dataset, url, rejects=rejects)


def records_batch(records: list, dataset: Dataset, url: str, first_record: int = 1,
                  rejects: Rejects | None = None) -> pa.RecordBatch:
    """JSON-like records (dicts) as one batch with registry names/types; nested values become JSON text."""
    headers = list(dict.fromkeys(k for r in records if isinstance(r, dict) for k in r))
    body = [[_scalar(r.get(h)) if isinstance(r, dict) else None for h in headers] for r in records]
    return _batch_from_rows(headers, body, dataset, url, first_row=first_record, row_label="record",
                            rejects=rejects)


def _scalar(value: object) -> object:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def read_parquet(path: Path, dataset: Dataset, url: str, rejects: Rejects | None = None) -> Iterator[pa.RecordBatch]:
    try:
        parquet = pq.ParquetFile(path)
    except pa.ArrowInvalid as exc:
        raise SourceError(dataset.id, f"not a readable Parquet file: {exc}", url=url) from None
    headers = [header_key(h) for h in parquet.schema_arrow.names]
    check_declared(headers, dataset, url)
    names, record = target_names(headers, dataset), 1
    for batch in parquet.iter_batches(batch_size=262_144):
        yield renamed(batch, headers, names, dataset, first_row=record, row_label="record", rejects=rejects)
        record += batch.num_rows
