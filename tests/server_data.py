"""A small database for the server tests, written from hand-made records (no spaCy needed)."""
from __future__ import annotations

from pathlib import Path

from eventwire.records import Actor, Article, Claim, DateValue, Event, Location, TextSpan

ARTICLES = [
    ("harbour-talks", "2021-05-04", "Ministers meet over harbour dispute",
     "Officials in Oslo said on Monday that Norway hosted talks with Sweden about the harbour. "
     "Later, Swedish police detained two Norwegian fishermen near the border."),
    ("border-shelling", "2022-09-12", "Shelling reported near the frontier",
     "Armenian forces shelled Azerbaijani positions overnight, the ministry in Baku claimed. "
     "Armenia denied that its army had opened fire."),
]


def _span(text: str, words: str, after: int = 0) -> list[int]:
    start = text.index(words, after)
    return [start, start + len(words)]


def _actor(text: str, words: str, code: str, country: str, sectors=(), entity=None, after: int = 0) -> Actor:
    return Actor(words, code, country, list(sectors), entity, _span(text, words, after))


def records() -> list[tuple[Article, list[Event], list[Claim]]]:
    out = []
    doc, day, title, text = ARTICLES[0]
    ev1 = _span(text, "Norway hosted talks with Sweden about the harbour")
    ev2 = _span(text, "Swedish police detained two Norwegian fishermen near the border")
    claim = Claim(f"{doc}:c1", doc, _actor(text, "Officials in Oslo", "NORGOV", "NOR", ["GOV"]),
                  TextSpan("said", _span(text, "said")), TextSpan(text[ev1[0]:ev1[1]], ev1), sentence=0)
    events = [
        Event(f"{doc}:0:1", doc, 0, ev1, text[ev1[0]:ev1[1]], _actor(text, "Norway", "NOR", "NOR", entity="Norway"),
              _actor(text, "Sweden", "SWE", "SWE", entity="Sweden"), "043", "04", 1, 2.8,
              {"type": "CONSULT", "mode": "visit"}, "claimed", claim.speaker, DateValue("2021-05-03", "day", "on Monday"),
              Location("Oslo", "NOR", "Oslo", 59.91, 10.75, 3143244), "hosted", "rule:verb:host -> 043 [verb/subject]",
              claim.claim_id),
        Event(f"{doc}:1:1", doc, 1, ev2, text[ev2[0]:ev2[1]], _actor(text, "Swedish police", "SWECOP", "SWE", ["COP"]),
              _actor(text, "Norwegian fishermen", "NORCVL", "NOR", ["CVL"]), "173", "17", 4, -5.0,
              {"type": "COERCE", "mode": "arrest"}, "asserted", None, None, None, "detained",
              "rule:verb:detain -> 173 [verb/subject]"),
    ]
    out.append((Article(doc, text, day, title, None, "Test Wire"), events, [claim]))

    doc, day, title, text = ARTICLES[1]
    ev1 = _span(text, "Armenian forces shelled Azerbaijani positions overnight")
    ev2 = _span(text, "Armenia denied that its army had opened fire")
    claim = Claim(f"{doc}:c1", doc, _actor(text, "the ministry in Baku", "AZEGOV", "AZE", ["GOV"]),
                  TextSpan("claimed", _span(text, "claimed")), TextSpan(text[ev1[0]:ev1[1]], ev1), sentence=0)
    events = [
        Event(f"{doc}:0:1", doc, 0, ev1, text[ev1[0]:ev1[1]], _actor(text, "Armenian forces", "ARMMIL", "ARM", ["MIL"]),
              _actor(text, "Azerbaijani positions", "AZEMIL", "AZE", ["MIL"]), "195", "19", 4, -10.0,
              {"type": "ASSAULT", "mode": "aerial"}, "claimed", claim.speaker, DateValue("2022-09-11", "day", "overnight"),
              None, "shelled", "rule:verb:shell -> 195 [verb/subject]", claim.claim_id),
        Event(f"{doc}:1:1", doc, 1, ev2, text[ev2[0]:ev2[1]], _actor(text, "Armenia", "ARM", "ARM", after=ev2[0]),
              None, "190", "19", 4, -10.0, {"type": "ASSAULT", "mode": None}, "denied", None, None, None,
              "denied ... opened fire", "rule:verb:open fire -> 190 [verb/subject]"),
    ]
    out.append((Article(doc, text, day, title, None, "Test Wire"), events, [claim]))
    return out


def build_db(path: Path) -> Path:
    from eventwire.store.db import open_db, write_article

    con = open_db(path)
    for art, events, claims in records():
        write_article(con, art, events, claims)
    con.close()
    return path
