"""normalize: vi_key — one join key for names typed with old or new tone-mark placement."""

import pyarrow as pa
import pytest

from pipelines.model import Dataset
from pipelines.vietnamese import add_keys, vi_key


@pytest.mark.parametrize("old, new", [
    ("Thuận Hoà", "Thuận Hòa"), ("Thuỷ Xuân", "Thủy Xuân"), ("Khoẻ", "Khỏe"), ("Thuỵ Phương", "Thụy Phương"),
    ("HOÀ  CHÂU ", "hòa châu"),
])
def test_old_and_new_placement_give_one_key(old, new):
    assert vi_key(old) == vi_key(new)


@pytest.mark.parametrize("a, b", [("Hoà", "Hoa"), ("Thuỷ", "Thuý"), ("Quý", "Quỳ"), ("Hoàng", "Hoang")])
def test_different_names_keep_different_keys(a, b):
    assert vi_key(a) != vi_key(b)


@pytest.mark.parametrize("word", ["hoàng", "thoại", "tuyết", "quỳnh", "nguyễn", "đồng"])
def test_syllables_with_a_final_or_other_vowels_are_left_alone(word):
    assert vi_key(word) == word


def test_add_keys_appends_key_columns_and_keeps_names_as_published():
    batch = pa.record_batch({"ward_name": ["Phường Thuận Hoà", "Phường Thuận Hòa", None]})
    keyed = add_keys(batch, {"ward_name": "ward_name_key"})
    assert keyed.column("ward_name").to_pylist() == ["Phường Thuận Hoà", "Phường Thuận Hòa", None]
    assert keyed.column("ward_name_key").to_pylist() == ["phường thuận hoà", "phường thuận hoà", None]


def test_key_columns_from_the_registry():
    dataset = Dataset.model_validate({
        "id": "wards", "title": "t", "publisher": "p", "theme": "other",
        "source": {"kind": "http", "url": "http://127.0.0.1/x.csv"},
        "columns": {"Tên phường": {"normalize": "vi_key"}, "Xã": {"name": "commune", "normalize": "vi_key"},
                    "Mã": {"type": "string"}},
    })
    assert dataset.key_columns == {"ten_phuong": "ten_phuong_key", "commune": "commune_key"}
