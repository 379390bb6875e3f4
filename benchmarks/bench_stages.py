"""Time per pipeline stage on real news text, as shares of the whole and ratios to parsing.

    .venv/bin/python benchmarks/bench_stages.py [--limit N] [--dir DIR]

Parses the texts once with nlp.pipe (the baseline), then runs each eventwire stage
on the parsed Docs and times it. Prints each stage's seconds, its share of the
total per-article time and its ratio to the parse time, measured in the same run.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "corpora" / "polnear" / "train" / "text"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=str(DEFAULT_DIR))
    ap.add_argument("--limit", type=int, default=200)
    args = ap.parse_args()

    from eventwire.api import get_pipeline
    from eventwire.config import Settings
    from eventwire.nlp import state
    from eventwire.records import Article

    files = sorted(Path(args.dir).glob("*.txt"))[: args.limit]
    texts = [f.read_text(encoding="utf-8") for f in files]
    pipe = get_pipeline(Settings())
    list(pipe.nlp.pipe(texts[:5]))  # warm up

    t0 = time.perf_counter()
    docs = list(pipe.nlp.pipe(texts, batch_size=32))
    parse = time.perf_counter() - t0

    for d, f in zip(docs, files):
        state(d).article = Article(f.stem, d.text, None)
    times: dict[str, float] = {}
    for stage in pipe.stages:
        name = type(stage).__name__
        t = time.perf_counter()
        for d in docs:
            stage(d)
        times[name] = time.perf_counter() - t
    t = time.perf_counter()
    from eventwire.pipeline import build_records

    for d in docs:
        build_records(d, d._.ew.article, pipe.settings)
    times["build_records"] = time.perf_counter() - t

    total = parse + sum(times.values())
    words = sum(len(d) for d in docs)
    print(f"{len(docs)} articles, {words} tokens from {args.dir}")
    print(f"{'stage':<16}{'seconds':>9}{'share':>8}{'vs parse':>10}")
    print(f"{'parse (spaCy)':<16}{parse:>9.2f}{parse / total:>8.1%}{1:>10.3f}")
    for name, sec in times.items():
        print(f"{name:<16}{sec:>9.2f}{sec / total:>8.1%}{sec / parse:>10.3f}")
    print(f"{'total':<16}{total:>9.2f}   {len(docs) / total:.1f} articles/s")


if __name__ == "__main__":
    main()
