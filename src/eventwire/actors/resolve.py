"""Resolution: turn recognised names and sector nouns into coded actor mentions.

reads: doc tokens and parse, recogniser hits, the article date;
writes: doc._.ew.mentions (ActorMention list) and doc._.ew.token_mention.

Rules, in order, for each noun:

* a known name: a person (the role active on the article's date; a title written in the
  text picks among several active roles), an organisation, a group, a country, a capital
  or a seat of power ("the Kremlin" -> RUSGOV; "Pakistan's Foreign Office": the seat's
  sector with the country that modifies it);
* a sector noun with its owner from its modifiers ("the Syrian army"), its possessive
  ("its pilot"), its "of/for/from/in" phrase ("a spokesman for the Iraqi interior
  ministry") or, failing those, the nearest country named in the sentence, then the
  article's main country (``guessed``). A person noun (official, leader, activist) takes
  the sector of a sector noun that modifies it ("opposition activists" -> OPP). Under a
  group or organisation owner the noun takes the owner's code ("Hamas officials").
  Coordinated modifiers ("U.S. and British warplanes") give one mention per conjunct;
* an unknown name with a title ("Iraqi Prime Minister X"), or a bare personal name, is
  remembered for later surname-only mentions;
* pronouns and definite descriptions ("he", "its", "the country", "the group") resolve to
  the nearest compatible earlier actor; he/she skip people of the other known gender.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..data_files import read_tsv
from ..records import Actor
from .kb import COUNTRY_LIKE, Entry, KnowledgeBase, make_code
from .recognize import Hit
from ..nlp import text_of

MODIFIER_DEPS = {"amod", "compound", "nmod", "poss", "npadvmod", "appos"}
NAME_DEPS = {"compound", "amod", "nmod", "poss", "appos"}
PERSON_PRONOUNS = {"he": "m", "him": "m", "his": "m", "himself": "m",
                   "she": "f", "her": "f", "hers": "f", "herself": "f"}
THING_PRONOUNS = {"its", "their"}
NOT_STATES = {"IGO", "NGO", "IMG", "MNC"}
# sectors of person nouns that give way to a sector noun modifying them ("army chief")
GENERIC_SECTORS = {"GOV", "CVL"}
# Sectors of people and places that belong where they are: "civilians in Axum", "a hospital in Kherson".
ARMED_NONSTATE = {"CRM", "REB", "INS", "RAD", "SEP", "UAF"}
PLACED_SECTORS = {"CVL", "HLH", "EDU", "REL", "REF", "LAB", "AGR", "BUS", "MED"}
PLACE_NOUNS = {"city", "town", "village", "province", "region", "district", "state", "county", "port",
               "capital", "area", "municipality", "governorate", "camp", "suburb", "neighbourhood", "neighborhood"}
# affixes that make a country name describe someone else ("pro-Russian", "Iranian-backed")
NOT_OWNER_PREFIXES = {"pro", "anti"}
NOT_OWNER_SUFFIXES = {"backed", "based", "allied", "aligned", "funded", "sponsored", "supported",
                      "born", "trained", "educated", "friendly", "leaning"}
PARTITIVE = {"crowd", "group", "number", "dozen", "hundred", "thousand", "million", "score", "handful"}
FORMER = {"former", "ex", "late", "then", "previous", "erstwhile", "onetime", "one-time"}
QUANTITIES = {"millions", "thousands", "hundreds", "dozens", "tens", "scores", "many", "some",
              "most", "all", "two", "three", "several"}


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


def _genders() -> dict[str, str]:
    return {r["word"].lower(): r["gender"] for r in read_tsv("actors", "genders.tsv")}


def _copy(m: "ActorMention", tok_start: int, tok_end: int, head: int, kind: str, why: str) -> "ActorMention":
    return ActorMention(tok_start, tok_end, head, m.code, m.country, list(m.sectors), m.entity, kind, why,
                        list(m.members), m.guessed)


class Resolver:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.anaphora = _anaphora()
        self.genders = _genders()
        self.states = {e.base: e.entity for e in kb.entries if e.kind == "country"}

    def __call__(self, doc, kb_hits: list[Hit], sector_hits: list[Hit], date: str | None):
        res = _DocResolution(self, doc, kb_hits, sector_hits, date)
        return res.run()


class _DocResolution:
    def __init__(self, owner: Resolver, doc, kb_hits, sector_hits, date):
        self.kb = owner.kb
        self.anaphora = owner.anaphora
        self.genders = owner.genders
        self.states = owner.states
        self.doc = doc
        self.date = date
        self.hit_at: dict[int, Hit] = {i: h for h in kb_hits for i in range(h.start, h.end)}
        self.sector_at: dict[int, Hit] = {i: h for h in sector_hits for i in range(h.start, h.end)}
        self.mentions: list[ActorMention] = []
        self.by_head: dict[int, ActorMention | None] = {}
        self.local_names: dict[str, ActorMention] = {}
        self.full_names_seen: set[str] = set()
        self.gender: dict[str, str] = {}          # entity -> "m" | "f", from names and titles
        self.conjuncts: list[ActorMention] = []   # extra mentions for coordinated modifiers
        self.place_ents: list[tuple[int, int]] | None = None   # GPE/LOC/FAC entity spans, on first use
        self.place_cache: dict[int, ActorMention | None] = {}  # noun phrase head -> the place's country

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
        if entry.kind == "person":
            base, sectors, role = self.role_by_title(entry, head, (base, sectors, role))
        if entry.kind == "capital" and not sectors:
            sectors = ["GOV"]
        if entry.kind == "org" and base.startswith("MNC") and len(entry.members) == 1:
            # a national company or outlet is its country's business or media (Huawei: CHNBUS)
            base = entry.members[0]
        # an organisation's or group's own code names it; its sectors describe it
        code = base if len(base) > 3 else make_code(base, sectors)
        country = base[:3] if base else None
        if entry.kind == "org" and len(entry.members) == 1 and base.startswith("NGO"):
            country = entry.members[0]     # a national NGO belongs to its country (SOHR: SYR)
        span = self.doc[hit.start:hit.end]
        if entry.kind == "person" and span.text.lower() == entry.entity.lower():
            self.full_names_seen.add(entry.entity)
        why = f"{entry.kind} '{entry.entity}'" + (f" ({role})" if role else "")
        return ActorMention(hit.start, hit.end, head, code, country, sectors,
                            entry.entity, entry.kind, why, list(entry.members))

    def role_by_title(self, entry: Entry, head: int, default):
        """Among a person's roles active on the date, the one the text's title names."""
        active = [r for r in entry.roles if r.active_on(self.date)]
        if len(active) < 2:
            return default
        tok = self.doc[head]
        hit = self.hit_at[head]
        title = self.title_of(tok) or next(
            (s for t in self.doc[hit.start:head] if (s := self.sector_of(t)) is not None), None)
        owner = self.modifier_actor(tok, 1, skip_people=True)
        tests = []
        if owner is not None and owner.code:
            tests.append(lambda r: r.country == owner.code)
        if title is not None:
            tests.append(lambda r: title[0] in r.sectors)
        if owner is not None and owner.country:
            tests.append(lambda r: r.country == owner.country)
        for test in tests:
            for r in active:
                if test(r):
                    return r.country, list(r.sectors), r.role
        return default

    # -- helpers ------------------------------------------------------------
    def span_head(self, start: int, end: int) -> int:
        """The token of a name's span that the rest of the sentence attaches to; a noun when the
        parse leaves more than one ("Saudi-led coalition": 'coalition', not 'led')."""
        outer = [i for i in range(start, end)
                 if not start <= self.doc[i].head.i < end or self.doc[i].head.i == i]
        if not outer:
            return end - 1
        nominal = [i for i in outer if self.doc[i].pos_ in ("NOUN", "PROPN", "PRON", "NUM")]
        return outer[0] if outer[0] in nominal or not nominal else nominal[-1]

    def is_state(self, country: str | None) -> bool:
        return bool(country) and country in self.states

    def sector_of(self, tok) -> tuple[str, str, int, int] | None:
        hit = self.sector_at.get(tok.i)
        if hit and self.span_head(hit.start, hit.end) == tok.i:
            return hit.sector or "", hit.sector_kind or "noun", hit.start, hit.end
        if hit:
            return None
        for form in (tok.lower_, tok.lemma_.lower()):
            if form in self.kb.sector_terms:
                sector, kind = self.kb.sector_terms[form]
                return sector, kind, tok.i, tok.i + 1
        return None

    def title_of(self, tok) -> tuple[str, str, int, int] | None:
        """A title among the words before a name ('Iraqi Prime Minister', 'HTS leader')."""
        for child in list(tok.lefts) + [c for c in tok.rights if c.dep_ == "appos"]:
            if child.dep_ not in NAME_DEPS or child.pos_ == "PRON":
                continue
            for t in child.subtree:
                if t.i in self.hit_at and t.pos_ == "PROPN" or t.ent_type_ == "PERSON":
                    continue     # a name, not a title ("Marine Le Pen")
                s = self.sector_of(t)
                if s is not None:
                    return s
        return None

    def not_owner(self, tok) -> bool:
        """'pro-Russian', 'Iranian-backed', 'U.S.-based': the country describes someone else."""
        doc = self.doc
        hit = self.hit_at.get(tok.i)
        start, end = (hit.start, hit.end) if hit else (tok.i, tok.i + 1)
        if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in NOT_OWNER_PREFIXES:
            return True
        if start >= 1 and doc[start - 1].lower_.rstrip("-") in NOT_OWNER_PREFIXES and \
                doc[start - 1].whitespace_ == "":
            return True
        if end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ in NOT_OWNER_SUFFIXES:
            return True
        return False

    def modifier_actor(self, tok, depth: int = 0, skip_people: bool = False) -> ActorMention | None:
        """A country/organisation among the words that modify ``tok`` (recursively)."""
        if depth > 3:
            return None
        for child in sorted(tok.children, key=lambda c: -c.i):
            if child.dep_ in MODIFIER_DEPS and child.i < tok.i or child.dep_ in ("poss", "appos"):
                if child.pos_ == "PRON":
                    m = self.possessive(child)
                    if m is not None:
                        return m
                    continue
                if self.not_owner(child):
                    continue
                m = self.mention(child, depth + 1)
                if m and m.country and not (skip_people and m.kind == "person"):
                    return m
                m = self.modifier_actor(child, depth + 1, skip_people)
                if m:
                    return m
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "for", "from", "in"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        m = self.mention(pobj, depth + 1)
                        if m is None and child.lower_ == "of":
                            m = self.modifier_actor(pobj, depth + 1)   # "the mayor of the West Bank city of X"
                        if child.lower_ in ("in", "from") and depth == 0 and \
                                not (m and m.country and m.kind in COUNTRY_LIKE):
                            m = self.place_owner(pobj) or m   # "a hospital in the city of Kherson"
                        if m and m.country and (child.lower_ != "in" or m.kind in COUNTRY_LIKE):
                            return m
        return None

    def place_owner(self, pobj) -> ActorMention | None:
        """The country of a place the gazetteer knows, named in a noun phrase ("the southern city of
        Kherson", "Nigeria's Plateau state"), as the owner of the people or things there."""
        if pobj.i in self.place_cache:
            return self.place_cache[pobj.i]
        from ..where import gazetteer

        if self.place_ents is None:   # once per document
            self.place_ents = [(e.start, e.end) for e in self.doc.ents if e.label_ in ("GPE", "LOC", "FAC")]
        lo, hi = pobj.left_edge.i, pobj.right_edge.i + 1
        spans = [self.doc[a:b] for a, b in self.place_ents if lo <= a and b <= hi]
        # "the town of Axum", "the city of Kherson": a name after a place noun is a place, whatever NER says
        spans += [self.doc[t.left_edge.i:t.i + 1] for t in self.doc[lo:hi] if t.pos_ == "PROPN" and t.dep_ == "pobj"
                  and t.head.lower_ == "of" and t.head.head.lemma_.lower() in PLACE_NOUNS]
        found = None
        sent = pobj.sent
        nearby = {m.country for m in self.mentions if sent.start <= m.start < sent.end and m.country}
        for span in spans:
            place = gazetteer().lookup(span.text, frozenset(), nearby)
            if place is not None and place.country:
                found = ActorMention(span.start, span.end, span.root.i, place.country, place.country, [],
                                     self.states.get(place.country, place.country), "country",
                                     f"place {span.text} in {place.country}")
                break
        self.place_cache[pobj.i] = found
        return found

    def clause_place(self, tok) -> ActorMention | None:
        """The country of the place the clause happens in ("shelled a hospital in the city of Kherson",
        "massacred civilians in the town of Axum"): the people and things acted on there belong to it."""
        verb = tok
        for _ in range(4):
            if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
                break
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX") or tok.dep_ in ("nsubj", "nsubjpass") and tok.head.i == verb.i:
            return None
        verbs = [verb] + ([verb.head] if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") else [])
        for v in verbs:
            for c in v.children:
                if c.dep_ == "prep" and c.lower_ in ("in", "near", "across", "outside", "inside"):
                    for p in c.children:
                        if p.dep_ == "pobj":
                            m = self.place_owner(p)
                            if m is not None:
                                return m
        return None

    def possessive(self, pron) -> ActorMention | None:
        """'its pilot', 'their leaders', 'his chief of staff': the owner the pronoun stands for."""
        lower = pron.lower_
        if lower in PERSON_PRONOUNS:
            return self.person_antecedent(pron)
        if lower in THING_PRONOUNS:
            for m in reversed(self.mentions):
                if m.head < pron.i and m.kind not in ("person", "pronoun") and m.code:
                    return m
        return None

    def state_of(self, m: ActorMention) -> str | None:
        """The state a mention belongs to, if it names one."""
        if m.kind in ("org",) and len(m.members) == 1:
            return m.members[0]
        return m.country if self.is_state(m.country) else None

    def context_country(self, tok) -> ActorMention | None:
        """The country for a sector noun without one ('police', 'the government'): the nearest
        state named earlier in its sentence (one that is not the object of a preposition first:
        "fled to India", "brokered by Moscow" name other states), else later in it, else the one
        the article named most often before ``tok`` (the first named on a tie)."""
        sent = tok.sent
        found = [m for m in self.mentions if sent.start <= m.start < tok.i and not m.guessed
                 and m.head != tok.i and self.state_of(m)]
        direct = [m for m in found if self.doc[m.head].dep_ != "pobj"]
        if found:
            m = (direct or found)[-1]
            return m if m.kind in COUNTRY_LIKE else self.country_only(m)
        own = {t.i for c in tok.children if c.dep_ == "relcl" for t in c.subtree}
        for t in self.doc[tok.i + 1:sent.end]:
            if t.i in own:
                continue   # "the rebels, who kidnapped two Italians": not the rebels' own country
            hit = self.hit_at.get(t.i)
            if hit is not None and self.span_head(hit.start, hit.end) == t.i:
                if hit.end < len(self.doc) and self.doc[hit.end].text == "-":
                    continue   # "a Bangladesh-flagged ship", "Iranian-made drones": the thing's, not the people's
                m = self.mention(t, 1)
                if m is not None and self.state_of(m):
                    return m if m.kind in COUNTRY_LIKE else self.country_only(m)
        counts: dict[str, list] = {}
        for m in self.mentions:
            if m.start >= tok.i or m.guessed:
                continue
            c = self.state_of(m)
            if c:
                counts.setdefault(c, [0, m.start, m])
                counts[c][0] += 1
        if not counts:
            return self.dateline_country(tok)
        country, (_, _, m) = max(counts.items(), key=lambda kv: (kv[1][0], -kv[1][1]))
        return m if m.kind in COUNTRY_LIKE else self.country_only(m, country)

    def dateline_country(self, tok) -> ActorMention | None:
        """The country of the dateline's place ("DHAKA --"): where a story is filed is, failing all
        else, the home of its police, courts and protesters."""
        from ..read.dateline import parse_dateline
        from ..where import gazetteer

        dl = parse_dateline(text_of(self.doc))
        if dl is None:
            return None
        place = gazetteer().lookup(dl.place.title()) or gazetteer().lookup(dl.place)
        if place is None or not place.country or not self.is_state(place.country):
            return None
        return ActorMention(tok.i, tok.i + 1, tok.i, place.country, place.country, [],
                            self.states.get(place.country, place.country), "country",
                            f"dateline {dl.place}")

    def country_only(self, m: ActorMention, country: str | None = None) -> ActorMention:
        country = country or self.state_of(m)
        return ActorMention(m.start, m.end, m.head, country, country, [], self.states.get(country, country),
                            "country", f"home country of {m.entity}")

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
            return self.known(hit, tok, depth)
        sector = self.sector_of(tok)
        if sector is not None and tok.dep_ == "compound" and tok.head.i > tok.i and depth == 0 \
                and tok.head.pos_ == "PROPN":
            named = self.mention(tok.head)
            if named is not None and named.kind == "person" and named.start <= tok.i + 1:
                return None   # "President Michel Suleiman": the title is part of the person's mention
        if tok.pos_ == "PROPN" and tok.text in self.local_names:
            local = self.local_names[tok.text]
            return _copy(local, tok.i, tok.i + 1, tok.i, local.kind, f"earlier mention of {local.entity}")
        if tok.pos_ == "PROPN" and sector is None:
            return self.titled_name(tok, depth)
        if sector is not None:
            return self.sector_mention(tok, sector, depth)
        if tok.lower_ in QUANTITIES or tok.lemma_.lower() in PARTITIVE:
            # "hundreds of UN troops", "millions of Americans": the people counted
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    for pobj in child.children:
                        m = self.mention(pobj, depth) if pobj.dep_ == "pobj" else None
                        if m is not None:
                            return _copy(m, tok.i, m.end, tok.i, m.kind, m.why + f", counted by '{tok.text}'")
        if depth == 0 and tok.pos_ in ("NOUN", "PRON", "DET"):
            return self.anaphor(tok)
        return None

    def known(self, hit: Hit, tok, depth: int) -> ActorMention | None:
        """A knowledge-base name, with the rules that reinterpret it in context."""
        if hit.end - hit.start == 1 and tok.text in self.local_names:
            # a surname the article has already given to someone it introduced by title
            local = self.local_names[tok.text]
            return _copy(local, tok.i, tok.i + 1, tok.i, local.kind, f"earlier mention of {local.entity}")
        m = self.from_entry(hit, tok.i)
        if m.kind in ("country", "demonym", "capital") and self.not_owner(tok):
            return None
        if m.kind in ("country", "demonym", "capital") and tok.ent_type_ == "PERSON" and tok.ent_iob_ == "I" \
                and hit.start > 0 and self.doc[hit.start - 1].ent_type_ == "PERSON":
            return None   # a surname that is also a place word: "Mark Cuban", "Michael Jordan"
        if m.kind in ("seat", "capital") and m.sectors:
            # "Pakistan's Foreign Office": the seat's sector, the modifier's country
            owner = self.modifier_actor(tok, depth + 1, skip_people=True)
            if owner is not None and self.is_state(owner.country) and owner.country != m.country:
                first = min([hit.start] + [t.i for t in tok.lefts if t.dep_ in MODIFIER_DEPS])
                return ActorMention(first, hit.end, tok.i, make_code(owner.country, m.sectors), owner.country,
                                    list(m.sectors), owner.entity, "sector",
                                    f"'{self.doc[hit.start:hit.end].text}' of {owner.entity}")
        if m.kind == "demonym" and tok.tag_ in ("NNS", "NNPS") and tok.text.endswith("s") and self.quantified(tok):
            m.sectors, m.code, m.why = ["CVL"], make_code(m.country, ["CVL"]), m.why + ", people counted"
        if m.kind == "person":
            self.note_gender(m, tok)
        return m

    def quantified(self, tok) -> bool:
        """'two Americans', 'millions of Syrians': people counted, not the state."""
        if any(c.dep_ == "nummod" or c.lower_ in QUANTITIES for c in tok.children):
            return True
        head = tok.head
        return tok.dep_ == "pobj" and head.lower_ == "of" and \
            (head.head.pos_ == "NUM" or head.head.lower_ in QUANTITIES)

    def sector_mention(self, tok, sector, depth: int) -> ActorMention | None:
        name, kind, start, end = sector
        why = f"sector term '{self.doc[start:end].text}'"
        if name in GENERIC_SECTORS:
            # "opposition activists", "army chief", "police officials": the modifier's sector
            for child in tok.lefts:
                if child.dep_ in ("compound", "amod", "nmod") and child.i not in self.hit_at:
                    s = self.sector_of(child)
                    if s is not None and s[0] and s[0] != name:
                        name, why = s[0], f"sector term '{self.doc[s[2]:s[3]].text} {tok.text}'"
                        break
        for child in tok.rights:
            named = self.mention(child, depth + 1) if child.dep_ == "appos" else None
            if named is not None and named.kind == "person":
                # "its leader Hassan Nasrallah": the noun is that person
                return _copy(named, min(start, tok.i), named.end, tok.i, "person", f"{why} for {named.entity}")
        owner = self.modifier_actor(tok, depth)
        guessed = False
        anaphor = None
        if owner is None and depth == 0:
            anaphor = self.anaphora.get(tok.lemma_.lower())
            owner = self.clause_place(tok) if sector[0] in PLACED_SECTORS else None
            if owner is not None:
                why += f", in {owner.why.split(' in ')[0].replace('place ', '')}"
                owner = self.country_only(owner, owner.country)
            else:
                owner = self.context_country(tok)
                if owner is not None and owner.why.startswith("dateline") and sector[0] in ARMED_NONSTATE:
                    owner = None   # pirates in a Dhaka story need not be Bangladeshi
            if owner is not None:
                why += f", country from context '{owner.entity}'"
                guessed = True
        if owner is None:
            return ActorMention(start, max(end, tok.i + 1), tok.i, name or None, None,
                                [name] if name else [], None, "sector", why)
        first = min([start] + [t.i for t in tok.lefts if t.dep_ in MODIFIER_DEPS])
        if anaphor or guessed:
            first = start
        if owner.kind in ("org", "group") or (owner.kind in ("person", "pronoun") and owner.code and len(owner.code) > 6):
            # members of a group or an organisation are coded as it ("Hamas officials", "UN envoy")
            return ActorMention(first, max(end, tok.i + 1), tok.i, owner.code, owner.country,
                                list(owner.sectors), owner.entity, "sector", why + f" of {owner.entity}",
                                list(owner.members), guessed)
        sectors = [name] if name else []
        conj = self.coordinated_owners(tok, owner) if not guessed else []
        if conj:
            # the country nearest the noun keeps the noun; each other conjunct is its own mention
            every = sorted([owner, *conj], key=lambda c: c.head)
            owner, conj = every[-1], every[:-1]
            first = owner.start
            for c in conj:
                self.conjuncts.append(ActorMention(c.start, c.end, c.head, make_code(c.country, sectors),
                                                   c.country, list(sectors), c.entity, "sector",
                                                   why + f" of {c.entity} (coordinated)"))
        m = ActorMention(first, max(end, tok.i + 1), tok.i, make_code(owner.country, sectors), owner.country,
                         sectors, owner.entity, "sector", why + f" of {owner.entity}", owner.members, guessed)
        names = [c for c in tok.rights if c.dep_ in ("compound", "appos") and c.ent_type_ == "PERSON"]
        if names:
            # "schoolgirl Malala Yousafzai" parsed with the noun as head: a person, named
            last = max(t.i for t in names[-1].subtree)
            m.end, m.kind, m.entity = last + 1, "person", self.doc[names[0].left_edge.i:last + 1].text
            self.local_names[self.doc[last].text] = m
            self.note_gender(m, tok)
        return m

    def coordinated_owners(self, tok, owner: ActorMention) -> list[ActorMention]:
        """'U.S. and British warplanes': the other countries coordinated with the owner."""
        out: list[ActorMention] = []
        seen = {owner.head}
        cands = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod")]
        for c in list(cands):
            cands += [x for x in c.subtree if x.dep_ == "conj"]
        for c in cands:
            if c.i in seen:
                continue
            m = self.mention(c, 1)
            if m is not None and m.kind in ("country", "demonym") and self.is_state(m.country) \
                    and not self.not_owner(c):
                seen.add(c.i)
                out.append(m)
        return sorted(out, key=lambda m: m.start)

    def titled_name(self, tok, depth: int) -> ActorMention | None:
        """An unknown name with a title among its modifiers ('Iraqi Prime Minister Foo Bar'),
        or, at the top level, a bare personal name (a private person of the article's country)."""
        if tok.dep_ == "compound" and tok.head.pos_ == "PROPN":
            return None
        title = self.title_of(tok)
        if title is not None and self.doc[title[3] - 1].tag_ in ("NNS", "NNPS"):
            title = None     # a plural is no one's title: "Raza Lawyers Association"
        start = min([tok.i] + [t.i for t in tok.lefts if t.dep_ in NAME_DEPS and t.pos_ != "PRON"])
        after = title[3] if title is not None else start
        name_tokens = [t for t in self.doc[start:tok.i + 1] if t.pos_ == "PROPN" and t.ent_type_ == "PERSON"] or \
            [t for t in self.doc[after:tok.i + 1] if t.pos_ == "PROPN"]
        entity = " ".join(t.text for t in name_tokens) or tok.text
        if title is None:
            if depth > 0 or tok.ent_type_ != "PERSON" or len(tok.text) < 3:
                return None
            owner = self.context_country(tok)
            if owner is None:
                return None
            m = ActorMention(start, tok.i + 1, tok.i, make_code(owner.country, ["CVL"]), owner.country, ["CVL"],
                             entity, "person", f"unknown person, country from context '{owner.entity}'",
                             guessed=True)
            self.local_names[tok.text] = m
            self.note_gender(m, tok)
            return m
        owner = self.modifier_actor(tok, depth) or self.modifier_actor(self.doc[title[2]], depth + 1)
        guessed = False
        if owner is None and depth == 0:
            owner, guessed = self.context_country(tok), True
        if owner is None:
            return None
        sector = title[0]
        if any(t.lower_.rstrip("-") in FORMER for t in self.doc[start:title[2] + 1]):
            sector = "ELI"     # a former office-holder: an elite, no longer the office
        if owner.kind in ("org", "group"):
            code, sectors = owner.code, list(owner.sectors)
        else:
            code, sectors = make_code(owner.country, [sector] if sector else []), [sector] if sector else []
        m = ActorMention(start, tok.i + 1, tok.i, code, owner.country, sectors, entity, "person",
                         f"title '{self.doc[title[2]:title[3]].text}' of {owner.entity}", guessed=guessed)
        self.local_names[tok.text] = m
        self.note_gender(m, tok)
        return m

    def note_gender(self, m: ActorMention, tok) -> None:
        """Remember a person's gender from a first name or a title, for he/she."""
        words = [t.lower_ for t in self.doc[m.start:m.end]] + (m.entity or "").lower().split()
        for w in words:
            g = self.genders.get(w)
            if g:
                self.gender[m.entity or ""] = g
                return

    def person_antecedent(self, tok) -> ActorMention | None:
        """The person a he/she refers to: the nearest one that fits, but a sentence-initial pronoun
        continues the last sentence's subject ("Macron praised Tusk. He also called on ...")."""
        want = PERSON_PRONOUNS.get(tok.lower_)
        fits = []
        named = None   # the entities named as persons (a pronoun's entity must be one of them)
        i = tok.i
        for m in reversed(self.mentions):
            if m.start < i and i - m.start < 120 and m.kind in ("person", "pronoun") and m.entity:
                if m.kind == "pronoun" and m.head == i:
                    continue
                got = self.gender.get(m.entity)
                if want and got and got != want:
                    continue
                if m.kind == "pronoun":
                    if named is None:
                        named = {x.entity for x in self.mentions if x.kind == "person"}
                    if m.entity not in named:
                        continue
                fits.append(m)
        if not fits:
            return None
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.sent.start != self.doc[fits[0].start].sent.start:
            prev = self.doc[fits[0].start].sent
            subjects = [m for m in fits if prev.start <= m.start < prev.end
                        and self.doc[m.head].dep_ in ("nsubj", "nsubjpass")]
            if subjects:
                return subjects[-1]   # the first subject of that sentence
        return fits[0]

    def previous_subject(self, tok, plural: bool) -> ActorMention | None:
        """The subject actor of the sentence before ``tok``'s: a state, organisation or group for
        'it', those or people for 'they'."""
        prev_end = tok.sent.start
        prev = self.doc[prev_end - 1].sent
        for m in self.mentions:
            if prev.start <= m.start < prev.end and self.doc[m.head].dep_ in ("nsubj", "nsubjpass") \
                    and self.doc[m.head].head.dep_ == "ROOT" and m.kind != "pronoun":
                if plural or m.kind != "person":
                    return m
        return None

    def anaphor(self, tok) -> ActorMention | None:
        lower = tok.lower_
        if tok.pos_ == "PRON" and lower in PERSON_PRONOUNS:
            m = self.person_antecedent(tok)
            if m is None:
                return None
            return ActorMention(tok.i, tok.i + 1, tok.i, m.code, m.country, list(m.sectors),
                                m.entity, "pronoun", f"pronoun for {m.entity}")
        if tok.pos_ == "PRON" and lower in ("it", "they") and tok.dep_ in ("nsubj", "nsubjpass") \
                and tok.head.dep_ == "ROOT" and tok.sent.start > 0:
            # "Turkey sent two planes ... It also offered to send a field hospital": the last subject
            m = self.previous_subject(tok, plural=lower == "they")
            if m is not None:
                return ActorMention(tok.i, tok.i + 1, tok.i, m.code, m.country, list(m.sectors),
                                    m.entity, "pronoun", f"'{tok.text}' for {m.entity}")
            return None
        kind = self.anaphora.get(tok.lemma_.lower())
        if not kind:
            return None
        det = [c for c in tok.children if c.lower_ in ("the", "this", "that") or c.dep_ == "poss"]
        if not det:
            return None
        kinds = set(kind.split("|"))
        first = min(c.i for c in det + [tok])
        named = self.hit_at.get(tok.i + 1)
        if named is not None and tok.i + 1 < len(self.doc):
            # "the militant group al-Shabab": the name that follows is the one meant
            m = self.mention(self.doc[self.span_head(named.start, named.end)], 1)
            if m is not None and m.kind in kinds:
                return _copy(m, first, named.end, tok.i, m.kind, f"'{tok.text}' named {m.entity}")
        for m in reversed(self.mentions):
            if m.start >= tok.i or m.kind == "pronoun" and "country" not in kinds:
                continue
            if m.start >= tok.left_edge.i:
                continue   # "the Al Qaeda-linked group": a name in its own modifiers is another one
            if m.kind in kinds:
                return ActorMention(first, tok.i + 1, tok.i, m.code, m.country, list(m.sectors),
                                    m.entity, "pronoun", f"'{tok.text}' for {m.entity}")
            if "country" in kinds and self.state_of(m):
                c = self.state_of(m)
                return ActorMention(first, tok.i + 1, tok.i, c, c, [], c, "pronoun",
                                    f"'{tok.text}' for the country of {m.entity}")
        return None

    def run(self) -> tuple[list[ActorMention], dict[int, int]]:
        seen: dict[tuple[int, int, int], list[ActorMention]] = {}  # by span: 'in self.mentions' is quadratic
        from ..read.dateline import parse_dateline

        dateline = parse_dateline(text_of(self.doc))   # "TAIPEI --": where the story was filed, not an actor
        for tok in self.doc:
            if tok.pos_ in ("PUNCT", "VERB", "AUX", "ADP", "CCONJ", "SCONJ", "NUM", "PART"):
                continue
            if dateline is not None and tok.idx < dateline.end:
                continue
            m = self.mention(tok)
            if m is not None and m not in seen.setdefault((m.start, m.end, m.head), []):
                seen[(m.start, m.end, m.head)].append(m)
                self.mentions.append(m)
        if self.conjuncts:
            heads = {c.head for c in self.conjuncts}
            self.mentions = [m for m in self.mentions if m.head not in heads] + self.conjuncts
        if dateline is not None:
            # the parse can hang the dateline on the first noun phrase ("KYIV -- Russian missiles")
            for m in self.mentions:
                while m.start < m.head and self.doc[m.start].idx < dateline.end:
                    m.start += 1
        self.mentions.sort(key=lambda m: (m.start, m.head))
        index = {m.head: i for i, m in enumerate(self.mentions)}
        return self.mentions, index
