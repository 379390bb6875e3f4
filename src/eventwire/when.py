"""The when stage: date each event from its own clause, against the article's publication date.

reads: the parse, doc._.ew.article.date, doc._.ew.events;
writes: doc._.ew.dates (DateMention list) and EventInfo.date.

Date expressions are found by the grammar of English dates (weekdays, "yesterday",
"last night", "two days ago", "earlier this month", "on 5 April", "in March 2014",
"in 2013", ISO dates) plus spaCy's DATE entities, and resolved against the
publication date. ``event_date(token, ...)`` dates one trigger token; the stage calls
it for every event. The rules, in order:

1. a date in the event's own clause (a verb's clause; a noun's phrase, then the
   clause of the verb it is the subject or object of), nearest in the dependency tree;
2. a date on a verb coordinated with it ("resigned and fled on Monday");
3. the nearest governing clause (complements, coordination, reported speech:
   "claimed yesterday that his fighters had taken the town").

Relative expressions need the publication date; without one they stay unknown, and
nothing falls back to the publication date itself. Past events are never dated after
publication; future ones ("will meet on Tuesday", "next month") are dated forward.
Precision is what the words give (day, month or year); vague spans ("last week",
"in recent weeks", "at the weekend") give no date and stop the search.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .records import DateValue
from .nlp import text_of

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
MONTH_ABBR = {m[:3]: n for n, m in enumerate(MONTH_NAMES, 1)} | {"sept": 9}
MONTHS = "|".join(MONTH_NAMES) + "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS = "|".join(WEEKDAY_NAMES)
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": None, "few": None}
NUMBER = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
PART_OF_DAY = r"(?:morning|afternoon|evening|night)"

MONTH_WORD = re.compile(rf"\b({MONTHS})\b\.?", re.I)
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
DAY_NUMBER = re.compile(r"\b([0-3]?\d)(st|nd|rd|th)?\b")

# One alternation per kind of expression; a match's group name says how to resolve it.
DATE_PATTERN = re.compile(
    r"\b(?:"
    r"(?P<iso>(?:1[89]|20)\d\d-[01]\d-[0-3]\d)"
    rf"|(?P<dmy>[0-3]?\d(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{MONTHS})\.?(?:,?\s+(?:1[89]|20)\d\d)?)"
    rf"|(?P<mdy>(?:{MONTHS})\.?\s+[0-3]?\d(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(?:1[89]|20)\d\d)?)"
    rf"|(?P<my>(?:{MONTHS})\.?,?\s+(?:1[89]|20)\d\d)"
    rf"|(?P<month>(?:(?<=in )|(?<=since )|(?<=during )|(?<=until )|(?<=by )|(?<=early )|(?<=late )"
    rf"|(?<=mid-)|(?<=last )|(?<=this )|(?<=next )|(?<=of )|(?<=through ))"
    rf"(?-i:January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"|(?P<year>(?:(?<=in )|(?<=since )|(?<=during )|(?<=until )|(?<=by )|(?<=early )|(?<=late )"
    r"|(?<=mid-)|(?<=of )|(?<=year )|(?<=through ))(?:1[89]|20)\d\d(?![\d,.]\d))"
    r"|(?P<ago>" + NUMBER + r"\s+(?P<ago_unit>day|days|week|weeks|month|months|year|years)\s+(?:ago|earlier))"
    rf"|(?P<weekday>(?:(?P<wd_rel>last|this|next|past)\s+)?(?P<wd>{WEEKDAYS})(?:'s)?(?:\s+{PART_OF_DAY})?)"
    r"|(?P<rel_day>(?:the\s+day\s+before\s+)?yesterday|today|tonight|tomorrow|(?:last|this)\s+"
    + PART_OF_DAY + r"|overnight)"
    r"|(?P<rel_month>(?:(?:earlier|later)\s+)?(?:this|last|next|past)\s+month)"
    r"|(?P<rel_year>(?:(?:earlier|later)\s+)?(?:this|last|next|past)\s+year)"
    r"|(?P<vague>(?:(?:earlier|later)\s+)?(?:this|last|next|past)\s+(?:week|weekend)|(?:at|over)\s+the\s+weekend"
    r"|(?:in\s+)?recent\s+(?:days|weeks|months|years)|(?:the\s+)?(?:last|past)\s+(?:few|several|\d+|two|three)\s+"
    r"(?:days|weeks|months|years))"
    r")\b", re.I)


@dataclass
class DateMention:
    start: int           # token span [start, end)
    end: int
    value: str | None    # ISO value cut to its precision; None for a vague span ("last week")
    precision: str | None
    text: str
    future: str | None = None   # the value when the event lies ahead ("on Tuesday" -> next Tuesday)


def parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def _month_number(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTH_NAMES.index(w) + 1 if w in MONTH_NAMES else MONTH_ABBR[w[:4] if w == "sept" else w[:3]]


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word.lower())


def _shift_month(d: dt.date, months: int) -> dt.date:
    n = d.year * 12 + d.month - 1 + months
    return dt.date(n // 12, n % 12 + 1, 1)

# The words a DATE_PATTERN match can begin with (besides numbers): ``date_matches`` tries the
# pattern only where a word of these begins, instead of at every word boundary (5x faster;
# a test checks that both give the same matches).
FIRST_WORDS = frozenset(MONTH_NAMES) | frozenset(MONTHS.split("|")) | frozenset(WEEKDAY_NAMES) | {
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "last", "this", "next", "past", "the", "yesterday", "today", "tonight", "tomorrow", "overnight",
    "earlier", "later", "at", "over", "in", "recent"}
_WORD_RUN = re.compile(r"\w+")


def date_matches(text: str, start: int = 0):
    """``DATE_PATTERN.finditer(text)`` from character ``start``: the same matches, found faster."""
    match = DATE_PATTERN.match
    end = start
    for w in _WORD_RUN.finditer(text, start):
        s = w.start()
        if s < end:
            continue
        word = w.group()
        if word[0].isdigit() or word.lower() in FIRST_WORDS:
            m = match(text, s)
            if m:
                end = m.end()
                yield m


def _cut(d: dt.date, precision: str) -> str:
    return d.isoformat() if precision == "day" else d.isoformat()[:7] if precision == "month" else str(d.year)


def _match_value(m: re.Match, base: dt.date | None, prefer: str) -> tuple[str | None, str | None] | None:
    """(value, precision) for one DATE_PATTERN match; (None, None) for a vague span; None if unresolvable."""
    kind = m.lastgroup if m.lastgroup not in ("ago_unit", "wd_rel", "wd") else None
    kind = kind or next(k for k in ("ago", "weekday") if m.group(k))
    text = m.group(kind).lower()
    future = prefer == "future"
    if kind == "vague":
        return None, None
    if kind == "iso":
        d = parse_iso(text)
        return (d.isoformat(), "day") if d else None
    if kind in ("dmy", "mdy"):
        month = _month_number(MONTH_WORD.search(text).group(1))
        rest = YEAR.sub(" ", MONTH_WORD.sub(" ", text))
        day = int(DAY_NUMBER.search(rest).group(1))
        year_m = YEAR.search(text)
        if year_m:
            year = int(year_m.group(1))
        elif base is None:
            return None
        else:
            year = base.year
            try:
                guess = dt.date(year, month, day)
            except ValueError:
                return None
            if not future and guess > base:
                year -= 1
            elif future and guess < base:
                year += 1
        try:
            return dt.date(year, month, day).isoformat(), "day"
        except ValueError:
            return None
    if kind == "my":
        return f"{int(YEAR.search(text).group(1)):04d}-{_month_number(MONTH_WORD.search(text).group(1)):02d}", "month"
    if kind == "month":
        if base is None:
            return None
        month = _month_number(text)
        year = base.year
        if not future and month > base.month:
            year -= 1
        elif future and month < base.month:
            year += 1
        return f"{year:04d}-{month:02d}", "month"
    if kind == "year":
        return text, "year"
    if base is None:
        return None
    if kind == "ago":
        n = _number(text.split()[0])
        unit = m.group("ago_unit").lower().rstrip("s")
        if n is None or unit == "week":
            return None, None
        if unit == "day":
            return (base - dt.timedelta(days=n)).isoformat(), "day"
        if unit == "month":
            return _cut(_shift_month(base, -n), "month"), "month"
        return str(base.year - n), "year"
    if kind == "weekday":
        target = WEEKDAY_NAMES.index(m.group("wd").lower())
        rel = (m.group("wd_rel") or "").lower()
        if rel == "next" or (future and rel != "last" and rel != "past"):
            d = base + dt.timedelta(days=((target - base.weekday()) % 7) or 7)
        else:
            back = (base.weekday() - target) % 7
            if rel in ("last", "past") and back == 0:
                back = 7
            d = base - dt.timedelta(days=back)
        return d.isoformat(), "day"
    if kind == "rel_day":
        if "before" in text:
            return (base - dt.timedelta(days=2)).isoformat(), "day"
        if text.startswith("yesterday") or text.startswith("last"):
            return (base - dt.timedelta(days=1)).isoformat(), "day"
        if text == "tomorrow":
            return (base + dt.timedelta(days=1)).isoformat(), "day"
        if text == "overnight":
            return None
        return base.isoformat(), "day"
    if kind == "rel_month":
        step = -1 if re.search(r"\b(last|past)\b", text) else 1 if "next" in text else 0
        return _cut(_shift_month(base, step), "month"), "month"
    if kind == "rel_year":
        step = -1 if re.search(r"\b(last|past)\b", text) else 1 if "next" in text else 0
        return str(base.year + step), "year"
    return None


def precision_of(text: str) -> str | None:
    """The precision a date expression gives (day, month, year), or None when it gives none."""
    m = DATE_PATTERN.search(text)
    if not m:
        return None
    got = _match_value(m, dt.date(2000, 6, 15), "past")
    return got[1] if got else None


@lru_cache(maxsize=4096)
def resolve(text: str, base: str | None, prefer: str = "past") -> tuple[str, str] | None:
    """(ISO value cut to its precision, precision) for a date expression, or None.

    ``base`` is the publication date (YYYY-MM-DD) relative expressions count from;
    ``prefer`` is "past" or "future" for expressions that name no year or week.
    """
    base_date = parse_iso(base)
    m = DATE_PATTERN.search(text)
    if m is not None:
        got = _match_value(m, base_date, prefer)
        if got is None or got[0] is None:
            return None
        return got  # type: ignore[return-value]
    return _dateparser_fallback(text, base_date, prefer)


def _dateparser_fallback(text: str, base: dt.date | None, prefer: str) -> tuple[str, str] | None:
    """dateparser for expressions the grammar above does not cover; only with a stated precision."""
    t = text.lower()
    if MONTH_WORD.search(t):
        precision = "day" if DAY_NUMBER.search(YEAR.sub(" ", MONTH_WORD.sub(" ", t))) else "month"
    elif YEAR.search(t):
        precision = "year"
    else:
        return None
    if base is None and not YEAR.search(t):
        return None
    bare = t.strip().rstrip(".")
    if precision == "year" and YEAR.fullmatch(bare):
        return bare, "year"   # "in 2016": no need for dateparser
    if precision == "month" and base is not None and bare in MONTH_NAMES:
        # "in November": the nearest such month on the preferred side of the base date
        month = MONTH_NAMES.index(bare) + 1
        year = base.year
        if prefer == "past" and month > base.month:
            year -= 1
        elif prefer == "future" and month < base.month:
            year += 1
        return f"{year:04d}-{month:02d}", "month"
    return _dateparser(text, base, prefer, precision)


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: dt.date | None, prefer: str, precision: str) -> tuple[str, str] | None:
    """dateparser, once per expression and base date (it costs milliseconds a call)."""
    import dateparser

    settings = {"PREFER_DATES_FROM": prefer, "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day, 12)
    got = dateparser.parse(text, languages=["en"], settings=settings)
    return (_cut(got.date(), precision), precision) if got else None


def date_mentions(doc, base: str | None, skip_chars: int = 0) -> list[DateMention]:
    """Every date expression of ``doc`` (after character ``skip_chars``, the dateline), resolved."""
    base_date = parse_iso(base)
    out: list[DateMention] = []
    taken: set[int] = set()
    for m in date_matches(text_of(doc)):
        if m.start() < skip_chars:
            continue
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        past = _match_value(m, base_date, "past")
        if past is None:
            continue
        future = _match_value(m, base_date, "future")
        out.append(DateMention(span.start, span.end, past[0], past[1], span.text,
                               future[0] if future and future[0] != past[0] else None))
        taken.update(range(span.start, span.end))
    for ent in doc.ents:  # what the grammar above misses ("the summer of 2014")
        if ent.label_ != "DATE" or ent.start_char < skip_chars or any(i in taken for i in range(ent.start, ent.end)):
            continue
        got = _dateparser_fallback(ent.text, base_date, "past")
        if got:
            out.append(DateMention(ent.start, ent.end, got[0], got[1], ent.text))
    return sorted(out, key=lambda d: d.start)


def tree_distance(a, b) -> int:
    """Edges between two tokens of one sentence in the dependency tree."""
    path_a = [a] + list(a.ancestors)
    index_a = {t.i: n for n, t in enumerate(path_a)}
    for n, t in enumerate([b] + list(b.ancestors)):
        if t.i in index_a:
            return n + index_a[t.i]
    return 99


CLAUSE_BREAKS = {"ccomp", "advcl", "relcl", "parataxis", "csubj", "acl"}
CLIMB_DEPS = {"xcomp", "conj", "ccomp", "advcl", "acl", "relcl", "pcomp", "parataxis", "csubj"}
NOMINAL_ROLES = {"nsubj", "nsubjpass", "dobj", "attr", "pobj", "appos", "npadvmod", "oprd"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
# Verbs and adjectives whose complement lies ahead: "are due to meet", "plans to visit".
FUTURE_HEADS = {"due", "expect", "schedule", "set", "plan", "intend", "prepare", "aim", "go", "hope", "want",
                "propose", "promise", "vow", "threaten", "pledge", "agree", "decide", "seek"}


def clause_tokens(tok) -> set[int]:
    """``tok``'s own clause: its subtree without the clauses embedded in it."""
    out = {tok.i}
    for c in tok.children:
        if c.dep_ in CLAUSE_BREAKS or (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")):
            continue
        out.update(t.i for t in c.subtree)
    return out


def governing_verb(tok):
    """The verb a nominal trigger is an argument of ("the attack ... killed", "carried out a test")."""
    t = tok
    for _ in range(3):
        if t.pos_ in ("VERB", "AUX") or t.dep_ in ("ROOT",) or t.head.i == t.i:
            return t if t.pos_ in ("VERB", "AUX") else None
        if t.dep_ in NOMINAL_ROLES or t.dep_ in ("prep", "compound", "conj"):
            t = t.head
        else:
            return None
    return t if t.pos_ in ("VERB", "AUX") else None


def is_future(tok) -> bool:
    """Whether the event at ``tok`` lies ahead of the report: "will meet", "are due to meet"."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else governing_verb(tok)
    for _ in range(3):
        if verb is None:
            return False
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE_AUX for c in verb.children):
            return True
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) and verb.dep_ == "xcomp":
            if verb.head.lemma_.lower() in FUTURE_HEADS:
                return True
            verb = verb.head
            continue
        if verb.dep_ in ("conj",):
            verb = verb.head
            continue
        return False
    return False


def _scopes(tok):
    """Token sets to search for a date, nearest first."""
    if tok.pos_ in ("NOUN", "PROPN", "NUM"):
        yield {t.i for t in tok.subtree}
        verb = governing_verb(tok)
        if verb is None:
            return
        tok = verb
    yield clause_tokens(tok)
    yield set().union(*[clause_tokens(c) for c in tok.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
                        and not any(g.dep_.startswith("nsubj") for g in c.children)] or [set()])
    seen = 0
    while tok.dep_ in CLIMB_DEPS and tok.head.i != tok.i and seen < 4:
        tok = tok.head
        if tok.dep_ == "prep" and tok.head.i != tok.i:
            tok = tok.head
        seen += 1
        yield clause_tokens(tok)
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in NOMINAL_ROLES:
            # "released a report stating that ...": on to the verb the noun is an argument of
            verb = governing_verb(tok)
            if verb is None:
                return
            tok = verb
            yield clause_tokens(tok)


def event_date(tok, base: str | None, mentions: list[DateMention], future: bool | None = None) -> DateValue | None:
    """The date of the event whose trigger is ``tok``, or None when the text gives none.

    ``mentions`` are the document's dates (``date_mentions``); ``future`` overrides the
    tense read from the parse (the coder's "intended" certainty).
    """
    if not mentions:
        return None
    sent = tok.sent
    local = [dm for dm in mentions if sent.start <= dm.start < sent.end]
    if not local:
        return None
    ahead = is_future(tok) if future is None else future
    for scope in _scopes(tok):
        best, best_d = None, (99, 99)
        for dm in local:
            anchor = tok.doc[dm.start:dm.end].root
            if anchor.i not in scope:
                continue
            d = (tree_distance(tok, anchor), abs(anchor.i - tok.i))
            if d < best_d:
                best, best_d = dm, d
        if best is not None:
            if best.value is None:
                return None
            value = best.future if ahead and best.future else best.value
            base_date = parse_iso(base)
            if not ahead and base_date and best.precision == "day" and value > base_date.isoformat():
                return None  # a past event dated after its report: the reading is wrong
            return DateValue(value=value, precision=best.precision or "day", text=best.text)
    return None


class WhenStage:
    def __call__(self, doc):
        from .nlp import state

        st = state(doc)
        art = st.article
        base = art.date if art is not None else None
        skip = dateline_end(text_of(doc))
        st.dates = date_mentions(doc, base, skip)
        for e in st.events:
            future = True if e.certainty == "intended" else None
            e.date = event_date(doc[e.head], base, st.dates, future)
        return doc


def dateline_end(text: str) -> int:
    """Characters taken by the article's dateline ("GENEVA, 23 March (Reuters) -"), 0 without one."""
    from .read.dateline import parse_dateline

    got = parse_dateline(text)
    return got.end if got else 0
