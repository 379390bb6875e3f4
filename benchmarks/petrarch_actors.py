"""Actor accuracy on ../shared/dev/petrarch-validation: of the gold events whose CAMEO root
eventwire gets right, the share whose source and target countries are right too.

    .venv/bin/python benchmarks/petrarch_actors.py [-v]

A gold "must" event counts as root-right when a predicted event in the same document
overlaps its evidence and has a root the gold allows; it counts as actor-right when one of
those predictions also has a source and a target country the gold allows ("any" allows
anything). -v lists the root-right events whose actors are wrong.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "dev" / "petrarch-validation"


def country(actor) -> str | None:
    if actor is None:
        return None
    return actor.country or (actor.code or "")[:3] or None


def allows(allowed, actor) -> bool:
    if allowed == "any" or (isinstance(allowed, list) and "any" in allowed):
        return True
    return country(actor) in allowed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", action="store_true", help="list the events whose actors are wrong")
    ap.add_argument("--date", default="2008-08-04", help="publication date given to every document")
    args = ap.parse_args()
    if not DATA.exists():
        print(f"{DATA} is not here", file=sys.stderr)
        return 2
    import eventwire

    golds = [json.loads(line) for line in (DATA / "gold.jsonl").read_text().splitlines() if line.strip()]
    golds = [g for g in golds if g["status"] == "must"]
    events: dict[str, list] = {}
    texts: dict[str, str] = {}
    for res in eventwire.code_files([str(DATA / "docs")], date=args.date):
        events[res.article.doc_id] = res.events
        texts[res.article.doc_id] = res.article.text
    root_right = actor_right = 0
    wrong = []
    for g in golds:
        text = texts.get(g["doc_id"], "")
        start = text.find(g["evidence"])
        span = (start, start + len(g["evidence"]))
        cands = [e for e in events.get(g["doc_id"], [])
                 if e.span[0] < span[1] and span[0] < e.span[1] and e.cameo[:2] in g["root"]]
        if not cands:
            continue
        root_right += 1
        if any(allows(g["source"], e.source) and allows(g["target"], e.target) for e in cands):
            actor_right += 1
        else:
            got = "; ".join(f"{e.cameo} {e.source.code if e.source else '-'} -> "
                            f"{e.target.code if e.target else '-'}" for e in cands)
            wrong.append(f"{g['id']}: gold {g['source']} -> {g['target']}; got {got} | {g['evidence'][:90]}")
    share = actor_right / root_right if root_right else 0.0
    if args.v:
        print("\n".join(wrong))
    print(f"petrarch-validation: {len(golds)} must events, {root_right} with the root right, "
          f"{actor_right} of them with source and target countries right: {share:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
