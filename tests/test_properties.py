"""Property tests: arbitrary text never crashes the pipeline, spans stay inside the text,
coding twice gives the same records; readers never raise on arbitrary bytes.

A text the language check refuses (eventwire.language) must be refused for that reason and
no other; the spans are then checked with the check turned off. Example counts scale with
EVENTWIRE_FUZZ_SCALE (`make reliability`, tests/reliability_log.py)."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability_log import examples, note

from eventwire import language
from eventwire.api import get_pipeline
from eventwire.config import Settings
from eventwire.read import read_bytes
from eventwire.records import Article

NEWSY = st.lists(st.sampled_from([
    "Russia", "accused", "Ukraine", "of", "shelling", "the", "plant", ".", "\u201c", "\u201d", '"', ",",
    "said", "Moscow", "on", "Wednesday", "in", "Idlib", "not", "attack", "talks", "Hamas", "Israel",
    "\n\n", "the army", "reportedly", "would", "if", "UN", "Security Council", "met", "2013", "-",
    "according to", "officials", "he", "they", "\u00e9", "\u4e2d\u6587", "\x00", "\u200b", "\U0001F600",
]), max_size=60).map(" ".join)


def _check(pipeline, text: str) -> None:
    note("fuzz: pipeline", case="coding")
    [res] = list(pipeline([Article("p", text, "2020-01-01")]))
    if res.error is not None and res.error.reason == "language":
        assert language.detect(text) is not None
        pipeline = get_pipeline(Settings(language_check=False))
        [res] = list(pipeline([Article("p", text, "2020-01-01")]))
    assert res.error is None, res.error
    for e in res.events:
        assert 0 <= e.span[0] <= e.span[1] <= len(text)
        assert text[e.span[0]:e.span[1]] == e.text
        for a in (e.source, e.target):
            if a is not None and a.span is not None:
                assert text[a.span[0]:a.span[1]] == a.text
    for c in res.claims:
        for part in (c.cue, c.content):
            assert text[part.span[0]:part.span[1]] == part.text
    again = list(pipeline([Article("p", text, "2020-01-01")]))[0]
    assert [json.dumps(r.to_dict(), sort_keys=True) for r in res.records] == \
        [json.dumps(r.to_dict(), sort_keys=True) for r in again.records]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=NEWSY)
def test_pipeline_on_newsy_text(pipeline, text):
    if text.strip():
        _check(pipeline, text)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300))
def test_pipeline_on_arbitrary_unicode(pipeline, text):
    if text.strip():
        _check(pipeline, text)


@settings(max_examples=examples(300), deadline=None)
@given(data=st.binary(max_size=2000),
       suffix=st.sampled_from([".txt", ".html", ".jsonl", ".json", ".csv", ".tsv", ""]))
def test_readers_never_raise(data, suffix):
    note("fuzz: readers", case="arbitrary bytes")
    for res in read_bytes(data, "fuzz", "fuzz" + suffix, suffix):
        assert (res.article is None) != (res.error is None)
        if res.error is not None:
            assert str(res.error).startswith("fuzz")
