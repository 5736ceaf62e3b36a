"""Join keys for Vietnamese names (``normalize: vi_key``): one spelling whatever the tone-mark placement.

``Thuận Hoà``/``Thuận Hòa`` and ``Thuỷ``/``Thủy`` are the same name typed in the old and the new placement;
a key column ``<name>_key`` (lower case, NFC, single spaces, the tone on the main vowel of open ``oa``, ``oe``,
``uy`` syllables) lets datasets from different agencies join, while the name itself stays as published.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_OPEN_GLIDE = re.compile(r"^(.*?[^aeiouy]|)(o)(a|e)$|^(.*?[^q]|)(u)(y)$")


def _syllable(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in TONES]
    if len(tones) != 1:
        return unicodedata.normalize("NFC", decomposed)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
    if not _OPEN_GLIDE.match(bare):
        return unicodedata.normalize("NFC", decomposed)
    return unicodedata.normalize("NFC", bare + tones[0])  # the tone goes on the last vowel (a, e, y)


@lru_cache(maxsize=65_536)
def vi_key(text: str) -> str:
    """The join key of one name."""
    words = unicodedata.normalize("NFC", text).lower().split()
    return " ".join(_syllable(w) for w in words)


def key_column(values: pa.Array) -> pa.Array:
    """:func:`vi_key` of every value, computed once per distinct value."""
    encoded = pc.dictionary_encode(values)
    keys = pa.array([None if v is None else vi_key(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(keys, encoded.indices)


def add_keys(item, key_columns: dict[str, str]):
    """``item`` (RecordBatch or Table) with ``<column>_key`` added after each column named in ``key_columns``."""
    for column, key in key_columns.items():
        if column in item.schema.names and key not in item.schema.names:
            values = item.column(column)
            if isinstance(values, pa.ChunkedArray):
                values = values.combine_chunks()
            item = item.append_column(key, key_column(pc.cast(values, pa.string())))
    return item
