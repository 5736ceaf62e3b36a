"""Which encoding a text file is in (``format.encoding: auto``), and Vietnamese text left in a legacy font
encoding (TCVN3/ABC, VNI) that decodes "validly" but reads as mojibake."""

from __future__ import annotations

import re
from typing import BinaryIO

SAMPLE = 1 << 20
# letters only Vietnamese uses (ă â đ ê ô ơ ư and the precomposed tone letters): real Unicode Vietnamese
_VIETNAMESE = re.compile("[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
# TCVN3 puts Vietnamese letters on Latin-1 symbol positions (Céng hoµ x· héi, §µ N½ng)
_TCVN3 = re.compile("[\u00a2-\u00a9\u00aa\u00ab\u00ac\u00ae\u00b5-\u00be\u00a7]")
# VNI writes a base vowel followed by a tone/shape byte (Vieät Nam, Coäng hoøa)
_VNI = re.compile("[aeiouyAEIOUYöÖôÔ][ùøûõïâäåàáãêëéèÙØÛÕÏÂÄÅÀÁÃÊËÉÈ]|ñ")


def detect(stream: BinaryIO) -> str:
    """``utf-8-sig``/``utf-16`` by BOM, else ``utf-8`` when the sample decodes, else ``cp1258``."""
    head = stream.read(SAMPLE)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1258"
    return "utf-8"


def legacy_vietnamese(values: list[str]) -> str | None:
    """``"TCVN3"`` or ``"VNI"`` when text values look like Vietnamese in that legacy encoding, else None.

    Unicode Vietnamese always has letters such as ư, ơ, đ or ệ; text in a legacy encoding has none of them
    and instead many Latin-1 symbols (TCVN3) or vowel + accent-byte pairs (VNI).
    """
    text = " ".join(v for v in values if v and not v.isascii())
    if not text or _VIETNAMESE.search(text):
        return None
    words = max(len(text.split()), 1)
    tcvn3, vni = len(_TCVN3.findall(text)), len(_VNI.findall(text))
    if tcvn3 >= 3 and tcvn3 / words > 0.2 and tcvn3 >= vni:
        return "TCVN3"
    if vni >= 3 and vni / words > 0.2:
        return "VNI"
    return None
