"""The demo exchange behind ``make demo`` / ``make ui``: Huế (46) and its neighbour Đà Nẵng (48).

Starts the demo portal on loopback, makes demo key pairs once (``.regionlink/demo-keys.json``, git-ignored;
demo only), syncs Đà Nẵng's registry (``pipelines/demo/neighbour/``) into its own warehouse
(``.warehouse-danang/``), then Huế's registry into ``$REGIONLINK_WAREHOUSE`` — where ``danang_tour_guides``
is Đà Nẵng's shared ``tour_guides`` ingested after its signed manifest and files verified. Every step is the
real ``regionlink`` CLI, one process per region, as two data centres would run it.

    python -m orchestration.demo          # the demo (exit 0: one Huế dataset is quarantined on purpose)
    python -m orchestration.demo --ui     # neighbour sync, then the Dagster UI on Huế's estate
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(".regionlink")
NEIGHBOUR = ROOT / "pipelines" / "demo" / "neighbour"


def demo_keys(path: Path) -> dict[str, str]:
    """Both regions' demo key pairs and pseudonym keys, made once and kept beside the demo state."""
    if path.is_file():
        return json.loads(path.read_text())
    from warehouse.signing import generate_key_pair

    keys = {}
    for region in ("HUE", "DANANG"):
        keys[f"{region}_SIGNING_KEY"], keys[f"{region}_PUBLIC_KEY"] = generate_key_pair()
        keys[f"{region}_PSEUDONYM_KEY"] = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(keys, indent=2))
    path.chmod(0o600)
    return keys


@contextmanager
def demo_portal(state: Path):
    """The bundled portal in its own process group (stopped with the group on exit)."""
    if os.environ.get("DEMO_PORTAL"):
        yield os.environ["DEMO_PORTAL"]
        return
    url_file = state / "demo-portal.url"
    url_file.unlink(missing_ok=True)
    log = (state / "demo-portal.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.demo.portal", "--url-file", str(url_file)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(100):
            if url_file.is_file() and url_file.read_text().strip():
                break
            if proc.poll() is not None:
                raise SystemExit(f"demo portal exited; see {state / 'demo-portal.log'}")
            time.sleep(0.1)
        yield url_file.read_text().strip()
    finally:
        with _quiet():
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
        log.close()


def stop_group(proc: subprocess.Popen, grace: float = 30) -> int:
    """SIGINT to the process group (a Ctrl-C), then SIGKILL if it is still there after ``grace`` seconds."""
    with _quiet():
        os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(grace)
    except subprocess.TimeoutExpired:
        with _quiet():
            os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()


@contextmanager
def _quiet():
    try:
        yield
    except ProcessLookupError:
        pass


def environments(portal: str, keys: dict[str, str], state: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The two regions' environments (Huế's warehouse is ``$REGIONLINK_WAREHOUSE``, default ``.warehouse``)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("REGIONLINK_")}
    base.update(DEMO_PORTAL=portal, RUNTIME__DLTHUB_TELEMETRY="false", DAGSTER_DISABLE_TELEMETRY="1")
    danang_wh = os.environ.get("DEMO_DANANG_WAREHOUSE") or str(Path(".warehouse-danang").resolve())
    danang = {**base, "REGIONLINK_REGISTRY": str(NEIGHBOUR / "registry"),
              "REGIONLINK_EXPECTATIONS": str(NEIGHBOUR / "suites"), "REGIONLINK_WAREHOUSE": danang_wh,
              "REGIONLINK_WORKDIR": str(state / "danang"), "REGIONLINK_SIGNING_KEY": keys["DANANG_SIGNING_KEY"],
              "REGIONLINK_PSEUDONYM_KEY": keys["DANANG_PSEUDONYM_KEY"], "DEMO_HUE_PUBLIC_KEY": keys["HUE_PUBLIC_KEY"]}
    hue = {**base, **{k: v for k, v in os.environ.items() if k.startswith("REGIONLINK_")},
           "REGIONLINK_SIGNING_KEY": keys["HUE_SIGNING_KEY"], "REGIONLINK_PSEUDONYM_KEY": keys["HUE_PSEUDONYM_KEY"],
           "DEMO_DANANG_PUBLIC_KEY": keys["DANANG_PUBLIC_KEY"], "DEMO_DANANG_WAREHOUSE": danang_wh}
    return hue, danang


def regionlink(*args: str, env: dict[str, str]) -> int:
    return subprocess.run([sys.executable, "-m", "orchestration.cli", *args], env=env).returncode


def exchange_summary(hue: dict[str, str]) -> bool:
    """Print what crossed the regional boundary; False when the shared dataset did not arrive."""
    from warehouse.config import WarehouseConfig
    from warehouse.reader import PublishedWarehouse

    catalog = PublishedWarehouse(WarehouseConfig.from_env(hue)).catalog()
    for entry in catalog["datasets"]:
        if entry.get("lineage") and entry.get("version") is not None:
            origin = entry["lineage"]
            print(f"exchange: {entry['id']} ← region {origin['region']} '{origin['dataset']}' version "
                  f"{origin['version']}, {entry['rows']:,} rows, signature and checksums verified", flush=True)
            return True
    print("exchange: nothing arrived from Đà Nẵng (see the danang_tour_guides row above)", file=sys.stderr)
    return False


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ui", action="store_true", help="open the Dagster UI on Huế's estate after the neighbour sync")
    parser.add_argument("--port", type=int, default=3000, help="the UI's port on 127.0.0.1")
    parser.add_argument("--state", type=Path, default=STATE, help="demo state folder (keys, logs, work files)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # stop the UI and the portal (own process groups) with us
    args.state.mkdir(parents=True, exist_ok=True)
    keys = demo_keys(args.state / "demo-keys.json")
    with demo_portal(args.state) as portal:
        print(f"demo portal: {portal}", flush=True)
        hue, danang = environments(portal, keys, args.state)
        print("── Đà Nẵng (48): its own datasets, into", danang["REGIONLINK_WAREHOUSE"], flush=True)
        if regionlink("sync", env=danang) != 0:
            return 1
        if args.ui:
            dagster_home = Path(".dagster").resolve()
            dagster_home.mkdir(exist_ok=True)
            (dagster_home / "dagster.yaml").write_bytes((ROOT / "deploy" / "dagster.yaml").read_bytes())
            # dagster dev shuts down on SIGINT only (it ignores SIGTERM), and a shell's `&` may have left SIGINT
            # ignored for its children: restore it, and stop the UI's own process group with it
            ui = subprocess.Popen([sys.executable, "-m", "dagster", "dev", "-w", str(ROOT / "workspace.yaml"),
                                   "-h", "127.0.0.1", "-p", str(args.port)], env={**hue, "DAGSTER_HOME": str(dagster_home)},
                                  start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
            try:
                return ui.wait()
            except KeyboardInterrupt:
                return stop_group(ui)
        print("── Huế (46): its agencies, and what Đà Nẵng shares with it", flush=True)
        if regionlink("validate", env=hue) != 0:
            return 2
        status = regionlink("sync", env=hue)
        regionlink("catalog", env=hue)
    if not exchange_summary(hue):
        return 1
    if status == 1:
        print("(exit 1 above is expected: hospital_beds fails a critical expectation and is quarantined)")
    return 0 if status <= 1 else status


if __name__ == "__main__":
    sys.exit(main())
