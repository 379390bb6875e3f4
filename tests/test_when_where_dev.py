"""The when/where dev set: every sentence's event dated and placed, scored against the floors.

Each line of tests/data/when_where_dev.jsonl is one sentence with its publication date, the
event's trigger words, and the gold date (value and precision) and place (name and country);
null where the text gives none. The sentences are coded in one batch; the event on the gold
trigger gives the date and place. Where the coder made no event there, the stage's own
functions (``when.event_date``, ``where.locate``, which the stages call for every event) date
and place the trigger token, and the sentence is counted apart as a coder miss.

Run as a script for the misses: ``.venv/bin/python tests/test_when_where_dev.py``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "when_where_dev.jsonl"
BASELINES = json.loads((ROOT / "tests" / "baselines.json").read_text())


def trigger_span(doc, text: str, trigger: str):
    """The token span of the first whole-word occurrence of ``trigger`` in the text."""
    m = re.search(rf"(?<!\w){re.escape(trigger)}(?!\w)", text, re.I)
    if m is None:
        return None
    return doc.char_span(m.start(), m.end(), alignment_mode="expand")


def same_place(got, gold: dict | None, gaz) -> bool:
    """The predicted location is the gold one: same country and the same gazetteer entry
    (the gold name may be another spelling: "Kiev" is the entry Kyiv)."""
    if gold is None or got is None:
        return gold is None and got is None
    if got.country != gold["country"]:
        return False
    if got.name.lower() == gold["name"].lower():
        return True
    entry = gaz.lookup(gold["name"], frozenset({gold["country"]}) if gold["country"] else frozenset())
    return entry is not None and entry.name == got.name and entry.country == got.country


def same_date(got, gold: dict | None) -> bool:
    if gold is None or gold.get("value") is None:
        return got is None
    return got is not None and got.value == gold["value"] and got.precision == gold["precision"]


def score_dev(pipeline) -> dict:
    from eventwire.nlp import state
    from eventwire.pipeline import normalise_date
    from eventwire.records import Article
    from eventwire.when import event_date
    from eventwire.where import gazetteer, locate, place_mentions

    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    docs = list(pipeline.nlp.pipe(texts, batch_size=len(texts)))
    gaz = gazetteer(tuple(pipeline.settings.place_files))
    out = {"n": len(rows), "date_right": 0, "place_right": 0, "own_date_right": 0, "own_place_right": 0,
           "no_event": 0, "no_trigger": 0, "misses": []}
    for n, (row, doc) in enumerate(zip(rows, docs)):
        art = Article(f"dev{n}", row["text"], normalise_date(row.get("published")))
        state(doc).article = art
        for stage in pipeline.stages:
            doc = stage(doc)
        span = trigger_span(doc, row["text"], row["trigger"])
        if span is None:
            out["no_trigger"] += 1
            continue
        tok = span.root
        st = state(doc)
        own_date = event_date(tok, art.date, st.dates)
        pm = locate(tok, place_mentions(doc, gaz), gaz)
        own_place = pm.place.location(pm.text) if pm is not None else None
        event = next((e for e in st.events if span.start <= e.head < span.end
                      or any(span.start <= i < span.end for i in e.tokens)), None)
        if event is None:
            out["no_event"] += 1
            date, place = own_date, own_place
        else:
            date, place = event.date, event.location
        d_ok, p_ok = same_date(date, row["date"]), same_place(place, row["place"], gaz)
        out["date_right"] += d_ok
        out["place_right"] += p_ok
        out["own_date_right"] += same_date(own_date, row["date"])
        out["own_place_right"] += same_place(own_place, row["place"], gaz)
        if not (d_ok and p_ok):
            out["misses"].append({
                "text": row["text"], "trigger": row["trigger"], "event": event is not None,
                "date": None if d_ok else (date and (date.value, date.precision), row["date"]),
                "place": None if p_ok else (place and (place.name, place.country), row["place"])})
    for key in ("date_right", "place_right", "own_date_right", "own_place_right"):
        out[key.replace("_right", "_acc")] = out[key] / out["n"]
    return out


@pytest.fixture(scope="module")
def dev_score(pipeline):
    return score_dev(pipeline)


def test_dev_set_is_large_enough():
    assert sum(1 for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()) >= 150


def test_every_gold_trigger_is_in_its_sentence(dev_score):
    assert dev_score["no_trigger"] == 0


def test_dates_meet_the_floor(dev_score):
    print(f"\nwhen/where dev: n={dev_score['n']} date={dev_score['date_acc']:.3f} "
          f"place={dev_score['place_acc']:.3f} (stage alone: date={dev_score['own_date_acc']:.3f} "
          f"place={dev_score['own_place_acc']:.3f}); no coder event on {dev_score['no_event']} triggers")
    assert dev_score["date_acc"] >= BASELINES["when_where_dev_date"]
    assert dev_score["own_date_acc"] >= BASELINES["when_where_dev_date"]


def test_places_meet_the_floor(dev_score):
    assert dev_score["place_acc"] >= BASELINES["when_where_dev_place"]
    assert dev_score["own_place_acc"] >= BASELINES["when_where_dev_place"]


if __name__ == "__main__":
    import sys

    from eventwire.api import get_pipeline
    from eventwire.config import Settings

    result = score_dev(get_pipeline(Settings()))
    for miss in result.pop("misses"):
        print(json.dumps(miss, ensure_ascii=False))
    print(json.dumps(result), file=sys.stderr)
