"""warehouse.signing: Ed25519 key loading, detached signatures, and errors that never show a private key."""

from __future__ import annotations

import base64
import traceback

import pytest

from warehouse import signing
from warehouse.signing import SignatureError, SigningError


def test_generated_keys_are_raw_32_byte_base64_and_sign_round_trip():
    private_b64, public_b64 = signing.generate_key_pair()
    assert len(base64.b64decode(private_b64, validate=True)) == 32
    assert len(base64.b64decode(public_b64, validate=True)) == 32
    key = signing.load_private_key(private_b64)
    assert signing.public_key_b64(key) == public_b64
    signature = signing.sign(key, b"manifest bytes")
    assert signature.endswith(b"\n") and signature.decode("ascii")
    signing.verify(signing.load_public_key(public_b64, owner="region 46"), b"manifest bytes", signature, what="m")


def test_changed_data_or_another_key_does_not_verify():
    private_b64, public_b64 = signing.generate_key_pair()
    other_private, _ = signing.generate_key_pair()
    public = signing.load_public_key(public_b64, owner="region 46")
    signature = signing.sign(signing.load_private_key(private_b64), b"version 3")
    with pytest.raises(SignatureError, match=r"festivals v3: signature does not verify"):
        signing.verify(public, b"version 4", signature, what="festivals v3")
    forged = signing.sign(signing.load_private_key(other_private), b"version 3")
    with pytest.raises(SignatureError):
        signing.verify(public, b"version 3", forged, what="festivals v3")
    for garbage in (b"", b"not base64!\n", base64.b64encode(b"short") + b"\n"):
        with pytest.raises(SignatureError):
            signing.verify(public, b"version 3", garbage, what="festivals v3")


def test_unset_private_key_says_how_to_create_one():
    for empty in ("", "  \n"):
        with pytest.raises(SigningError, match=r"REGIONLINK_SIGNING_KEY is not set: .*regionlink keys init"):
            signing.load_private_key(empty)
    with pytest.raises(SigningError, match=r"MY_KEY is not set"):
        signing.load_private_key("", name="MY_KEY")


def test_bad_private_key_errors_name_the_variable_never_the_value():
    private_b64, _ = signing.generate_key_pair()
    too_long = base64.b64encode(base64.b64decode(private_b64) + b"\x01").decode("ascii")
    for bad in (private_b64[:-4] + "@@@@", too_long, private_b64[:20]):
        with pytest.raises(SigningError) as err:
            signing.load_private_key(bad, name="REGIONLINK_SIGNING_KEY")
        text = "".join(traceback.format_exception(err.value))  # with any chained exception
        assert "REGIONLINK_SIGNING_KEY" in text
        for secret in (bad, private_b64, bad[:12]):
            assert secret not in text
        assert err.value.__context__ is None or err.value.__suppress_context__


def test_private_key_with_surrounding_whitespace_loads():
    private_b64, public_b64 = signing.generate_key_pair()
    assert signing.public_key_b64(signing.load_private_key(f"  {private_b64}\n")) == public_b64


def test_bad_public_key_names_its_owner():
    with pytest.raises(SigningError, match=r"public key of partner region 48 decodes to 5 bytes"):
        signing.load_public_key(base64.b64encode(b"12345").decode(), owner="partner region 48")
    with pytest.raises(SigningError, match=r"public key of partner region 48 is not valid base64"):
        signing.load_public_key("%%%", owner="partner region 48")
    with pytest.raises(SigningError, match=r"public key of partner region 48 is empty"):
        signing.load_public_key("", owner="partner region 48")


def test_signature_error_is_a_warehouse_error_and_signing_error_a_value_error():
    from warehouse.store import WarehouseError

    assert issubclass(SignatureError, WarehouseError)
    assert issubclass(SigningError, ValueError)
