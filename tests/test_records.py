"""Records survive a JSON round trip unchanged (property test)."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.records import Actor, Claim, DateValue, Event, Location, TextSpan, record_from_dict

text = st.text(max_size=40)
codes = st.sampled_from(["SYR", "SYRMIL", "IGOUNO", "USAGOV", None])
actors = st.none() | st.builds(Actor, text=text, code=codes, country=st.sampled_from(["SYR", "USA", None]),
                               sectors=st.lists(st.sampled_from(["GOV", "MIL"]), max_size=2),
                               entity=st.none() | text,
                               span=st.none() | st.lists(st.integers(0, 1000), min_size=2, max_size=2))
dates = st.none() | st.builds(DateValue, value=st.sampled_from(["2017-04-05", "2016-06", "2013"]),
                              precision=st.sampled_from(["day", "month", "year"]), text=text)
places = st.none() | st.builds(Location, name=text, country=st.sampled_from(["SYR", None]),
                               lat=st.none() | st.floats(-90, 90), lon=st.none() | st.floats(-180, 180))


@settings(max_examples=150, deadline=None)
@given(source=actors, target=actors, attributed=actors, date=dates, place=places, body=text,
       certainty=st.sampled_from(["asserted", "claimed", "alleged", "denied", "negated", "intended",
                                  "hypothetical"]))
def test_event_round_trip(source, target, attributed, date, place, body, certainty):
    e = Event("d:1:1", "d", 1, [0, len(body)], body, source, target, "112", "11", 3, -2.0,
              {"type": "ACCUSE", "mode": None}, certainty, attributed, date, place, "accused", "rule:x")
    back = record_from_dict(json.loads(json.dumps(e.to_dict())))
    assert back == e


@settings(max_examples=100, deadline=None)
@given(speaker=actors, cue=text, content=text)
def test_claim_round_trip(speaker, cue, content):
    c = Claim("d:c1", "d", speaker, TextSpan(cue, [0, 1]), TextSpan(content, [2, 3]), "asserted", 4)
    assert record_from_dict(json.loads(json.dumps(c.to_dict()))) == c


def test_event_json_has_contract_fields():
    e = Event("d:1:1", "d", 1, [0, 5], "hello", None, None, "040", "04", 1, 1.0,
              {"type": "CONSULT", "mode": None}, "asserted")
    d = e.to_dict()
    for key in ("kind", "event_id", "doc_id", "sentence", "span", "text", "source", "target", "cameo", "root",
                "quad_class", "goldstein", "plover", "certainty", "attributed_to", "date", "location",
                "trigger", "coder"):
        assert key in d
    assert d["kind"] == "event"


def test_to_dict_names_every_field():
    """The records' to_dict methods are written by hand (asdict is slow): a field added to a
    record class must be added there too, or it would be lost on the way to JSON."""
    from dataclasses import fields

    a = Actor("Syria", "SYR", "SYR", ["GOV"], "Q858", [0, 5])
    assert set(a.to_dict()) == {f.name for f in fields(Actor)}
    for rec in (DateValue("2017-04-05", "day", "Wednesday"), TextSpan("said", [3, 7]),
                Location("Idlib", "SYR", "Idlib", 35.9, 36.6, 169389, "city", "Idlib")):
        assert set(rec.to_dict()) == {f.name for f in fields(type(rec))}
    e = Event("d:1:1", "d", 1, [0, 4], "text", a, None, "112", "11", 3, -2.0, {"type": "ACCUSE", "mode": None},
              "asserted")
    assert set(e.to_dict()) == {f.name for f in fields(Event)}
    c = Claim("d:c1", "d", a, TextSpan("said", [0, 1]), TextSpan("x", [2, 3]), "asserted", 4)
    assert set(c.to_dict()) == {f.name for f in fields(Claim)}
