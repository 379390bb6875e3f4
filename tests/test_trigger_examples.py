"""Every trigger entry's own example sentence, coded: the entry's code must come out.

The hit rate is a quality gate (tests/baselines.json); the misses are listed
so that a failing run says which entries to look at.
"""
from __future__ import annotations

import json
from collections import Counter

from conftest import ROOT

from eventwire.data_files import read_tsv
from eventwire.records import Article

BASELINES = json.loads((ROOT / "tests" / "baselines.json").read_text())


def _code_all(pipeline, sentences):
    arts = [Article(f"ex{i}", s, "2020-06-15") for i, s in enumerate(sentences)]
    return {r.article.doc_id: r.events for r in pipeline(arts)}


def test_trigger_examples_yield_their_codes(pipeline):
    rows = [r for r in read_tsv("coding", "triggers.tsv") if r.get("example")]
    assert len(rows) >= 500
    coded = _code_all(pipeline, [r["example"] for r in rows])
    misses = []
    per_root = Counter()
    hits_root = Counter()
    for i, row in enumerate(rows):
        code = row["code"]
        want = code[:3] if len(code) >= 3 else code
        got = [e.cameo for e in coded.get(f"ex{i}", [])]
        per_root[code[:2]] += 1
        if any(g.startswith(want) or (len(code) == 2 and g[:2] == code) for g in got):
            hits_root[code[:2]] += 1
        else:
            misses.append(f"{code} {row['pos']}:{row['lemma']} -> {got} | {row['example']}")
    rate = 1 - len(misses) / len(rows)
    print(f"trigger examples: {len(rows) - len(misses)}/{len(rows)} = {rate:.3f}")
    for root in sorted(per_root):
        print(f"  root {root}: {hits_root[root]}/{per_root[root]}")
    assert rate >= BASELINES["trigger_examples"], "\n".join(misses[:80])


def test_every_root_code_has_examples_that_work(pipeline):
    rows = [r for r in read_tsv("coding", "triggers.tsv") if r.get("example")]
    roots = {r["code"][:2] for r in rows}
    assert roots == {f"{n:02d}" for n in range(1, 21)}
