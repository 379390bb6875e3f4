"""Resolution: turn recognised names and sector nouns into coded actor mentions.

reads: doc tokens and parse, recogniser hits, the article date;
writes: doc._.ew.mentions (ActorMention list) and doc._.ew.token_mention.

Rules, in order, for each noun: a known name (person by date, organisation,
group, country, capital or seat); a sector noun with its country from its
modifiers ("the Syrian army"), its "of/for" phrase ("a spokesman for the
Iraqi interior ministry") or, failing those, the article's context; an
unknown name with a title ("Iraqi Prime Minister X"), remembered for later
surname-only mentions; pronouns and definite descriptions ("he", "the
country") resolved to the nearest compatible earlier actor.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..data_files import read_tsv
from ..records import Actor
from .kb import COUNTRY_LIKE, Entry, KnowledgeBase, make_code
from .recognize import Hit

MODIFIER_DEPS = {"amod", "compound", "nmod", "poss", "npadvmod", "appos"}
NAME_DEPS = {"compound", "amod", "nmod", "poss", "appos"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}


@dataclass
class ActorMention:
    start: int                 # token span [start, end)
    end: int
    head: int
    code: str | None
    country: str | None
    sectors: list[str] = field(default_factory=list)
    entity: str | None = None
    kind: str = ""             # country | demonym | capital | seat | org | group | person | sector | pronoun
    why: str = ""
    members: list[str] = field(default_factory=list)
    guessed: bool = False      # the country came from the article's context, not the phrase

    def to_actor(self, doc) -> Actor:
        span = doc[self.start:self.end]
        return Actor(text=span.text, code=self.code, country=self.country,
                     sectors=list(self.sectors), entity=self.entity,
                     span=[span.start_char, span.end_char])


def _anaphora() -> dict[str, str]:
    return {r["term"].lower(): r["refers_to"] for r in read_tsv("actors", "anaphora.tsv")}


def _country_only(m: ActorMention, country: str) -> ActorMention:
    return ActorMention(m.start, m.end, m.head, country, country, [], country, "country",
                        f"home country of {m.entity}")


class Resolver:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.anaphora = _anaphora()

    def __call__(self, doc, kb_hits: list[Hit], sector_hits: list[Hit], date: str | None):
        res = _DocResolution(self, doc, kb_hits, sector_hits, date)
        return res.run()


class _DocResolution:
    def __init__(self, owner: Resolver, doc, kb_hits, sector_hits, date):
        self.kb = owner.kb
        self.anaphora = owner.anaphora
        self.doc = doc
        self.date = date
        self.hit_at: dict[int, Hit] = {i: h for h in kb_hits for i in range(h.start, h.end)}
        self.sector_at: dict[int, Hit] = {i: h for h in sector_hits for i in range(h.start, h.end)}
        self.mentions: list[ActorMention] = []
        self.by_head: dict[int, ActorMention | None] = {}
        self.local_names: dict[str, ActorMention] = {}
        self.full_names_seen: set[str] = set()

    # -- entry choice -------------------------------------------------------
    def choose(self, hit: Hit) -> Entry:
        entries = [self.kb.entries[i] for i in hit.ids]
        if len(entries) == 1:
            return entries[0]
        people = [e for e in entries if e.kind == "person"]
        seen = [e for e in people if e.entity in self.full_names_seen]
        if seen:
            return seen[0]
        active = [e for e in people if any(r.active_on(self.date) for r in e.roles)]
        if active:
            return active[0]
        return entries[0]

    def from_entry(self, hit: Hit, head: int) -> ActorMention:
        entry = self.choose(hit)
        base, sectors, role = entry.at(self.date)
        if entry.kind == "capital" and not sectors:
            sectors = ["GOV"]
        # an organisation's or group's own code names it; its sectors describe it
        code = base if entry.kind in ("org", "group") or len(base) > 3 else make_code(base, sectors)
        span = self.doc[hit.start:hit.end]
        if entry.kind == "person" and span.text.lower() == entry.entity.lower():
            self.full_names_seen.add(entry.entity)
        why = f"{entry.kind} '{entry.entity}'" + (f" ({role})" if role else "")
        return ActorMention(hit.start, hit.end, head, code, base[:3] if base else None, sectors,
                            entry.entity, entry.kind, why, list(entry.members))

    # -- helpers ------------------------------------------------------------
    def span_head(self, start: int, end: int) -> int:
        for i in range(start, end):
            h = self.doc[i].head.i
            if h < start or h >= end or h == i:
                return i
        return end - 1

    def sector_of(self, tok) -> tuple[str, str, int, int] | None:
        hit = self.sector_at.get(tok.i)
        if hit and self.span_head(hit.start, hit.end) == tok.i:
            return hit.sector or "", hit.sector_kind or "noun", hit.start, hit.end
        for form in (tok.lower_, tok.lemma_.lower()):
            if form in self.kb.sector_terms:
                sector, kind = self.kb.sector_terms[form]
                return sector, kind, tok.i, tok.i + 1
        return None

    def modifier_actor(self, tok, depth: int = 0) -> ActorMention | None:
        """A country/organisation among the words that modify ``tok`` (recursively)."""
        if depth > 3:
            return None
        for child in tok.children:
            if child.dep_ in MODIFIER_DEPS and child.i < tok.i or child.dep_ in ("poss", "appos"):
                m = self.mention(child, depth + 1)
                if m and m.country:
                    return m
                m = self.modifier_actor(child, depth + 1)
                if m:
                    return m
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "for", "from"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        m = self.mention(pobj, depth + 1)
                        if m and m.country:
                            return m
        return None

    def context_country(self, tok) -> ActorMention | None:
        """The article's main country so far (for 'the government', 'police'): the country
        named most often before ``tok`` by actors and places, the first named on a tie."""
        counts: dict[str, list] = {}
        for m in self.mentions:
            if m.start >= tok.i or m.guessed:
                continue
            countries = [m.country] if m.kind in COUNTRY_LIKE and m.country else []
            if m.kind in ("org", "group") and m.members and len(m.members) == 1:
                countries = m.members
            elif m.kind in ("group", "person") and m.country and len(m.country) == 3 and m.country.isalpha() \
                    and m.country not in ("IGO", "NGO", "IMG", "MNC"):
                countries = [m.country]
            for c in countries:
                counts.setdefault(c, [0, m.start, m])
                counts[c][0] += 1
        if not counts:
            return None
        best = max(counts.values(), key=lambda v: (v[0], -v[1]))
        return best[2] if best[2].kind in COUNTRY_LIKE else _country_only(best[2], next(
            c for c, v in counts.items() if v is best))

    # -- the rules ----------------------------------------------------------
    def mention(self, tok, depth: int = 0) -> ActorMention | None:
        if tok.i in self.by_head:
            return self.by_head[tok.i]
        m = self._mention(tok, depth)
        if depth == 0 or m is not None:
            self.by_head[tok.i] = m
        return m

    def _mention(self, tok, depth: int) -> ActorMention | None:
        hit = self.hit_at.get(tok.i)
        if hit is not None:
            if self.span_head(hit.start, hit.end) != tok.i:
                return None
            m = self.from_entry(hit, tok.i)
            if m.kind in ("country", "demonym") and tok.pos_ in ("NOUN", "PROPN", "ADJ"):
                sec = None
                # "Russia's Foreign Ministry" is a hit on Russia; the sector noun is the head
            return m
        sector = self.sector_of(tok)
        if tok.pos_ == "PROPN" and tok.text in self.local_names:
            local = self.local_names[tok.text]
            return ActorMention(tok.i, tok.i + 1, tok.i, local.code, local.country, list(local.sectors),
                                local.entity, local.kind, f"earlier mention of {local.entity}")
        if tok.pos_ == "PROPN" and sector is None:
            return self.titled_name(tok, depth)
        if sector is not None:
            name, kind, start, end = sector
            owner = self.modifier_actor(tok, depth)
            why = f"sector term '{self.doc[start:end].text}'"
            guessed = False
            if owner is None and depth == 0:
                anaphor = self.anaphora.get(tok.lemma_.lower())
                owner = self.context_country(tok)
                if owner is not None:
                    why += f", country from context '{owner.entity}'"
                    guessed = True
            else:
                anaphor = None
            if owner is None:
                return ActorMention(start, max(end, tok.i + 1), tok.i, name or None, None,
                                    [name] if name else [], None, "sector", why)
            sectors = [name] if name else []
            base = owner.code if owner.kind in ("org", "group") else owner.country
            first = min([start] + [t.i for t in tok.lefts if t.dep_ in MODIFIER_DEPS])
            if anaphor:
                first = start
            return ActorMention(first, max(end, tok.i + 1), tok.i, make_code(base, sectors), owner.country,
                                sectors, owner.entity, "sector", why + f" of {owner.entity}",
                                owner.members, guessed)
        if depth == 0 and tok.pos_ in ("NOUN", "PRON", "DET"):
            return self.anaphor(tok)
        return None

    def titled_name(self, tok, depth: int) -> ActorMention | None:
        """An unknown name with a title among its modifiers: 'Iraqi Prime Minister Foo Bar'."""
        if tok.dep_ == "compound" and tok.head.pos_ == "PROPN":
            return None
        title = None
        for child in list(tok.lefts) + [c for c in tok.rights if c.dep_ == "appos"]:
            if child.dep_ not in NAME_DEPS:
                continue
            for t in child.subtree:
                s = self.sector_of(t)
                if s is not None:
                    title = s
                    break
            if title:
                break
        if title is None:
            return None
        owner = self.modifier_actor(tok, depth) or self.modifier_actor(self.doc[title[2]], depth + 1)
        if owner is None:
            return None
        sector = title[0]
        start = min([tok.i] + [t.i for t in tok.lefts if t.dep_ in NAME_DEPS])
        name_tokens = [t for t in self.doc[start:tok.i + 1] if t.pos_ == "PROPN" and t.ent_type_ == "PERSON"]
        entity = " ".join(t.text for t in name_tokens) or tok.text
        m = ActorMention(start, tok.i + 1, tok.i, make_code(owner.country, [sector] if sector else []),
                         owner.country, [sector] if sector else [], entity, "person",
                         f"title '{self.doc[title[2]:title[3]].text}' of {owner.entity}")
        self.local_names[tok.text] = m
        return m

    def anaphor(self, tok) -> ActorMention | None:
        lower = tok.lower_
        if tok.pos_ == "PRON" and lower in PERSON_PRONOUNS:
            for m in reversed(self.mentions):
                if m.start < tok.i and m.kind == "person" and tok.i - m.start < 120:
                    return ActorMention(tok.i, tok.i + 1, tok.i, m.code, m.country, list(m.sectors),
                                        m.entity, "pronoun", f"pronoun for {m.entity}")
            return None
        kind = self.anaphora.get(tok.lemma_.lower())
        if kind and any(c.lower_ == "the" for c in tok.children):
            kinds = set(kind.split("|"))
            for m in reversed(self.mentions):
                if m.start < tok.i and m.kind in kinds:
                    return ActorMention(tok.i - 1, tok.i + 1, tok.i, m.code, m.country, list(m.sectors),
                                        m.entity, "pronoun", f"'{tok.text}' for {m.entity}")
        return None

    def run(self) -> tuple[list[ActorMention], dict[int, int]]:
        for tok in self.doc:
            if tok.pos_ in ("PUNCT", "VERB", "AUX", "ADP", "CCONJ", "SCONJ", "NUM", "PART"):
                continue
            m = self.mention(tok)
            if m is not None and m not in self.mentions:
                self.mentions.append(m)
        self.mentions.sort(key=lambda m: (m.start, m.head))
        index = {m.head: i for i, m in enumerate(self.mentions)}
        return self.mentions, index
