"""Profile the stages of `regionlink sync` outside Dagster: ingest, validate, publish (wall, CPU, peak RSS).

Uses the same generated CSV, registry and 6-expectation suite as `ingest.py`. The ingest runs once per size;
validate and publish are then repeated (`--repeat`) on that raw load, publishing each time into an empty table.
CPU is user+system of this process and its (waited-for) children; peak RSS is the sum over the process tree,
sampled every 20 ms, for that stage only.

    .venv/bin/python benchmarks/steps.py [--sizes 500000 5000000] [--repeat 3] [--stages validate publish]
"""
from __future__ import annotations

import argparse, json, os, resource, shutil, sys, tempfile, threading, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest as bench  # noqa: E402  (benchmarks/ingest.py)


class Sampler:
    """Peak RSS summed over this process and its children while the block runs."""

    def __init__(self, every: float = 0.02):
        import psutil

        self.proc, self.every, self.peak, self._stop = psutil.Process(), every, 0, threading.Event()

    def _run(self):
        import psutil

        while not self._stop.is_set():
            rss = 0
            for p in [self.proc, *self.proc.children(recursive=True)]:
                try:
                    rss += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, rss)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn):
    t0, c0 = time.perf_counter(), cpu()
    with Sampler() as s:
        value = fn()
    return value, {"wall": time.perf_counter() - t0, "cpu": cpu() - c0, "peak_rss": s.peak}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500_000, 5_000_000])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--stages", nargs="+", default=["validate", "publish"], choices=["validate", "publish"])
    ap.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / ".data")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    data = args.workdir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    server, url = bench.serve(data)
    runs = Path(tempfile.mkdtemp(prefix="steps-", dir=data))
    t0 = time.perf_counter()
    from expectations import runner
    from orchestration import steps
    from pipelines.loader import load_registry
    from pipelines.settings import IngestSettings
    from expectations.suites import load_suite
    from warehouse import layout
    from warehouse.raw import latest_load
    from warehouse.staging import curated_batch
    from warehouse.store import Warehouse
    from warehouse.tables import publish
    import datetime

    runner._gx()
    print(f"imports + GX context: {time.perf_counter() - t0:.2f} s; load {os.getloadavg()[0]:.2f}", flush=True)
    results = {}
    try:
        for n in sorted(set(args.sizes)):
            ds, csv = f"bench_{n}", data / f"bench_{n}.csv"
            if not csv.exists():
                bench.generate(csv, n)
            root = runs / ds
            env = bench.write_config(root, ds, n) | {"BENCH_PORTAL": url}
            os.environ.update(env)
            settings = IngestSettings.from_env()
            registry = load_registry(settings.registry, settings.expectations)
            dataset = registry.datasets[ds]
            suite = steps.dataset_suite(load_suite(settings.expectations, dataset.suite), dataset)
            wh = Warehouse.from_env()
            r = results[n] = {"load": os.getloadavg()[0]}
            _, r["ingest"] = measure(lambda: steps.ingest(dataset, wh, settings, dict(os.environ)))
            load = latest_load(wh, ds)
            batch = curated_batch(wh, load, run_id="bench", loaded_at=datetime.datetime.now(datetime.timezone.utc))
            print(f"{ds}: ingest {_fmt(r['ingest'])}", flush=True)
            for stage in args.stages:
                r[stage] = []
                for i in range(args.repeat):
                    if stage == "validate":
                        v, m = measure(lambda: runner.validate(suite, batch.reader, batch.schema))
                        m["status"] = v.status
                        m["counts"] = [(o.name, o.element_count, o.unexpected_count) for o in v.outcomes][:3]
                    else:
                        shutil.rmtree(wh.path(layout.curated(ds)), ignore_errors=True)
                        info, m = measure(lambda: publish(wh, ds, batch, mode=dataset.write_mode,
                                                          primary_key=list(dataset.primary_key), run_id="bench",
                                                          load_id=load.load_id))
                        m["rows"] = info.rows
                    m["load"] = os.getloadavg()[0]
                    r[stage].append(m)
                    print(f"{ds}: {stage} #{i + 1} {_fmt(m)}", flush=True)
    finally:
        server.shutdown()
        shutil.rmtree(runs, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=1, default=str))
    return 0


def _fmt(m: dict) -> str:
    extra = {k: v for k, v in m.items() if k not in ("wall", "cpu", "peak_rss")}
    return f"wall {m['wall']:.2f} s, cpu {m['cpu']:.2f} s, peak RSS {m['peak_rss'] / 2**20:.0f} MiB {extra}"


if __name__ == "__main__":
    sys.exit(main())
