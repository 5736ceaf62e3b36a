"""expectations.suites: suite JSON parsing, Dagster check names, primary-key expectations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from expectations.suites import ExpectationSpec, Suite, SuiteError, load_suite

NOT_NULL, UNIQUE, COMPOUND = ("expect_column_values_to_not_be_null", "expect_column_values_to_be_unique",
                              "expect_compound_columns_to_be_unique")
DAGSTER_NAME = re.compile(r"^[A-Za-z0-9_]+$")
SHIPPED = Path(__file__).resolve().parents[2] / "expectations" / "suites"


def write_suite(directory: Path, name: str, expectations: list) -> Path:
    path = directory / f"{name}.json"
    path.write_text(json.dumps({"name": name, "expectations": expectations, "meta": {}}), encoding="utf-8")
    return path


def suite(*specs: tuple) -> Suite:
    return Suite("s", Path("s.json"), tuple(ExpectationSpec(*spec) for spec in specs))


def test_load_suite(tmp_path):
    write_suite(tmp_path, "health_facilities", [
        {"type": NOT_NULL, "kwargs": {"column": "facility_code"}, "severity": "critical"},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "beds", "min_value": 0}, "severity": "warning",
         "meta": {"notes": "giường"}, "notes": "x", "id": "abc"},
        {"type": "expect_column_pair_values_a_to_be_greater_than_b", "kwargs": {"column_A": "a", "column_B": "b"}},
    ])
    loaded = load_suite(tmp_path, "health_facilities")
    assert loaded.name == "health_facilities" and loaded.path == tmp_path / "health_facilities.json"
    assert [e.severity for e in loaded.expectations] == ["critical", "warning", "critical"]  # default: critical
    assert loaded.expectations[1].meta == {"notes": "giường"}
    assert [e.columns for e in loaded.expectations] == [["facility_code"], ["beds"], ["a", "b"]]


@pytest.mark.parametrize(("content", "fragments"), [
    (None, ["suite file not found"]),
    ("{not json", ["not valid JSON"]),
    ('{"name": "x"}', ["'expectations' list"]),
    ('[]', ["'expectations' list"]),
    ([{"type": NOT_NULL, "kwargs": {"column": "a"}}, {"type": NOT_NULL, "kwargs": {"column": "b"}, "severity": "error"}],
     ["expectations[1].severity", "'error'", "critical, warning, info"]),
    ([{"type": "column_values_not_null", "kwargs": {}}], ["expectations[0].type", "expect_", "'column_values_not_null'"]),
    ([{"kwargs": {"column": "a"}}], ["expectations[0].type", "None"]),
    ([{"type": NOT_NULL, "kwargs": {"column": "a"}, "sevérity": "info", "mostly": 0.9}],
     ["expectations[0]", "unknown key(s)", "['mostly', 'sevérity']"]),
    ([{"type": NOT_NULL, "kwargs": ["a"]}], ["expectations[0].kwargs", "object"]),
    (["expect_column_values_to_not_be_null"], ["expectations[0]", "must be an object"]),
])
def test_load_suite_errors_name_file_and_index(tmp_path, content, fragments):
    path = tmp_path / "broken.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        write_suite(tmp_path, "broken", content)
    with pytest.raises(SuiteError) as info:
        load_suite(tmp_path, "broken")
    message = str(info.value)
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message, message


def test_check_names_unique_and_dagster_safe():
    names = suite((NOT_NULL, {"column": "facility_code"}),
                  ("expect_column_values_to_match_regex", {"column": "ward_code", "regex": r"^\d{5}$"}),
                  ("expect_column_values_to_match_regex", {"column": "ward_code", "regex": r"^46"}),
                  ("expect_column_values_to_match_regex", {"column": "ward_code", "regex": r"^4"}),
                  (COMPOUND, {"column_list": ["facility_code", "report_month"]}),
                  ("expect_table_row_count_to_be_between", {"min_value": 1}),
                  ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "beds_actual", "column_B": "x-y"}),
                  ).check_names()
    assert names == [
        "expect_column_values_to_not_be_null__facility_code",
        "expect_column_values_to_match_regex__ward_code",
        "expect_column_values_to_match_regex__ward_code_2",
        "expect_column_values_to_match_regex__ward_code_3",
        "expect_compound_columns_to_be_unique__facility_code_report_month",
        "expect_table_row_count_to_be_between",
        "expect_column_pair_values_a_to_be_greater_than_b__beds_actual_x_y",
    ]


def test_check_names_unique_when_a_column_ends_in_a_suffix():
    names = suite((NOT_NULL, {"column": "phone"}), (NOT_NULL, {"column": "phone", "mostly": 0.9}),
                  (NOT_NULL, {"column": "phone_2"})).check_names()
    assert len(set(names)) == 3 and all(DAGSTER_NAME.match(n) for n in names)
    # an expectation's own name is kept; the repeat takes the next free suffix
    assert names == [f"{NOT_NULL}__phone", f"{NOT_NULL}__phone_3", f"{NOT_NULL}__phone_2"]


@pytest.mark.parametrize("specs", [
    ((NOT_NULL, {"column": "phone_2"}), (NOT_NULL, {"column": "phone"}), (NOT_NULL, {"column": "phone"})),
    ((NOT_NULL, {"column": "a"}), (NOT_NULL, {"column": "a"}), (NOT_NULL, {"column": "a_2"}), (NOT_NULL, {"column": "a_2"}),
     (NOT_NULL, {"column": "a"}), (NOT_NULL, {"column": "a_3"})),
])
def test_check_names_unique_dagster_safe_and_stable(specs):
    names = suite(*specs).check_names()
    assert len(set(names)) == len(specs) and all(DAGSTER_NAME.match(n) for n in names)
    assert suite(*specs).check_names() == names


@pytest.mark.parametrize("name", sorted(p.stem for p in SHIPPED.glob("*.json")))
def test_shipped_suites_load_with_unique_dagster_safe_names(name):
    loaded = load_suite(SHIPPED, name)
    names = loaded.check_names()
    assert len(names) == len(set(names)) == len(loaded.expectations) > 0
    assert all(DAGSTER_NAME.match(n) for n in names)


def kinds(s: Suite) -> list[tuple[str, tuple[str, ...], str]]:
    return [(e.type, tuple(e.columns), e.severity) for e in s.expectations]


@pytest.mark.parametrize(("existing", "key", "added"), [
    ((), ["facility_code"], [(NOT_NULL, ("facility_code",), "critical"), (UNIQUE, ("facility_code",), "critical")]),
    ((), ["facility_code", "report_month"], [(NOT_NULL, ("facility_code",), "critical"),
                                             (NOT_NULL, ("report_month",), "critical"),
                                             (COMPOUND, ("facility_code", "report_month"), "critical")]),
    (((NOT_NULL, {"column": "facility_code"}, "warning"), (UNIQUE, {"column": "facility_code"})), ["facility_code"], []),
    (((UNIQUE, {"column": "facility_code"}),), ["facility_code"], [(NOT_NULL, ("facility_code",), "critical")]),
    (((NOT_NULL, {"column": "report_month"}), (COMPOUND, {"column_list": ["facility_code", "report_month"]})),
     ["facility_code", "report_month"], [(NOT_NULL, ("facility_code",), "critical")]),
    # a single-column unique on a member does not stand in for the compound key
    (((UNIQUE, {"column": "facility_code"}),), ["facility_code", "report_month"],
     [(NOT_NULL, ("facility_code",), "critical"), (NOT_NULL, ("report_month",), "critical"),
      (COMPOUND, ("facility_code", "report_month"), "critical")]),
    ((), [], []),
])
def test_with_primary_key(existing, key, added):
    base = suite(*existing)
    extended = base.with_primary_key(key)
    assert kinds(extended) == kinds(base) + added
    assert extended.expectations[:len(existing)] == base.expectations
    assert all(e.meta.get("added_by") for e in extended.expectations[len(existing):])
    assert extended.with_primary_key(key).expectations == extended.expectations  # idempotent
    names = extended.check_names()
    assert len(names) == len(set(names))


def test_to_gx_keeps_severity():
    spec = ExpectationSpec(UNIQUE, {"column": "a"}, "warning", {"m": 1})
    assert spec.to_gx() == {"type": UNIQUE, "kwargs": {"column": "a"}, "meta": {"m": 1}, "severity": "warning"}


def test_with_primary_key_compound_in_other_order_is_not_duplicated():
    base = suite((COMPOUND, {"column_list": ["report_month", "facility_code"]}))
    extended = base.with_primary_key(["facility_code", "report_month"])
    assert [e.type for e in extended.expectations].count(COMPOUND) == 1
