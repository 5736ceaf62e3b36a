"""Readable ASCII snake_case column names from Vietnamese (or camelCase) source headers."""

from __future__ import annotations

import re
import unicodedata

_CAMEL_1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL_2 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def ascii_fold(text: str) -> str:
    """Strip Vietnamese diacritics (``đ`` → ``d``), keeping only ASCII."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def snake_case(header: str) -> str:
    """``Tên cơ sở`` → ``ten_co_so``; ``placeID`` → ``place_id``; a leading digit gets a ``c_`` prefix."""
    text = ascii_fold(header.strip())
    text = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", text)).lower()
    name = _NON_ALNUM.sub("_", text).strip("_") or "column"
    return f"c_{name}" if name[0].isdigit() else name


def column_names(headers: list[str], renames: dict[str, str]) -> list[str]:
    """Target names for source headers: explicit renames first, then snake_case, de-duplicated (``_2``…)."""
    taken: set[str] = set(renames.values())
    result: list[str] = []
    for header in headers:
        if header in renames:
            result.append(renames[header])
            continue
        base = snake_case(header)
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        result.append(name)
    return result
