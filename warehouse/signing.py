"""Ed25519 keys and detached signatures for published manifests.

Keys travel as standard base64 of the raw 32-byte key (an environment variable for the private one, the
registry and ``keys/<code>.pub`` for public ones); signatures as base64 text ending in a newline. Errors name
the variable or the key's owner, never the key itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from warehouse.store import WarehouseError

KEY_BYTES = 32
_RAW_PUBLIC = (Encoding.Raw, PublicFormat.Raw)


class SigningError(ValueError):
    """A signing or public key is missing or malformed; the message names it but never shows it."""


class SignatureError(WarehouseError):
    """A signature does not verify: the signed data was changed, or was signed by another key."""


def _decode_key(b64: str, label: str) -> bytes:
    try:
        raw = base64.b64decode(b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SigningError(f"{label} is not valid base64 (expected the standard base64 of a raw "
                           f"{KEY_BYTES}-byte Ed25519 key)") from None
    if len(raw) != KEY_BYTES:
        raise SigningError(f"{label} decodes to {len(raw)} bytes; a raw Ed25519 key has {KEY_BYTES}")
    return raw


def generate_key_pair() -> tuple[str, str]:
    """A new (private, public) key pair as standard base64 of the raw keys."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(private).decode("ascii"), public_key_b64(key)


def load_private_key(b64: str, *, name: str = "REGIONLINK_SIGNING_KEY") -> Ed25519PrivateKey:
    if not b64 or not b64.strip():
        raise SigningError(f"{name} is not set: manifests cannot be signed; "
                           "create a key pair with `regionlink keys init`")
    return Ed25519PrivateKey.from_private_bytes(_decode_key(b64, name))


def load_public_key(b64: str, *, owner: str) -> Ed25519PublicKey:
    """The public key of ``owner`` (e.g. "partner region 48"), named in any error."""
    if not b64 or not b64.strip():
        raise SigningError(f"public key of {owner} is empty")
    return Ed25519PublicKey.from_public_bytes(_decode_key(b64, f"public key of {owner}"))


def public_key_b64(private_key: Ed25519PrivateKey) -> str:
    return base64.b64encode(private_key.public_key().public_bytes(*_RAW_PUBLIC)).decode("ascii")


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """A short, non-secret name for a public key (first 16 hex digits of its sha256) for messages."""
    return hashlib.sha256(public_key.public_bytes(*_RAW_PUBLIC)).hexdigest()[:16]


def sign(private_key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The detached signature of ``data``: base64 ASCII ending in a newline."""
    return base64.b64encode(private_key.sign(data)) + b"\n"


def verify(public_key: Ed25519PublicKey, data: bytes, signature: bytes, *, what: str) -> None:
    """Raise :class:`SignatureError` unless ``signature`` (as :func:`sign` writes it) signs ``data``."""
    try:
        public_key.verify(base64.b64decode(signature.strip(), validate=True), data)
    except (binascii.Error, ValueError, InvalidSignature):
        raise SignatureError(f"{what}: signature does not verify with public key {fingerprint(public_key)}; "
                             "the data was changed after signing or signed by another key") from None
