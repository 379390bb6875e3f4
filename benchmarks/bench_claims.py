"""Time per article of the whole pipeline with and without the claims stage, on PolNeAR texts.

    .venv/bin/python benchmarks/bench_claims.py [--n 150] [--repeat 3]

Codes N articles of ../shared/corpora/polnear/train/text twice in the same process: once
with every stage (the baseline for the ratio is the run without claims) and once with the
claims stage left out (the coder then sees no claims). Both runs include parsing. Runs
alternate and each is repeated; the best time of each is kept. Prints both times per article,
the claims stage's own time, and the ratio with/without (the target is at most 1.10).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT.parent / "shared" / "corpora" / "polnear" / "train" / "text"


def run(nlp, stages, texts, claims_stage) -> tuple[float, float]:
    from eventwire.nlp import state
    from eventwire.records import Article

    claims_time = 0.0
    t0 = time.perf_counter()
    for n, doc in enumerate(nlp.pipe(texts, batch_size=32)):
        state(doc).article = Article(str(n), doc.text, "2016-06-01")
        for stage in stages:
            t = time.perf_counter()
            doc = stage(doc)
            if stage is claims_stage:
                claims_time += time.perf_counter() - t
    return time.perf_counter() - t0, claims_time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=150, help="number of articles")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each variant (best kept)")
    args = ap.parse_args()
    files = sorted(TEXTS.glob("*.txt"))[: args.n]
    if not files:
        print(f"no texts under {TEXTS}", file=sys.stderr)
        return 2
    from eventwire.claims import ClaimStage
    from eventwire.pipeline import Pipeline

    pipe = Pipeline()
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    with_claims = pipe.stages
    claims_stage = next(s for s in with_claims if isinstance(s, ClaimStage))
    without = [s for s in with_claims if s is not claims_stage]
    run(pipe.nlp, with_claims, texts[:5], claims_stage)      # warm-up: lazy tables, caches
    best_with = best_without = float("inf")
    best_claims = float("inf")
    for _ in range(args.repeat):
        t, c = run(pipe.nlp, without, texts, claims_stage)
        best_without = min(best_without, t)
        t, c = run(pipe.nlp, with_claims, texts, claims_stage)
        best_with, best_claims = min(best_with, t), min(best_claims, c)
    n = len(texts)
    print(f"articles: {n}")
    print(f"without claims: {1000 * best_without / n:.1f} ms/article")
    print(f"with claims:    {1000 * best_with / n:.1f} ms/article "
          f"(claims stage alone {1000 * best_claims / n:.2f} ms/article)")
    print(f"ratio with/without: {best_with / best_without:.3f} (target <= 1.10); "
          f"claims stage / pipeline without claims: {best_claims / best_without:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
