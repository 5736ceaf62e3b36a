"""A guard against undeclared personal data in open or shared datasets, run over every curated batch.

Each text column not declared under ``personal_data`` is matched, whole value by whole value, against
Vietnamese phone numbers, citizen IDs (CCCD, and CMND where the column name says so), email addresses and,
where the column name speaks of birth, dates. The guard keeps only counters and one masked example per column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.naming import snake_case

_SEP = r"[ .\-()]{0,2}"  # between digit groups: "0234 3822 123", "090.123.4567", "(0234) 3822123"
PHONE = rf"^\(?(?:\+84|84|0){_SEP}(?:[35789](?:{_SEP}\d){{8}}|2(?:{_SEP}\d){{9}})$"
CCCD = r"^0(?:0[1-9]|[1-8]\d|9[0-6])\d{9}$"  # 12 digits, the first 3 a province code 001–096
CMND = r"^\d{9}$"
EMAIL = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d{2}"
DATE = rf"^(?:{_YEAR}-{_MONTH}-{_DAY}(?:[T ].*)?|{_DAY}[/.\-]{_MONTH}[/.\-]{_YEAR})$"

_ID_NAME = re.compile(r"(?:^|_)(?:cmnd|cccd|cmt|can_cuoc|cancuoc|so_dinh_danh|dinh_danh|id_card|citizen_id|"
                      r"national_id)(?:_|$)")
_BIRTH_NAME = re.compile(r"(?:^|_)(?:ngay_sinh|ngaysinh|nam_sinh|sinh_nhat|birth|birthday|birthdate|"
                         r"birth_date|date_of_birth|dob)(?:_|$)")
KINDS = ("phone", "citizen_id", "email", "birth_date")
_LABELS = {"phone": "phone numbers", "citizen_id": "citizen ID numbers (CCCD/CMND)", "email": "email addresses",
           "birth_date": "birth dates"}


class PersonalDataLeak(ValueError):
    """Personal data found in columns not declared under ``personal_data``; one line per column."""


@dataclass(frozen=True)
class Finding:
    """``matches`` of ``checked`` non-blank values of ``column`` look like ``kind``; ``example`` is masked."""

    column: str
    kind: str
    matches: int
    checked: int
    example: str


def mask(value: str, kind: str) -> str:
    """An example safe to print: ``0905123412`` → ``09******12``, ``an@hue.vn`` → ``a***@hue.vn``."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "birth_date":
        return re.sub(r"\d", "*", value)
    digits = re.sub(r"\D", "", value)
    return digits[:2] + "*" * max(len(digits) - 4, 0) + digits[-2:]


def _is_text(dtype: pa.DataType) -> bool:
    return pa.types.is_string(dtype) or pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype)


@dataclass
class _Column:
    patterns: dict[str, str]  # kind → RE2 pattern over the trimmed text
    checked: int = 0
    matches: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)  # kind → first match, masked


class LeakGuard:
    """Counts, batch by batch, how many values of each undeclared column look like personal data.

    A column is flagged when at least ``threshold`` of its non-blank values match one kind (the most frequent
    kind is reported). Columns named ``_…`` (lineage) and ``declared`` columns are not scanned.
    """

    def __init__(self, dataset: str, schema: pa.Schema, declared: set[str], *, threshold: float = 0.3,
                 sharing: str = "shared/open") -> None:
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.dataset, self.threshold, self.sharing = dataset, threshold, sharing
        self._columns: dict[str, _Column] = {}
        for column in schema:
            if column.name in declared or column.name.startswith("_"):
                continue
            patterns = _patterns(column)
            if patterns:
                self._columns[column.name] = _Column(patterns, matches=dict.fromkeys(patterns, 0))

    @property
    def columns(self) -> list[str]:
        """The columns this guard scans."""
        return list(self._columns)

    def scan(self, batch: pa.RecordBatch) -> None:
        """Add the counts of ``batch`` (which holds at least the scanned columns) to the running totals."""
        for name, state in self._columns.items():
            values = batch.column(name)
            if not _is_text(values.type):  # a date-typed birth column: every value is a birth date
                valid = len(values) - values.null_count
                state.checked += valid
                state.matches["birth_date"] += valid
                if valid and "birth_date" not in state.examples:
                    first = values[pc.index(pc.is_valid(values), True).as_py()]
                    state.examples["birth_date"] = mask(str(first), "birth_date")
                continue
            text = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
            text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
            state.checked += len(text) - text.null_count
            for kind, pattern in state.patterns.items():
                hits = pc.fill_null(pc.match_substring_regex(text, pattern), False)
                count = pc.sum(hits).as_py() or 0
                state.matches[kind] += count
                if count and kind not in state.examples:
                    state.examples[kind] = mask(text[pc.index(hits, True).as_py()].as_py(), kind)

    def findings(self) -> list[Finding]:
        found = []
        for name, state in self._columns.items():
            kind, matches = max(state.matches.items(), key=lambda item: item[1])
            if matches and matches >= self.threshold * state.checked:
                found.append(Finding(name, kind, matches, state.checked, state.examples[kind]))
        return found

    def raise_if_found(self) -> None:
        lines = [f"dataset '{self.dataset}' is {self.sharing} but column '{f.column}' holds {_LABELS[f.kind]} "
                 f"({f.matches} of {f.checked} values, e.g. {f.example}) not declared under personal_data: "
                 "declare a treatment (drop | pseudonymize | generalize) or `keep` with a reason"
                 for f in self.findings()]
        if lines:
            raise PersonalDataLeak("\n".join(lines))


def _patterns(column: pa.Field) -> dict[str, str]:
    """What to look for in ``column``, from its type and name (names in any case/diacritics are folded)."""
    name = snake_case(column.name)
    birth = bool(_BIRTH_NAME.search(name))
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        return {"birth_date": ""} if birth else {}  # the type says date: no pattern to match
    if not _is_text(column.type):
        return {}
    citizen_id = f"{CCCD}|{CMND}" if _ID_NAME.search(name) else CCCD
    patterns = {"phone": PHONE, "citizen_id": citizen_id, "email": EMAIL}
    if birth:
        patterns["birth_date"] = DATE
    return patterns
