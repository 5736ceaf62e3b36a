"""``${VAR}`` expansion of registry strings from the environment (unset variables are errors)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipelines.errors import MissingVariableError

_VAR = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def variables(text: str) -> list[str]:
    """Names of the ``${VAR}`` references in ``text``; raises ValueError on a malformed reference."""
    names = _VAR.findall(text)
    for name in names:
        if not _NAME.match(name):
            raise ValueError(f"'${{{name}}}' is not a valid environment variable reference")
    if "${" in _VAR.sub("", text):
        raise ValueError(f"unterminated '${{' in {text!r}")
    return names


def expand(text: str, env: Mapping[str, str], *, where: str) -> str:
    """Replace every ``${VAR}`` in ``text`` from ``env``; ``where`` names the dataset/key for errors."""
    missing = [name for name in variables(text) if name not in env]
    if missing:
        raise MissingVariableError(
            f"{where}: environment variable(s) {', '.join(missing)} not set (used in {text!r})"
        )
    return _VAR.sub(lambda m: env[m.group(1)], text)
