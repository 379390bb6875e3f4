"""Fusion: merge reports of the same real event across articles into story events.

reads: event records of stored articles (with the article's outlet, publication
date and title); writes: mentions (one per event record, with the story it
belongs to) and story events (counts, best date and place, conflicting accounts).

Two mentions from different articles are *linked* when

- their CAMEO roots share a family (``data/fusion/families.tsv``),
- their actors do not contradict each other (compared by entity, then code,
  then country; roles may swap in symmetric families such as meetings),
- their days are compatible: the event dates when both are resolved to the
  day (at most ``day_window`` apart), otherwise the publication date stands in
  for the event date (reports appear on the day or in the few days after it);
  a mention with no day at all can only link through an identical dyad,
- their places do not contradict each other (two cities far apart), unless
  their words agree closely (the gazetteer misreads names), and
- enough evidence agrees: a weighted sum of actor agreement, same day, same
  place and the text similarity of the evidence (MinHash over content words
  of the evidence and the article's title) reaches ``threshold``.

Within one article, only the events coded from one clause with one code (one
per coordinated actor: "the US, Britain and France struck ...") are linked.

A story event is a connected component of the link graph (single link). The
link test looks at one pair only, so the components do not depend on the order
in which articles arrive: ingesting articles one by one gives the same story
events as clustering them all at once. ``StoryIndex`` is the in-memory form;
``eventwire.store.stories`` keeps the same index in DuckDB.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, Sequence
from urllib.parse import urlparse

from .data_files import read_tsv
from .errors import ConfigError
from .records import Article, Event

NUM_PERM = 64
INTERNATIONAL = {"IGO", "IMG", "NGO", "MNC"}
AFFIRMING = {"asserted", "claimed", "alleged"}
NEGATING = {"denied", "negated"}
CERTAINTY_ORDER = ["asserted", "claimed", "alleged", "denied", "negated", "intended", "hypothetical"]
PRECISION_RANK = {"day": 3, "month": 2, "year": 1}
PLACE_RANK = {"city": 3, None: 2, "region": 2, "country": 1}


@dataclass(frozen=True)
class FuseSettings:
    """Knobs of the link test (defaults measured on tests/data/fusion_dev.jsonl)."""

    day_window: int = 1          # days between two resolved event dates of one event
    report_lag: int = 3          # days a report may appear after the event
    place_km: float = 150.0      # two cities further apart are different places
    threshold: float = 0.6       # evidence needed to link two compatible mentions
    w_actor: float = 0.35        # per agreeing role (entity or code; half for country only)
    w_day: float = 0.2           # both resolved to the same day
    w_place: float = 0.2         # the same place
    w_text: float = 1.5          # times the Jaccard similarity of the evidence words
    place_text: float = 0.3      # the similarity that overrides two far-apart cities
    dateless_text: float = 0.3   # mentions without any day: the similarity they need on top of the same dyad


@dataclass
class Mention:
    """One event record as fusion sees it: its features and the article it came from."""

    mention_id: str
    article_id: str
    event_id: str
    doc_id: str
    outlet: str | None
    published: str | None
    root: str
    cameo: str
    family: str
    source_code: str | None
    source_key: str | None
    source_entity: str | None
    target_code: str | None
    target_key: str | None
    target_entity: str | None
    dyad_key: str | None
    certainty: str
    date_value: str | None
    date_precision: str | None
    day: int | None           # date ordinal: the event day, else the publication day
    day_exact: bool           # day is the event's own date (resolved to the day)
    place: str | None
    place_country: str | None
    place_precision: str | None
    lat: float | None
    lon: float | None
    figures: list[list]       # [unit, value] pairs read in the evidence
    text: str
    sig: bytes                # MinHash hash values (uint32, NUM_PERM of them)
    span_start: int = 0
    story_id: str | None = None


@dataclass
class StoryEvent:
    """One real event and the reports of it."""

    story_id: str
    family: str
    root: str
    cameo: str
    source_code: str | None
    source_entity: str | None
    target_code: str | None
    target_entity: str | None
    num_mentions: int
    num_articles: int
    num_sources: int
    first_seen: str | None
    last_seen: str | None
    date: str | None
    date_precision: str | None
    date_support: int
    place: str | None
    place_country: str | None
    lat: float | None
    lon: float | None
    place_support: int
    certainty: str
    accounts: dict[str, list[str]]
    figures: dict[str, dict[str, list[str]]]
    conflicts: dict
    text: str
    mentions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


# ---------------------------------------------------------------- data


@lru_cache(maxsize=1)
def families() -> dict[str, tuple[str, bool]]:
    rows = read_tsv("fusion", "families.tsv")
    if not rows:
        raise ConfigError("data/fusion/families.tsv is missing or empty: reinstall eventwire")
    return {r["root"]: (r["family"], r["symmetric"] == "yes") for r in rows}


@lru_cache(maxsize=1)
def number_words() -> dict[str, float]:
    return {r["word"]: float(r["value"]) for r in read_tsv("fusion", "numbers.tsv")}


def _stop_words() -> frozenset[str]:
    # the language check's English function words (spaCy's stop words, contractions aside:
    # _WORD never yields those); read from data rather than from spaCy, which the process
    # that writes the store would otherwise import for this alone (a second and a half)
    from .language import english_function_words

    return english_function_words()


@lru_cache(maxsize=1)
def _minhash_seed():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=7)


# ---------------------------------------------------------------- features

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+|\d[\d,.]*")
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"}


def content_words(text: str) -> set[str]:
    """Lower-cased content words cut to six letters (a crude stem), numbers kept."""
    stop = _stop_words()
    out = set()
    for w in _WORD.findall(text or ""):
        lw = w.lower().replace("'s", "")
        if lw in stop or len(lw) < 3 and not lw[0].isdigit():
            continue
        out.add(lw[:6])
    return out


def signatures(texts: Sequence[str]) -> list[bytes]:
    """MinHash signatures of the content words of each text (datasketch)."""
    from datasketch import MinHash

    seed = _minhash_seed()
    sets = [[w.encode("utf-8") for w in sorted(content_words(t))] for t in texts]
    hashes = MinHash.bulk(sets, num_perm=NUM_PERM, permutations=seed.permutations, scheme=seed.scheme)
    return [h.hashvalues.astype("uint32").tobytes() for h in hashes]


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either text had no words)."""
    import numpy as np

    x = np.frombuffer(a, dtype=np.uint32)
    y = np.frombuffer(b, dtype=np.uint32)
    empty = np.iinfo(np.uint32).max
    if x.size == 0 or y.size == 0 or (x == empty).all() or (y == empty).all():
        return 0.0
    return float((x == y).mean())


def figures_in(text: str) -> list[list]:
    """Figures stated in a text: [unit, value] for '59 Tomahawk missiles', 'six soldiers', ..."""
    words = number_words()
    stop = _stop_words()
    toks = re.findall(r"[A-Za-z][A-Za-z\-]*|\d[\d,]*(?:\.\d+)?", text or "")
    out: list[list] = []
    for i, tok in enumerate(toks):
        low = tok.lower()
        if tok[0].isdigit():
            try:
                value = float(tok.replace(",", ""))
            except ValueError:
                continue
            if i and toks[i - 1].lower() in _MONTHS:
                continue
        elif low in words and low != "hundred":
            value = words[low]
            if i + 1 < len(toks) and toks[i + 1].lower() == "hundred":
                value *= 100
        else:
            continue
        unit = None
        for nxt in toks[i + 1:i + 4]:
            ln = nxt.lower()
            if ln in stop or ln in words or nxt[0].isdigit():
                break
            unit = ln
        if unit is None or (tok[0].isdigit() and 1800 <= value <= 2100 and len(tok) == 4):
            continue
        unit = unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit
        out.append([unit, int(value) if value == int(value) else value])
    return out


def _actor_key(code: str | None, country: str | None) -> str | None:
    if not code:
        return None
    if country and country not in INTERNATIONAL:
        return country
    return code[:6]


def _day(value: str | None) -> int | None:
    if not value or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def outlet_of(article: Article) -> str | None:
    """The publisher: the article's ``source`` (outlet), else its URL host."""
    if article.source:
        return article.source.strip() or None
    if article.url:
        host = urlparse(article.url).netloc.lower()
        return host[4:] if host.startswith("www.") else host or None
    return None


def mention_id(article_id: str, event_id: str) -> str:
    return f"{article_id[:16]}/{event_id}"


def mentions_from_events(events: Sequence[Event], article: Article, article_id: str) -> list[Mention]:
    """The fusion features of one article's event records."""
    fams = families()
    outlet = outlet_of(article)
    published = article.date[:10] if article.date and len(article.date) >= 10 else None
    title = article.title or ""
    sigs = signatures([f"{e.text} {title}" for e in events])
    out = []
    for e, sig in zip(events, sigs):
        family, _sym = fams.get(e.root, (e.root, False))
        s, t, loc = e.source, e.target, e.location
        if t is not None and t.code and t.code == t.country == t.entity:
            t = None   # a target read off the event's place ("shelled villages in X"): too weak to link by
        skey = _actor_key(s.code, s.country) if s else None
        tkey = _actor_key(t.code, t.country) if t else None
        exact = bool(e.date and e.date.precision == "day" and _day(e.date.value))
        if exact and published and _day(e.date.value) > _day(published):
            exact = False  # dated after its own report: a misread weekday, or a plan (its report dates it)
        day = _day(e.date.value) if exact and e.date else _day(published)
        dyad = f"{family}:{(s.entity or s.code) if s else '-'}>{(t.entity or t.code) if t else '-'}" \
            if s and t and s.code and t.code else None
        out.append(Mention(
            mention_id=mention_id(article_id, e.event_id), article_id=article_id, event_id=e.event_id,
            doc_id=e.doc_id, outlet=outlet, published=published, root=e.root, cameo=e.cameo, family=family,
            source_code=s.code if s else None, source_key=skey, source_entity=s.entity if s else None,
            target_code=t.code if t else None, target_key=tkey, target_entity=t.entity if t else None,
            dyad_key=dyad, certainty=e.certainty,
            date_value=e.date.value if e.date else None, date_precision=e.date.precision if e.date else None,
            day=day, day_exact=exact,
            place=loc.name if loc else None, place_country=loc.country if loc else None,
            place_precision=loc.precision if loc else None,
            lat=loc.lat if loc else None, lon=loc.lon if loc else None,
            figures=figures_in(e.text), text=e.text, sig=sig, span_start=e.span[0]))
    return out


# ---------------------------------------------------------------- the link test


def _role(a_code, a_key, a_ent, b_code, b_key, b_ent) -> float | None:
    """Agreement of one role: 1 same entity, 0.75 same code, 0.5 same country, 0 unknown,
    None contradiction. Entities of one code differ in granularity ("Donald Trump", "United
    States"), so only codes and countries can contradict."""
    if not a_code or not b_code:
        return 0.0
    if a_ent and a_ent == b_ent:
        return 1.0
    if a_code == b_code or a_code.startswith(b_code) or b_code.startswith(a_code):
        return 0.75
    if a_key and a_key == b_key:
        return 0.5
    return None


def _actors(a: Mention, b: Mention, symmetric: bool) -> float | None:
    best = None
    orders = [(b.source_code, b.source_key, b.source_entity, b.target_code, b.target_key, b.target_entity)]
    if symmetric:
        orders.append((b.target_code, b.target_key, b.target_entity, b.source_code, b.source_key, b.source_entity))
    for sc, sk, se, tc, tk, te in orders:
        r1 = _role(a.source_code, a.source_key, a.source_entity, sc, sk, se)
        r2 = _role(a.target_code, a.target_key, a.target_entity, tc, tk, te)
        if r1 is None or r2 is None:
            continue
        best = max(best or 0.0, r1 + r2)
    return best


def _km(a: Mention, b: Mention) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def _days_fit(a: Mention, b: Mention, s: FuseSettings) -> bool | None:
    """True/False when both have a day; None when either has none."""
    if a.day is None or b.day is None:
        return None
    gap = b.day - a.day
    if a.day_exact and b.day_exact:
        return abs(gap) <= s.day_window
    if a.day_exact:    # b's day is its publication day: on or after the event
        return -s.day_window <= gap <= s.report_lag
    if b.day_exact:
        return -s.day_window <= -gap <= s.report_lag
    return abs(gap) <= s.report_lag


def link_score(a: Mention, b: Mention, s: FuseSettings = FuseSettings()) -> float | None:
    """The evidence that two mentions report one event; None when they cannot."""
    if a.family != b.family:
        return None
    if a.article_id == b.article_id:
        # one clause coded once per coordinated actor ("The US, Britain and France struck ...")
        same = a.span_start == b.span_start and a.cameo == b.cameo
        return s.threshold + 1.0 if same else None
    fits = _days_fit(a, b, s)
    if fits is False:
        return None
    if fits is None and (a.dyad_key is None or a.dyad_key != b.dyad_key):
        return None
    symmetric = families().get(a.root, ("", False))[1] and families().get(b.root, ("", False))[1]
    actors = _actors(a, b, symmetric)
    if actors is None:
        return None
    place = 0.0
    km = _km(a, b)
    if km is not None:
        both_cities = a.place_precision in (None, "city") and b.place_precision in (None, "city")
        place = 1.0 if km <= s.place_km else -1.0 if both_cities else 0.0
    elif a.place and b.place and a.place == b.place:
        place = 1.0
    text = similarity(a.sig, b.sig)
    if place < 0 and text < s.place_text:
        # two cities far apart keep the events apart unless the words agree: gazetteer
        # misreadings happen ("Kim Jong Un" read as the town "Un")
        return None
    if fits is None:
        return s.threshold + text - s.dateless_text if text >= s.dateless_text else None
    same_day = 1.0 if a.day_exact and b.day_exact and a.day == b.day else 0.0
    return s.w_actor * actors + s.w_day * same_day + s.w_place * place + s.w_text * text


def linked(a: Mention, b: Mention, s: FuseSettings = FuseSettings()) -> bool:
    score = link_score(a, b, s)
    return score is not None and score >= s.threshold


# ---------------------------------------------------------------- clustering


def story_id_for(anchor: str) -> str:
    """A story's id, from its smallest mention id (stable however the articles arrive)."""
    return "st-" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:16]


class StoryIndex:
    """Mentions and their stories in memory; ``add`` links one article's mentions.

    The DuckDB store (``eventwire.store.stories``) does the same with SQL for
    the candidate look-up, so both give the same stories.
    """

    def __init__(self, settings: FuseSettings = FuseSettings()):
        self.settings = settings
        self.mentions: dict[str, Mention] = {}
        self.by_day: dict[tuple[str, int], list[str]] = {}
        self.by_dyad: dict[str, list[str]] = {}
        self.parent: dict[str, str] = {}

    def _find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo

    def candidates(self, m: Mention) -> Iterator[Mention]:
        seen = set()
        w = max(self.settings.report_lag, self.settings.day_window)
        if m.day is not None:
            for d in range(m.day - w, m.day + w + 1):
                for mid in self.by_day.get((m.family, d), ()):
                    if mid not in seen:
                        seen.add(mid)
                        yield self.mentions[mid]
        if m.dyad_key:
            for mid in self.by_dyad.get(m.dyad_key, ()):
                if mid not in seen:
                    seen.add(mid)
                    yield self.mentions[mid]

    def add(self, mentions: Iterable[Mention]) -> None:
        """Add one article's mentions, linked to the stored ones and to each other."""
        new = list(mentions)
        links = [(m.mention_id, c.mention_id) for m in new for c in self.candidates(m)
                 if linked(m, c, self.settings)]
        links += [(m.mention_id, o.mention_id) for i, m in enumerate(new) for o in new[i + 1:]
                  if linked(m, o, self.settings)]
        self.add_unlinked(new)
        for a, b in links:
            self._union(a, b)

    def add_unlinked(self, new: list[Mention]) -> None:
        """Index mentions without linking them (the caller has linked them)."""
        for m in new:
            self.mentions[m.mention_id] = m
            self.parent[m.mention_id] = m.mention_id
            if m.day is not None:
                self.by_day.setdefault((m.family, m.day), []).append(m.mention_id)
            if m.dyad_key:
                self.by_dyad.setdefault(m.dyad_key, []).append(m.mention_id)

    def stories(self) -> list[StoryEvent]:
        groups: dict[str, list[Mention]] = {}
        for mid, m in self.mentions.items():
            groups.setdefault(self._find(mid), []).append(m)
        return sorted((summarise(ms) for ms in groups.values()), key=lambda st: st.story_id)

    def assignment(self) -> dict[str, str]:
        """mention_id -> story_id."""
        return {mid: story_id_for(self._find(mid)) for mid in self.mentions}


def fuse(coded: Iterable, settings: FuseSettings = FuseSettings()) -> tuple[list[StoryEvent], dict[str, str]]:
    """Story events from coded articles (``CodedArticle``s, as ``code_articles`` yields them).

    Returns the story events and the story of each mention (mention_id -> story_id).
    """
    from .store.db import article_id

    index = StoryIndex(settings)
    for result in coded:
        if getattr(result, "error", None) is not None:
            continue
        index.add(mentions_from_events(result.events, result.article, article_id(result.article.text)))
    return index.stories(), index.assignment()


# ---------------------------------------------------------------- story summaries


def _most_common(values: Iterable, key=None):
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], key(kv[0]) if key else kv[0]))[0][0]


def summarise(members: Sequence[Mention]) -> StoryEvent:
    """A story event from its mentions: counts, best date and place, accounts side by side."""
    ms = sorted(members, key=lambda m: (m.published or "9999", m.mention_id))
    anchor = min(m.mention_id for m in ms)
    articles = {m.article_id for m in ms}
    sources = {m.outlet or f"article:{m.article_id}" for m in ms}
    published = sorted(m.published for m in ms if m.published)

    dates: dict[tuple[str, str], set[str]] = {}
    for m in ms:
        if m.date_value and m.date_precision:
            dates.setdefault((m.date_value, m.date_precision), set()).add(m.article_id)
    best_date = min(dates.items(), key=lambda kv: (-PRECISION_RANK.get(kv[0][1], 0), -len(kv[1]), kv[0][0]),
                    default=None)
    places: dict[str, list] = {}
    for m in ms:
        if m.place:
            places.setdefault(m.place, [m, set()])[1].add(m.article_id)
    best_place = min(places.items(), key=lambda kv: (-PLACE_RANK.get(kv[1][0].place_precision, 2),
                                                     -len(kv[1][1]), kv[0]), default=None)

    accounts: dict[str, list[str]] = {}
    for m in ms:
        who = m.outlet or m.doc_id
        accounts.setdefault(m.certainty, [])
        if who not in accounts[m.certainty]:
            accounts[m.certainty].append(who)
    accounts = {c: sorted(v) for c, v in sorted(accounts.items(), key=lambda kv: CERTAINTY_ORDER.index(kv[0])
                                                 if kv[0] in CERTAINTY_ORDER else 99)}
    by_articles = Counter({c: len({m.article_id for m in ms if m.certainty == c}) for c in accounts})
    certainty = sorted(by_articles, key=lambda c: (-by_articles[c], CERTAINTY_ORDER.index(c)
                                                   if c in CERTAINTY_ORDER else 99))[0]

    figures: dict[str, dict[str, list[str]]] = {}
    for m in ms:
        for unit, value in m.figures:
            who = m.outlet or m.doc_id
            slot = figures.setdefault(unit, {}).setdefault(str(value), [])
            if who not in slot:
                slot.append(who)
    conflicts: dict = {}
    if accounts.keys() & AFFIRMING and accounts.keys() & NEGATING:
        conflicts["certainty"] = {c: accounts[c] for c in accounts if c in AFFIRMING | NEGATING}
    diff = {u: v for u, v in figures.items() if len(v) > 1}
    if diff:
        conflicts["figures"] = diff

    # the dyad most reports give, kept together (reports of a meeting may swap the two actors)
    dyad = _most_common(((m.source_code, m.target_code) for m in ms if m.source_code and m.target_code),
                        key=lambda p: (-len(p[0]) - len(p[1]), p))
    source, target = dyad or (_most_common((m.source_code for m in ms), key=lambda c: (-len(c), c)),
                              _most_common((m.target_code for m in ms), key=lambda c: (-len(c), c)))
    place_m = best_place[1][0] if best_place else None
    return StoryEvent(
        story_id=story_id_for(anchor), family=ms[0].family,
        root=_most_common(m.root for m in ms), cameo=_most_common(m.cameo for m in ms),
        source_code=source, source_entity=_most_common(m.source_entity for m in ms if m.source_code == source),
        target_code=target, target_entity=_most_common(m.target_entity for m in ms if m.target_code == target),
        num_mentions=len(ms), num_articles=len(articles), num_sources=len(sources),
        first_seen=published[0] if published else None, last_seen=published[-1] if published else None,
        date=best_date[0][0] if best_date else None, date_precision=best_date[0][1] if best_date else None,
        date_support=len(best_date[1]) if best_date else 0,
        place=best_place[0] if best_place else None, place_country=place_m.place_country if place_m else None,
        lat=place_m.lat if place_m else None, lon=place_m.lon if place_m else None,
        place_support=len(best_place[1][1]) if best_place else 0,
        certainty=certainty, accounts=accounts, figures=figures, conflicts=conflicts,
        text=ms[0].text, mentions=sorted(m.mention_id for m in ms))


# ---------------------------------------------------------------- scoring a clustering


def pairwise_scores(pred: dict[str, str], gold_same, items: Sequence[str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering.

    ``pred`` maps item -> cluster; ``gold_same(a, b)`` says whether two items are
    one event; only pairs ``gold_same`` does not return None for are counted.
    """
    tp = fp = fn = 0
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            g = gold_same(a, b)
            if g is None:
                continue
            p = pred[a] == pred[b]
            tp += p and g
            fp += p and not g
            fn += g and not p
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def score_stored(con, groups: dict[str, str]) -> dict[str, float]:
    """Pairwise scores of the story events stored in ``con`` against gold article groups.

    ``groups`` maps doc_id -> gold group. Two mentions from different articles are the same
    event when their articles share a group and their roots share a family (families.tsv);
    pairs within one article are not counted.
    """
    rows = con.execute("SELECT mention_id, story_id, article_id, doc_id, root FROM mentions").fetchall()
    info = {r[0]: r for r in rows}
    fam = families()

    def gold(a: str, b: str):
        ra, rb = info[a], info[b]
        if ra[2] == rb[2]:
            return None
        return groups[ra[3]] == groups[rb[3]] and fam[ra[4]][0] == fam[rb[4]][0]

    return pairwise_scores({r[0]: r[1] for r in rows}, gold, sorted(info))
