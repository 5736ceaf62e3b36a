"""Asset checks from a dataset's suite: one check per expectation, severity from the expectation."""

from __future__ import annotations

import dagster as dg

from expectations.suites import Suite


def _describe(spec) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in spec.kwargs.items())
    added = " (added for the primary key)" if spec.meta.get("added_by") else ""
    return f"{spec.type}({args}) — {spec.severity}{added}"


def check_specs(suite: Suite, asset_key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(name=name, asset=asset_key, description=_describe(spec),
                          metadata={"severity": spec.severity, "expectation_type": spec.type})
        for name, spec in zip(suite.check_names(), suite.expectations)
    ]


def check_results(validation, asset_key: dg.AssetKey) -> list[dg.AssetCheckResult]:
    """AssetCheckResults from a :class:`expectations.runner.Validation`."""
    results = []
    for outcome in validation.outcomes:
        severity = dg.AssetCheckSeverity.ERROR if outcome.spec.severity == "critical" else dg.AssetCheckSeverity.WARN
        metadata = {
            "element_count": outcome.element_count,
            "unexpected_count": outcome.unexpected_count,
            "unexpected_percent": outcome.unexpected_percent if outcome.unexpected_percent is not None else 0.0,
            "sample_unexpected_values": dg.MetadataValue.json(outcome.to_json()["sample_unexpected_values"]),
            "sample_rows": dg.MetadataValue.json(outcome.sample_rows),
        }
        if outcome.error:
            metadata["error"] = outcome.error
        if outcome.observed_value is not None:
            metadata["observed_value"] = str(outcome.observed_value)
        results.append(dg.AssetCheckResult(asset_key=asset_key, check_name=outcome.name, passed=outcome.success,
                                           severity=severity, metadata=metadata))
    return results
