"""Event-coding accuracy on tests/data/newswire_dev: our own blind, hand-coded wire sentences.

    .venv/bin/python benchmarks/newswire_dev.py [-v] [--pred FILE] [--no-run]

Runs `eventwire code tests/data/newswire_dev/docs --date 2024-05-01 --format jsonl
--output FILE` (default FILE: /tmp/nw.jsonl), scores FILE with ../shared/tools/score_events.py
against tests/data/newswire_dev/gold.jsonl and prints the scorer's lines (its last line is the
headline: precision, recall and F1 on "must" events), then recall per CAMEO root (a gold event
counted under its first allowed root). -v passes -v to the scorer (lists misses and false
positives); --no-run scores an existing FILE. This is an accuracy figure, not a timing: there is
no baseline to run.
"""
from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "newswire_dev"
SCORER = ROOT.parent / "shared" / "tools" / "score_events.py"
DATE = "2024-05-01"  # the publication date the gold dates were resolved against


def eventwire_cmd() -> list[str]:
    """The eventwire console script of this interpreter's environment, else the one on PATH."""
    local = Path(sys.executable).with_name("eventwire")
    if local.exists():
        return [str(local)]
    found = shutil.which("eventwire")
    if found:
        return [found]
    sys.exit("eventwire is not installed: run `pip install -e .` in the repo (or use .venv/bin/python)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    ap.add_argument("--pred", default="/tmp/nw.jsonl", help="where the coder writes its JSONL")
    ap.add_argument("--no-run", action="store_true", help="score an existing --pred file")
    args = ap.parse_args()
    if not SCORER.exists():
        sys.exit(f"{SCORER} is not here: this benchmark needs the shared scorer")

    if not args.no_run:
        cmd = eventwire_cmd() + ["code", str(DATA / "docs"), "--date", DATE,
                                 "--format", "jsonl", "--output", args.pred]
        done = subprocess.run(cmd, cwd=ROOT)
        if done.returncode != 0:
            print(f"eventwire code failed (exit {done.returncode})", file=sys.stderr)
            return done.returncode

    cmd = [sys.executable, str(SCORER), "--gold", str(DATA / "gold.jsonl"), "--docs", str(DATA / "docs"),
           "--pred", args.pred, "--json"] + (["-v"] if args.verbose else [])
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        return done.returncode
    result, end = json.JSONDecoder().raw_decode(done.stdout)
    lines = done.stdout[end:].strip().splitlines()

    golds = [json.loads(line) for line in (DATA / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    missed = set(result["missed"])
    total, found = collections.Counter(), collections.Counter()
    for g in golds:
        if g["status"] == "must":
            root = g["root"][0]
            total[root] += 1
            found[root] += g["id"] not in missed
    print("recall per root (gold root = first allowed):")
    print("  " + "  ".join(f"{r}:{found[r]}/{total[r]}" for r in sorted(total)))
    print(*lines[:-1], sep="\n")
    print(lines[-1])  # the scorer's headline, last
    return 0


if __name__ == "__main__":
    sys.exit(main())
