"""Headers as the registry spells them, and the registry's names and types applied to a batch."""

from __future__ import annotations

import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

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


# Targets that cast_column reaches with a plain ``pc.cast`` of the text, once it has trimmed blanks and made empty
# strings null (timestamps get a time zone, and a locale (``vi``) rewrites numbers and dates first).
_PLAIN_CAST = (pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal, pa.types.is_boolean, pa.types.is_date)


def _clean_cast(values: pa.Array, target: pa.DataType, locale: str | None) -> pa.Array | None:
    """``values`` cast in one pass when none needs cleaning, else None (then :func:`cast_column` decides).

    Arrow's cast refuses surrounding blanks and empty strings, so when it accepts every value, trimming and
    nulling empties first would have changed nothing: the result is cast_column's, at a fraction of the cost
    (a file's values are usually clean). Any refusal, however, goes the long way, which names the bad value.
    """
    if locale is not None or not pa.types.is_string(values.type) or not any(kind(target) for kind in _PLAIN_CAST):
        return None
    try:
        return pc.cast(values, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


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
            target = arrow_type(column.type)
            clean = _clean_cast(array, target, dataset.format.locale)
            array = clean if clean is not None else cast_column(
                array, target, dataset=dataset.id, column=header, locale=dataset.format.locale,
                first_row=first_row, row_label=row_label, rejects=rejects)
        arrays.append(array)
    typed = pa.RecordBatch.from_arrays(arrays, names=names)
    if rejects is None or len(rejects.rows) == before:
        return typed
    bad = {r["row"] - first_row for r in rejects.rows[before:]}
    return typed.filter(pa.array([i not in bad for i in range(typed.num_rows)]))
