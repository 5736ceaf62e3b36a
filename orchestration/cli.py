"""``regionlink``: validate the registry, sync datasets through Dagster, list what a warehouse publishes, and
exchange data with partner regions (keys, grants, pull, audit)."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()
err = Console(stderr=True)

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

WarehouseOpt = Annotated[str | None, typer.Option("--warehouse", "-w", help="Override REGIONLINK_WAREHOUSE.")]


def _project():
    from orchestration.project import load_project
    from pipelines.errors import RegistryError

    try:
        return load_project()
    except RegistryError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def validate() -> None:
    """Check the registry and every suite (GX parses each expectation); non-zero on any error."""
    from expectations.runner import build_suite
    from pipelines.envsubst import variables

    project = _project()
    problems, unset = [], set()
    for dataset in project.registry.datasets.values():
        suite = project.suites[dataset.id]
        try:
            build_suite(suite.with_primary_key(list(dataset.primary_key)))
        except Exception as exc:  # GX raises many types for bad expectation configs
            problems.append(f"{suite.path}: {type(exc).__name__}: {exc}")
        for text in _strings(dataset.source.model_dump()):
            unset |= {v for v in variables(text) if v not in os.environ}
    for partner in project.registry.partners.values():
        unset |= {v for v in variables(partner.public_key) if v not in os.environ}
    for problem in problems:
        err.print(f"[red]✗ {problem}[/red]")
    if unset:
        err.print(f"[yellow]! environment variable(s) not set here (needed at sync time): {', '.join(sorted(unset))}[/yellow]")
    if problems:
        raise typer.Exit(1)
    console.print(f"[green]✓[/green] {len(project.registry.datasets)} datasets, {len(project.registry.publishers)} "
                  f"publishers, region {project.registry.region.code} {project.registry.region.name}: registry and suites valid")


def _strings(value) -> list[str]:
    """Every string inside a source's settings (URLs, headers, params…), where ``${VAR}`` may appear."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _instance():
    import dagster as dg

    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


@app.command()
def sync(ids: Annotated[list[str] | None, typer.Argument(help="Dataset ids (default: all).")] = None,
         warehouse: WarehouseOpt = None,
         reprocess: Annotated[bool, typer.Option(help="Validate the newest raw load again even if already "
                                                       "processed (after correcting a suite).")] = False) -> None:
    """Pull, check and publish datasets (the nightly job, run in-process); exit 1 if any dataset failed."""
    if warehouse:
        os.environ["REGIONLINK_WAREHOUSE"] = warehouse
    project = _project()
    try:
        project.registry.select(ids)
    except KeyError as exc:
        err.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(2) from None
    from orchestration.sync import run_sync

    with _instance() as instance:
        runs = run_sync(project, ids, instance, progress=lambda line: console.print(f"  {line}", highlight=False),
                        reprocess=reprocess)
    table = Table(title="regionlink sync")
    for column in ("dataset", "status", "rows", "version", "quality", "detail"):
        table.add_column(column, overflow="fold")
    styles = {"published": "green", "unchanged": "cyan", "quarantined": "yellow"}
    for run in runs.values():
        style = styles.get(run.status, "red")
        table.add_row(run.dataset, f"[{style}]{run.status}[/{style}]", "" if run.rows is None else f"{run.rows:,}",
                      "" if run.version is None else str(run.version), run.quality or "", run.message)
    console.print(table)
    failed = [r.dataset for r in runs.values() if r.failed]
    if failed:
        err.print(f"[red]{len(failed)} of {len(runs)} dataset(s) failed: {', '.join(failed)}[/red]")
        raise typer.Exit(1)


@app.command("catalog")
def show_catalog(warehouse: WarehouseOpt = None,
                 as_json: Annotated[bool, typer.Option("--json", help="Print catalog.json as is.")] = False) -> None:
    """List the datasets a warehouse publishes (reads its catalog.json)."""
    import json

    from warehouse.catalog import read_catalog
    from warehouse.config import WarehouseConfig
    from warehouse.store import Warehouse

    config = WarehouseConfig.from_env()
    if warehouse:
        config = config.model_copy(update={"location": warehouse})
    catalog = read_catalog(Warehouse(config))
    if catalog is None:
        err.print(f"[red]no catalog.json in {config.location} (nothing published yet?)[/red]")
        raise typer.Exit(1)
    if as_json:
        print(json.dumps(catalog, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{catalog['region']['name']} ({catalog['region']['code']}) — {config.location}")
    for column in ("id", "title", "publisher", "version", "rows", "quality", "sharing"):
        table.add_column(column, overflow="fold")
    for entry in catalog["datasets"]:
        sharing = entry.get("sharing", "internal")
        if entry.get("share_with"):
            sharing += " → " + ", ".join(entry["share_with"])
        if entry.get("lineage"):
            sharing += f" (from {entry['lineage']['region']})"
        table.add_row(entry["id"], entry["title"], entry["publisher"]["name"],
                      str(entry.get("version") if entry.get("version") is not None else "—"), f"{entry.get('rows', 0):,}",
                      entry["quality"]["status"], sharing)
    console.print(table)


@app.command()
def discover(portal: Annotated[str, typer.Argument(help="Base URL of a CKAN portal.")],
             emit: Annotated[list[str] | None, typer.Option("--emit", help="Print registry entries for these package ids.")] = None) -> None:
    """List what a CKAN portal offers (id, title, formats, modified); with --emit, print registry entries."""
    from pipelines.discover import discover as find, registry_entries
    from pipelines.errors import RegionlinkError

    try:
        offers = find(portal)
        if emit:
            print(registry_entries(portal, offers, emit), end="")
            return
    except (RegionlinkError, KeyError) as exc:
        err.print(f"[red]{exc.args[0] if isinstance(exc, KeyError) else exc}[/red]")
        raise typer.Exit(1) from None
    table = Table(title=f"{portal} — {len(offers)} packages")
    for column in ("id", "title", "publisher", "formats", "modified"):
        table.add_column(column, overflow="fold")
    for offer in offers:
        table.add_row(offer.id, offer.title, offer.organization, ", ".join(offer.formats), offer.modified or "")
    console.print(table)


def _register_exchange() -> None:
    from orchestration.cli_exchange import register

    register(app)


_register_exchange()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
