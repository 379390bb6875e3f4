"""Fusion's share of ingest time: story events kept up to date while a corpus is ingested.

    .venv/bin/python benchmarks/bench_fuse.py [--dir DIR] [--limit N] [--dev]

Ingests the texts (default: the PolNeAR training texts in ../shared) into a new
DuckDB file with ``eventwire.store.ingest.ingest`` and times, in the same run,
the calls to the fusion hook (``store.stories.update_stories_many``). Prints the
fusion seconds, their share of the whole ingest, and their ratio to the ingest
time without them (the time fusion adds; target: at most 10%). Then times a full
``rebuild_stories`` of the same database, and checks that it gives the same
story events as the incremental updates. ``--dev`` also ingests the fusion dev
set (tests/data/fusion_dev.jsonl) and prints pairwise precision, recall and F1.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "corpora" / "polnear" / "train" / "text"


def story_rows(con) -> list[tuple]:
    return con.execute("SELECT * EXCLUDE (anchor) FROM story_events ORDER BY story_id").fetchall()


def dev_scores(tmp: Path) -> dict:
    """Pairwise scores of the stored story events on the fusion dev set (see tests/test_fuse_dev.py)."""
    import json

    from eventwire.fuse import score_stored
    from eventwire.store.db import open_db
    from eventwire.store.ingest import ingest

    dev = ROOT / "tests" / "data" / "fusion_dev.jsonl"
    db = tmp / "dev.duckdb"
    ingest([str(dev)], str(db), progress=False, quiet_errors=True)
    groups = {json.loads(line)["id"]: json.loads(line)["group"] for line in dev.open(encoding="utf-8")}
    con = open_db(db, read_only=True)
    try:
        return score_stored(con, groups)
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=str(DEFAULT_DIR))
    ap.add_argument("--limit", type=int, default=0, help="only the first N files (0: all)")
    ap.add_argument("--dev", action="store_true", help="also score the fusion dev set")
    args = ap.parse_args()

    import eventwire.store.stories as stories
    from eventwire.store.db import open_db
    from eventwire.store.ingest import ingest

    tmp = Path(tempfile.mkdtemp(prefix="ew-bench-fuse-"))
    try:
        files = sorted(Path(args.dir).glob("*.txt"))
        if args.limit:
            files = files[: args.limit]
        src = tmp / "texts"
        src.mkdir()
        for f in files:
            shutil.copy(f, src / f.name)

        spent = [0.0, 0]
        update = stories.update_stories_many

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return update(*a, **k)
            finally:
                spent[0] += time.perf_counter() - t
                spent[1] += 1

        stories.update_stories_many = timed
        db = tmp / "bench.duckdb"
        t0 = time.perf_counter()
        summary = ingest([str(src)], str(db), progress=False, quiet_errors=True)
        total = time.perf_counter() - t0
        stories.update_stories_many = update

        con = open_db(db)
        incremental = story_rows(con)
        n_mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        multi = con.execute("SELECT count(*) FROM story_events WHERE num_articles > 1").fetchone()[0]
        t1 = time.perf_counter()
        stories.rebuild_stories(con)
        rebuild = time.perf_counter() - t1
        same = story_rows(con) == incremental
        con.close()

        fusion = spent[0]
        print(f"corpus: {len(files)} files from {args.dir}")
        print(f"ingest: {summary.describe()}")
        print(f"ingest total {total:.2f} s; fusion hook {fusion:.2f} s in {spent[1]} calls "
              f"({n_mentions} mentions -> {len(incremental)} story events, {multi} from more than one article)")
        print(f"fusion share of ingest: {fusion / total:.1%}; "
              f"time added to ingest without fusion: {fusion / max(total - fusion, 1e-9):.1%} (target <= 10%)")
        print(f"rebuild_stories from the stored events: {rebuild:.2f} s "
              f"({rebuild / max(total - fusion, 1e-9):.1%} of ingest); same story events as incremental: {same}")
        if args.dev:
            s = dev_scores(tmp)
            print(f"fusion dev set: pairwise precision {s['precision']:.3f}, recall {s['recall']:.3f}, "
                  f"F1 {s['f1']:.3f} (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
