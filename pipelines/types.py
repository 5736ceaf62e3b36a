"""Registry column types and their Arrow types, with casts that report the first bad row."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.errors import SourceError

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}
# Source timestamps without an offset are local time in the region; curated timestamps are UTC instants.
LOCAL_TZ = "Asia/Ho_Chi_Minh"
_OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"


def _to_instant(values: pa.Array, target: pa.DataType) -> pa.Array:
    """Timestamps/ISO strings → UTC instants; values without an offset are taken as local (Asia/Ho_Chi_Minh)."""
    if pa.types.is_timestamp(values.type):
        if values.type.tz is None:
            values = pc.assume_timezone(pc.cast(values, pa.timestamp("us")), LOCAL_TZ)
        return pc.cast(values, target)
    if pa.types.is_date(values.type):
        return _to_instant(pc.cast(values, pa.timestamp("us")), target)
    has_offset = pc.fill_null(pc.match_substring_regex(values, _OFFSET), False)
    null = pa.scalar(None, values.type)
    aware = pc.cast(pc.if_else(has_offset, values, null), target)
    naive = pc.cast(pc.if_else(has_offset, null, values), pa.timestamp("us"))
    local = pc.cast(pc.assume_timezone(naive, LOCAL_TZ, ambiguous="earliest", nonexistent="earliest"), target)
    return pc.if_else(has_offset, aware, local)


def arrow_type(name: str) -> pa.DataType:
    return ARROW_TYPES[name]


def type_name(dtype: pa.DataType) -> str:
    """Catalog name of an Arrow type (``string``, ``integer``, ``float``, ``date``, …)."""
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype):
        return "string"
    if pa.types.is_integer(dtype):
        return "integer"
    if pa.types.is_floating(dtype) or pa.types.is_decimal(dtype):
        return "float"
    if pa.types.is_boolean(dtype):
        return "boolean"
    if pa.types.is_date(dtype):
        return "date"
    if pa.types.is_timestamp(dtype):
        return "timestamp"
    return str(dtype)


def to_text(values: pa.Array) -> pa.Array:
    """``values`` as text; whole floats lose their ``.0`` (spreadsheet numbers: 12.0 → ``"12"``, codes keep no ``.0``)."""
    if pa.types.is_string(values.type):
        return values
    if pa.types.is_floating(values.type):
        as_int = pc.cast(values, pa.int64(), safe=False)
        whole = pc.equal(pc.cast(as_int, values.type), values)
        return pc.if_else(whole, pc.cast(as_int, pa.string()), pc.cast(values, pa.string()))
    return pc.cast(values, pa.string())


REJECTED_TABLE = "rejected_rows"  # the raw zone's table of values that did not parse, per load


class Rejects:
    """Values that do not parse as their declared type, collected instead of stopping at the first one.

    Each is ``{row, row_label, column, value, expected}``; the reader drops their rows from the data and the
    ingest keeps them in the raw zone's ``rejected_rows`` table, for the curated step to quarantine.
    """

    SCHEMA = pa.schema([("row", pa.int64()), ("row_label", pa.string()), ("column", pa.string()),
                        ("value", pa.string()), ("expected", pa.string())])

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def record(self, *, row: int, row_label: str, column: str, value: object, expected: str) -> None:
        self.rows.append({"row": row, "row_label": row_label, "column": column,
                          "value": None if value is None else str(value), "expected": expected})

    def table(self) -> pa.Table:
        return pa.Table.from_pylist(self.rows, schema=self.SCHEMA)


def cast_column(values: pa.Array, target: pa.DataType, *, dataset: str, column: str, first_row: int = 1,
                row_label: str = "row", locale: str | None = None, rejects: Rejects | None = None) -> pa.Array:
    """Cast ``values`` to ``target``; a value that does not parse is an error naming column, row and value.

    ``first_row`` is the number of the first value, counted as ``row_label`` says (see :class:`SourceError`).
    With ``locale="vi"``, text numbers and dates follow Vietnamese conventions (:mod:`pipelines.locale_vi`).
    With ``rejects``, every such value is recorded there instead and comes back as null.
    """
    if rejects is None:
        return _cast(values, target, dataset=dataset, column=column, first_row=first_row, row_label=row_label,
                     locale=locale)
    try:
        return _cast(values, target, dataset=dataset, column=column, first_row=first_row, row_label=row_label,
                     locale=locale)
    except SourceError:  # error path: find every bad value, one by one
        good = []
        for offset, value in enumerate(values.to_pylist()):
            try:
                _cast(pa.array([value], values.type), target, dataset=dataset, column=column, first_row=0,
                      row_label=row_label, locale=locale)
                good.append(True)
            except SourceError:
                rejects.record(row=first_row + offset, row_label=row_label, column=column, value=value,
                               expected=type_name(target))
                good.append(False)
        kept = pc.if_else(pa.array(good), values, pa.scalar(None, values.type))
        return _cast(kept, target, dataset=dataset, column=column, first_row=first_row, row_label=row_label,
                     locale=locale)


def _cast(values: pa.Array, target: pa.DataType, *, dataset: str, column: str, first_row: int,
          row_label: str, locale: str | None) -> pa.Array:
    if values.type == target:
        return values
    if pa.types.is_string(target):
        return to_text(values)
    source = values
    if pa.types.is_string(values.type):
        source = pc.utf8_trim_whitespace(values)
        source = pc.if_else(pc.equal(source, ""), pa.scalar(None, pa.string()), source)
        if locale == "vi":
            source = _vietnamese(source, target, dataset=dataset, column=column, first_row=first_row,
                                 row_label=row_label)
    convert = _to_instant if pa.types.is_timestamp(target) else pc.cast
    try:
        return convert(source, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        for offset, value in enumerate(source.to_pylist()):
            try:
                convert(pa.array([value], source.type), target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise SourceError(
                    dataset, f"column '{column}': value {value!r} is not a valid {type_name(target)}",
                    row=first_row + offset, row_label=row_label,
                ) from None
        raise SourceError(dataset, f"column '{column}': cannot convert to {type_name(target)}: {exc}") from exc


def _vietnamese(values: pa.Array, target: pa.DataType, **where) -> pa.Array:
    """Text in Vietnamese conventions rewritten to what :func:`cast_column` parses; a bad date is reported."""
    from pipelines import locale_vi

    if pa.types.is_integer(target) or pa.types.is_floating(target) or pa.types.is_decimal(target):
        return locale_vi.numbers(values)
    if pa.types.is_date(target) or pa.types.is_timestamp(target):
        parsed, bad = locale_vi.dates(values) if pa.types.is_date(target) else locale_vi.datetimes(values)
        _report_first(values, bad, type_name(target), **where)
        return parsed
    return values


def _report_first(values: pa.Array, bad: pa.Array, kind: str, *, dataset: str, column: str, first_row: int,
                  row_label: str) -> None:
    index = pc.index(bad, True).as_py()
    if index >= 0:
        raise SourceError(dataset, f"column '{column}': value {values[index].as_py()!r} is not a valid {kind} "
                                   "(locale vi: dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or ISO)",
                          row=first_row + index, row_label=row_label)
