"""Validate a staged batch with its GX suite in bounded memory, and summarise the outcome per expectation.

Row-wise (column-map) expectations run chunk by chunk and their counts are summed; uniqueness and aggregate
expectations run once, over only the columns they read; table-schema ones over a zero-row frame.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import pyarrow as pa

from expectations.suites import UNIQUENESS, ExpectationSpec, Suite

CHUNK_ROWS = 500_000
SAMPLE = 20
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE}


@dataclass
class CheckOutcome:
    """One expectation's result over the whole batch."""

    name: str
    spec: ExpectationSpec
    success: bool = True
    element_count: int = 0
    unexpected_count: int = 0
    missing_count: int = 0
    observed_value: object = None
    sample_values: list = field(default_factory=list)
    sample_rows: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def unexpected_percent(self) -> float | None:
        denominator = self._denominator()
        return None if not denominator else round(100.0 * self.unexpected_count / denominator, 4)

    def _denominator(self) -> int:
        nulls_are_the_point = self.spec.type in ("expect_column_values_to_not_be_null", "expect_column_values_to_be_null")
        return self.element_count if nulls_are_the_point else self.element_count - self.missing_count

    def to_json(self) -> dict:
        return {
            "check": self.name, "type": self.spec.type, "kwargs": self.spec.kwargs, "severity": self.spec.severity,
            "success": self.success, "element_count": self.element_count, "unexpected_count": self.unexpected_count,
            "unexpected_percent": self.unexpected_percent, "observed_value": _plain(self.observed_value),
            "sample_unexpected_values": _plain(self.sample_values), "sample_rows": self.sample_rows, "error": self.error,
        }


@dataclass
class Validation:
    outcomes: list[CheckOutcome]
    rows: int

    @property
    def status(self) -> str:
        if any(not o.success and o.spec.severity == "critical" for o in self.outcomes):
            return "failed"
        return "warning" if any(not o.success for o in self.outcomes) else "passed"

    def failed(self, severity: str | None = None) -> list[CheckOutcome]:
        return [o for o in self.outcomes if not o.success and (severity is None or o.spec.severity == severity)]


def _plain(value: object) -> object:
    """JSON-safe values (GX results may hold numpy / pandas scalars and timestamps)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)


@cache
def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    import expectations.admin_units  # noqa: F401  registers expect_column_values_to_be_valid_admin_unit_code

    from great_expectations.data_context.types.base import ProgressBarsConfig

    _skip_batch_fingerprint()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    definition = (context.data_sources.add_pandas("regionlink").add_dataframe_asset("batch")
                  .add_batch_definition_whole_dataframe("whole"))
    return gx, definition


def _skip_batch_fingerprint() -> None:
    """Stop GX hashing every DataFrame it is given (``pandas_data_fingerprint``, a batch marker nothing here reads).

    GX hashes each in-memory batch below ``HASH_THRESHOLD`` bytes, twice per validation; on a 500k-row chunk that
    was about 60% of GX's time. A threshold of 0 turns the hashing off; results are unchanged.
    """
    from great_expectations.execution_engine import pandas_execution_engine as engine

    if hasattr(engine, "HASH_THRESHOLD"):
        engine.HASH_THRESHOLD = 0


@cache
def is_row_wise(expectation_type: str) -> bool:
    """Whether per-chunk results of this expectation add up to the whole batch's (map expectations)."""
    _gx()  # custom expectations are registered there
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)
    from great_expectations.expectations.registry import get_expectation_impl

    if expectation_type in UNIQUENESS:
        return False
    impl = get_expectation_impl(expectation_type)
    return issubclass(impl, (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation))


_TAG = "regionlink_check"


def build_suite(suite: Suite, outcomes: list[CheckOutcome] | None = None):
    """The GX ``ExpectationSuite`` (default: every expectation); GX rejects unknown types / bad kwargs here."""
    gx, _ = _gx()
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    gx_suite = gx.ExpectationSuite(name=suite.name)
    pairs = zip(suite.check_names(), suite.expectations) if outcomes is None else ((o.name, o.spec) for o in outcomes)
    for name, spec in pairs:
        config = spec.to_gx()
        config["meta"] = {**config["meta"], _TAG: name}
        # add_expectation_configuration would replace an earlier expectation of the same type and column
        gx_suite.add_expectation(ExpectationConfiguration(**config).to_domain_obj())
    return gx_suite


def _run(gx_suite, frame, outcomes: list[CheckOutcome], summed: bool) -> None:
    """Validate ``frame`` and fold each result into its outcome (GX does not keep the suite's order)."""
    from great_expectations.validator.v1_validator import Validator

    _, definition = _gx()
    # what ``Batch.validate`` builds, without first building (and discarding) a Batch of its own
    validator = Validator(batch_definition=definition, batch_parameters={"dataframe": frame}, result_format=RESULT_FORMAT)
    by_name = {o.name: o for o in outcomes}
    for result in validator.validate_expectation_suite(gx_suite).results:
        _absorb(by_name[result.expectation_config.meta[_TAG]], result, summed)


def _exception(result) -> str | None:
    info = result.exception_info or {}
    nested = [info] + [v for v in info.values() if isinstance(v, dict)]
    for entry in nested:
        if entry.get("raised_exception"):
            return entry.get("exception_message") or "expectation raised an error"
    return None


def _absorb(outcome: CheckOutcome, result, summed: bool) -> None:
    error = _exception(result)
    if error:
        outcome.success, outcome.error = False, error
        return
    body = result.result or {}
    if not summed:
        outcome.success = bool(result.success)
    outcome.element_count += int(body.get("element_count") or 0)
    outcome.unexpected_count += int(body.get("unexpected_count") or 0)
    outcome.missing_count += int(body.get("missing_count") or 0)
    outcome.observed_value = body.get("observed_value", outcome.observed_value)
    room = SAMPLE - len(outcome.sample_values)
    outcome.sample_values += list(body.get("partial_unexpected_list") or [])[:room]
    rows = [int(i) + 1 for i in (body.get("partial_unexpected_index_list") or []) if isinstance(i, (int,)) or hasattr(i, "item")]
    outcome.sample_rows += rows[: SAMPLE - len(outcome.sample_rows)]


def _finish_summed(outcome: CheckOutcome) -> None:
    if outcome.error:
        return
    denominator = outcome._denominator()
    mostly = float(outcome.spec.kwargs.get("mostly", 1.0))
    outcome.success = denominator == 0 or (1 - outcome.unexpected_count / denominator) >= mostly


def _frames(reader: pa.RecordBatchReader) -> Iterator:
    offset = 0
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    for batch in reader:
        pending.append(batch)
        pending_rows += batch.num_rows
        if pending_rows >= CHUNK_ROWS:
            frame = _frame(pa.Table.from_batches(pending), offset)
            yield frame
            offset += len(frame)
            pending, pending_rows = [], 0
    if pending or offset == 0:
        yield _frame(pa.Table.from_batches(pending, schema=reader.schema), offset)


def _frame(table: pa.Table, offset: int):
    """``table`` as a pandas frame whose row labels count from ``offset``.

    The Arrow buffers are released column by column as they convert (``self_destruct``; ``table`` is unusable
    afterwards), and columns stay separate blocks, so a chunk is not held twice, or three times, at once.
    """
    import pandas as pd

    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    frame.index = pd.RangeIndex(offset, offset + len(frame))
    return frame


def validate(suite: Suite, open_reader, schema: pa.Schema) -> Validation:
    """Validate a batch: ``open_reader(columns)`` returns a fresh RecordBatchReader over those columns."""
    names = suite.check_names()
    outcomes = [CheckOutcome(name, spec) for name, spec in zip(names, suite.expectations)]
    data_columns = [f.name for f in schema if not f.name.startswith("_")]
    for outcome in outcomes:
        absent = [c for c in outcome.spec.columns if c not in data_columns]
        if absent:
            outcome.success = False
            outcome.error = f"column(s) {absent} not in the batch; its columns are {data_columns}"
    outcomes_run = [o for o in outcomes if o.error is None and not o.spec.type.startswith("regionlink_")]
    row_wise = [o for o in outcomes_run if is_row_wise(o.spec.type)]
    schema_only = [o for o in outcomes_run if o not in row_wise and o.spec.type.startswith("expect_table_column")]
    whole = [o for o in outcomes_run if o not in row_wise and o not in schema_only]
    rows = 0
    if row_wise:
        wanted = sorted({c for o in row_wise for c in o.spec.columns}, key=data_columns.index)
        gx_suite = build_suite(suite, row_wise)
        for frame in _frames(open_reader(wanted)):
            rows += len(frame)
            _run(gx_suite, frame, row_wise, summed=True)
        for outcome in row_wise:
            _finish_summed(outcome)
    if whole:
        wanted = sorted({c for o in whole for c in o.spec.columns}, key=data_columns.index)
        frame = _frame(open_reader(wanted).read_all(), 0)  # one frame: uniqueness compares every row
        pa.default_memory_pool().release_unused()  # GX's own work allocates outside Arrow's pool
        rows = len(frame)
        _run(build_suite(suite, whole), frame, whole, summed=False)
        del frame
    if schema_only:
        empty = pa.Table.from_batches([], schema=pa.schema([schema.field(c) for c in data_columns])).to_pandas()
        _run(build_suite(suite, schema_only), empty, schema_only, summed=False)
    # Arrow's allocator keeps the pages of the chunks it freed (~150 MB on 5M rows); what runs next (the Delta
    # write) allocates outside Arrow's pool and could not reuse them, so they would only add to peak memory
    pa.default_memory_pool().release_unused()
    return Validation(outcomes=outcomes, rows=rows)


def empty_validation(suite: Suite) -> Validation:
    """The outcomes of a batch with no rows to check (each expectation left as not evaluated, passing)."""
    return Validation(outcomes=[CheckOutcome(n, s) for n, s in zip(suite.check_names(), suite.expectations)], rows=0)
