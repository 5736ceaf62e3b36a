"""Headers as the registry spells them, and the registry's names and types applied to a batch."""

from __future__ import annotations

import unicodedata

import pyarrow as pa

from pipelines.errors import SourceError
from pipelines.model import Column, Dataset
from pipelines.naming import column_names
from pipelines.types import Rejects, arrow_type, cast_column


def header_key(header: object) -> str:
    """A header as the registry spells it: stripped, Unicode NFC (cp1258 decodes to decomposed text)."""
    return unicodedata.normalize("NFC", str(header).strip())


def declared_columns(dataset: Dataset) -> dict[str, Column]:
    """The registry's columns keyed by :func:`header_key`."""
    return {header_key(src): column for src, column in dataset.columns.items()}


def target_names(headers: list[str], dataset: Dataset) -> list[str]:
    """Curated names of ``headers`` (already :func:`header_key`-ed): registry renames, else snake_case."""
    return column_names(headers, {header_key(src): name for src, name in dataset.renames.items()})


def check_declared(headers: list[str], dataset: Dataset, url: str) -> None:
    missing = [c for c in dataset.columns if header_key(c) not in headers]
    if missing:
        raise SourceError(dataset.id, f"column(s) {missing} declared in the registry are not in the source; it has {headers}", url=url)


def renamed(batch: pa.RecordBatch, headers: list[str], names: list[str], dataset: Dataset, *,
            first_row: int, row_label: str, rejects: Rejects | None = None,
            only: set[str] | None = None) -> pa.RecordBatch:
    """Apply the registry's types to ``batch`` (columns ``headers``, or just those in ``only``) and name its
    columns ``names``; with ``rejects``, rows holding a value that does not parse are recorded and dropped."""
    declared = declared_columns(dataset)
    before = len(rejects.rows) if rejects is not None else 0
    arrays = []
    for header, array in zip(headers, batch.columns):
        column = declared.get(header)
        if column is not None and column.type and (only is None or header in only):
            array = cast_column(array, arrow_type(column.type), dataset=dataset.id, column=header,
                                locale=dataset.format.locale, first_row=first_row, row_label=row_label,
                                rejects=rejects)
        arrays.append(array)
    typed = pa.RecordBatch.from_arrays(arrays, names=names)
    if rejects is None or len(rejects.rows) == before:
        return typed
    bad = {r["row"] - first_row for r in rejects.rows[before:]}
    return typed.filter(pa.array([i not in bad for i in range(typed.num_rows)]))
