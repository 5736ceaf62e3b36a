"""``regionlink keys | grants | pull | audit``: what regions need to exchange data with each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)

keys_app = typer.Typer(no_args_is_help=True, help="The region's Ed25519 signing keys.")
grants_app = typer.Typer(no_args_is_help=True, help="Partners' read-only credentials on the object store.")

Backend = Annotated[str, typer.Option("--backend", help="iam (AWS-style IAM API) or minio (MinIO admin API).")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]{message}[/red]", highlight=False)
    return typer.Exit(code)


@keys_app.command("init")
def keys_init() -> None:
    """Print a new key pair (base64): keep the private one secret (REGIONLINK_SIGNING_KEY), give partners
    the public one (their registry's partners.<code>.public_key)."""
    from warehouse.signing import generate_key_pair

    private, public = generate_key_pair()
    print(json.dumps({"private_key": private, "public_key": public}))
    err.print("Set REGIONLINK_SIGNING_KEY to private_key (a secret store, not a file in the repository); "
              "partners register public_key under partners.<your code>.public_key.")


def _grants(codes: list[str] | None):
    from orchestration.cli import _project
    from orchestration.sharing_steps import partner_grants

    project = _project()
    try:
        return project, partner_grants(project.registry, codes)
    except KeyError as exc:
        raise _fail(exc.args[0], 2) from None


def _warehouse_config():
    from warehouse.config import WarehouseConfig

    config = WarehouseConfig.from_env()
    if not config.is_s3:
        raise _fail(f"grants need an S3 warehouse (REGIONLINK_WAREHOUSE is {config.location})", 2)
    return config


@grants_app.command("plan")
def grants_plan(codes: Annotated[list[str] | None, typer.Argument(help="Partner codes (default: all).")] = None) -> None:
    """Print each partner's policy document (AWS policy grammar, also MinIO's) and the open-data bucket policy."""
    from warehouse.grants import open_data_policy, partner_policy, partner_user

    project, grants = _grants(codes)
    config = _warehouse_config()
    plan = {"warehouse": config.location, "partners": [
        {"partner": g.code, "name": g.name, "user": partner_user(g.code), "datasets": list(g.datasets),
         "policy": partner_policy(config.location, g)} for g in grants]}
    if not codes:
        opened = sorted(d.id for d in project.registry.datasets.values() if d.sharing == "open")
        plan["open_data_bucket_policy"] = open_data_policy(config.location, opened)
    print(json.dumps(plan, ensure_ascii=False, indent=2))


def _backend(name: str, config):
    if name == "iam":
        import os

        from warehouse.grants_iam import IamBackend

        return IamBackend.from_config(config, iam_endpoint_url=os.environ.get("AWS_ENDPOINT_URL_IAM"))
    if name == "minio":
        from warehouse.grants_minio import MinioBackend

        return MinioBackend.from_config(config)
    raise _fail(f"--backend must be iam or minio, not {name!r}", 2)


@grants_app.command("apply")
def grants_apply(codes: Annotated[list[str] | None, typer.Argument(help="Partner codes (default: all).")] = None,
                 backend: Backend = "minio") -> None:
    """Create or update each partner's user and policy; a new user's access key is printed once, as a JSON
    line on stdout (store it in your secret manager and send it to the partner; it is kept nowhere)."""
    from warehouse import audit
    from warehouse.grants import GrantError, partner_policy, partner_user
    from warehouse.store import Warehouse

    _, grants = _grants(codes)
    config = _warehouse_config()
    wh, chosen = Warehouse(config), _backend(backend, config)
    for grant in grants:
        try:
            issued = chosen.apply(grant, partner_policy(config.location, grant))
        except GrantError as exc:
            raise _fail(str(exc)) from None
        if issued is not None:  # before anything else can fail: the secret exists nowhere but here
            print(issued.to_json_line(), flush=True)
        audit.record(wh, "grant", partner=grant.code, user=partner_user(grant.code), backend=backend,
                     datasets=list(grant.datasets), access_key_id=issued.access_key_id if issued else None)
        err.print(f"partner {grant.code}: {len(grant.datasets)} dataset(s) granted"
                  + (", new access key issued" if issued else ""), highlight=False)


@grants_app.command("revoke")
def grants_revoke(code: Annotated[str, typer.Argument(help="Partner code.")], backend: Backend = "minio") -> None:
    """Remove the partner's user, policy and keys: its access stops at once."""
    from warehouse import audit
    from warehouse.grants import GrantError, partner_user
    from warehouse.store import Warehouse

    config = _warehouse_config()
    try:
        removed = _backend(backend, config).revoke(code)
    except GrantError as exc:
        raise _fail(str(exc)) from None
    audit.record(Warehouse(config), "revoke", partner=code, user=partner_user(code), backend=backend, removed=removed)
    err.print(f"partner {code}: " + ("access revoked" if removed else "had no grant"), highlight=False)


@grants_app.command("open")
def grants_open() -> None:
    """Set the warehouse bucket's policy so anyone may read the open datasets (their table and manifest
    prefixes, catalog/open.json, keys/). It replaces the bucket's policy: `grants plan` shows the document."""
    from warehouse import audit
    from warehouse.grants import GrantError, apply_open_data_policy
    from warehouse.store import Warehouse

    project, _ = _grants([])
    config = _warehouse_config()
    opened = sorted(d.id for d in project.registry.datasets.values() if d.sharing == "open")
    try:
        apply_open_data_policy(config, opened)
    except GrantError as exc:
        raise _fail(str(exc)) from None
    audit.record(Warehouse(config), "open_data_policy", datasets=opened)
    err.print(f"open data: {len(opened)} dataset(s) readable by anyone", highlight=False)


def pull(dataset: Annotated[str, typer.Argument(help="Dataset id in the sharing region's catalog.")],
         source: Annotated[str, typer.Option("--from", help="The sharing region's warehouse, s3://bucket[/prefix].")],
         public_key: Annotated[str, typer.Option("--public-key", help="Its public key (base64), or @file.")],
         region: Annotated[str, typer.Option("--region", help="The sharing region's code (for messages).")] = "partner",
         audience: Annotated[str, typer.Option("--as", help="Our region code (its catalog view for us), or open.")] = "open",
         version: Annotated[int | None, typer.Option(help="A given version instead of the current one.")] = None,
         out: Annotated[Path, typer.Option("--out", help="Folder for the Parquet file and manifest.")] = Path("."),
         endpoint: Annotated[str | None, typer.Option(help="S3 endpoint (default AWS_ENDPOINT_URL).")] = None) -> None:
    """Fetch a dataset a region shares with us, verifying its signed manifest and every file's sha256, into
    one Parquet file. Credentials: the access key it issued us, in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY."""
    from warehouse.config import WarehouseConfig
    from warehouse.pull import pull as fetch
    from warehouse.signing import SigningError, load_public_key
    from warehouse.store import Warehouse, WarehouseError

    key_text = Path(public_key[1:]).read_text().strip() if public_key.startswith("@") else public_key
    config = WarehouseConfig.from_env().model_copy(update={"location": source})
    if endpoint:
        config = config.model_copy(update={"endpoint_url": endpoint})
    origin = f"region {region}"
    try:
        done = fetch(Warehouse(config), dataset, public_key=load_public_key(key_text, owner=origin), origin=origin,
                     out_dir=out, audience=audience, version=version)
    except (WarehouseError, SigningError, OSError) as exc:
        raise _fail(f"{dataset}: {exc}") from None
    console.print(f"[green]✓[/green] {dataset} version {done.version}: {done.rows:,} rows verified → {done.path}")


def audit_log(since: Annotated[str | None, typer.Option(help="Only events on or after this date (YYYY-MM-DD).")] = None,
              event: Annotated[str | None, typer.Option(help="Only this event (publish, quarantine, grant, revoke).")] = None,
              warehouse: Annotated[str | None, typer.Option("--warehouse", "-w")] = None) -> None:
    """Print the warehouse's audit log as JSON lines (oldest first)."""
    from warehouse.audit import read_events
    from warehouse.config import WarehouseConfig
    from warehouse.store import Warehouse

    config = WarehouseConfig.from_env()
    if warehouse:
        config = config.model_copy(update={"location": warehouse})
    for item in read_events(Warehouse(config), since=since, event=event):
        print(json.dumps(item, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    app.add_typer(grants_app, name="grants")
    app.command("pull")(pull)
    app.command("audit")(audit_log)
