"""warehouse.privacy: drop, pseudonymise, generalise and keep personal-data columns of curated Arrow batches."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata

import pyarrow as pa
import pytest

from warehouse.privacy import ColumnTreatment, PrivacyError, Treatments, generalize_phone

KEY = b"hue-da-nang-shared-pseudonym-key-2025"
OTHER_KEY = b"quang-tri-another-pseudonym-key-00"


def hmac_hex(text: str, key: bytes = KEY) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def guides() -> pa.RecordBatch:
    """Licensed tour guides, as a curated batch: personal columns mixed with public ones and lineage."""
    return pa.RecordBatch.from_pydict({
        "ho_ten": ["Nguyễn Thị Hương", "Trần Văn Đức", None, "Nguyễn Thị Hương", "  Lê Thị Thuỷ "],
        "so_dien_thoai": ["0905 123 412", "0234.3822.123", "+84 90 123 4567", None, "1900 1234"],
        "cccd": ["046095001234", "048190004567", None, "046095001234", "044301000123"],
        "email": ["huong.nt@gmail.com", None, "duc.tv@hue.gov.vn", "x@y.vn", "thuy@example.com"],
        "ngay_sinh": [dt.date(1995, 3, 7), dt.date(1990, 12, 31), None, dt.date(1995, 3, 7), dt.date(2001, 1, 1)],
        "vi_do": [16.46372, 16.0544, None, 16.467, 15.8801],
        "so_the": [46001, 46002, 46003, 46004, 46005],
        "_run_id": ["r1"] * 5,
    }, schema=pa.schema([("ho_ten", pa.string()), ("so_dien_thoai", pa.string()), ("cccd", pa.string()),
                         ("email", pa.string()), ("ngay_sinh", pa.date32()), ("vi_do", pa.float64()),
                         ("so_the", pa.int64()), ("_run_id", pa.string())]))


def treatments(*items: tuple, key: bytes | None = KEY, dataset: str = "tour_guides") -> Treatments:
    return Treatments(dataset, [ColumnTreatment(*item) for item in items], key)


def test_pseudonyms_are_keyed_hmacs_of_the_trimmed_nfc_text_and_nulls_stay_null():
    out = treatments(("ho_ten", "pseudonymize"), ("cccd", "pseudonymize")).apply(guides())
    names = out.column("ho_ten").to_pylist()
    assert names[0] == hmac_hex("Nguyễn Thị Hương")
    assert names[4] == hmac_hex("Lê Thị Thuỷ")  # surrounding spaces are not part of the name
    assert names[2] is None
    assert names[0] == names[3] and names[0] != names[1]
    assert all(len(n) == 64 and n == n.lower() for n in names if n is not None)
    assert out.column("cccd").to_pylist()[0] == hmac_hex("046095001234")


def test_pseudonyms_are_stable_across_objects_and_differ_by_key():
    first = treatments(("ho_ten", "pseudonymize")).apply(guides()).column("ho_ten")
    second = treatments(("ho_ten", "pseudonymize")).apply(guides()).column("ho_ten")
    other = treatments(("ho_ten", "pseudonymize"), key=OTHER_KEY).apply(guides()).column("ho_ten")
    assert first.equals(second)
    assert all(a != b for a, b in zip(first.to_pylist(), other.to_pylist()) if a is not None)


def test_nfc_and_nfd_spellings_get_the_same_pseudonym():
    name = "Nguyễn Thị Hương"
    batch = pa.RecordBatch.from_pydict({"ho_ten": [unicodedata.normalize("NFC", name),
                                                   unicodedata.normalize("NFD", name)]})
    assert batch.column("ho_ten")[0] != batch.column("ho_ten")[1]
    out = treatments(("ho_ten", "pseudonymize")).apply(batch).column("ho_ten").to_pylist()
    assert out == [hmac_hex(name), hmac_hex(name)]


def test_non_string_values_are_hashed_as_their_text():
    out = treatments(("so_the", "pseudonymize")).apply(guides()).column("so_the")
    assert out.type == pa.string()
    assert out.to_pylist()[0] == hmac_hex("46001")
    blank = pa.RecordBatch.from_pydict({"ho_ten": ["   ", ""]})
    assert treatments(("ho_ten", "pseudonymize")).apply(blank).column("ho_ten").to_pylist() == [None, None]


def test_pseudonymize_without_a_key_is_an_error_naming_dataset_and_column():
    with pytest.raises(PrivacyError) as err:
        treatments(("so_dien_thoai", "pseudonymize"), key=None)
    assert str(err.value) == ("dataset 'tour_guides': column 'so_dien_thoai' is declared pseudonymize but "
                              "REGIONLINK_PSEUDONYM_KEY is not set")
    treatments(("so_dien_thoai", "drop"), key=None)  # no key needed when nothing is pseudonymised


def test_the_key_never_appears_in_repr_or_messages():
    t = treatments(("ho_ten", "pseudonymize"), ("email", "drop"))
    assert "tour_guides" in repr(t) and "ho_ten" in repr(t)
    messages = [repr(t), str(t.__dict__.keys())]
    with pytest.raises(PrivacyError) as err:
        t.apply(pa.RecordBatch.from_pydict({"ten": ["A"]}))
    messages.append(str(err.value))
    with pytest.raises(PrivacyError) as short:
        treatments(("ho_ten", "pseudonymize"), key=b"short-secret")
    messages.append(str(short.value))
    for message in messages:
        assert KEY.decode() not in message and "short-secret" not in message


@pytest.mark.parametrize(("phone", "expected"), [
    ("0234 3822 123", "0234"),      # Huế landline
    ("(0236) 3821 456", "0236"),    # Đà Nẵng
    ("+84 235 3861 234", "0235"),   # Quảng Nam, international form
    ("842333852111", "0233"),       # Quảng Trị, 84 without +
    ("024 3825 1234", "024"),       # Hà Nội: 2-digit area code
    ("028-3829-5555", "028"),       # TP HCM
    ("0905 123 412", "090"),        # mobile: network prefix only
    ("090.123.4567", "090"),
    ("+84 39 123 4567", "039"),
    ("84785123456", "078"),
    ("01691234567", None),          # old 11-digit mobile
    ("1900 1234", None),            # hotline
    ("0123456789", None),
    ("02343822", None),             # too short
    ("không có", None),
    (None, None),
])
def test_generalize_phone_keeps_the_area_code_or_network_prefix(phone, expected):
    assert generalize_phone(pa.array([phone], pa.string())).to_pylist() == [expected]


def test_generalize_phone_on_integers_restores_the_lost_leading_zero():
    assert generalize_phone(pa.array([905123412, 2343822123, 84905123412, 1234])).to_pylist() == \
        ["090", "0234", "090", None]


def test_generalize_dates_coordinates_and_phones_by_inferred_kind():
    t = treatments(("ngay_sinh", "generalize"), ("vi_do", "generalize"), ("so_dien_thoai", "generalize"))
    out = t.apply(guides())
    assert out.column("ngay_sinh").to_pylist() == ["1995-03", "1990-12", None, "1995-03", "2001-01"]
    assert out.column("vi_do").to_pylist() == [16.46, 16.05, None, 16.47, 15.88]
    assert out.column("so_dien_thoai").to_pylist() == ["090", "0234", "090", None, None]


def test_generalize_timestamps_reads_instants_in_local_time():
    utc = pa.array([dt.datetime(1994, 12, 31, 18, 30), None], pa.timestamp("us", tz="UTC"))  # 01:30 on 1 Jan, Huế
    batch = pa.RecordBatch.from_pydict({"thoi_diem_sinh": utc})
    out = treatments(("thoi_diem_sinh", "generalize")).apply(batch)
    assert out.column("thoi_diem_sinh").to_pylist() == ["1995-01", None]


def test_generalize_needs_a_kind_it_can_infer_or_one_that_fits():
    with pytest.raises(PrivacyError, match=r"dataset 'tour_guides': column 'so_the' \(int64\).*declare kind"):
        treatments(("so_the", "generalize")).schema(guides().schema)
    with pytest.raises(PrivacyError, match="column 'ho_ten'.*cannot be generalized as date"):
        treatments(("ho_ten", "generalize", "date")).schema(guides().schema)
    out = treatments(("so_the", "generalize", "coordinate")).apply(guides())
    assert out.column("so_the").to_pylist()[0] == 46001.0


def test_drop_removes_keep_leaves_and_the_schema_matches_the_output():
    t = treatments(("email", "drop"), ("cccd", "pseudonymize"), ("ngay_sinh", "generalize"),
                   ("so_dien_thoai", "keep"), ("vi_do", "generalize", "coordinate"))
    batch = guides()
    out = t.apply(batch)
    assert out.schema == t.schema(batch.schema)
    assert out.schema.names == ["ho_ten", "so_dien_thoai", "cccd", "ngay_sinh", "vi_do", "so_the", "_run_id"]
    assert [str(f.type) for f in out.schema] == ["string", "string", "string", "string", "double", "int64", "string"]
    for name in ("ho_ten", "so_dien_thoai", "so_the", "_run_id"):
        assert out.column(name).equals(batch.column(name))


def test_a_declared_column_missing_from_the_data_is_an_error():
    with pytest.raises(PrivacyError) as err:
        treatments(("so_cmnd", "drop")).schema(guides().schema)
    message = str(err.value)
    assert "dataset 'tour_guides'" in message and "'so_cmnd'" in message
    assert "ho_ten, so_dien_thoai, cccd" in message


@pytest.mark.parametrize(("item", "match"), [
    (("ho_ten", "hash"), "unknown treatment 'hash'"),
    (("ho_ten", "drop", "phone"), "kind only applies to treatment generalize"),
    (("ho_ten", "generalize", "postcode"), "unknown generalize kind 'postcode'"),
])
def test_bad_declarations_are_errors(item, match):
    with pytest.raises(PrivacyError, match=f"dataset 'tour_guides': column 'ho_ten'.*{match}"):
        treatments(item)


def test_a_million_rows_in_one_batch():
    n = 1_000_000
    phones = pa.array([f"09{i % 50_000:08d}" for i in range(n)])
    batch = pa.RecordBatch.from_pydict({"so_dien_thoai": phones, "lien_he": phones})
    out = treatments(("so_dien_thoai", "pseudonymize"), ("lien_he", "generalize")).apply(batch)
    assert out.num_rows == n
    assert out.column("so_dien_thoai")[n - 1].as_py() == hmac_hex(f"09{(n - 1) % 50_000:08d}")
    assert out.column("lien_he").null_count == 0
