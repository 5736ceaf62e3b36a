"""Vietnamese text as legacy agencies' files carry it."""

import unicodedata


def _cp1258_char(char: str) -> bytes:
    try:
        return char.encode("cp1258")
    except UnicodeEncodeError:
        pass
    base, *marks = unicodedata.normalize("NFD", char)
    # cp1258 has the shaped vowels (â ê ô ơ ư ă) precomposed and the five tone marks as combining characters
    for i, mark in enumerate([None, *marks]):
        rest = [m for j, m in enumerate(marks) if j != i - 1] if mark else marks
        try:
            return unicodedata.normalize("NFC", base + (mark or "")).encode("cp1258") + "".join(rest).encode("cp1258")
        except UnicodeEncodeError:
            continue
    raise UnicodeEncodeError("cp1258", char, 0, 1, "no Windows-1258 spelling")


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed base letters (â ê ô ơ ư ă đ) followed by combining tone marks."""
    return b"".join(_cp1258_char(c) for c in unicodedata.normalize("NFC", text))
