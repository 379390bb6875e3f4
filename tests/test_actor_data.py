"""Checks of the actor knowledge base files in src/eventwire/data/actors/.

These tests read the TSV files with the csv module only (no eventwire imports),
so they check the data itself: layout, codes, references, dates, counts.
"""
import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest

ACTORS = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "actors"

COLUMNS = {
    "countries": ["iso3", "name", "aliases", "demonyms", "capitals", "seats"],
    "organizations": ["code", "name", "aliases", "kind", "sectors", "members"],
    "groups": ["code", "name", "aliases", "country", "sectors"],
    "people": ["name", "aliases", "country", "sectors", "role", "start", "end"],
    "sectors": ["term", "sector", "kind"],
}
MIN_ROWS = {"countries": 200, "organizations": 150, "groups": 120, "people": 1500, "sectors": 250}
SECTORS = {"GOV", "MIL", "COP", "SPY", "JUD", "LEG", "OPP", "PTY", "REB", "INS", "SEP", "RAD", "UAF",
           "CVL", "MED", "BUS", "CRM", "EDU", "HLH", "LAB", "REF", "REL", "AGR", "ELI", "IGO"}


def read(table):
    """(header, rows, line numbers) of a table; comment lines are skipped."""
    path = ACTORS / f"{table}.tsv"
    lines, numbers = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, line in enumerate(fh, 1):
            if line.startswith("#") or not line.strip():
                continue
            lines.append(line.rstrip("\n"))
            numbers.append(n)
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:], numbers[1:]


def dicts(table):
    header, rows, _ = read(table)
    return [dict(zip(header, r)) for r in rows]


def split(cell):
    return [p for p in cell.split("|") if p]


def parse_date(text):
    for fmt, length in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(text) == length:
            return dt.datetime.strptime(text, fmt).date()
    raise ValueError(text)


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_layout(table):
    header, rows, numbers = read(table)
    assert header == COLUMNS[table]
    for row, n in zip(rows, numbers):
        assert len(row) == len(header), f"{table}.tsv line {n}: {len(row)} cells"
        assert row[0].strip() == row[0] and row[0], f"{table}.tsv line {n}: empty or padded key"
        for cell in row:
            assert cell == cell.strip(), f"{table}.tsv line {n}: padded cell {cell!r}"
            assert "||" not in cell and not cell.startswith("|") and not cell.endswith("|"), \
                f"{table}.tsv line {n}: empty alternative in {cell!r}"


@pytest.mark.parametrize("table", sorted(MIN_ROWS))
def test_row_counts(table):
    assert len(read(table)[1]) >= MIN_ROWS[table]


def test_iso3_codes():
    codes = [r["iso3"] for r in dicts("countries")]
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in codes)
    assert len(codes) == len(set(codes))
    for must in ("USA", "RUS", "CHN", "GBR", "FRA", "SYR", "TWN", "XKX", "PSE", "VAT", "ESH", "HKG"):
        assert must in codes


def test_organization_and_group_codes():
    orgs = dicts("organizations")
    keys = [(r["code"], r["name"]) for r in orgs]
    assert len(keys) == len(set(keys))
    by_code = defaultdict(int)
    for r in orgs:
        assert r["kind"] in {"IGO", "NGO", "MNC"}
        assert re.fullmatch(r"(IGO|NGO|MNC)[A-Z0-9]{3}([A-Z0-9]{3})?", r["code"]), r["code"]
        assert r["code"].startswith(r["kind"]), r["code"]
        by_code[r["code"]] += 1
    assert [c for c, n in by_code.items() if n > 1] in ([], ["IGOUNO"])
    groups = dicts("groups")
    gcodes = [g["code"] for g in groups]
    assert len(gcodes) == len(set(gcodes))
    for g in groups:
        assert re.fullmatch(r"[A-Z]{3}[A-Z0-9]{3}", g["code"]), g["code"]
        assert g["code"][:3] == g["country"], g["code"]


def test_references_exist():
    countries = {r["iso3"] for r in dicts("countries")}
    orgs = {r["code"] for r in dicts("organizations")}
    groups = {r["code"] for r in dicts("groups")}
    known = countries | orgs | groups | {"IMG"}
    for g in dicts("groups"):
        assert g["country"] in countries | {"IMG"}, g["name"]
    for o in dicts("organizations"):
        for m in split(o["members"]):
            assert m in countries, (o["name"], m)
    for p in dicts("people"):
        assert p["country"] in known, (p["name"], p["country"])


def test_sector_codes():
    for table, col in (("organizations", "sectors"), ("groups", "sectors"), ("people", "sectors"),
                       ("sectors", "sector")):
        for r in dicts(table):
            for s in split(r[col]):
                assert s in SECTORS, (table, r[COLUMNS[table][0]], s)
            if table == "people":
                assert r[col], r["name"]
    for r in dicts("countries"):
        for seat in split(r["seats"]):
            name, _, sector = seat.partition("=")
            assert name and not name.lower().startswith("the "), seat
            assert sector == "" or sector in SECTORS, seat
    for r in dicts("sectors"):
        assert r["kind"] in {"noun", "title"}, r["term"]


def test_people_dates():
    for p in dicts("people"):
        start = parse_date(p["start"]) if p["start"] else None
        end = parse_date(p["end"]) if p["end"] else None
        assert p["role"], p["name"]
        if start and end:
            # compare at the coarsest precision both dates share
            prec = min(len(p["start"]), len(p["end"]))
            assert p["start"][:prec] <= p["end"][:prec], (p["name"], p["role"], p["start"], p["end"])
        for d in (start, end):
            assert d is None or dt.date(1940, 1, 1) <= d <= dt.date(2030, 12, 31), (p["name"], d)


def test_people_known_facts():
    rows = {(p["name"], p["role"]): p for p in dicts("people")}
    ayrault = rows[("Jean-Marc Ayrault", "Foreign Minister")]
    assert (ayrault["country"], ayrault["sectors"], ayrault["start"], ayrault["end"]) == \
        ("FRA", "GOV", "2016-02-11", "2017-05-17")
    assert rows[("Jean-Marc Ayrault", "Prime Minister")]["start"] == "2012-05-15"
    zakharova = rows[("Maria Zakharova", "spokeswoman of the Foreign Ministry")]
    assert zakharova["country"] == "RUS" and zakharova["end"] == ""
    assert rows[("António Guterres", "UN Secretary-General")]["country"] == "IGOUNO"
    assert rows[("Hassan Nasrallah", "Hezbollah secretary-general")]["country"] == "LBNHEZ"


def test_no_alias_maps_to_two_countries():
    seen = {}
    for r in dicts("countries"):
        forms = [r["name"], *split(r["aliases"]), *split(r["demonyms"]), *split(r["capitals"]),
                 *(s.partition("=")[0] for s in split(r["seats"]))]
        for form in forms:
            key = form.rstrip("!")
            if not key.isupper():
                key = key.lower()
            assert seen.setdefault(key, r["iso3"]) == r["iso3"], (form, seen[key], r["iso3"])


def test_no_person_alias_maps_to_two_people():
    seen = {}
    for p in dicts("people"):
        for form in split(p["aliases"]):
            assert seen.setdefault(form, p["name"]) == p["name"], (form, seen[form], p["name"])


def test_stateless_terms_are_not_countries():
    forms = set()
    for r in dicts("countries"):
        forms.update(f.lower() for f in split(r["demonyms"]) + split(r["aliases"]))
    for word in ("kurdish", "kurds", "kurd", "arab", "arabs", "korean"):
        assert word not in forms


def test_key_aliases():
    countries = {r["iso3"]: r for r in dicts("countries")}
    assert {"US", "U.S.", "America"} <= set(split(countries["USA"]["aliases"]))
    assert "American" in split(countries["USA"]["demonyms"])
    assert "Kremlin" in split(countries["RUS"]["seats"])
    assert "Pentagon=MIL" in split(countries["USA"]["seats"])
    assert "Knesset=LEG" in split(countries["ISR"]["seats"])
    groups = {g["code"]: g for g in dicts("groups")}
    assert "IS!" in split(groups["IMGISI"]["aliases"])
    assert "Daesh" in split(groups["IMGISI"]["aliases"])
    orgs = {(o["code"], o["name"]) for o in dicts("organizations")}
    assert ("IGOUNO", "UN Security Council") in orgs


def test_genders():
    path = ACTORS / "genders.tsv"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert lines[0].split("\t") == ["word", "gender"]
    words = [ln.split("\t") for ln in lines[1:]]
    assert all(len(w) == 2 and w[1] in {"f", "m"} and w[0] == w[0].lower() for w in words)
    assert len({w[0] for w in words}) == len(words)
