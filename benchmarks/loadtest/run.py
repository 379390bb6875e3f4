"""Load test: wrk against `eventwire serve` on loopback, over a 100k-event database.

    python benchmarks/loadtest/run.py [--db FILE] [--workers 2] [--clients 50] [--seconds 15]

Builds benchmarks/results/loadtest.duckdb when missing (codes the sample articles, then
repeats their events to 100,000 with build_db.py), starts the server, and runs wrk
(Debian's ``wrk`` package; ``apt-get install wrk``) with 50 connections on each scenario:
/health (the baseline: the server's floor), /events pages of 50 (28 queries varying offsets,
filters and sorts: after the first request each is answered from the server's answer cache),
/events distinct pages (1,600 queries, so nearly every request is computed afresh) and
/timeline (varying intervals, groupings and filters). Prints requests/s,
p50/p99 latency, errors, and each scenario's throughput as a ratio of the baseline's;
writes benchmarks/results/loadtest.json. Exits 1 when any request failed.
"""
from __future__ import annotations

import argparse
from contextlib import contextmanager
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent

SCENARIOS = {
    "health (baseline)": ["/health"],
    "events, pages of 50": [
        f"/events?limit=50&offset={off}{flt}"
        for off in (0, 50, 500, 2500)
        for flt in ("", "&actor=USA", "&quad=4", "&root=19&sort=goldstein", "&from=2012-01-01&to=2016-12-31",
                    "&certainty=claimed,alleged&sort=-date", "&q=protest")],
    # thousands of distinct pages: nearly every request misses the server's answer cache
    "events, distinct pages": [
        f"/events?limit=50&offset={off}{flt}"
        for off in range(0, 20000, 50)
        for flt in ("", "&quad=4", "&root=19&sort=goldstein", "&certainty=claimed,alleged&sort=-date")],
    "timeline": [
        "/timeline?interval=week&by=quad", "/timeline?interval=month&by=cooperation",
        "/timeline?interval=week&by=cooperation&actor=USA", "/timeline?interval=day&by=root&quad=4",
        "/timeline?interval=month&by=quad&from=2015-01-01&to=2019-12-31"],
}

LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


@contextmanager
def serving(db: Path, workers: int = 1):
    """Run `eventwire serve` on a free loopback port until the block ends; yields its base URL."""
    port = _free_port()
    server = subprocess.Popen([str(BIN / "eventwire"), "serve", "--db", str(db), "--port", str(port),
                               "--workers", str(workers)], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(20)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict:
    res = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        res[f"p{pct}_ms"] = round(_ms(*m.groups()), 2) if m else None
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    return res


def ensure_db(db: Path) -> None:
    if db.exists():
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    samples = RESULTS / "samples.duckdb"
    if not samples.exists():
        subprocess.run([str(BIN / "eventwire"), "ingest", str(ROOT / "src/eventwire/data/samples"), "--db",
                        str(samples), "--quiet"], check=True)
    subprocess.run([sys.executable, str(Path(__file__).with_name("build_db.py")), str(samples), str(db)], check=True)


def _measure(args, wrk: str) -> tuple[int, dict]:
    """Serve the database and run wrk on every scenario: (number of events, results by scenario)."""
    results = {}
    with serving(args.db, args.workers) as base, tempfile.TemporaryDirectory() as tmp:
        n_events = json.loads(urllib.request.urlopen(base + "/stats", timeout=30).read())["events"]
        for name, paths in SCENARIOS.items():
            script = Path(tmp) / "s.lua"
            script.write_text(LUA % ", ".join(json.dumps(p) for p in paths))
            for p in paths[:40]:  # warm up (at most 40 queries: the distinct-pages run stays cold)
                urllib.request.urlopen(base + p, timeout=60).read()
            out = subprocess.run([wrk, "-t2", f"-c{args.clients}", f"-d{args.seconds}s", "--latency",
                                  "--timeout", "10s", "-s", str(script), base], capture_output=True, text=True,
                                 check=True).stdout
            results[name] = parse_wrk(out)
    return n_events, results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=RESULTS / "loadtest.duckdb")
    ap.add_argument("--workers", type=int, default=2, help="server processes (default 2: one per core here)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=15)
    args = ap.parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        print("needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    ensure_db(args.db)
    try:
        n_events, results = _measure(args, wrk)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    base_rps = results["health (baseline)"]["requests_per_s"]
    print(f"{n_events} events, {args.clients} clients, {args.workers} server workers, {args.seconds}s each, "
          f"{os.cpu_count()} CPUs (client and server on this machine)")
    print(f"{'scenario':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs baseline':>12}")
    failed = 0
    for name, r in results.items():
        errors = r["non_2xx"] + r["socket_errors"]
        failed += errors
        r["ratio_to_baseline"] = round(r["requests_per_s"] / base_rps, 3)
        print(f"{name:<22} {r['requests_per_s']:>8.0f} {r['p50_ms']:>8} {r['p99_ms']:>8} {errors:>7} "
              f"{r['ratio_to_baseline']:>12.3f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "loadtest.json").write_text(json.dumps(
        {"events": n_events, "clients": args.clients, "workers": args.workers, "seconds": args.seconds,
         "results": results}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
