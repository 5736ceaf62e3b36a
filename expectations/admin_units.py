"""GX expectation ``expect_column_values_to_be_valid_admin_unit_code`` (importing this module registers it).

kwargs: ``column``, ``level`` (``province`` | ``ward``), ``as_of`` (ISO date; the codes in force that day,
from :mod:`pipelines.admin_units`), plus the usual ``mostly``. Pandas engine only. Codes are compared as
text (leading zeros matter: ``"01"``, not ``1``); nulls are left to ``expect_column_values_to_not_be_null``.

A suite entry::

    {"type": "expect_column_values_to_be_valid_admin_unit_code",
     "kwargs": {"column": "ward_code", "level": "ward", "as_of": "2025-07-01"}, "severity": "critical"}
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, Tuple

from great_expectations.compatibility import pydantic
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider, column_condition_partial)

from pipelines.admin_units import valid_codes


class ColumnValuesValidAdminUnitCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_admin_unit_code"
    condition_value_keys = ("level", "as_of")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, level, as_of, **kwargs):
        codes = valid_codes(level, date.fromisoformat(str(as_of)))
        return column.map(lambda value: isinstance(value, str) and value in codes)  # exact: " 01" is not "01"


class ExpectColumnValuesToBeValidAdminUnitCode(ColumnMapExpectation):
    """Expect each value to be a Vietnamese administrative unit code of ``level`` in force on ``as_of``.

    Provinces have 2-digit codes (63 until 2025-06-30, 34 from 2025-07-01, Decision 19/2025/QĐ-TTg), communes
    and wards 5-digit ones (3,321 from 2025-07-01).
    """

    level: Literal["province", "ward"]
    as_of: str = pydantic.Field(description="ISO date: the codes in force on that day")

    map_metric = "column_values.valid_admin_unit_code"
    args_keys = ("column", "level", "as_of")
    domain_keys: ClassVar[Tuple[str, ...]] = ("column", "row_condition", "condition_parser")
    success_keys = ("level", "as_of", "mostly")

    library_metadata: ClassVar[dict] = {
        "maturity": "experimental",
        "tags": ["regionlink", "administrative units", "vietnam"],
        "contributors": ["regionlink"],
        "requirements": [],
    }

    @pydantic.validator("as_of")
    def _iso_date(cls, value: str) -> str:
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValueError(f"as_of must be an ISO date (YYYY-MM-DD), got {value!r}") from None
        return value
