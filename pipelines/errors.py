"""Errors raised by the ingest layer, each naming the dataset, file or URL and row where it can."""

from __future__ import annotations


class RegionlinkError(Exception):
    """Base class of every error regionlink reports to a user."""


class RegistryError(RegionlinkError):
    """The registry (or a suite it names) is invalid; the message names file and key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid registry:\n" + "\n".join(f"  - {p}" for p in problems))


class SourceError(RegionlinkError):
    """A dataset's source could not be fetched or read.

    ``row`` is where in the file, counted as ``row_label`` says: ``line`` (a CSV file's physical line),
    ``sheet row`` (XLSX), ``record`` (JSON, Parquet; 1-based) or plain ``row`` (a data row).
    """

    def __init__(self, dataset: str, message: str, *, url: str | None = None, row: int | None = None,
                 row_label: str = "row"):
        self.dataset, self.url, self.row, self.row_label, self.detail = dataset, url, row, row_label, message
        where = f" ({url})" if url else ""
        at_row = f", {row_label} {row}" if row is not None else ""
        super().__init__(f"dataset '{dataset}'{where}{at_row}: {message}")


class MissingVariableError(RegionlinkError):
    """A ``${VAR}`` in the registry names an environment variable that is not set."""
