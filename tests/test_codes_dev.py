"""Every CAMEO code the trigger dictionary supports has at least three dev sentences of our
own (the dictionary's examples plus tests/data/codes_dev.jsonl), and those sentences code right."""
from __future__ import annotations

import json
from collections import Counter

from conftest import ROOT

from eventwire.data_files import read_tsv
from eventwire.records import Article

EXTRA = [json.loads(line) for line in (ROOT / "tests" / "data" / "codes_dev.jsonl").read_text().splitlines()
         if line.strip()]


def test_three_sentences_per_supported_code():
    counts = Counter(r["code"] for r in read_tsv("coding", "triggers.tsv") if r.get("example"))
    counts.update(r["code"] for r in EXTRA)
    few = sorted(code for code, n in counts.items() if n < 3)
    assert not few, f"codes with fewer than 3 dev sentences: {few}"


def test_extra_sentences_code_right(pipeline):
    results = list(pipeline([Article(f"x{i}", r["text"], "2022-01-10") for i, r in enumerate(EXTRA)]))
    wrong = [(r["code"], [e.cameo for e in res.events], r["text"]) for r, res in zip(EXTRA, results)
             if not any(e.cameo[:3] == r["code"][:3] for e in res.events)]
    assert len(wrong) <= len(EXTRA) * 0.25, wrong
