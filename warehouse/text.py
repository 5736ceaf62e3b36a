"""Unicode NFC for Arrow string columns, skipping the (costly) normalisation when text is already NFC."""

from __future__ import annotations

import unicodedata
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc


@cache
def not_nfc_stable() -> str:
    """An RE2 class of every character that can make a string non-NFC (NFC_Quick_Check ≠ Yes, or ccc ≠ 0).

    A string with none of them is already NFC, so a cheap regex scan decides whether to normalise.
    """
    points: set[int] = set()
    for cp in range(0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        char = chr(cp)
        if unicodedata.combining(char) or not unicodedata.is_normalized("NFC", char):
            points.add(cp)
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            points.add(int(decomposition.split()[1], 16))  # may compose with what precedes it
    points |= set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul vowel/trailing jamo
    ranges: list[list[int]] = []
    for cp in sorted(points):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges) + "]"


def nfc(values: pa.Array) -> pa.Array:
    """``values`` in Unicode NFC (unchanged, without copying, when it already is)."""
    if values.null_count == len(values) or pc.all(pc.string_is_ascii(values)).as_py() is not False:
        return values
    if not pc.any(pc.match_substring_regex(values, not_nfc_stable())).as_py():
        return values
    return pc.utf8_normalize(values, "NFC")
