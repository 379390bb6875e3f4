"""Checks the shape of the packaged trigger dictionary (src/eventwire/data/coding/triggers.tsv).

Reads the file with the csv module only, so it runs without spaCy or eventwire imports.
"""
from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

CODING = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "coding"
TRIGGERS = CODING / "triggers.tsv"
CAMEO = CODING / "cameo.tsv"
COLUMNS = ["code", "pos", "lemma", "particle", "prep", "object", "modifier", "example"]

# Past forms that do not start with the lemma's first three letters.
IRREGULAR = {
    "be": ["was", "were", "is", "are"], "go": ["went", "goes", "gone"], "meet": ["met"],
    "hold": ["held"], "take": ["took", "taken"], "give": ["gave", "given"], "fight": ["fought"],
    "find": ["found"], "fly": ["flew", "flown"], "pay": ["paid"], "lay": ["laid"],
    "make": ["made"], "strike": ["struck"], "seek": ["sought"], "buy": ["bought"],
    "sell": ["sold"], "speak": ["spoke"], "stand": ["stood"], "come": ["came"],
    "bring": ["brought"], "shoot": ["shot"], "break": ["broke", "broken"], "tear": ["tore", "torn"],
    "drive": ["drove", "driven"], "throw": ["threw", "thrown"], "hide": ["hid", "hidden"],
    "sink": ["sank", "sunk"], "cast": ["cast"], "set": ["set"], "cut": ["cut"], "put": ["put"],
    "hit": ["hit"], "beat": ["beat"], "begin": ["began", "begun"], "blow": ["blew"],
    "overrun": ["overran"], "retake": ["retook"], "undertake": ["undertook"],
    "draw": ["drew"], "lead": ["led"], "win": ["won"], "send": ["sent"], "build": ["built"],
    "leave": ["left"], "freeze": ["froze", "frozen"], "unfreeze": ["unfroze"], "forgive": ["forgave"], "swear": ["swore"], "wear": ["wore"], "lend": ["lent"], "spend": ["spent"], "mislead": ["misled"],
}


def _rows():
    with TRIGGERS.open(encoding="utf-8", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, 1) if line.strip() and not line.startswith("#")]
    reader = csv.reader((line for _, line in lines), delimiter="\t")
    out = [(n, row) for (n, _), row in zip(lines, reader)]
    header = out[0][1]
    assert header == COLUMNS, f"bad header {header}"
    return out[1:]


ROWS = _rows()


def test_file_is_big_enough():
    assert len(ROWS) >= 800


def test_eight_columns():
    bad = [n for n, row in ROWS if len(row) != len(COLUMNS)]
    assert not bad, f"rows without 8 columns at lines {bad[:20]}"


def test_codes():
    bad = []
    for n, row in ROWS:
        code = row[0]
        if not re.fullmatch(r"\d{2,4}", code) or not 1 <= int(code[:2]) <= 20:
            bad.append((n, code))
    assert not bad, bad[:20]


def test_pos_and_lemma():
    bad = [(n, row[1], row[2]) for n, row in ROWS
           if row[1] not in {"verb", "noun", "adj"} or not re.fullmatch(r"[a-z]+", row[2])]
    assert not bad, bad[:20]


ENTITY_TYPES = {"@actor", "@gpe", "@loc", "@fac", "@person", "@org", "@norp"}


def test_cells_are_lowercase_words():
    bad = []
    for n, row in ROWS:
        for i, cell in enumerate(row[3:7], 3):
            for alt in filter(None, cell.split("|")):
                if i == 5 and alt in ENTITY_TYPES:
                    continue  # an entity type as object (TRIGGERS.md)
                if not re.fullmatch(r"!?[a-z][a-z-]*", alt):
                    bad.append((n, cell))
    assert not bad, bad[:20]


def test_no_conflicting_duplicates():
    seen = defaultdict(set)
    for n, row in ROWS:
        seen[tuple(row[1:7])].add(row[0])
    bad = {k: v for k, v in seen.items() if len(v) > 1}
    assert not bad, list(bad.items())[:20]


def _example_mentions(lemma: str, example: str) -> bool:
    text = example.lower()
    if lemma[:3] in text:
        return True
    if lemma.endswith("y") and lemma[:-1] + "i" in text:  # try -> tried, pry -> pried
        return True
    return any(re.search(rf"\b{form}\b", text) for form in IRREGULAR.get(lemma, []))


def test_examples():
    bad = []
    for n, row in ROWS:
        example = row[7].strip()
        if not example or not _example_mentions(row[2], example):
            bad.append((n, row[2], example))
    assert not bad, bad[:20]


def test_examples_are_distinct():
    counts = Counter(row[7].strip() for _, row in ROWS)
    dups = [e for e, c in counts.items() if c > 1]
    assert not dups, dups[:20]


@pytest.mark.parametrize("root", [f"{r:02d}" for r in range(1, 21)])
def test_every_root_has_rows(root):
    assert sum(1 for _, row in ROWS if row[0][:2] == root) >= 3


def test_codes_exist_in_codebook():
    if not CAMEO.exists():
        pytest.skip("cameo.tsv not written yet")
    with CAMEO.open(encoding="utf-8", newline="") as fh:
        codes = {row[0] for row in csv.reader((l for l in fh if l.strip() and not l.startswith("#")),
                                               delimiter="\t")}
    bad = sorted({row[0] for _, row in ROWS if row[0] not in codes})
    assert not bad, bad
