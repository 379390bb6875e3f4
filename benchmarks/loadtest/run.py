"""Load test: wrk against `eventwire serve` on loopback, over a 100k-event database.

    python benchmarks/loadtest/run.py [--db FILE] [--workers 2] [--clients 50] [--seconds 15]

Builds benchmarks/results/loadtest.duckdb when missing (codes the sample articles, then
repeats their events to 100,000 with build_db.py), starts the server, and runs wrk
(Debian's ``wrk`` package; ``apt-get install wrk``) with 50 connections on each scenario:
/health (the baseline: the server's floor), /events pages of 50 (28 queries varying offsets,
filters and sorts: after the first request each is answered from the server's answer cache),
/events distinct pages (every page of 18 selections, each requested at most once, so no
request can be answered from the answer cache; see ``distinct_pages``) and /timeline (varying
intervals, groupings and filters). Prints requests/s, p50/p99 latency, errors, and each
scenario's throughput as a ratio of the baseline's and the server's CPU time per request
(with psutil); writes benchmarks/results/loadtest.json.
Exits 1 when any request failed, or when the distinct-pages run had to repeat a page.
"""
from __future__ import annotations

import argparse
from contextlib import contextmanager
from itertools import zip_longest
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
    "events, distinct pages": [],  # filled in by distinct_pages once the server runs
    "timeline": [
        "/timeline?interval=week&by=quad", "/timeline?interval=month&by=cooperation",
        "/timeline?interval=week&by=cooperation&actor=USA", "/timeline?interval=day&by=root&quad=4",
        "/timeline?interval=month&by=quad&from=2015-01-01&to=2019-12-31"],
}

# the selections whose every page the distinct-pages scenario requests once: the default
# order, every other sort of all events, and filtered views
DISTINCT_SELECTIONS = [f"&sort={s}" for k in ("date", "goldstein", "source", "target", "cameo", "certainty",
                                              "event_id") for s in (k, "-" + k) if s != "-date"] + [
    "", "&quad=4", "&root=19&sort=goldstein", "&certainty=claimed,alleged", "&from=2012-01-01&to=2016-12-31"]

# wrk's threads share out the paths (thread i sends paths i, i + THREADS, i + 2 * THREADS, ...);
# at the end the script prints how many requests went to a path a second time
THREADS = 2
LUA = """
local paths = {%s}
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  n = id
end
request = function()
  local path = paths[(n %% #paths) + 1]
  n = n + %d
  return wrk.format("GET", path)
end
function done(summary, latency, requests)
  local repeated = 0
  for _, t in ipairs(threads) do
    local sent = (t:get("n") - t:get("id")) / #threads
    local share = math.floor((#paths - t:get("id") + #threads - 1) / #threads)
    repeated = repeated + math.max(0, sent - share)
  end
  io.write(string.format("Repeated paths: %%d\\n", repeated))
end
"""


class Server(str):
    """The base URL of a running server; ``pid`` is its main process."""

    pid: int


def server_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) used so far by a process and its children (the workers), or None
    without psutil (``pip install psutil``)."""
    try:
        import psutil
    except ImportError:
        return None
    main = psutil.Process(pid)
    total = 0.0
    for proc in [main] + main.children(recursive=True):
        try:
            t = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


@contextmanager
def serving(db: Path, workers: int = 1):
    """Run `eventwire serve` on a free loopback port until the block ends; yields its base URL."""
    port = _free_port()
    server = subprocess.Popen([str(BIN / "eventwire"), "serve", "--db", str(db), "--port", str(port),
                               "--workers", str(workers)], stdout=subprocess.DEVNULL)
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = server.pid
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
    m = re.search(r"Repeated paths: (\d+)", out)
    res["repeated_paths"] = int(m.group(1)) if m else None
    return res


def distinct_pages(base: str, taken: set[str], pages: int = 50, asks: int = 16) -> list[str]:
    """Every page of 50 of each selection in DISTINCT_SELECTIONS, round robin, none in ``taken``.

    Asking each selection's total first (a page of one, which no scenario requests) also makes
    the server order each selection, as it does for an analyst's first page of it: what is
    measured is then the page itself, computed afresh every time. Each worker process keeps its
    own orderings, so the total is asked ``asks`` times, each on a new connection (the kernel
    hands each to whichever worker accepts it first), for every worker to see each selection.
    """
    lists = []
    for flt in DISTINCT_SELECTIONS:
        for _ in range(asks):
            total = json.loads(urllib.request.urlopen(f"{base}/events?limit=1{flt}", timeout=120).read())["total"]
        lists.append([p for off in range(0, total, pages)
                      if (p := f"/events?limit={pages}&offset={off}{flt}") not in taken])
    return [p for group in zip_longest(*lists) for p in group if p is not None]


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
            if name == "events, distinct pages":
                paths = distinct_pages(base, {p for ps in SCENARIOS.values() for p in ps})
            else:
                for p in paths:  # warm up: after this, every request of these scenarios is a cache hit
                    urllib.request.urlopen(base + p, timeout=60).read()
            script = Path(tmp) / "s.lua"
            script.write_text(LUA % (", ".join(json.dumps(p) for p in paths), THREADS))
            cpu = server_cpu_seconds(base.pid)
            out = subprocess.run([wrk, f"-t{THREADS}", f"-c{args.clients}", f"-d{args.seconds}s", "--latency",
                                  "--timeout", "10s", "-s", str(script), base], capture_output=True, text=True,
                                 check=True).stdout
            used = server_cpu_seconds(base.pid)
            results[name] = r = parse_wrk(out)
            r["distinct_paths"] = len(paths)
            # the server's CPU time per request: what the workload costs, which other programs
            # competing for the CPU change far less than they change latency
            r["server_cpu_ms_per_request"] = (round((used - cpu) * 1000 / r["requests"], 3)
                                              if cpu is not None and r["requests"] else None)
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
    print(f"{'scenario':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs baseline':>12} "
          f"{'server CPU ms/req':>18}")
    failed = 0
    for name, r in results.items():
        errors = r["non_2xx"] + r["socket_errors"]
        failed += errors
        r["ratio_to_baseline"] = round(r["requests_per_s"] / base_rps, 3)
        print(f"{name:<22} {r['requests_per_s']:>8.0f} {r['p50_ms']:>8} {r['p99_ms']:>8} {errors:>7} "
              f"{r['ratio_to_baseline']:>12.3f} {r['server_cpu_ms_per_request']!s:>18}")
    cold = results["events, distinct pages"]
    print(f"events, distinct pages: {cold['requests']} requests over {cold['distinct_paths']} distinct pages, "
          f"{cold['repeated_paths']} sent twice (0: no answer could come from the server's answer cache)")
    if cold["repeated_paths"] != 0:
        print("the distinct-pages run repeated pages: add selections to DISTINCT_SELECTIONS", file=sys.stderr)
        failed += 1
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "loadtest.json").write_text(json.dumps(
        {"events": n_events, "clients": args.clients, "workers": args.workers, "seconds": args.seconds,
         "results": results}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
