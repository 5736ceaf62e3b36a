"""Vietnamese text as legacy agencies' files carry it."""

import unicodedata


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed base letters (â ê ô ơ ư ă đ) followed by combining tone marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            base, marks = decomposed[0], decomposed[1:]
            for i in range(len(marks), -1, -1):  # longest prefix that has a precomposed cp1258 letter
                try:
                    out += unicodedata.normalize("NFC", base + marks[:i]).encode("cp1258") + marks[i:].encode("cp1258")
                    break
                except UnicodeEncodeError:
                    continue
            else:
                raise
    return bytes(out)
