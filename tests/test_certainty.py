"""Certainty on every event: our own sentences, at least three for each value."""
from __future__ import annotations

import json
from collections import Counter

from conftest import ROOT

from eventwire.records import Article

ROWS = [json.loads(line) for line in (ROOT / "tests" / "data" / "certainty_dev.jsonl").read_text().splitlines()
        if line.strip()]


def test_every_value_has_three_sentences():
    counts = Counter(r["certainty"] for r in ROWS)
    for value in ("asserted", "claimed", "alleged", "denied", "negated", "intended", "hypothetical"):
        assert counts[value] >= 3, value


def test_certainty_of_the_trigger_event(pipeline):
    results = list(pipeline([Article(f"c{i}", r["text"], "2021-03-01") for i, r in enumerate(ROWS)]))
    wrong, uncoded = [], []
    for row, res in zip(ROWS, results):
        start = row["text"].index(row["trigger"])
        mine = [e for e in res.events if e.trigger.split(" ... ")[0] == row["trigger"]
                or (e.span[0] <= start < e.span[1] and row["trigger"] in e.trigger)]
        if not mine:
            uncoded.append(row["text"])
            continue
        if not any(e.certainty == row["certainty"] for e in mine):
            wrong.append((row["certainty"], [e.certainty for e in mine], row["text"]))
    coded = len(ROWS) - len(uncoded)
    right = coded - len(wrong)
    print(f"certainty: {right}/{coded} right on coded triggers; {len(uncoded)} triggers not coded")
    assert len(uncoded) <= len(ROWS) * 0.15, uncoded
    assert right >= coded * 0.85, wrong
