"""Fusion on the dev set of articles reporting the same events (tests/data/fusion_dev.jsonl).

Gold: two coded events from different articles report one event when their
articles share a group label and their CAMEO roots share a family
(src/eventwire/data/fusion/families.tsv). Pairs within one article are not
counted. Pairwise precision and F1 are a quality gate (tests/baselines.json);
the articles are coded with the real pipeline, as ingest does.
"""
from __future__ import annotations

import json

import pytest
from conftest import ROOT

from eventwire.fuse import score_stored
from eventwire.records import Article
from eventwire.store.db import StoredArticle, article_id, open_db, write_articles
from eventwire.store.stories import update_stories_many

DEV = ROOT / "tests" / "data" / "fusion_dev.jsonl"
BASELINES = json.loads((ROOT / "tests" / "baselines.json").read_text())


@pytest.fixture(scope="module")
def coded(pipeline):
    from eventwire.api import code_articles

    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    arts = [Article(r["id"], r["text"], r["date"], title=r["title"], source=r["source"]) for r in rows]
    results = [r for r in code_articles(arts) if r.error is None]
    return {r["id"]: r["group"] for r in rows}, results


def _ingest(results, batches):
    con = open_db(":memory:")
    for batch in batches:
        write_articles(con, [StoredArticle(r.article, r.events, r.claims) for r in batch])
        update_stories_many(con, [(article_id(r.article.text), r.article, r.events) for r in batch])
    return con


def _stories(con):
    return con.execute("SELECT * EXCLUDE (anchor) FROM story_events ORDER BY story_id").fetchall()


def test_dev_set_is_large_enough():
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    sizes: dict[str, int] = {}
    for r in rows:
        assert {"id", "title", "date", "source", "text", "group"} <= r.keys()
        sizes[r["group"]] = sizes.get(r["group"], 0) + 1
    assert sum(1 for n in sizes.values() if 2 <= n <= 6) >= 40
    assert len({r["id"] for r in rows}) == len(rows)


def test_incremental_ingest_gives_the_same_story_events(coded):
    _groups, results = coded
    at_once = _stories(_ingest(results, [results]))
    half = len(results) // 2
    in_parts = _stories(_ingest(results, [results[half:], results[:half]]))
    backwards = results[::-1]
    small_batches = _stories(_ingest(results, [backwards[i:i + 7] for i in range(0, len(backwards), 7)]))
    assert at_once == in_parts == small_batches
    assert any(row[9] > 1 for row in at_once)  # num_articles: some events are merged


def test_pairwise_scores_on_the_dev_set(coded):
    groups, results = coded
    con = _ingest(results, [results])
    s = score_stored(con, groups)
    print(f"fusion dev: precision {s['precision']:.3f} recall {s['recall']:.3f} f1 {s['f1']:.3f} "
          f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    assert s["tp"] > 0
    assert s["precision"] >= BASELINES["fusion_dev_precision"]
    assert s["f1"] >= BASELINES["fusion_dev_f1"]
