"""The region's two secrets: the Ed25519 signing key of its manifests and the pseudonymisation key.

Read from ``REGIONLINK_SIGNING_KEY`` (base64 raw private key, from ``regionlink keys init``) and
``REGIONLINK_PSEUDONYM_KEY`` (any long random string) when a run starts; held as ``SecretStr`` so they never
show in logs, reprs or error messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, SecretStr

from warehouse.privacy import KEY_ENV as PSEUDONYM_KEY_VAR

SIGNING_KEY_VAR = "REGIONLINK_SIGNING_KEY"


class RegionKeys(BaseModel):
    signing_key: SecretStr | None = None
    pseudonym_key: SecretStr | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RegionKeys:
        env = os.environ if env is None else env
        return cls(signing_key=env.get(SIGNING_KEY_VAR) or None, pseudonym_key=env.get(PSEUDONYM_KEY_VAR) or None)

    def signer(self):
        """The private key (fails with a message naming the variable, never the value)."""
        from warehouse.signing import load_private_key

        return load_private_key(self.signing_key.get_secret_value() if self.signing_key else "", name=SIGNING_KEY_VAR)

    def public_key(self) -> str:
        from warehouse.signing import public_key_b64

        return public_key_b64(self.signer())

    def pseudonym(self) -> bytes | None:
        """The HMAC key, or None when unset (a dataset that needs it then fails, naming the column; so does
        one shorter than :data:`warehouse.privacy.MIN_KEY_BYTES`)."""
        return None if self.pseudonym_key is None else self.pseudonym_key.get_secret_value().encode("utf-8")
