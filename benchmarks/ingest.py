"""Ingest benchmark: `regionlink sync` against a bare pyarrow baseline on the same machine.

For each size it generates (and caches) a 10-column Vietnamese-flavoured CSV, serves it over loopback
HTTP, then times
  * the baseline: HTTP stream -> pyarrow.csv.open_csv -> pyarrow.parquet.ParquetWriter (in process), and
  * the full path: `regionlink sync bench_<size>` as a subprocess (dlt ingest -> GX validation -> Delta
    publish) against a throw-away registry, expectation suite and warehouse, sampling its peak RSS.
It prints a table, the marginal ratio (T_sync(max) - T_sync(min)) / (T_pyarrow(max) - T_pyarrow(min))
and a verdict against the targets (marginal ratio <= 2, peak RSS <= 1 GiB).

    .venv/bin/python benchmarks/ingest.py [--sizes 500000 5000000] [--quick] [--keep] [--json] [--workdir DIR] [--repeat N]
"""
from __future__ import annotations

import argparse, base64, functools, http.server, json, os, resource, shutil, subprocess, sys, tempfile, threading, time
import unicodedata, urllib.request
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO, TARGET_RSS = 2.0, 1024**3
_nfc = lambda words: [unicodedata.normalize("NFC", w) for w in words]
PLACES = _nfc(["Thuận Hoá", "Phú Xuân", "Hương Thuỷ", "Kim Long", "Vỹ Dạ", "Phú Hội", "Thuận An", "Hương Trà",
               "Phong Điền", "Quảng Điền", "Phú Vang", "Phú Lộc", "Nam Đông", "A Lưới", "Lăng Cô", "Chân Mây",
               "An Cựu", "Thuỷ Xuân", "Đông Ba", "Tây Lộc", "Trường An", "Phước Vĩnh", "Xuân Phú", "Hương Sơ"])
PREFIXES = _nfc(["Trường Tiểu học", "Trường THCS", "Trường THPT", "Trường Mầm non", "Trạm Y tế", "Nhà văn hoá"])
WARD_KINDS = _nfc(["Phường", "Xã", "Thị trấn"])
PROVINCES = ["01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37", "38", "40",
             "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79", "80", "82", "86", "91", "92", "96"]
# source header -> (curated name, registry type); the codes must stay strings (leading zeros)
COLUMNS = {"id": ("id", "integer"), "ma_truong": ("school_code", "string"), "ma_tinh": ("province_code", "string"),
           "ten_truong": ("school_name", "string"), "ten_xa": ("ward_name", "string"),
           "dien_tich": ("area_m2", "float"), "kinh_do": ("longitude", "float"), "vi_do": ("latitude", "float"),
           "ngay_thanh_lap": ("founded_on", "date"), "ngay_cap_nhat": ("updated_on", "date")}
STRING_TYPES = {src: pa.string() for src, (_, t) in COLUMNS.items() if t == "string"}


def _batch(rng: np.random.Generator, start: int, n: int) -> pa.RecordBatch:
    pick = lambda words: pa.array(words).take(pa.array(rng.integers(0, len(words), n)))
    ids = np.arange(start, start + n, dtype=np.int64)
    code = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 100_000, n)), pa.string()), 5, "0")
    num = pc.cast(pa.array(ids % 97 + 1), pa.string())
    founded = np.datetime64("1975-01-01") + rng.integers(0, 18_000, n).astype("timedelta64[D]")
    updated = np.minimum(founded + rng.integers(0, 4_000, n).astype("timedelta64[D]"), np.datetime64("2025-12-31"))
    return pa.RecordBatch.from_arrays([
        pa.array(ids), code, pick(PROVINCES),
        pc.binary_join_element_wise(pick(PREFIXES), pick(PLACES), num, " "),
        pc.binary_join_element_wise(pick(WARD_KINDS), pick(PLACES), " "),
        pa.array(np.round(rng.uniform(50, 50_000, n), 1)), pa.array(np.round(rng.uniform(107.0, 108.2, n), 5)),
        pa.array(np.round(rng.uniform(15.9, 16.8, n), 5)),
        pa.array(founded, pa.date32()), pa.array(updated, pa.date32())], names=list(COLUMNS))


def generate(path: Path, rows: int, chunk: int = 1_000_000) -> float:
    """Write `rows` rows to `path` (atomically, so a cached file is always complete); return seconds."""
    t0, rng, tmp = time.perf_counter(), np.random.default_rng(rows), path.with_suffix(".part")
    with pcsv.CSVWriter(tmp, _batch(rng, 1, 1).schema) as writer:
        for start in range(0, rows, chunk):
            writer.write_batch(_batch(rng, start + 1, min(chunk, rows - start)))
    tmp.replace(path)
    return time.perf_counter() - t0


_SERVED = {"cpu": 0.0}  # CPU seconds the server threads spent sending files (taken out of the baseline's CPU)
_SERVED_LOCK = threading.Lock()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile):  # stream large files in 1 MiB chunks
        t0 = time.thread_time()
        try:
            shutil.copyfileobj(source, outputfile, 1 << 20)
        finally:
            with _SERVED_LOCK:
                _SERVED["cpu"] += time.thread_time() - t0

    def log_message(self, *args):
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def baseline(url: str, out: Path) -> tuple[float, int, float]:
    """Bare pyarrow: HTTP response as a file object -> streaming CSV reader -> Parquet. Returns (s, rows, cpu s).

    CPU is this process's (all threads, pyarrow's pools included) minus what the file server's threads used."""
    t0, rows, c0, served0 = time.perf_counter(), 0, _cpu(resource.RUSAGE_SELF), _SERVED["cpu"]
    with urllib.request.urlopen(url) as resp:
        reader = pcsv.open_csv(resp, convert_options=pcsv.ConvertOptions(column_types=STRING_TYPES))
        with pq.ParquetWriter(out, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    elapsed = time.perf_counter() - t0
    return elapsed, rows, _cpu(resource.RUSAGE_SELF) - c0 - (_SERVED["cpu"] - served0)


def write_config(root: Path, ds: str, rows: int) -> dict[str, str]:
    """Registry (region.yaml + datasets.yaml) and a 6-expectation suite for dataset `ds`; returns env vars."""
    import yaml
    (reg := root / "registry").mkdir(parents=True)
    (suites := root / "suites").mkdir()
    dump = lambda obj, p: p.write_text(yaml.safe_dump(obj, allow_unicode=True, sort_keys=False), encoding="utf-8")
    dump({"region": {"code": "46", "name": "Thành phố Huế"}, "publishers": {"bench": {"name": "Benchmark"}}},
         reg / "region.yaml")
    dump({"datasets": [{"id": ds, "title": f"Benchmark {rows}", "publisher": "bench", "theme": "other",
                        "source": {"kind": "http", "url": "${BENCH_PORTAL}/" + f"{ds}.csv"},
                        "format": {"type": "csv"},
                        "columns": {src: {"name": name, "type": t} for src, (name, t) in COLUMNS.items()},
                        "primary_key": ["id"], "write": "merge"}]}, reg / "datasets.yaml")
    exp = lambda typ, sev, **kw: {"type": typ, "kwargs": kw, "severity": sev}
    suite = {"name": ds, "meta": {}, "expectations": [
        exp("expect_column_values_to_not_be_null", "critical", column="id"),
        exp("expect_column_values_to_be_unique", "critical", column="id"),
        exp("expect_column_values_to_match_regex", "critical", column="school_code", regex=r"^\d{5}$"),
        exp("expect_column_values_to_be_in_set", "critical", column="province_code", value_set=PROVINCES),
        exp("expect_column_values_to_be_between", "warning", column="latitude", min_value=15.0, max_value=17.0),
        exp("expect_table_row_count_to_be_between", "critical", min_value=rows, max_value=rows)]}
    (suites / f"{ds}.json").write_text(json.dumps(suite, ensure_ascii=False, indent=1), encoding="utf-8")
    (wh := root / "warehouse").mkdir()
    # curated steps sign each published version's manifest: a throw-away Ed25519 key (any 32 bytes, base64)
    return {"REGIONLINK_REGISTRY": str(reg), "REGIONLINK_EXPECTATIONS": str(suites), "REGIONLINK_WAREHOUSE": str(wh),
            "REGIONLINK_WORKDIR": str(root / "work"), "REGIONLINK_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode()}


def sync_command() -> list[str] | None:
    script = Path(sys.executable).parent / "regionlink"
    if script.exists():
        return [str(script)]
    for mod, file in (("orchestration.cli", "orchestration/cli.py"), ("regionlink_cli.main", "regionlink_cli/main.py")):
        if (REPO / file).exists():
            return [sys.executable, "-m", mod]
    return None


def run_sync(cmd: list[str], ds: str, root: Path, env_extra: dict[str, str], timeout: float) -> dict:
    import psutil
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(env_extra, RUNTIME__DLTHUB_TELEMETRY="false",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    log, peak = root / "sync.log", 0
    t0, c0, load0 = time.perf_counter(), _cpu(resource.RUSAGE_CHILDREN), os.getloadavg()[0]
    with open(log, "wb") as out:
        proc = subprocess.Popen([*cmd, "sync", ds], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            rss = 0
            try:
                for p in [ps, *ps.children(recursive=True)]:
                    try:
                        rss += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, rss)
            if time.perf_counter() - t0 > timeout:
                proc.kill()
            time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    # the sync process and the descendants it waited for (poll() reaped it)
    res = {"seconds": elapsed, "cpu": _cpu(resource.RUSAGE_CHILDREN) - c0, "load": [load0, os.getloadavg()[0]],
           "peak_rss": peak, "returncode": proc.returncode,
           "ru_maxrss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}
    try:
        import deltalake
        res["published_rows"] = deltalake.DeltaTable(str(Path(env_extra["REGIONLINK_WAREHOUSE"]) / "curated" / ds)
                                                     ).to_pyarrow_dataset().count_rows()
    except Exception as exc:  # no table: failed or quarantined run
        res["published_rows"], res["table_error"] = None, f"{type(exc).__name__}: {exc}"
    if proc.returncode != 0 or res["published_rows"] is None:
        res["log_tail"] = log.read_text(errors="replace")[-4000:]
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500_000, 5_000_000])
    ap.add_argument("--quick", action="store_true", help="smoke test: sizes 50000 and 200000")
    ap.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / ".data")
    ap.add_argument("--keep", action="store_true", help="keep registries, warehouses and baseline Parquet")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    ap.add_argument("--no-sync", action="store_true", help="run only generation and the pyarrow baseline")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed per sync run")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per size (baseline and sync alternate); figures are the medians, peak RSS the max")
    args = ap.parse_args(argv)
    sizes = sorted(set([50_000, 200_000] if args.quick else args.sizes))
    data = args.workdir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    cmd = None if args.no_sync else sync_command()
    if not args.no_sync and cmd is None:
        print("! no regionlink CLI found (script next to python, orchestration/cli.py); baseline only")
    server, url = serve(data)
    results, runs = {}, Path(tempfile.mkdtemp(prefix="run-", dir=data))
    try:
        for n in sizes:
            ds, csv = f"bench_{n}", data / f"bench_{n}.csv"
            r = results[n] = {"rows": n}
            if not csv.exists():
                r["generate_s"] = generate(csv, n)
            r["csv_bytes"] = csv.stat().st_size
            r["pyarrow_runs"], r["sync_runs"] = [], []
            for i in range(max(args.repeat, 1)):
                load = os.getloadavg()[0]
                seconds, got, cpu = baseline(f"{url}/{csv.name}", runs / f"{ds}.parquet")
                assert got == n, f"baseline read {got} rows, expected {n}"
                r["pyarrow_runs"].append({"seconds": seconds, "cpu": cpu, "load": load})
                print(f"{ds}: csv {r['csv_bytes'] / 2**20:.0f} MiB, pyarrow {seconds:.2f} s (cpu {cpu:.2f} s, "
                      f"load {load:.2f})", flush=True)
                if cmd:
                    (root := runs / f"{ds}-{i}").mkdir()
                    env = write_config(root, ds, n) | {"BENCH_PORTAL": url}
                    r["sync_runs"].append(s := run_sync(cmd, ds, root, env, args.timeout))
                    print(f"{ds}: sync {s['seconds']:.2f} s (cpu {s['cpu']:.2f} s, load {s['load'][0]:.2f}-"
                          f"{s['load'][1]:.2f}), exit {s['returncode']}, peak RSS {s['peak_rss'] / 2**20:.0f} MiB, "
                          f"published rows {s['published_rows']}", flush=True)
                    if "log_tail" in s:
                        print(f"--- {ds} sync output (tail) ---\n{s['log_tail']}\n---", flush=True)
            r["pyarrow_s"] = _median([p["seconds"] for p in r["pyarrow_runs"]])
            r["pyarrow_cpu"] = _median([p["cpu"] for p in r["pyarrow_runs"]])
            if r["sync_runs"]:
                r["sync"] = _combined(r["sync_runs"], n)
    finally:
        server.shutdown()
        if args.keep:
            print(f"kept run directory: {runs}")
        else:
            shutil.rmtree(runs, ignore_errors=True)
    return report(results, args.json)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _combined(runs: list[dict], rows: int) -> dict:
    """One size's sync figures over its runs: median time and CPU, largest peak RSS, the first failure if any."""
    failed = [s for s in runs if s["returncode"] != 0 or s["published_rows"] != rows]
    combined = dict(failed[0] if failed else runs[0])
    combined.update(seconds=_median([s["seconds"] for s in runs]), cpu=_median([s["cpu"] for s in runs]),
                    peak_rss=max(s["peak_rss"] for s in runs),
                    ru_maxrss_children=max(s["ru_maxrss_children"] for s in runs))
    return combined


def report(results: dict, as_json: bool) -> int:
    mib = lambda b: f"{b / 2**20:.0f}" if b else "-"
    print(f"\n{'rows':>10} {'CSV MiB':>8} {'T_pyarrow s':>12} {'CPU s':>6} {'T_sync s':>9} {'CPU s':>6} {'ratio':>6}"
          f" {'peak RSS MiB':>13} {'ru_maxrss MiB':>14} {'published':>10}")
    for n, r in results.items():
        s = r.get("sync")
        line = f"{n:>10} {mib(r['csv_bytes']):>8} {r['pyarrow_s']:>12.2f} {r['pyarrow_cpu']:>6.2f}"
        if s:
            flag = "" if s["returncode"] == 0 and s["published_rows"] == n else " FAILED"
            line += (f" {s['seconds']:>9.2f} {s['cpu']:>6.2f} {s['seconds'] / r['pyarrow_s']:>6.1f} "
                     f"{mib(s['peak_rss']):>13} {mib(s['ru_maxrss_children']):>14} {str(s['published_rows']) + flag:>10}")
        print(line)
    summary, (lo, hi) = {}, (min(results), max(results))
    if all("sync" in r for r in results.values()) and lo != hi:
        a, b = results[lo], results[hi]
        ratio = (b["sync"]["seconds"] - a["sync"]["seconds"]) / (b["pyarrow_s"] - a["pyarrow_s"])
        peak = max(r["sync"]["peak_rss"] for r in results.values())
        ok = all(r["sync"]["returncode"] == 0 and r["sync"]["published_rows"] == n for n, r in results.items())
        cpu_ratio = (b["sync"]["cpu"] - a["sync"]["cpu"]) / (b["pyarrow_cpu"] - a["pyarrow_cpu"])
        summary = {"marginal_ratio": ratio, "marginal_cpu_ratio": cpu_ratio, "max_peak_rss": peak, "all_runs_ok": ok,
                   "pass": ok and ratio <= TARGET_RATIO and peak <= TARGET_RSS}
        print(f"\nmarginal ratio ({hi} vs {lo} rows): {ratio:.2f}  (target <= {TARGET_RATIO:g}) "
              f"{'OK' if ratio <= TARGET_RATIO else 'MISSED'}")
        print(f"marginal CPU ratio (same, CPU seconds; a cross-check, not a target): {cpu_ratio:.2f}")
        print(f"max sync peak RSS: {peak / 2**20:.0f} MiB  (target <= {TARGET_RSS / 2**20:.0f} MiB) "
              f"{'OK' if peak <= TARGET_RSS else 'MISSED'}")
        print(f"verdict: {'PASS' if summary['pass'] else 'FAIL'}" + ("" if ok else " (a sync run failed)"))
    if as_json:
        print(json.dumps({"results": {str(n): {k: v for k, v in r.items()} for n, r in results.items()},
                          "summary": summary}, indent=1, default=str))
    return 0 if summary.get("pass", True) else 1


if __name__ == "__main__":
    sys.exit(main())
