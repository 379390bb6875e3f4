"""What an event record says about its actors and place, on sentences of our own writing
(the real spaCy pipeline)."""
from __future__ import annotations

from eventwire.api import code_text


def events(text: str, date: str = "2024-03-02"):
    return [r for r in code_text(text, date=date) if r.kind == "event"]


def test_one_trigger_with_coordinated_doers_of_one_code_is_one_event():
    got = [e for e in events("Residents and villagers blocked a highway near Lagos on Monday.") if e.root == "14"]
    assert len(got) == 1, [(e.source.text, e.cameo) for e in got]
    assert got[0].source.code.endswith("CVL")
    # doers of different codes stay two events
    two = [e for e in events("Russia and China vetoed the resolution on Tuesday.") if e.root == "12"]
    assert {e.source.code[:3] for e in two} == {"RUS", "CHN"}


def test_a_speaking_capital_is_not_the_place_of_what_it_says():
    got = [e for e in events("Moscow said on Friday that its forces had shelled positions used by the "
                             "rebels.") if e.root in ("19", "20")]
    assert got, "no attack coded"
    assert all(e.location is None or e.location.name != "Moscow" for e in got), \
        [(e.location.name if e.location else None) for e in got]


def test_the_dateline_is_not_part_of_an_actor():
    # the parse hangs "KYIV --" on "missiles" here
    got = [e for e in events("KYIV -- Russian missiles and drones struck energy facilities across Ukraine "
                             "overnight.") if e.root == "19"]
    assert got
    assert all(not e.source.text.upper().startswith("KYIV") for e in got), [e.source.text for e in got]


def test_a_target_read_off_the_place_shows_the_place_words():
    text = "Gunmen attacked a police station in Mali on Sunday, killing three officers."
    got = [e for e in events(text) if e.target is not None and e.target.code == e.target.country == "MLI"
           and e.target.entity == "MLI"]
    for e in got:
        a, b = e.target.span
        assert text[a:b] == "Mali", e.target.text


def test_events_that_name_no_actor_are_not_written_unless_asked():
    from eventwire.config import Settings

    text = "A ceasefire in the Gaza Strip took effect on Sunday morning."
    assert not [r for r in code_text(text, date="2024-03-02") if r.kind == "event"]
    kept = [r for r in code_text(text, date="2024-03-02", settings=Settings(actorless=True)) if r.kind == "event"]
    assert kept and all(e.source is None and e.target is None for e in kept)


def test_naming_an_event_is_not_doing_it():
    # "calling the massacre one of the worst abuses" names the killing already reported: one event
    got = [e for e in events("Amnesty International said troops killed 40 villagers in central Mali, calling the "
                             "massacre one of the worst abuses in years.") if e.root in ("18", "19", "20")]
    assert len(got) == 1, [(e.source and e.source.code, e.cameo, e.trigger) for e in got]
    assert not got[0].source.code.startswith("NGO")
