"""Headers as the registry spells them, and the registry's names and types applied to a batch."""

from __future__ import annotations

import unicodedata

import pyarrow as pa

from pipelines.errors import SourceError
from pipelines.model import Column, Dataset
from pipelines.naming import column_names
from pipelines.types import arrow_type, cast_column


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
             first_row: int, row_label: str) -> pa.RecordBatch:
    """Apply the registry's types to ``batch`` (columns ``headers``) and name its columns ``names``."""
    declared = declared_columns(dataset)
    arrays = []
    for header, array in zip(headers, batch.columns):
        column = declared.get(header)
        if column is not None and column.type:
            array = cast_column(array, arrow_type(column.type), dataset=dataset.id, column=header,
                                locale=dataset.format.locale,
                                first_row=first_row, row_label=row_label)
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, names=names)
