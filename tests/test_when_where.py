"""Dates resolve against the publication date; places resolve to gazetteer entries."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.when import precision_of, resolve
from eventwire.where import gazetteer


@pytest.mark.parametrize("text,base,want", [
    ("on Wednesday", "2017-04-06", ("2017-04-05", "day")),
    ("Wednesday", "2017-04-05", ("2017-04-05", "day")),
    ("In January 2016", "2017-04-06", ("2016-01", "month")),
    ("in June 2016", "2017-04-06", ("2016-06", "month")),
    ("2013", "2017-04-06", ("2013", "year")),
    ("yesterday", "2020-03-02", ("2020-03-01", "day")),
    ("two days ago", "2020-03-02", ("2020-02-29", "day")),
    ("earlier this month", "2020-03-20", ("2020-03", "month")),
    ("last month", "2020-01-10", ("2019-12", "month")),
    ("last year", "2020-01-10", ("2019", "year")),
    ("5 April", "2017-04-06", ("2017-04-05", "day")),
    ("April 5, 2017", None, ("2017-04-05", "day")),
    ("on Monday", "2021-11-03", ("2021-11-01", "day")),
])
def test_resolve(text, base, want):
    assert resolve(text, base) == want


def test_future_preference():
    assert resolve("on Monday", "2021-11-03", "future") == ("2021-11-08", "day")


@pytest.mark.parametrize("text", ["decades", "recent weeks", "the time"])
def test_vague_expressions_have_no_precision(text):
    assert precision_of(text) is None


def test_relative_date_without_publication_date_is_unknown():
    assert resolve("on Wednesday", None) is None


@pytest.fixture(scope="module")
def gaz():
    return gazetteer()


def test_gazetteer_cities_and_regions(gaz):
    assert gaz.lookup("Idlib").country == "SYR"
    assert gaz.lookup("Mosul").country == "IRQ"
    east = gaz.lookup("East Ghouta")
    assert east.country == "SYR" and east.precision == "region"
    assert gaz.lookup("Idlib province").country == "SYR"
    assert gaz.lookup("Gaza Strip").country == "PSE"


def test_gazetteer_disambiguates_by_country(gaz):
    assert gaz.lookup("Paris").country == "FRA"
    assert gaz.lookup("Paris", {"USA"}).country == "USA"
    assert gaz.lookup("Tripoli").country == "LBY"
    assert gaz.lookup("Tripoli", {"LBN"}).country == "LBN"


@pytest.mark.parametrize("text,base,want", [
    ("last night", "2020-08-10", ("2020-08-09", "day")),
    ("early today", "2020-08-10", ("2020-08-10", "day")),
    ("this afternoon", "2019-01-15", ("2019-01-15", "day")),
    ("since Thursday", "2010-06-15", ("2010-06-10", "day")),
    ("in the early hours of Monday", "2011-05-04", ("2011-05-02", "day")),
    ("on 4 March", "2018-03-13", ("2018-03-04", "day")),
    ("on 26 December", "2021-01-03", ("2020-12-26", "day")),
    ("late last month", "2024-12-01", ("2024-11", "month")),
    ("earlier this year", "2006-11-20", ("2006", "year")),
    ("in April 2014", "2014-06-01", ("2014-04", "month")),
    ("three years ago", "2020-06-01", ("2017", "year")),
])
def test_resolve_more_expressions(text, base, want):
    assert resolve(text, base) == want


@pytest.mark.parametrize("text", ["last week", "at the weekend", "in recent weeks", "last weekend"])
def test_week_spans_give_no_date(text):
    assert resolve(text, "2020-06-15") is None


def test_future_month_and_day_month():
    assert resolve("next month", "2014-11-17") == ("2014-12", "month")
    assert resolve("on 2 January", "2020-12-20", "future") == ("2021-01-02", "day")


def _trigger(doc, word):
    return next(t for t in doc if t.text == word)


def test_event_dates_from_the_clause(annotate):
    from eventwire.nlp import state
    from eventwire.when import event_date

    doc = annotate("Trump will meet North Korean leader Kim Jong Un in Singapore on Tuesday.", "2018-06-08")
    got = event_date(_trigger(doc, "meet"), "2018-06-08", state(doc).dates)
    assert (got.value, got.precision) == ("2018-06-12", "day")
    doc = annotate("Police arrested dozens of protesters on Saturday.", "2021-03-28")
    got = event_date(_trigger(doc, "arrested"), "2021-03-28", state(doc).dates)
    assert got.value == "2021-03-27" and got.value <= "2021-03-28"
    doc = annotate("Prime Minister Sheikh Hasina resigned and fled Dhaka on Monday.", "2024-08-06")
    assert event_date(_trigger(doc, "resigned"), "2024-08-06", state(doc).dates).value == "2024-08-05"


def test_no_date_without_words_or_publication_date(annotate):
    from eventwire.nlp import state
    from eventwire.when import event_date

    doc = annotate("Dozens of protesters were detained in Moscow, police said.", "2019-07-09")
    assert event_date(_trigger(doc, "detained"), "2019-07-09", state(doc).dates) is None
    doc = annotate("Rebels attacked the town on Wednesday.", None)
    assert event_date(_trigger(doc, "attacked"), None, state(doc).dates) is None
    doc = annotate("Rebels attacked the town in March 2014.", None)
    assert event_date(_trigger(doc, "attacked"), None, state(doc).dates).value == "2014-03"


def test_dateline():
    from eventwire.read.dateline import parse_dateline

    dl = parse_dateline("GENEVA, 23 March (Eventwire) - Talks resumed.")
    assert dl.place == "GENEVA" and dl.date is None and dl.date_text == "23 March"
    assert parse_dateline("WASHINGTON (AFP) - The").place == "WASHINGTON"
    assert parse_dateline("MOSUL, Iraq (Reuters) - x").region == "Iraq"
    assert parse_dateline("GENEVA, March 23, 2017 (Reuters) - x").date == "2017-03-23"
    assert parse_dateline("Police said: the protest ended.") is None


def test_publication_date_sources(tmp_path):
    from eventwire.pipeline import normalise_date
    from eventwire.read import read_paths

    assert normalise_date("Thu, 06 Apr 2017 10:22:00 GMT") == "2017-04-06"
    for vague in ("March 2017", "yesterday", "Tuesday", "soon"):
        assert normalise_date(vague) is None
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "Hi there.", "published": "2019-05-02"}\n')
    (tmp_path / "b.txt").write_text("GENEVA, March 23, 2017 (Reuters) - Talks resumed.")
    (tmp_path / "c.txt").write_text("GENEVA, 23 March (Reuters) - Talks resumed.")
    got = {r.article.doc_id: r.article.date for r in read_paths([str(tmp_path)])}
    assert got["x"] == "2019-05-02" and got["b"] == "2017-03-23" and got["c"] is None


def test_gazetteer_names_seas_and_context(gaz):
    assert gaz.lookup("Kiev").name == "Kyiv"
    sea = gaz.lookup("the Red Sea")
    assert sea.country is None and sea.precision == "region"
    assert gaz.lookup("Georgia").country == "GEO"
    assert gaz.lookup("Georgia", frozenset(), {"USA"}).country == "USA"
    assert gaz.lookup("Geneva", frozenset(), {"USA"}).country == "CHE"  # a town of 13,000 is not Geneva
    assert gaz.lookup("southern Lebanon").country == "LBN"
    assert gaz.lookup("Nowhere Town Xyz") is None


def test_user_places_file(tmp_path):
    from eventwire.where import Gazetteer

    f = tmp_path / "mine.tsv"
    f.write_text("name\tcountry\tadmin1\tlat\tlon\tprecision\taliases\tgeonameid\n"
                 "Camp Zed\tKEN\t\t1.0\t36.0\tcity\tZed Camp\t\n", encoding="utf-8")
    gaz = Gazetteer(user_files=(str(f),))
    assert gaz.lookup("Zed Camp").name == "Camp Zed" and gaz.lookup("Camp Zed").country == "KEN"


@pytest.mark.parametrize("text,word,name,country", [
    ("Iraqi troops attacked ISIS in Mosul on Tuesday.", "attacked", "Mosul", "IRQ"),
    ("Storms damaged several homes in Paris, Texas, on Monday.", "damaged", "Paris", "USA"),
    ("Clashes in Tripoli, Lebanon's second city, killed ten people.", "Clashes", "Tripoli", "LBN"),
    ("GENEVA (Eventwire) - Russia and the United States agreed on a plan on Saturday.", "agreed", "Geneva", "CHE"),
    ("Moscow rejected the draft resolution at the United Nations.", "rejected", None, None),
])
def test_event_places(annotate, text, word, name, country):
    from eventwire.where import gazetteer, locate, place_mentions

    doc = annotate(text)
    g = gazetteer()
    pm = locate(_trigger(doc, word), place_mentions(doc, g), g)
    got = (pm.place.name, pm.place.country) if pm is not None else (None, None)
    assert got == (name, country)


def test_gazetteer_cache_round_trip(tmp_path, monkeypatch):
    from eventwire.where import gazetteer

    monkeypatch.setenv("EVENTWIRE_CACHE", str(tmp_path))
    gazetteer.cache_clear()
    try:
        built = gazetteer()
        assert list(tmp_path.glob("gazetteer-*.pickle"))
        gazetteer.cache_clear()
        loaded = gazetteer()
        assert loaded is not built
        for name in ("Idlib", "Paris", "East Ghouta", "Tripoli", "Kiev"):
            assert loaded.lookup(name) == built.lookup(name)
        (next(tmp_path.glob("gazetteer-*.pickle"))).write_bytes(b"not a pickle")
        gazetteer.cache_clear()
        assert gazetteer().lookup("Mosul").country == "IRQ"  # a broken cache is rebuilt
    finally:
        gazetteer.cache_clear()


def test_user_places_file_through_the_cli(tmp_path):
    import json

    from conftest import run_cli

    f = tmp_path / "mine.tsv"
    f.write_text("name\tcountry\tadmin1\tlat\tlon\tprecision\taliases\tgeonameid\n"
                 "Zorblat Valley\tSYR\t\t35.1\t36.9\tregion\t\t\n", encoding="utf-8")
    res = run_cli("code", "-", "--places", str(f), "--date", "2020-01-05", "--format", "jsonl",
                  input="Syrian government forces shelled rebel positions in Zorblat Valley on Saturday.")
    assert res.returncode == 0, res.stderr
    places = [json.loads(line)["location"] for line in res.stdout.splitlines() if '"event"' in line]
    assert any(p and p["name"] == "Zorblat Valley" and p["country"] == "SYR" for p in places)


_DATE_WORDS = ["in", "since", "early", "mid-", "late", "of", "year", "last", "this", "next", "past", "the", "day",
               "before", "yesterday", "today", "tonight", "tomorrow", "overnight", "earlier", "later", "at", "over",
               "weekend", "week", "weeks", "month", "months", "years", "recent", "days", "ago", "a", "an", "two",
               "several", "few", "March", "march", "Mar.", "Sept", "May", "may", "Monday", "Friday's", "morning",
               "night", "2017", "1999", "5", "5th", "21st", "2017-04-05", "12:30", "2017.5", "of", "on", "said",
               "troops", "mid-March", "through", ",", ".", "-", "'s", "X", "é"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DATE_WORDS), max_size=30),
       st.lists(st.sampled_from([" ", "  ", "\n", "", "-", ", "]), min_size=30, max_size=30))
def test_date_matches_is_the_pattern(words, seps):
    """date_matches tries the pattern only where a date can begin; it must find exactly
    what scanning every position finds."""
    from eventwire.when import DATE_PATTERN, date_matches

    text = "".join(w + s for w, s in zip(words, seps))
    assert [(m.span(), m.lastgroup) for m in date_matches(text)] == \
        [(m.span(), m.lastgroup) for m in DATE_PATTERN.finditer(text)]


def test_date_matches_on_dev_texts():
    import json
    from pathlib import Path

    from eventwire.when import DATE_PATTERN, date_matches

    data = Path(__file__).parent / "data"
    texts = [p.read_text(encoding="utf-8") for p in sorted((data / "newswire_dev").rglob("*.txt"))]
    texts += [json.loads(line).get("text", "") for line in (data / "when_where_dev.jsonl").read_text().splitlines()
              if line.strip()]
    assert len(texts) > 200
    found = 0
    for text in texts:
        fast = [(m.span(), m.lastgroup) for m in date_matches(text)]
        assert fast == [(m.span(), m.lastgroup) for m in DATE_PATTERN.finditer(text)]
        found += len(fast)
    assert found > 200


@pytest.mark.parametrize("name,country", [("Amhara", "ETH"), ("the Bekaa Valley", "LBN"), ("Beqaa", "LBN"),
                                          ("North Waziristan", "PAK"), ("Aceh", "IDN"), ("Kayin State", "MMR")])
def test_regions_news_names(name, country):
    place = gazetteer().lookup(name)
    assert place is not None and place.country == country and place.precision == "region"
