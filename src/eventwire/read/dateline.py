"""A news dateline at the head of an article: "WASHINGTON (AFP) -", "GENEVA, 23 March (Reuters) -".

The dateline names where the report was filed and sometimes when. ``parse_dateline``
returns its place words (for the where stage), its date when the dateline gives a
full one with the year (the reader may take it as the publication date), and where
the dateline ends. A day and month without a year is not a publication date: the
year would be a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = r"[A-Z][A-Za-z.'\u2019-]*"
_PLACE = rf"{_WORD}(?:[ ]{_WORD}){{0,3}}"
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = rf"(?:\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{4}}-\d\d-\d\d)"
_DASH = r"(?:-{1,2}|\u2013|\u2014|:)"

DATELINE = re.compile(
    rf"^\s*(?P<place>{_PLACE})(?:,\s*(?P<region>{_PLACE}))?(?:,\s*(?P<date>{_DATE}))?"
    rf"(?:\s*\((?P<agency>[^()\n]{{1,40}})\))?\s*{_DASH}\s+")


@dataclass
class Dateline:
    place: str              # "GENEVA"
    region: str | None      # "Iraq" in "MOSUL, Iraq (Reuters) -"
    date: str | None        # YYYY-MM-DD when the dateline gives day, month and year
    date_text: str | None   # the date words as written, with or without a year
    place_span: tuple[int, int]
    end: int                # the first character after the dateline


def parse_dateline(text: str) -> Dateline | None:
    """The dateline at the start of ``text``, or None when the text has none."""
    m = DATELINE.match(text[:200])
    if not m:
        return None
    place = m.group("place")
    # Without an agency in parentheses only an upper-case place makes a dateline ("GENEVA -"),
    # so that an ordinary sentence opening ("Police said: ...") is not taken for one.
    if not m.group("agency") and not place.isupper():
        return None
    if m.group("agency") and not (place.isupper() or place.istitle()):
        return None
    date_text = m.group("date")
    date = None
    if date_text and re.search(r"\d{4}", date_text):
        import dateparser

        got = dateparser.parse(date_text, languages=["en"], settings={"REQUIRE_PARTS": ["day", "month", "year"]})
        date = got.date().isoformat() if got else None
    return Dateline(place, m.group("region"), date, date_text, (m.start("place"), m.end("place")), m.end())
