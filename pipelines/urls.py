"""URLs safe to show and publish: no user:password, secret query values masked, everything else as written."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

# query parameter names (or a _/-/camelCase-separated part of one) whose values are secrets
_SECRET_PARAMS = frozenset({
    "token", "access_token", "api_key", "apikey", "key", "secret", "client_secret", "password", "passwd", "pwd",
    "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "credential", "auth",
    "authorization",
})
_NAME_PARTS = re.compile(r"[_\-.\s]+|(?<=[a-z0-9])(?=[A-Z])")


def redact_url(url: str) -> str:
    """A source URL safe to publish: no user:password, secret-looking query values masked, the rest as written."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]  # keeps an IPv6 literal's brackets and the port
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    return urlunsplit((parts.scheme, host, parts.path, query, parts.fragment))


def _redact_pair(pair: str) -> str:
    """``name=value`` with the value replaced by ``***`` when the name is a secret's, else unchanged."""
    name, equals, _value = pair.partition("=")
    return f"{name}=***" if equals and _is_secret(unquote_plus(name)) else pair


def _is_secret(name: str) -> bool:
    """Whether a query parameter holds a secret (``token``, ``access_token``, ``apiKey``…, but not ``author``)."""
    parts = [p.lower() for p in _NAME_PARTS.split(name.strip()) if p]
    return name.strip().lower() in _SECRET_PARAMS or any(p in _SECRET_PARAMS for p in parts)
