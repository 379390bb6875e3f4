"""Time of the actors stage against the time of parsing, on PolNeAR news texts.

    .venv/bin/python benchmarks/bench_actors.py [--n 200]

Parses N articles of ../shared/corpora/polnear/train/text with nlp.pipe (the baseline,
measured in the same run), then runs the actors stage (recognition + resolution) on the
parsed Docs, and prints both times and their ratio (the target is at most 0.10). Building
the stage (matchers over the knowledge base) is a one-off cost per process, printed apart.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT.parent / "shared" / "corpora" / "polnear" / "train" / "text"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="number of articles")
    args = ap.parse_args()
    files = sorted(TEXTS.glob("*.txt"))[: args.n]
    if not files:
        print(f"no texts under {TEXTS}", file=sys.stderr)
        return 2
    from eventwire import nlp as nlp_mod
    from eventwire.actors import ActorStage
    from eventwire.records import Article

    nlp = nlp_mod.load()
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    t0 = time.perf_counter()
    stage = ActorStage(nlp)
    build = time.perf_counter() - t0

    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse = time.perf_counter() - t0

    for doc, f in zip(docs, files):
        nlp_mod.state(doc).article = Article(f.stem, doc.text, "2016-10-01")
    t0 = time.perf_counter()
    mentions = 0
    for doc in docs:
        stage(doc)
        mentions += len(doc._.ew.mentions)
    actors = time.perf_counter() - t0

    words = sum(len(d) for d in docs)
    print(f"{len(docs)} articles, {words:,} tokens, {mentions:,} actor mentions")
    print(f"parse  {parse:7.2f} s  ({words / parse:,.0f} tokens/s)")
    print(f"actors {actors:7.2f} s  ({words / actors:,.0f} tokens/s)")
    print(f"actors / parse = {actors / parse:.3f}  (target <= 0.10); building the stage once: {build:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
