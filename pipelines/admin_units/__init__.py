"""Vietnam's administrative unit codes (provinces, communes/wards) with effective dates and the 2025 crosswalk.

The reference list is ``units.csv.gz`` next to this file, built from the ``vietnamadminunits`` package by
:mod:`pipelines.admin_units.build` (see ``NOTICE`` and that module for sources and rules). It is read lazily,
once, with pyarrow only.

* :func:`valid_codes` — the codes in force on a date (63 provinces until 2025-06-30, 34 from 2025-07-01);
* :func:`to_2025` — legacy or current codes → the 2025 code (a code valid in 2025 maps to itself);
* :func:`add_2025_columns` — adds ``<column>_2025`` to an Arrow batch, reporting codes it does not know.
"""

from __future__ import annotations

import gzip
from datetime import date
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines.errors import SourceError

DATA = Path(__file__).with_name("units.csv.gz")
LEVELS = ("province", "ward")
REFORM_DATE = date(2025, 7, 1)  # Decision 19/2025/QĐ-TTg


@cache
def units() -> pa.Table:
    """The whole reference table (all columns strings; ``valid_from``/``valid_to`` dates, null = open)."""
    with gzip.open(DATA, "rb") as raw:
        table = pacsv.read_csv(raw, convert_options=pacsv.ConvertOptions(
            column_types={"level": pa.string(), "code": pa.string(), "name": pa.string(),
                          "province": pa.string(), "valid_from": pa.date32(), "valid_to": pa.date32(),
                          "code_2025": pa.string()},
            strings_can_be_null=True, null_values=[""]))
    return table


def _level(level: str) -> pa.Table:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    table = units()
    return table.filter(pc.equal(table["level"], level))


@cache
def _valid(level: str, as_of: date) -> frozenset[str]:
    table = _level(level)
    day = pa.scalar(as_of, pa.date32())
    started = pc.fill_null(pc.less_equal(table["valid_from"], day), True)
    not_ended = pc.fill_null(pc.greater_equal(table["valid_to"], day), True)
    return frozenset(table.filter(pc.and_(started, not_ended))["code"].to_pylist())


def valid_codes(level: str, as_of: date) -> set[str]:
    """The codes of ``level`` (``province`` | ``ward``) in force on ``as_of``.

    Before 2025-07-01 this is the list in force on 2025-06-30 (the source records no earlier history).
    """
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)
    return set(_valid(level, as_of))


@cache
def _crosswalk(level: str) -> tuple[pa.Array, pa.Array]:
    """(every code ever listed, its 2025 code), codes valid from 2025-07-01 mapping to themselves."""
    table = _level(level)
    current = _valid(level, REFORM_DATE)
    pairs: dict[str, str | None] = {}
    for code, target in zip(table["code"].to_pylist(), table["code_2025"].to_pylist()):
        pairs[code] = code if code in current else (pairs.get(code) or target)
    return pa.array(list(pairs), pa.string()), pa.array(list(pairs.values()), pa.string())


def _as_codes(codes) -> pa.Array:
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    if not isinstance(codes, pa.Array):
        codes = pa.array(codes)
    if not pa.types.is_string(codes.type):
        if pa.types.is_large_string(codes.type) or pa.types.is_string_view(codes.type) or pa.types.is_null(codes.type):
            codes = pc.cast(codes, pa.string())
        else:  # numbers lost their leading zeros: 1 is not "01", so do not guess
            raise TypeError(f"administrative unit codes must be text (leading zeros), got {codes.type}")
    return pc.utf8_trim_whitespace(codes)


def to_2025(codes: pa.Array, level: str) -> pa.Array:
    """The 2025 code of each code (string array); a code valid in 2025 maps to itself, unknown or null → null."""
    keys, targets = _crosswalk(level)
    return pc.take(targets, pc.index_in(_as_codes(codes), value_set=keys))


def add_2025_columns(item, columns: dict[str, str], rejects=None, first_row: int = 1, row_label: str = "record",
                     dataset: str = "admin_units"):
    """``item`` (RecordBatch or Table) with ``<column>_2025`` added for each ``{column: level}``.

    A non-null code that is neither a legacy nor a 2025 code of that level is recorded in ``rejects``
    (a :class:`pipelines.types.Rejects`, rows numbered from ``first_row`` as ``row_label`` says) and its
    ``_2025`` value is null; without ``rejects`` the first one raises :class:`SourceError`.
    """
    for column, level in columns.items():
        if column not in item.schema.names:
            raise SourceError(dataset, f"admin_units: column '{column}' is not in the data; its columns are "
                                       f"{item.schema.names}")
        values = item.column(column)
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        try:
            codes = _as_codes(values)
        except TypeError as exc:
            raise SourceError(dataset, f"column '{column}': {exc}") from None
        mapped = to_2025(codes, level)
        unknown = pc.and_(pc.is_valid(codes), pc.is_null(mapped))
        if pc.any(unknown).as_py():
            positions = pc.indices_nonzero(unknown).to_pylist()
            expected = f"{level} code (valid on 2025-06-30 or from 2025-07-01)"
            if rejects is None:
                first = positions[0]
                raise SourceError(dataset, f"column '{column}': value {codes[first].as_py()!r} is not a known "
                                           f"{expected}", row=first_row + first, row_label=row_label)
            for position in positions:
                rejects.record(row=first_row + position, row_label=row_label, column=column,
                               value=codes[position].as_py(), expected=expected)
        name = f"{column}_2025"
        if name in item.schema.names:
            item = item.set_column(item.schema.get_field_index(name), name, mapped)
        else:
            item = item.append_column(name, mapped)
    return item
