"""Load the registry and its suites together (what definitions, the CLI and tests all start from)."""

from __future__ import annotations

from dataclasses import dataclass

from expectations.suites import Suite, SuiteError, load_suite
from pipelines.errors import RegistryError
from pipelines.loader import load_registry
from pipelines.model import Registry
from pipelines.settings import IngestSettings


@dataclass(frozen=True)
class Project:
    registry: Registry
    suites: dict[str, Suite]
    settings: IngestSettings


def load_project(settings: IngestSettings | None = None) -> Project:
    """Registry + one parsed suite per dataset; every problem reported at once, naming file and key."""
    settings = settings or IngestSettings.from_env()
    registry = load_registry(settings.registry, settings.expectations)
    suites, problems = {}, []
    for dataset in registry.datasets.values():
        try:
            suites[dataset.id] = load_suite(settings.expectations, dataset.suite)
        except SuiteError as exc:
            problems.append(f"{registry.origin[dataset.id]}: datasets ({dataset.id}).expectations: {exc}")
    if problems:
        raise RegistryError(problems)
    return Project(registry, suites, settings)
