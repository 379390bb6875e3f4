"""The actors stage: names, sector nouns, metonymy, titles, pronouns, user files."""
from __future__ import annotations

import pytest

from conftest import run_cli


def codes(doc):
    return {doc[m.start:m.end].text: m.code for m in doc._.ew.mentions}


def head_code(doc, word, occurrence=1):
    seen = 0
    for m in doc._.ew.mentions:
        if doc[m.head].text == word:
            seen += 1
            if seen == occurrence:
                return m.code
    return None


@pytest.mark.parametrize("text,word,code", [
    ("The Syrian army shelled the town.", "army", "SYRMIL"),
    ("Turkish police detained dozens of people.", "police", "TURCOP"),
    ("Moscow rejected the draft resolution.", "Moscow", "RUSGOV"),
    ("The Kremlin said the talks were useful.", "Kremlin", "RUSGOV"),
    ("A spokesman for the Iraqi interior ministry said the road was closed.", "spokesman", "IRQGOV"),
    ("The UN Security Council met on Monday.", "Council", "IGOUNO"),
    ("Islamic State fighters attacked the base.", "fighters", None),
    ("Daesh claimed the bombing.", "Daesh", None),
])
def test_actor_codes(annotate, text, word, code):
    doc = annotate(text, "2017-04-06")
    got = head_code(doc, word)
    if code is None:
        assert got is not None
    else:
        assert got == code, codes(doc)


def test_unknown_person_with_title_then_surname(annotate):
    doc = annotate("Iraqi Deputy Minister Karim Faleh spoke on Monday. Later Faleh visited Basra.", "2019-01-01")
    assert head_code(doc, "Faleh", 1) == "IRQGOV"
    assert head_code(doc, "Faleh", 2) == "IRQGOV"


def test_pronoun_takes_the_nearest_person(annotate):
    doc = annotate("Iraqi Deputy Minister Karim Faleh arrived in Cairo. He met officials.", "2019-01-01")
    assert head_code(doc, "He") == "IRQGOV"


def test_user_actor_file(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text("groups:\n  - code: SYRZZZ\n    name: Free Zorblat Brigade\n    aliases: [Zorblat]\n"
                 "    country: SYR\n    sectors: REB\n", encoding="utf-8")
    res = run_cli("actors", "The Zorblat fighters entered the village.", "--actors", str(f))
    assert res.returncode == 0, res.stderr
    assert "SYRZZZ" in res.stdout


def test_bad_user_actor_file_is_a_clean_error(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("nonsense: [1, 2\n", encoding="utf-8")
    res = run_cli("actors", "Text.", "--actors", str(f))
    assert res.returncode == 2 and "actor file" in res.stderr
