"""Consistency checks for the coding and claims data files (reads the TSVs directly)."""

import csv
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data"
CODING = DATA / "coding"
CLAIMS = DATA / "claims"
REFERENCE = Path("/work/shared/reference/CAMEO2PLOVER-2021.txt")

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}
CERTAINTIES = {"asserted", "claimed", "alleged", "denied", "negated", "intended", "hypothetical"}
MODALITY_SCOPES = {"modifier", "adverb", "aux", "governor", "mark", "neg"}
CUE_KINDS = {"speech", "allege", "deny", "confirm", "promise"}
CUE_POS = {"verb", "noun", "prep"}


def read_tsv(path):
    """Rows of a TSV as dicts; '#' comment lines and blank lines are skipped."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = list(reader)
    for row in rows:
        assert None not in row, f"{path.name}: extra cells in {row}"
        assert all(v is not None for v in row.values()), f"{path.name}: missing cells in {row}"
    return reader.fieldnames, rows


def quad_for_root(root):
    # GDELT convention, documented in cameo.tsv and coding/README.md
    if 1 <= root <= 4:
        return 1
    if 5 <= root <= 8:
        return 2
    if 9 <= root <= 13:
        return 3
    return 4


@pytest.fixture(scope="module")
def cameo():
    header, rows = read_tsv(CODING / "cameo.tsv")
    assert header == ["code", "name", "goldstein", "quad_class", "description"]
    return rows


@pytest.fixture(scope="module")
def plover():
    header, rows = read_tsv(CODING / "plover.tsv")
    assert header == ["cameo", "plover_type", "plover_mode", "plover_context"]
    return rows


def test_cameo_codes_well_formed(cameo):
    codes = [r["code"] for r in cameo]
    assert len(codes) == len(set(codes)), "duplicate CAMEO codes"
    assert len(codes) >= 280
    code_set = set(codes)
    for code in codes:
        assert re.fullmatch(r"\d{3,4}", code), code
        root = int(code[:2])
        assert 1 <= root <= 20, code
        assert code[:2] + "0" in code_set, f"{code}: root {code[:2]} has no base code"
        if len(code) == 4:
            assert code[:3] in code_set, f"{code}: parent {code[:3]} missing"
    for root in range(1, 21):
        assert f"{root:02d}0" in code_set


def test_cameo_goldstein_and_quad(cameo):
    for r in cameo:
        g = float(r["goldstein"])
        assert -10.0 <= g <= 10.0, r
        assert int(r["quad_class"]) == quad_for_root(int(r["code"][:2])), r
        assert r["name"].strip() and r["description"].strip(), r


@pytest.mark.parametrize("code,value", [
    ("010", 0.0), ("011", -0.1), ("013", 0.4), ("020", 3.0), ("036", 4.0), ("042", 1.9),
    ("043", 2.8), ("046", 7.0), ("057", 8.0), ("061", 6.4), ("0874", 10.0), ("090", -2.0),
    ("100", -5.0), ("130", -4.4), ("138", -7.0), ("140", -6.5), ("163", -8.0),
    ("173", -5.0), ("180", -9.0), ("190", -10.0), ("204", -10.0),
])
def test_known_goldstein_values(cameo, code, value):
    by_code = {r["code"]: float(r["goldstein"]) for r in cameo}
    assert by_code[code] == value


def test_plover_covers_every_code(cameo, plover):
    cameo_codes = {r["code"] for r in cameo}
    plover_codes = [r["cameo"] for r in plover]
    assert len(plover_codes) == len(set(plover_codes)), "duplicate crosswalk rows"
    assert set(plover_codes) == cameo_codes
    for r in plover:
        assert r["plover_type"] in PLOVER_TYPES, r


def test_plover_types_file_and_modes(plover):
    header, rows = read_tsv(CODING / "plover_types.tsv")
    assert header == ["type", "modes", "description"]
    modes = {r["type"]: set(filter(None, r["modes"].split("|"))) for r in rows}
    assert set(modes) == PLOVER_TYPES and len(rows) == 16
    for r in plover:
        if r["plover_mode"]:
            assert r["plover_mode"] in modes[r["plover_type"]], r


def parse_reference(path):
    """'CODE: TYPE, MODE, CONTEXT # description' lines -> {code: TYPE}; first row per code wins."""
    ref = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*(\d{3,4})\s*:\s*([^#]*)", line)
        if m:
            ref.setdefault(m.group(1), m.group(2).split(",")[0].strip().upper())
    return ref


def test_crosswalk_agrees_with_published(plover):
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} not available")
    ref = parse_reference(REFERENCE)
    ours = {r["cameo"]: r["plover_type"] for r in plover}
    shared = [c for c in ref if c in ours]
    assert len(shared) >= 200
    agree = sum(ours[c] == ref[c] for c in shared)
    assert agree / len(shared) >= 0.90, f"type agreement {agree}/{len(shared)}"


def test_modality_lexicon():
    header, rows = read_tsv(CODING / "modality.tsv")
    assert header == ["term", "certainty", "scope", "notes", "act"]
    assert len(rows) >= 80
    terms = [r["term"] for r in rows]
    assert len(terms) == len(set(terms)), "duplicate modality terms"
    for r in rows:
        assert r["certainty"] in CERTAINTIES, r
        assert r["scope"] in MODALITY_SCOPES, r
        assert r["term"] == r["term"].strip().lower() and r["term"], r
        assert r["act"] in ("", "intent", "commit"), r
        assert not r["act"] or (r["certainty"] == "intended" and r["scope"] == "governor"), r


def test_claim_cues():
    header, rows = read_tsv(CLAIMS / "cues.tsv")
    assert header == ["lemma", "kind", "pos", "notes"]
    assert len(rows) >= 120
    keys = [(r["lemma"], r["pos"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate (lemma, pos) cues"
    for r in rows:
        assert r["kind"] in CUE_KINDS, r
        assert r["pos"] in CUE_POS, r
        assert r["lemma"] == r["lemma"].strip().lower() and r["lemma"], r
    lemmas = {r["lemma"] for r in rows}
    for must in ("say", "deny", "claim", "confirm", "promise", "point out", "according to"):
        assert must in lemmas
