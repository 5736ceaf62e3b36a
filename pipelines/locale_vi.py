"""Vietnamese number and date conventions (``format.locale: vi``): ``1.234.567,89``, ``dd/mm/yyyy``.

Values are rewritten to the forms Arrow parses (``1234567.89``, timestamps); anything that fits neither the
Vietnamese nor the ISO form is left as it was, so the cast that follows reports it with its row.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# dot thousands + optional comma decimals, or plain digits with an optional comma decimal part
_VI_NUMBER = r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
DATETIME_FORMATS = tuple(f"{d} {t}" for d in DATE_FORMATS for t in ("%H:%M:%S", "%H:%M")) + ("%Y-%m-%dT%H:%M:%S",)


def numbers(values: pa.Array) -> pa.Array:
    """``1.234.567,89`` → ``1234567.89`` (text); other values unchanged."""
    fits = pc.fill_null(pc.match_substring_regex(values, _VI_NUMBER), False)
    plain = pc.replace_substring(pc.replace_substring(values, ".", ""), ",", ".")
    return pc.if_else(fits, plain, values)


_PARTS = r"^(?P<first>\d{1,4})\D(?P<second>\d{1,2})\D(?P<third>\d{1,4})"


def _parse(values: pa.Array, formats: tuple[str, ...]) -> pa.Array:
    parsed = pa.nulls(len(values), pa.timestamp("s"))
    for fmt in formats:
        parsed = pc.coalesce(parsed, pc.strptime(values, format=fmt, unit="s", error_is_null=True))
    # strptime rolls 31/02 over to 03/03: keep only dates whose day is the one written
    parts = pc.extract_regex(pc.fill_null(values, ""), _PARTS)
    first, third = (pc.cast(pc.if_else(pc.equal(parts.field(f), ""), None, parts.field(f)), pa.int64())
                    for f in ("first", "third"))
    written_day = pc.if_else(pc.greater(first, 31), third, first)  # ISO puts the year first
    same_day = pc.fill_null(pc.equal(pc.cast(pc.day(parsed), pa.int64()), written_day), False)
    return pc.if_else(same_day, parsed, pa.nulls(len(values), pa.timestamp("s")))


def dates(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Dates in any :data:`DATE_FORMATS`; returns (date32 values, mask of non-empty values that did not parse)."""
    parsed = _parse(values, DATE_FORMATS)
    return pc.cast(parsed, pa.date32()), pc.and_(pc.is_valid(values), pc.is_null(parsed))


def datetimes(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Local date-times in any :data:`DATETIME_FORMATS` (or a bare date); returns (naive timestamps, bad mask)."""
    parsed = pc.coalesce(_parse(values, DATETIME_FORMATS), _parse(values, DATE_FORMATS))
    return pc.cast(parsed, pa.timestamp("us")), pc.and_(pc.is_valid(values), pc.is_null(parsed))
