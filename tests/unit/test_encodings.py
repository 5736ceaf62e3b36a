"""format.encoding: auto, UTF-16 and Windows-1258 files, and legacy TCVN3/VNI text refused by name."""

from __future__ import annotations

import io
import unicodedata

import pyarrow as pa
import pytest

from pipelines.encodings import detect, legacy_vietnamese
from pipelines.errors import SourceError
from pipelines.model import Dataset
from pipelines.readers import read_batches
from tests.support.text import cp1258

CSV = "Mã xã,Tên đơn vị\n00004,Phường Thuận Hoá\n19768,Xã Phú Vinh\n"
TCVN3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam"  # "Cộng hoà xã hội chủ nghĩa Việt Nam" typed with a .Vn font
VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"


def _dataset(encoding: str = "auto") -> Dataset:
    return Dataset.model_validate({
        "id": "wards", "title": "Đơn vị hành chính", "publisher": "p", "theme": "other",
        "source": {"kind": "http", "url": "http://127.0.0.1/x.csv"}, "format": {"type": "csv", "encoding": encoding},
        "columns": {"Mã xã": {"name": "ward_code", "type": "string"}},
    })


def _read(path, dataset) -> list[dict]:
    return pa.Table.from_batches(list(read_batches(path, "csv", dataset, "http://127.0.0.1/x.csv"))).to_pylist()


@pytest.mark.parametrize("raw, expected", [
    (b"\xef\xbb\xbfa,b\n", "utf-8"), ("a,b\n".encode("utf-16"), "utf-16"), ("Huế\n".encode(), "utf-8"),
    (cp1258("Thừa Thiên Huế\n"), "cp1258"),
])
def test_detect(raw, expected):
    assert detect(io.BytesIO(raw)) == expected


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"), lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    lambda text: text.encode("utf-16"), cp1258,
], ids=["utf-8", "utf-8-bom", "utf-16", "cp1258"])
def test_auto_reads_every_encoding_to_the_same_values(tmp_path, encode):
    path = tmp_path / "wards.csv"
    path.write_bytes(encode(CSV))
    rows = _read(path, _dataset("auto"))
    names = [unicodedata.normalize("NFC", r["ten_don_vi"]) for r in rows]
    assert [r["ward_code"] for r in rows] == ["00004", "19768"]
    assert names == ["Phường Thuận Hoá", "Xã Phú Vinh"]


@pytest.mark.parametrize("text, legacy", [(TCVN3, "TCVN3"), (VNI, "VNI")])
def test_legacy_vietnamese_is_refused_naming_the_column(tmp_path, text, legacy):
    path = tmp_path / "legacy.csv"
    path.write_bytes(f"Mã xã,Ten don vi\n00004,{text}\n00005,{text}\n".encode("cp1252"))
    with pytest.raises(SourceError, match=rf"column 'ten_don_vi' holds Vietnamese in the legacy {legacy} encoding"):
        _read(path, _dataset("cp1252"))


@pytest.mark.parametrize("values", [
    ["Cộng hoà xã hội chủ nghĩa Việt Nam"], ["Hôtel Saigon Morin", "Café", "Crème brûlée"], ["Noël", "José"], [],
])
def test_unicode_vietnamese_and_other_languages_are_not_flagged(values):
    assert legacy_vietnamese(values) is None
