"""Fusion: the link test, story summaries, and incremental updates equal to a rebuild.

Events are built by hand (no model), so these tests are fast.
"""
from __future__ import annotations

import itertools
import random

import pytest

from eventwire.fuse import FuseSettings, StoryIndex, figures_in, link_score, linked, mentions_from_events
from eventwire.records import Actor, Article, DateValue, Event, Location
from eventwire.store.db import StoredArticle, article_id, open_db, write_articles
from eventwire.store.stories import (read_stories, rebuild_stories, story_filter, update_stories,
                                     update_stories_many, write_stories)

USA = ("USA", "USA", "United States")
USAMIL = ("USAMIL", "USA", "United States")
SYRMIL = ("SYRMIL", "SYR", "Syria")
RUS = ("RUS", "RUS", "Russia")
HOMS = Location("Homs", "SYR", None, 34.73, 36.72, 169577, "city")
ALEPPO = Location("Aleppo", "SYR", None, 36.20, 37.16, 170063, "city")


def actor(a):
    return Actor(text=a[2], code=a[0], country=a[1], entity=a[2]) if a else None


def event(doc: str, text: str, src, cameo: str, tgt, date: str | None = None, place=None,
          certainty: str = "asserted", n: int = 1, start: int = 0) -> Event:
    return Event(event_id=f"{doc}:0:{n}", doc_id=doc, sentence=0, span=[start, start + len(text)], text=text,
                 source=actor(src), target=actor(tgt), cameo=cameo, root=cameo[:2], quad_class=4,
                 goldstein=-10.0, plover={"type": "ASSAULT", "mode": None}, certainty=certainty,
                 date=DateValue(date, "day", "on Friday") if date else None, location=place)


def article(doc: str, text: str, published: str, outlet: str, title: str = "") -> Article:
    return Article(doc, text, published, title=title, source=outlet)


def mentions(doc, published, outlet, *events, title=""):
    art = article(doc, doc + ": " + " ".join(e.text for e in events), published, outlet, title)
    return mentions_from_events(list(events), art, article_id(art.text))


def one(doc, published, outlet, *args, **kw):
    return mentions(doc, published, outlet, event(doc, *args, **kw))[0]


def test_two_wordings_of_one_strike_are_linked():
    a = one("a", "2017-04-07", "Wire", "The United States fired 59 cruise missiles at the Shayrat air base",
            USA, "195", SYRMIL, "2017-04-07", HOMS)
    b = one("b", "2017-04-08", "Post", "US missiles hit the Shayrat airfield near Homs, killing six soldiers",
            USAMIL, "190", SYRMIL, "2017-04-07", HOMS)
    assert linked(a, b) and linked(b, a)
    assert link_score(a, b) == link_score(b, a)


def test_same_dyad_and_type_on_another_day_is_another_event():
    a = one("a", "2017-04-07", "Wire", "The United States fired missiles at the Shayrat air base",
            USA, "195", SYRMIL, "2017-04-07", HOMS)
    later = one("b", "2017-04-12", "Wire", "The United States fired missiles at the Shayrat air base",
                USA, "195", SYRMIL, "2017-04-12", HOMS)
    assert not linked(a, later)


def test_same_dyad_and_type_same_day_far_apart_needs_more_than_the_dyad():
    a = one("a", "2017-04-07", "Wire", "US jets bombed a depot in Homs", USA, "195", SYRMIL, "2017-04-07", HOMS)
    b = one("b", "2017-04-07", "Post", "American aircraft struck a convoy outside Aleppo", USA, "195", SYRMIL,
            "2017-04-07", ALEPPO)
    assert not linked(a, b)


def test_incompatible_roots_and_contradicting_actors_never_link():
    a = one("a", "2017-04-07", "Wire", "The United States fired missiles at the Shayrat air base",
            USA, "195", SYRMIL, "2017-04-07")
    meeting = one("b", "2017-04-07", "Post", "The United States fired missiles at the Shayrat air base",
                  USA, "040", SYRMIL, "2017-04-07")
    other_actor = one("c", "2017-04-07", "Post", "The United States fired missiles at the Shayrat air base",
                      RUS, "195", SYRMIL, "2017-04-07")
    assert link_score(a, meeting) is None
    assert link_score(a, other_actor) is None


def test_meeting_reports_may_swap_the_actors():
    a = one("a", "2018-07-16", "Wire", "Donald Trump met Vladimir Putin in Helsinki", USA, "040", RUS,
            "2018-07-16")
    b = one("b", "2018-07-16", "Post", "Putin held talks with Trump in the Finnish capital", RUS, "046", USA,
            "2018-07-16")
    assert linked(a, b)


def test_a_date_after_the_report_falls_back_to_the_publication_day():
    m = one("a", "2018-03-27", "Wire", "Washington expelled the diplomats on Monday", USA, "174", RUS,
            "2018-04-02")
    assert not m.day_exact


def test_coordinated_actors_of_one_clause_are_one_event():
    text = "The United States and Russia shelled the town"
    ms = mentions("a", "2020-01-01", "Wire", event("a", text, USA, "194", SYRMIL, n=1),
                  event("a", text, RUS, "194", SYRMIL, n=2))
    assert linked(ms[0], ms[1])
    other = mentions("b", "2020-01-01", "Wire", event("b", text, USA, "194", SYRMIL, n=1),
                     event("b", "Russia shelled the town again", RUS, "194", SYRMIL, n=2, start=60))
    assert not linked(other[0], other[1])


def test_figures():
    assert ["missile", 59] in figures_in("fired 59 Tomahawk missiles at the base")
    assert ["soldier", 6] in figures_in("six soldiers were killed")
    assert ["people", 2839] in figures_in("police arrested 2,839 people")
    assert figures_in("on December 1 in 2018") == []


def _story_articles():
    """Three reports of one strike (one denies it, figures differ) and one strike a week later."""
    return [
        (article("a", "x", "2017-04-07", "Wire", "US strikes Syrian base"),
         [event("a", "The United States fired missiles at the Shayrat base, killing six soldiers", USA, "195",
                SYRMIL, "2017-04-07", HOMS)]),
        (article("b", "y", "2017-04-08", "Post", "Missiles hit Shayrat"),
         [event("b", "US missiles hit the Shayrat base near Homs and killed seven soldiers", USAMIL, "190",
                SYRMIL, "2017-04-07")]),
        (article("c", "z", "2017-04-08", "Daily", "Washington denies strike on Shayrat"),
         [event("c", "Washington denied that US missiles hit the Shayrat base", USA, "190", SYRMIL,
                certainty="denied")]),
        (article("d", "w", "2017-04-14", "Wire", "US strikes Syrian base again"),
         [event("d", "The United States fired missiles at the Shayrat base", USA, "195", SYRMIL, "2017-04-14",
                HOMS)]),
    ]


def test_story_summary_counts_best_date_place_and_conflicts():
    index = StoryIndex()
    for art, evs in _story_articles():
        index.add(mentions_from_events(evs, art, article_id(art.text)))
    stories = sorted(index.stories(), key=lambda s: -s.num_articles)
    assert len(stories) == 2
    st = stories[0]
    assert (st.num_mentions, st.num_articles, st.num_sources) == (3, 3, 3)
    assert st.first_seen == "2017-04-07" and st.last_seen == "2017-04-08"
    assert (st.date, st.date_precision, st.date_support) == ("2017-04-07", "day", 2)
    assert st.place == "Homs"
    assert st.conflicts["certainty"] == {"asserted": ["Post", "Wire"], "denied": ["Daily"]}
    assert st.conflicts["figures"]["soldier"] == {"6": ["Wire"], "7": ["Post"]}
    assert stories[1].num_articles == 1 and stories[1].date == "2017-04-14"


def test_num_sources_counts_outlets_not_articles():
    arts = [(article(f"a{i}", f"t{i}", "2017-04-07", "Wire"),
             [event(f"a{i}", f"The United States fired missiles at the Shayrat base {i}", USA, "195", SYRMIL,
                    "2017-04-07")]) for i in range(3)]
    index = StoryIndex()
    for art, evs in arts:
        index.add(mentions_from_events(evs, art, article_id(art.text)))
    [st] = index.stories()
    assert (st.num_articles, st.num_sources) == (3, 1)


def _rows(con):
    return con.execute("SELECT * EXCLUDE (anchor) FROM story_events ORDER BY story_id").fetchall()


def _store(con, items):
    write_articles(con, [StoredArticle(art, evs, []) for art, evs in items])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_incremental_updates_equal_one_batch_and_a_rebuild(seed):
    items = _story_articles()
    at_once = open_db(":memory:")
    _store(at_once, items)
    update_stories_many(at_once, [(article_id(a.text), a, evs) for a, evs in items])
    expected = _rows(at_once)
    assert len(expected) == 2

    shuffled = items[:]
    random.Random(seed).shuffle(shuffled)
    one_by_one = open_db(":memory:")
    for art, evs in shuffled:
        _store(one_by_one, [(art, evs)])
        update_stories(one_by_one, article_id(art.text), art, evs)
    assert _rows(one_by_one) == expected

    rebuild_stories(one_by_one)
    assert _rows(one_by_one) == expected
    assert sum(st.num_mentions for st in read_stories(one_by_one)) == 4
    counts = one_by_one.execute("SELECT count(*), max(num_articles) FROM event_story_counts").fetchone()
    assert counts == (4, 3)


def test_in_memory_index_agrees_with_the_store():
    items = _story_articles()
    for order in itertools.permutations(range(len(items))):
        index = StoryIndex()
        for i in order:
            art, evs = items[i]
            index.add(mentions_from_events(evs, art, article_id(art.text)))
        assert sorted((s.story_id, s.num_mentions) for s in index.stories()) == [
            (s.story_id, s.num_mentions) for s in sorted(index.stories(), key=lambda s: s.story_id)]
    con = open_db(":memory:")
    _store(con, items)
    update_stories_many(con, [(article_id(a.text), a, evs) for a, evs in items])
    assert sorted(s.story_id for s in read_stories(con)) == [s.story_id for s in index.stories()]


def test_story_filter_and_output(tmp_path):
    import io
    import json

    db = str(tmp_path / "s.duckdb")
    con = open_db(db)
    items = _story_articles()
    _store(con, items)
    update_stories_many(con, [(article_id(a.text), a, evs) for a, evs in items])
    con.close()
    out = io.StringIO()
    where, params = story_filter(actor="USA", date_from="2017-04-10")
    assert write_stories(db, out, "jsonl", where=where, params=params) == 1
    [row] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert row["date"] == "2017-04-14" and len(row["mentions"]) == 1
    out = io.StringIO()
    write_stories(db, out, "table")
    assert "conflicting accounts" in out.getvalue()


def test_settings_change_the_outcome():
    a = one("a", "2017-04-07", "Wire", "The United States fired missiles at the Shayrat air base",
            USA, "195", SYRMIL, "2017-04-07")
    b = one("b", "2017-04-09", "Post", "US missiles struck the Shayrat airfield", USA, "190", SYRMIL,
            "2017-04-09")
    assert not linked(a, b)
    assert linked(a, b, FuseSettings(day_window=2))


def test_gdelt_export_counts_come_from_the_story_events(tmp_path):
    from eventwire.store.export import export

    db = str(tmp_path / "g.duckdb")
    con = open_db(db)
    items = _story_articles()
    _store(con, items)
    update_stories_many(con, [(article_id(a.text), a, evs) for a, evs in items])
    con.close()
    out = tmp_path / "events.tsv"
    export(db, "gdelt", str(out))
    from eventwire.store.export import GDELT_COLUMNS

    col = {name: i for i, name in enumerate(GDELT_COLUMNS)}
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    counts = sorted((int(r[col["NumMentions"]]), int(r[col["NumSources"]]), int(r[col["NumArticles"]]))
                    for r in rows)
    assert counts == [(1, 1, 1), (3, 3, 3), (3, 3, 3), (3, 3, 3)]
