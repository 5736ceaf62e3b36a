"""pipelines.envsubst: ${VAR} expansion from an environment mapping."""

from __future__ import annotations

import pytest

from pipelines.envsubst import expand, variables
from pipelines.errors import MissingVariableError, RegionlinkError

ENV = {"DEMO_PORTAL": "http://127.0.0.1:8000", "TOKEN": "t0k", "EMPTY": ""}


@pytest.mark.parametrize(("text", "expected"), [
    ("${DEMO_PORTAL}/files/a.csv", "http://127.0.0.1:8000/files/a.csv"),
    ("${DEMO_PORTAL}/x?token=${TOKEN}&t2=${TOKEN}", "http://127.0.0.1:8000/x?token=t0k&t2=t0k"),
    ("a${EMPTY}b", "ab"),
    ("no variables here", "no variables here"),
    ("$DEMO_PORTAL and {TOKEN} are not references", "$DEMO_PORTAL and {TOKEN} are not references"),
    ("${TOKEN}", "t0k"),
])
def test_expand(text, expected):
    assert expand(text, ENV, where="datasets (x).source.url") == expected


def test_expanded_values_are_not_expanded_again():
    assert expand("${A}", {"A": "${B}", "B": "no"}, where="w") == "${B}"


def test_missing_variable_names_variables_and_where():
    with pytest.raises(MissingVariableError) as info:
        expand("${DEMO_PORTAL}/${CKAN_KEY}/${CKAN_SECRET}", ENV, where="datasets (schools).source.portal")
    message = str(info.value)
    assert message.startswith("datasets (schools).source.portal:")
    assert "CKAN_KEY, CKAN_SECRET" in message
    assert "DEMO_PORTAL," not in message
    assert isinstance(info.value, RegionlinkError)


@pytest.mark.parametrize(("text", "names"), [
    ("${A}/${B_2}/${_c}", ["A", "B_2", "_c"]),
    ("plain", []),
    ("$A {B}", []),
])
def test_variables(text, names):
    assert variables(text) == names


@pytest.mark.parametrize(("text", "fragment"), [
    ("${DEMO_PORTAL/files/a.csv", "unterminated"),
    ("${A}/${B", "unterminated"),
    ("${}", "'${}'"),
    ("${1ABC}", "'${1ABC}'"),
    ("${A-B}", "'${A-B}'"),
    ("${A:-default}", "'${A:-default}'"),
    ("${ A }", "'${ A }'"),
])
def test_malformed_references(text, fragment):
    with pytest.raises(ValueError, match="not a valid|unterminated") as info:
        variables(text)
    assert fragment in str(info.value)
    with pytest.raises(ValueError):
        expand(text, {"A": "1", "B": "2", "DEMO_PORTAL": "x"}, where="w")
