"""Personal-data treatments applied to curated Arrow batches before a dataset leaves the raw zone.

Each column the registry declares under ``personal_data`` is dropped, pseudonymised (keyed HMAC-SHA256, stable
across runs and processes so partners can join on it), generalised (date → month, coordinate → ~1 km, phone →
area code) or kept. Everything is columnar: no Python loop per row.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.types import LOCAL_TZ, to_text
from warehouse.text import nfc

TREATMENTS = ("drop", "pseudonymize", "generalize", "keep")
GENERALIZE_KINDS = ("date", "coordinate", "phone")
KEY_ENV = "REGIONLINK_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16

_PHONE_NOISE = r"[\s.\-()]"
_LANDLINE_2_DIGIT_AREA = r"^02[48]\d{8}$"  # Hà Nội (024) and TP HCM (028): 2-digit area code, 8-digit number
_LANDLINE = r"^02\d{9}$"
_MOBILE = r"^0[35789]\d{8}$"


class PrivacyError(ValueError):
    """A personal-data declaration that cannot be applied; the message names the dataset and column."""


@dataclass(frozen=True)
class ColumnTreatment:
    """``treatment`` for ``column``; ``kind`` (generalize only) is inferred from the column's type when None."""

    column: str
    treatment: str
    kind: str | None = None


def _is_text(dtype: pa.DataType) -> bool:
    return pa.types.is_string(dtype) or pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype)


def _is_temporal(dtype: pa.DataType) -> bool:
    return pa.types.is_date(dtype) or pa.types.is_timestamp(dtype)


class Treatments:
    """The treatments of one dataset, checked up front; ``apply`` turns a curated batch into a publishable one."""

    def __init__(self, dataset: str, treatments: list[ColumnTreatment], key: bytes | None) -> None:
        self.dataset = dataset
        self._by_column: dict[str, ColumnTreatment] = {}
        for item in treatments:
            where = f"dataset '{dataset}': column '{item.column}'"
            if item.column in self._by_column:
                raise PrivacyError(f"{where} has more than one treatment")
            if item.treatment not in TREATMENTS:
                raise PrivacyError(f"{where}: unknown treatment {item.treatment!r} (one of {' | '.join(TREATMENTS)})")
            if item.kind is not None and item.treatment != "generalize":
                raise PrivacyError(f"{where}: kind only applies to treatment generalize, not {item.treatment}")
            if item.kind is not None and item.kind not in GENERALIZE_KINDS:
                raise PrivacyError(f"{where}: unknown generalize kind {item.kind!r} "
                                   f"(one of {' | '.join(GENERALIZE_KINDS)})")
            if item.treatment == "pseudonymize" and not key:
                raise PrivacyError(f"{where} is declared pseudonymize but {KEY_ENV} is not set")
            self._by_column[item.column] = item
        if key and any(t.treatment == "pseudonymize" for t in treatments) and len(key) < MIN_KEY_BYTES:
            raise PrivacyError(f"dataset '{dataset}': {KEY_ENV} is shorter than {MIN_KEY_BYTES} bytes; "
                               "use a long random secret (e.g. `openssl rand -hex 32`)")
        self._key = key

    def __repr__(self) -> str:  # never shows the key
        declared = {c: t.treatment for c, t in self._by_column.items()}
        return f"Treatments(dataset={self.dataset!r}, columns={declared!r})"

    @property
    def columns(self) -> list[str]:
        return list(self._by_column)

    def _kind(self, field: pa.Field, item: ColumnTreatment) -> str:
        where = f"dataset '{self.dataset}': column '{field.name}' ({field.type})"
        kind = item.kind
        if kind is None:
            if _is_temporal(field.type):
                kind = "date"
            elif pa.types.is_floating(field.type):
                kind = "coordinate"
            elif _is_text(field.type):
                kind = "phone"
            else:
                raise PrivacyError(f"{where} is declared generalize but its kind cannot be inferred from its type: "
                                   f"declare kind ({' | '.join(GENERALIZE_KINDS)})")
        numeric = pa.types.is_floating(field.type) or pa.types.is_integer(field.type) or pa.types.is_decimal(field.type)
        fits = {"date": _is_temporal(field.type), "coordinate": numeric,
                "phone": _is_text(field.type) or pa.types.is_integer(field.type)}
        if not fits[kind]:
            raise PrivacyError(f"{where} cannot be generalized as {kind}")
        return kind

    def _output(self, field: pa.Field) -> pa.Field | None:
        item = self._by_column.get(field.name)
        if item is None or item.treatment == "keep":
            return field
        if item.treatment == "drop":
            return None
        if item.treatment == "generalize" and self._kind(field, item) == "coordinate":
            return field.with_type(pa.float64()).with_nullable(True)
        return field.with_type(pa.string()).with_nullable(True)

    def schema(self, schema: pa.Schema) -> pa.Schema:
        """The schema of ``apply``'s output for input ``schema``; a declared column missing from it is an error."""
        missing = [c for c in self._by_column if schema.get_field_index(c) < 0]
        if missing:
            raise PrivacyError(f"dataset '{self.dataset}': column '{missing[0]}' is declared under personal_data "
                               f"but the data has no such column (columns: {', '.join(schema.names)})")
        fields = [out for out in (self._output(f) for f in schema) if out is not None]
        return pa.schema(fields, metadata=schema.metadata)

    def apply(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """``batch`` with every declared column treated, in the schema :meth:`schema` gives."""
        target = self.schema(batch.schema)
        arrays = []
        for field in target:
            values = batch.column(field.name)
            item = self._by_column.get(field.name)
            if item is None or item.treatment == "keep":
                arrays.append(values)
            elif item.treatment == "pseudonymize":
                arrays.append(self._pseudonymize(values))
            else:
                kind = self._kind(batch.schema.field(field.name), item)
                arrays.append(_GENERALIZE[kind](values))
        return pa.RecordBatch.from_arrays(arrays, schema=target)

    def apply_present(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """Like :meth:`apply` for a batch of only some columns (a pass reading what it needs): declared
        columns absent from ``batch`` are not an error; a dropped column present in it is removed."""
        present = Treatments.__new__(Treatments)
        present.dataset, present._key = self.dataset, self._key
        present._by_column = {c: t for c, t in self._by_column.items() if batch.schema.get_field_index(c) >= 0}
        return present.apply(batch) if present._by_column else batch

    def _pseudonymize(self, values: pa.Array) -> pa.Array:
        """HMAC-SHA256 (lowercase hex) of each value's NFC text, trimmed; nulls and blanks become null.

        The text is hashed exactly as written (no phone or case normalisation), so "0905 123 456" and
        "0905123456" get different pseudonyms: normalise upstream if partners must join on such values.
        """
        text = pc.utf8_trim_whitespace(nfc(pc.cast(to_text(values), pa.string())))
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        # HMAC runs in Python, so hash each distinct value once: columns repeat values (a person over many
        # rows, a handful of staff), and distinct values are never more than rows.
        encoded = pc.dictionary_encode(text)
        key = self._key or b""
        digests = [hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest()
                   for v in encoded.dictionary.to_pylist()]
        return pc.take(pa.array(digests, pa.string()), encoded.indices)


def generalize_date(values: pa.Array) -> pa.Array:
    """Dates and timestamps → ``YYYY-MM``; time-zoned instants are read in the region's local time."""
    if pa.types.is_timestamp(values.type) and values.type.tz is not None:
        values = pc.cast(values, pa.timestamp(values.type.unit, tz=LOCAL_TZ))
    return pc.strftime(values, "%Y-%m")


def generalize_coordinate(values: pa.Array) -> pa.Array:
    """Degrees rounded to 2 decimals (about 1.1 km)."""
    return pc.round(pc.cast(values, pa.float64()), 2)


def generalize_phone(values: pa.Array) -> pa.Array:
    """Vietnamese phone numbers → landline area code (``0234``, ``024``) or mobile network prefix (``090``).

    Spaces, dots, dashes and parentheses are ignored and ``+84``/``84`` stands for the leading ``0``; a value
    that is neither an 11-digit landline nor a 10-digit mobile becomes null.
    """
    if pa.types.is_integer(values.type):  # numbers typed as integers lost their leading 0
        text = pc.cast(values, pa.string())
        text = pc.replace_substring_regex(text, r"^([35789]\d{8}|2\d{9})$", r"0\1")
    else:
        text = pc.cast(values, pa.string())
    digits = pc.replace_substring_regex(text, _PHONE_NOISE, "")
    digits = pc.replace_substring_regex(digits, r"^\+84", "0")
    digits = pc.replace_substring_regex(digits, r"^84(\d{9,10})$", r"0\1")
    null = pa.scalar(None, pa.string())
    area = pc.if_else(pc.match_substring_regex(digits, _LANDLINE_2_DIGIT_AREA),
                      pc.utf8_slice_codeunits(digits, 0, 3), pc.utf8_slice_codeunits(digits, 0, 4))
    landline = pc.if_else(pc.match_substring_regex(digits, _LANDLINE), area, null)
    mobile = pc.if_else(pc.match_substring_regex(digits, _MOBILE), pc.utf8_slice_codeunits(digits, 0, 3), null)
    return pc.coalesce(landline, mobile)


_GENERALIZE = {"date": generalize_date, "coordinate": generalize_coordinate, "phone": generalize_phone}
