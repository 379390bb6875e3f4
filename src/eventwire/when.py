"""The when stage: resolve each event's date against the article's publication date.

reads: the parse (DATE entities), doc._.ew.article.date, doc._.ew.events;
writes: doc._.ew.dates (DateMention list) and EventInfo.date.

An event takes the DATE expression nearest to its trigger in the dependency
tree of its sentence. Relative expressions ("on Wednesday", "two days ago",
"earlier this month") resolve against the publication date; past events are
never dated after it. Precision is what the words give: day, month or year.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .records import DateValue

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
WEEKDAY_NAMES = WEEKDAYS.split("|")
DAY_WORDS = re.compile(rf"\b({WEEKDAYS}|yesterday|today|tonight|tomorrow|day|days)\b", re.I)
MONTH_WORD = re.compile(rf"\b({MONTHS})\b\.?", re.I)
DAY_NUMBER = re.compile(r"\b([0-3]?\d)(st|nd|rd|th)?\b")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
VAGUE = re.compile(r"\b(week|weeks|decade|decades|century|years|months|recent|recently|time|season)\b", re.I)


@dataclass
class DateMention:
    start: int
    end: int
    value: str
    precision: str
    text: str


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


def precision_of(text: str) -> str | None:
    t = text.lower()
    if MONTH_WORD.search(t):
        rest = MONTH_WORD.sub(" ", t)
        rest = YEAR.sub(" ", rest)
        return "day" if DAY_NUMBER.search(rest) else "month"
    if re.search(rf"\b({WEEKDAYS}|yesterday|today|tonight|tomorrow)\b", t) or re.search(r"\bdays? (ago|earlier|later)\b", t):
        return "day"
    if re.search(r"\b(this|last|next|earlier this|later this) month\b", t) or re.search(r"\bmonths? ago\b", t):
        return "month"
    if YEAR.search(t) or re.search(r"\b(this|last|next) year\b", t):
        return "year"
    if re.match(r"^\s*\d{4}-\d{2}-\d{2}\s*$", t):
        return "day"
    return None


@lru_cache(maxsize=4096)
def resolve(text: str, base: str | None, prefer: str = "past") -> tuple[str, str] | None:
    """(ISO value cut to its precision, precision) for a date expression, or None."""
    precision = precision_of(text)
    if precision is None:
        return None
    t = re.sub(r"^(on|in|at|by|since|from|during|until|of|the|earlier|late|early|mid)\s+", "", text.strip(),
               flags=re.I)
    t = re.sub(r"^(on|in|the)\s+", "", t, flags=re.I)
    base_date = parse_iso(base)
    if base_date is None and not YEAR.search(t):
        return None  # a relative date with nothing to resolve it against
    if re.search(r"\b(earlier|later)?\s*this month\b", t, re.I):
        return (base_date.strftime("%Y-%m"), "month") if base_date else None
    if re.search(r"\blast month\b", t, re.I) and base_date:
        first = base_date.replace(day=1) - dt.timedelta(days=1)
        return first.strftime("%Y-%m"), "month"
    if re.search(r"\bthis year\b", t, re.I) and base_date:
        return str(base_date.year), "year"
    if re.search(r"\blast year\b", t, re.I) and base_date:
        return str(base_date.year - 1), "year"
    wd = re.fullmatch(rf"(?:last |this |next )?({WEEKDAYS})(?: (?:morning|afternoon|evening|night))?", t.lower())
    if wd and base_date is not None:
        target = WEEKDAY_NAMES.index(wd.group(1))
        if prefer == "past":
            d = base_date - dt.timedelta(days=(base_date.weekday() - target) % 7)
        else:
            d = base_date + dt.timedelta(days=((target - base_date.weekday()) % 7) or 7)
        return d.isoformat(), "day"
    if precision == "year" and YEAR.search(t) and not MONTH_WORD.search(t):
        return YEAR.search(t).group(1), "year"
    import dateparser

    settings = {"PREFER_DATES_FROM": prefer, "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
    if base_date is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base_date.year, base_date.month, base_date.day, 12)
    got = dateparser.parse(t, languages=["en"], settings=settings)
    if got is None:
        return None
    d = got.date()
    if base_date is not None and prefer == "past" and d > base_date and precision == "day" \
            and re.search(WEEKDAYS, t, re.I):
        d -= dt.timedelta(days=7)
    value = d.isoformat()
    return (value if precision == "day" else value[:7] if precision == "month" else value[:4]), precision


def date_mentions(doc, base: str | None) -> list[DateMention]:
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if VAGUE.search(ent.text) and not YEAR.search(ent.text) and not MONTH_WORD.search(ent.text) \
                and not re.search(r"\b(ago|this month|last month)\b", ent.text, re.I):
            continue
        for prefer in ("past",):
            got = resolve(ent.text, base, prefer)
            if got:
                out.append(DateMention(ent.start, ent.end, got[0], got[1], ent.text))
    return out


def tree_distance(a, b) -> int:
    """Edges between two tokens of one sentence in the dependency tree."""
    path_a = [a] + list(a.ancestors)
    index_a = {t.i: n for n, t in enumerate(path_a)}
    for n, t in enumerate([b] + list(b.ancestors)):
        if t.i in index_a:
            return n + index_a[t.i]
    return 99


CLIMB_DEPS = ("xcomp", "conj", "acl", "pcomp", "advcl")


def date_scope(head) -> set[int]:
    """Token indices whose DATE can date the event at ``head``: its own clause, then the
    clauses it is a complement of ("agreed on Tuesday to withdraw"), never across reported speech."""
    from .coding.coder import clause_span, light_verbs

    scope: set[int] = set()
    tok = head
    if head.pos_ in ("NOUN", "PROPN"):
        scope.update(t.i for t in head.subtree)
        if head.dep_ in ("dobj", "nsubjpass") and head.head.lemma_.lower() in light_verbs():
            tok = head.head
        else:
            return scope
    for _ in range(4):
        start, end = clause_span(tok)
        scope.update(range(start, end))
        if tok.dep_ in CLIMB_DEPS or (tok.dep_ in ("dobj", "pobj") and tok.pos_ in ("NOUN", "PROPN")):
            tok = tok.head
            if tok.dep_ == "prep":
                tok = tok.head
        else:
            break
    return scope


class WhenStage:
    def __call__(self, doc):
        from .nlp import state

        st = state(doc)
        base = st.article.date if st.article is not None else None
        st.dates = date_mentions(doc, base)
        if not st.dates:
            return doc
        for e in st.events:
            head = doc[e.head]
            scope = date_scope(head)
            best, best_d = None, 99
            for dm in st.dates:
                anchor = doc[dm.start:dm.end].root
                if anchor.i not in scope:
                    continue
                d = tree_distance(head, anchor)
                if d < best_d:
                    best, best_d = dm, d
            if best is not None:
                value, precision = best.value, best.precision
                if e.certainty == "intended" and base and precision == "day" and value < base:
                    future = resolve(best.text, base, "future")
                    if future:
                        value, precision = future
                e.date = DateValue(value=value, precision=precision, text=best.text)
        return doc
