"""The events stage: code CAMEO events from the dependency parse with the trigger dictionary.

reads: the parse, doc._.ew.mentions (actors), doc._.ew.claims (claims);
writes: doc._.ew.events (EventInfo list), with certainty and attribution.

One event per clause and actor pair: a verb or event noun that matches a
trigger entry, its source (subject, passive agent, inherited subject of a
complement, possessor or modifier of an event noun) and its target (object,
the entry's preposition, passive subject). Coordinated actors give one event
each. Events inside a claim are attributed to its speaker; a claim that one
actor used force is also coded as the speaker accusing that actor (112).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..actors import ActorMention, mention_at
from ..data_files import read_tsv, split
from . import modality
from .roles import actors_of, child, is_passive, not_owned, pobj_of, reporting_subject, subject_actors, subject_of
from .triggers import Trigger, TriggerDictionary

RECIPROCAL_ROOTS = {"03", "04", "05", "06"}
# An event whose trigger governs another verb's clause ("threatened to impose sanctions",
# "demanded that Russia withdraw", "rejected calls to resign") contains that event: the inner
# one is the content of the threat, demand or rejection, not an event of its own.
CONTAINING_ROOTS = {"02", "10", "12", "13"}
ACCUSABLE_ROOTS = {"18", "19", "20"}
NOUN_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj", "ROOT"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}


@dataclass
class EventInfo:
    head: int                       # trigger token
    code: str
    source: ActorMention | None
    target: ActorMention | None
    start: int                      # evidence, token span [start, end)
    end: int
    certainty: str = "asserted"
    certainty_cue: str | None = None
    trigger: Trigger | None = None
    tokens: list[int] = field(default_factory=list)
    rule: str = ""
    claim: int | None = None        # index into doc._.ew.claims
    derived_from: int | None = None
    intent_act: str = ""            # the certainty cue states an 'intent' ("vowed to") or a 'commit' ("pledged to")
    means: int | None = None        # an event noun merged into the verb ("airstrikes killed ...")
    date: object = None             # records.DateValue (when stage)
    location: object = None         # records.Location (where stage)
    place_span: tuple | None = None  # the tokens naming that place, when the text names it (where stage)


@lru_cache(maxsize=1)
def intent_codes() -> dict[str, str]:
    return {r["code"]: r["intent_code"] for r in read_tsv("coding", "intent.tsv")}


def intent_code(code: str, act: str = "intent") -> str:
    """CAMEO's 'express intent to ...' code for a stated intention, or the threat (13x) for a
    conflictual one; a commitment to others ("pledged to expel") to a conflictual act keeps its code."""
    found = _by_prefix(intent_codes(), code) or code
    return code if found.startswith("13") and act != "intent" else found


@lru_cache(maxsize=1)
def refusal_codes() -> dict[str, str]:
    return {r["code"]: r["refusal_code"] for r in read_tsv("coding", "refusal.tsv")}


def _by_prefix(table: dict[str, str], code: str) -> str | None:
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None


def _will_not(tok) -> bool:
    """'will not', 'would not', 'won't': a negated future on the event verb or a verb governing it."""
    t = tok
    for _ in range(3):
        auxes = {c.lower_ for c in t.children if c.dep_ == "aux"}
        if auxes & (FUTURE_AUX | {"would"}) and any(c.dep_ == "neg" for c in t.children):
            return True
        if t.dep_ not in ("xcomp", "conj") or t.head.i == t.i:
            return False
        t = t.head
    return False


@lru_cache(maxsize=1)
def target_preps() -> dict[str, tuple[str, ...]]:
    return {r["root"]: tuple(r["preps"].split("|")) for r in read_tsv("coding", "target_preps.tsv")}


@lru_cache(maxsize=1)
def referenced_claim_nouns() -> frozenset[str]:
    return frozenset(w for r in read_tsv("coding", "referenced_claims.tsv") for w in split(r["lemma"]))


def _referenced_claims(doc, events: list[EventInfo]) -> None:
    """"Kyiv dismissed the claim as propaganda": a rejection or denial of a claim that names no
    owner is aimed at the last speaker before it, when that speaker is another country's."""
    st = doc._.ew
    nouns = referenced_claim_nouns()
    for e in events:
        if e.target is not None or e.source is None or not (e.code.startswith("016") or e.code[:2] == "12"):
            continue
        said = next((doc[i] for i in e.tokens if doc[i].lemma_.lower() in nouns), None)
        if said is None or any(c.dep_ in ("poss", "amod", "compound") for c in said.children) \
                or any(c.dep_ == "prep" and c.lower_ in ("by", "from", "of") for c in said.children):
            continue   # "rejected Pakistan's accusation": the owner is the target already
        before = [c for c in st.claims if c.cue < e.start and c.speakers and c.speakers[0].country
                  and c.speakers[0].country != e.source.country]
        if before:
            e.target = max(before, key=lambda c: c.cue).speakers[0]
            e.rule += "/referenced claim"


def _relative_event_targets(doc, events: list[EventInfo]) -> None:
    """"..., a verdict Washington denounced as a sham", "the latest in a string of tests that Seoul
    condemned": when the noun a relative clause acts on names no actor, it stands for the event
    of the clause it hangs from, and the act is aimed at that event's doer."""
    by_head: dict[int, list[EventInfo]] = {}
    for x in events:
        by_head.setdefault(x.head, []).append(x)
    for e in events:
        verb = doc[e.head]
        if e.target is not None or e.source is None or verb.dep_ != "relcl" or not _object_is_antecedent(verb):
            continue
        t = verb.head
        for _ in range(6):
            if t.head.i == t.i:
                break
            t = t.head
            doers = [x.source for x in by_head.get(t.i, ()) if x is not e and x.source is not None
                     and x.source.country and x.source.country != e.source.country]
            if doers:
                e.target = doers[0]
                e.rule += "/relative object's doer"
                break


def _names_event(verb) -> bool:
    """"Calling the massacre one of the worst abuses": a light verb with a predicate (oprd)
    names an event already told, it does not do one."""
    return any(c.dep_ == "oprd" for c in verb.children)


RELATIVE_PRONOUNS = {"that", "which", "who", "whom", "whose"}


def _object_is_antecedent(verb) -> bool:
    """In a relative clause, is the described noun the verb's object? Yes when the clause has a
    subject of its own and its object, if any, is a relative pronoun ("the tests that Seoul
    condemned", "the offer Manila rejected"); no for "the group that attacked the base"."""
    subj = child(verb, "nsubj")
    if subj is None or subj.lower_ in RELATIVE_PRONOUNS:
        return False
    if child(verb, "nsubjpass") is not None:
        return False
    obj = child(verb, "dobj")
    return obj is None or obj.lower_ in RELATIVE_PRONOUNS


def fallback_targets(tok, obj, code: str) -> list[ActorMention]:
    """Targets from the prepositions usual for this kind of event ("launched missiles at X")."""
    table = target_preps()
    preps = table.get(code[:2], ()) + table.get("*", ())
    for holder in [tok] + ([obj] if obj is not None else []):
        for want in preps:
            for c in holder.children:
                if c.dep_ == "prep" and c.lower_ == want:
                    found = actors_of(pobj_of(c))
                    if found:
                        return found
    return []


@lru_cache(maxsize=1)
def symmetric_codes() -> dict[str, frozenset[str]]:
    return {r["code"]: frozenset(x for x in r.get("except", "").lower().split("|") if x)
            for r in read_tsv("coding", "symmetric.tsv")}


def _mutual(e: EventInfo, doc) -> bool:
    table = symmetric_codes()
    code = next((c for c in table if e.code.startswith(c)), None)
    return code is not None and doc[e.head].lemma_.lower() not in table[code]


def _with_reverse(events: list[EventInfo], doc) -> list[EventInfo]:
    """Mutual acts between two named actors are written in both directions (symmetric.tsv)."""
    out = list(events)
    have = {(e.head, e.source.head if e.source else None, e.target.head if e.target else None) for e in events}
    for e in events:
        if e.source is None or e.target is None or not _mutual(e, doc):
            continue
        if (e.head, e.target.head, e.source.head) in have:
            continue
        out.append(EventInfo(e.head, e.code, e.target, e.source, e.start, e.end, e.certainty,
                             e.certainty_cue, e.trigger, list(e.tokens), e.rule + "/mutual"))
        have.add((e.head, e.target.head, e.source.head))
    return out


@dataclass(frozen=True)
class Converse:
    lemmas: frozenset[str]
    objects: frozenset[str]
    modifiers: frozenset[str]
    code: str
    example: str


@lru_cache(maxsize=1)
def converse_entries() -> tuple[Converse, ...]:
    """converse.tsv: verbs whose subject undergoes the act of the 'from' actor ("received arms from")."""
    rows = [Converse(frozenset(r["lemma"].lower().split("|")), frozenset(r["object"].lower().split("|")),
                     frozenset(x for x in r.get("modifier", "").lower().split("|") if x), r["code"],
                     r.get("example", "")) for r in read_tsv("coding", "converse.tsv")]
    return tuple(sorted(rows, key=lambda c: not c.modifiers))   # entries with a modifier first


@lru_cache(maxsize=1)
def by_source() -> dict[tuple[str, str], str]:
    return {(r["code"], r["source"]): r["recode"] for r in read_tsv("coding", "by_source.tsv")}


def _is_state(m: ActorMention, doc) -> bool:
    """A state actor: a government, army or police sector, or a country named for its state
    (not "Syrians", not an armed group or organisation)."""
    if m.sectors:
        return bool(set(m.sectors) & STATE_SECTORS)
    if m.kind == "demonym" and doc[m.head].tag_ in ("NNS", "NNPS"):
        return False
    return m.code == m.country or m.kind in ("capital", "seat")


def _recode_by_source(e: EventInfo, doc) -> None:
    """by_source.tsv: an official protest is a complaint, a state's bombing is military."""
    if e.source is None or e.source.guessed or not e.source.country:
        return
    kind = "state" if _is_state(e.source, doc) else "nonstate"
    new = by_source().get((e.code, kind))
    if new:
        e.code, e.rule = new, e.rule + f"/{kind} source"


@lru_cache(maxsize=1)
def instruments() -> dict[tuple[str, str], str]:
    """instruments.tsv: (instrument lemma, generic code) -> the finer code."""
    return {(lemma, old): r["code"] for r in read_tsv("coding", "instruments.tsv")
            for lemma in r["lemma"].lower().split("|") for old in r["from"].split("|")}


def _by_instrument(tok, code: str) -> str:
    """"Israeli warplanes struck ...", "pounded the town with artillery": the finer code."""
    table = instruments()
    held = [c for c in tok.children if c.dep_ == "nsubj"]
    held += [pobj_of(p) for p in tok.children if p.dep_ == "prep" and p.lower_ == "with" and pobj_of(p) is not None]
    for h in held:
        new = table.get((h.lemma_.lower(), code))
        if new:
            return new
    return code


@lru_cache(maxsize=1)
def wish_verbs() -> dict[str, str]:
    return {r["lemma"].lower(): r["as"].lower() for r in read_tsv("coding", "wish_verbs.tsv")}


@lru_cache(maxsize=1)
def light_verbs() -> frozenset[str]:
    return frozenset(r["lemma"].lower() for r in read_tsv("coding", "light_verbs.tsv"))


@lru_cache(maxsize=1)
def mutual_light_verbs() -> frozenset[str]:
    return frozenset(r["lemma"].lower() for r in read_tsv("coding", "light_verbs.tsv") if r.get("mutual") == "yes")


CLAUSE_BREAKS = {"ccomp", "advcl", "relcl", "parataxis", "punct", "cc", "mark", "csubj"}


def clause_span(tok) -> tuple[int, int]:
    """The token span of ``tok``'s own clause: its subtree without embedded clauses."""
    idx = [tok.i]
    for c in tok.children:
        if c.dep_ in CLAUSE_BREAKS or (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")):
            continue
        idx += [t.i for t in c.subtree]
    return min(idx), max(idx) + 1


def _pairs(sources, targets, code: str, reciprocal: bool, mutual: bool = False):
    sources = _unique(sources)
    targets = [t for t in _unique(targets)]
    if not targets and reciprocal and len(sources) > 1 and (mutual or code[:2] in RECIPROCAL_ROOTS):
        return [(a, b) for a in sources for b in sources if a is not b]
    pairs = []
    for s in sources or [None]:
        for t in targets or [None]:
            if s is not None and t is not None and s.code == t.code and s.entity == t.entity:
                continue
            pairs.append((s, t))
    return pairs


def _unique(ms):
    seen, out = set(), []
    for m in ms:
        key = (m.head, m.code)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


class Coder:
    def __init__(self, triggers: TriggerDictionary):
        self.triggers = triggers

    def __call__(self, doc):
        from ..nlp import state

        st = state(doc)
        events: list[EventInfo] = []
        consumed: set[int] = set()
        for tok in doc:
            if (tok.pos_ in ("VERB", "AUX") or (tok.tag_.startswith("VB") and tok.pos_ != "NOUN")) \
                    and tok.i not in consumed:
                events += self.converse_events(tok, consumed) or self.wish_events(tok, consumed) \
                    or self.verb_events(tok, consumed)
        verb_heads = {e.head for e in events}
        for tok in doc:
            if tok.i in consumed or tok.dep_ == "compound":
                continue
            # gerunds and mis-tagged nouns in noun positions ("Fighting between ...", "drills by Iran")
            nominal = tok.pos_ in ("NOUN", "PROPN") or (
                tok.pos_ == "VERB" and tok.i not in verb_heads and tok.dep_ in NOUN_DEPS
                and not any(c.dep_ in ("nsubj", "dobj", "aux") for c in tok.children))
            if nominal:
                found = self.noun_events(tok)
                gov = tok.head.head if tok.dep_ == "pobj" else tok.head if tok.dep_ == "dobj" else None
                same = [e for e in events if gov is not None and e.head == gov.i and found
                        and e.code[:2] == found[0].code[:2]]
                if same:
                    # "engaged the peacekeepers in a firefight", "were killed in an air strike by
                    # government forces": one event; the noun may say who and how
                    for e in same:
                        if e.source is None and found[0].source is not None:
                            e.source, e.rule = found[0].source, e.rule + "/means"
                        if e.code.endswith("0") and len(found[0].code) >= len(e.code) and e.code != found[0].code:
                            e.code = found[0].code
                    continue
                events += found
        for tok in doc:
            if tok.pos_ == "ADJ" and tok.dep_ in ("acomp", "xcomp", "ccomp") and tok.i not in consumed:
                found = self.adjective_events(tok)
                inner = {i for e in found for i in e.tokens if i != tok.i}
                if inner:
                    events = [e for e in events if not (e.head in inner and e.source is None)]
                events += found
        _corefer_event_nouns(doc, events)
        _referenced_claims(doc, events)
        _relative_event_targets(doc, events)
        # "pledged to expel", "agreed to lift sanctions": the pledged act is the event (coded 03x
        # below from its own code), not the pledge verb's general 03 code as well
        heads = {e.head for e in events}
        events = [e for e in events if not (e.code[:2] == "03" and any(
            c.dep_ in ("xcomp", "ccomp") and c.i in heads for c in doc[e.head].children))]
        for e in events:
            _recode_by_source(e, doc)
            # a stated intention ("seeks to talk", "pledged to send aid", "vowed to retaliate") is
            # CAMEO's 03x or 13x; a plain future ("will supply arms") is coded as the act, intended
            if e.certainty == "intended" and e.intent_act:
                e.code = intent_code(e.code, e.intent_act)
            elif e.certainty == "negated" and _will_not(doc[e.head]) and _by_prefix(refusal_codes(), e.code):
                # "said he would not provide support": the refusal happened (12x)
                e.code = _by_prefix(refusal_codes(), e.code)
                e.certainty, e.certainty_cue, e.rule = "asserted", None, e.rule + "/refusal"
        # an event with no actor at all must at least be placed to say anything ("the attack in Idlib");
        # words in square brackets are the editor's gloss ("Daesh [Islamic State, banned in Russia]"),
        # not the report
        inserted = _bracketed(doc)
        for e in events:
            if e.source is None and e.target is not None and e.target.guessed and doc[e.head].pos_ == "NOUN":
                e.target = None   # "the combat against terrorists": a guessed country says nothing here
        st.events = _dedupe(_with_reverse([e for e in events if (e.source or e.target or _anchored(doc, e))
                                           and e.head not in inserted], doc))
        attach_claims(doc)
        return doc

    # -- verbs ----------------------------------------------------------------
    def converse_events(self, tok, consumed: set[int]) -> list[EventInfo]:
        """"Ukraine received tanks from Germany": Germany -> Ukraine, the object's act (converse.tsv)."""
        lemma = tok.lemma_.lower()
        obj = child(tok, "dobj")
        if obj is None or is_passive(tok):
            return []
        words = {c.lemma_.lower() for c in obj.children if c.dep_ in ("amod", "compound", "nmod")}
        entry = next((c for c in converse_entries() if lemma in c.lemmas and obj.lemma_.lower() in c.objects
                      and (not c.modifiers or c.modifiers & words)), None)
        if entry is None:
            return []
        doers: list[ActorMention] = []
        for holder in (tok, obj):
            for p in holder.children:
                if p.dep_ in ("prep", "agent") and p.lower_ in ("from", "by") and not doers:
                    doers = actors_of(pobj_of(p))
        if not doers:
            # "won the backing of Poland"
            doers = next((actors_of(pobj_of(p)) for p in obj.children if p.dep_ == "prep" and p.lower_ == "of"
                          and actors_of(pobj_of(p))), [])
        undergoers, how = subject_actors(tok)
        if not undergoers and not doers:
            return []
        consumed.update((tok.i, obj.i))
        if entry.code[:2] in CONTAINING_ROOTS:
            # "faces pressure from Congress to help Iran": the help is what is demanded
            for h in (tok, obj):
                for c in h.children:
                    if c.dep_ in ("xcomp", "ccomp", "acl", "relcl") and c.pos_ in ("VERB", "AUX"):
                        consumed.update(t.i for t in c.subtree)
        cert, cue_tok = modality.certainty_cue(tok, obj)
        start, end = clause_span(tok)
        return [EventInfo(tok.i, entry.code, s, t, start, end, cert, cue_tok.text if cue_tok is not None else None,
                          None, [tok.i, obj.i], f"converse/{how or 'none'}",
                          intent_act=modality.states_intent(cue_tok))
                for s, t in _pairs(doers, undergoers, entry.code, False)]

    def wish_events(self, tok, consumed: set[int]) -> list[EventInfo]:
        """"Germany wants Russia to withdraw": an appeal from Germany to Russia (wish_verbs.tsv)."""
        as_lemma = wish_verbs().get(tok.lemma_.lower())
        comp = next((c for c in tok.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")
                     and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)), None)
        if as_lemma is None or comp is None:
            return []
        addressee = child(comp, "nsubj") or child(tok, "dobj")
        targets = actors_of(addressee) if addressee is not None and addressee.i < comp.i else []
        sources, how = subject_actors(tok)
        if not targets or not sources:
            return []
        found = self.triggers.match(tok, "verb", as_lemma)
        if found is None:
            return []
        trig = found[0]
        consumed.update(t.i for t in comp.subtree)
        cert, cue_tok = modality.certainty_cue(tok)
        start, end = clause_span(tok)
        return [EventInfo(tok.i, trig.code, s, t, start, end, cert, cue_tok.text if cue_tok is not None else None,
                          trig, [tok.i], f"wish/{how}") for s, t in _pairs(sources, targets, trig.code, False)]

    def verb_events(self, tok, consumed: set[int]) -> list[EventInfo]:
        found = self.triggers.match(tok, "verb")
        if found is None:
            return []
        trig, bound = found
        obj = bound.get("object")
        code = trig.code
        d = child(tok, "dobj")
        if obj is None and d is not None and tok.lemma_.lower() in light_verbs() and not _names_event(tok):
            # "ordered an investigation against Iran": a light verb's event noun says what happened
            noun = self.triggers.match(d, "noun")
            if noun is not None:
                obj, code = d, noun[0].code
                bound = dict(bound, object=d)
                if "prep" in noun[1]:
                    bound["prep"] = noun[1]["prep"]
        if "prep" in bound:
            # "agreed to a ceasefire", "called for talks": the event noun is what the verb is about
            p = pobj_of(bound["prep"])
            if p is not None and not actors_of(p):
                consumed.add(p.i)
        if obj is not None:
            consumed.add(obj.i)
            # "opened a corruption investigation": the object noun may know the finer code
            noun = self.triggers.match(obj, "noun")
            if noun is not None and noun[0].code[:2] == code[:2] and len(noun[0].code) >= len(code) \
                    and noun[0].modifiers and noun[0].code != code:
                code = noun[0].code
        sources, how = subject_actors(tok)
        subj, means_tok = child(tok, "nsubj"), None
        if subj is not None and code[:2] in VIOLENT_ROOTS and subj.i not in consumed:
            # "coalition airstrikes killed 20 civilians": the means is the same act, and says how
            means = self.triggers.match(subj, "noun")
            if means is not None and means[0].code[:2] in VIOLENT_ROOTS:
                code = means[0].code
                consumed.add(subj.i)
                means_tok = subj.i
                # "a car bomb planted by Al-Shabaab killed ...": the noun's own doer
                noun_doers = [e.source for e in self.noun_events(subj) if e.source is not None]
                if not sources and noun_doers:
                    sources, how = noun_doers, "means"
        code = _by_instrument(tok, code)   # instruments.tsv says which codes an instrument refines
        targets: list[ActorMention] = []
        if tok.dep_ == "acl" and tok.tag_ == "VBN":
            # a passive participle on a noun: "Islamic State, banned in Russia" -- the noun is the patient
            sources, how = (actors_of(child(tok, "agent") and pobj_of(child(tok, "agent"))), "agent")
            targets = actors_of(tok.head)
        elif "prep" in bound:
            # "called for sanctions on Russia", "claimed responsibility for the attack on a mall in
            # Nairobi": when the preposition's object is an event, its target is the target
            targets = actors_of(pobj_of(bound["prep"])) or _inner_target(pobj_of(bound["prep"]))
        elif is_passive(tok):
            targets = actors_of(child(tok, "nsubjpass"))
        else:
            d = child(tok, "dobj")
            if d is not None and obj is not None and d.i == obj.i:
                # "released the jailed mayor": the object word is also who the act is done to
                own = mention_at(d.doc, d.i)
                weapon = own is not None and own.guessed and (code[:2] in VIOLENT_ROOTS or code[:2] == "15") \
                    and any(x.country == own.country for x in sources)   # "launched missiles": its own arms
                targets = [own] if own is not None and own.kind != "owner" and not weapon else []
                if targets and own.country and any(x.country == own.country for x in sources):
                    # "withdrew its ambassador from France", "evacuated its citizens from Sudan":
                    # the doer's own people are moved; the other side is named by a preposition
                    targets = fallback_targets(tok, obj, code) or targets
            else:
                targets = actors_of(d) if d is not None else []
            if not targets:
                targets = actors_of(child(tok, "dative"))
            if not targets:
                targets = fallback_targets(tok, obj if obj is not None else d, code)
            if not targets and obj is not None and d is not None and d.i == obj.i \
                    and obj.lemma_.lower() not in not_owned():
                # "rejected a Chinese offer", "declared a Russian diplomat persona non grata": the
                # object's owner is who the act is aimed at (not "pledged Australian dollars")
                targets = [m for c in obj.children if c.dep_ in ("amod", "compound", "poss", "nmod") and c.i < obj.i
                           for m in actors_of(c) if m.country and not m.guessed]
        if not targets and tok.dep_ == "relcl" and _object_is_antecedent(tok):
            # "the Chinese offer that Papua New Guinea rejected", "the journalist whom Iran
            # jailed": the noun the clause describes is what the act was done to
            targets = actors_of(tok.head)
            how = (how or "verb") + "/relative object" if targets else how
        if not sources and is_passive(tok):
            # "killed in Israeli tank shelling": the means names who did it
            sources = self._means_owner(tok)
            how = "means" if sources else how
        if not sources and code[:2] in VIOLENT_ROOTS:
            # "a rocket was fired at Israel from the Gaza Strip": fire from a place comes from its side
            aimed = [pobj_of(p) for p in tok.children if p.dep_ == "prep" and p.lower_ in ("at", "on", "into")]
            sources = next((actors_of(pobj_of(p)) for h in (tok, obj, *aimed) if h is not None
                            for p in h.children
                            if p.dep_ == "prep" and p.lower_ == "from" and actors_of(pobj_of(p))), [])
            how = "from place" if sources else how
        if not targets:
            # "Israel said a bomb was fired at it": an object pronoun in reported speech is the speaker
            pron = next((pobj_of(p) for p in tok.children if p.dep_ == "prep" and p.lower_ in ("at", "on", "against")
                         and pobj_of(p) is not None and pobj_of(p).lower_ in ("it", "us", "them")), None)
            if pron is not None:
                targets = reporting_subject(tok)
        cert, cue_tok = modality.certainty_cue(tok, obj if obj is not None else child(tok, "dobj"))
        cue, intent = (cue_tok.text if cue_tok is not None else None), modality.states_intent(cue_tok)
        start, end = clause_span(tok)
        toks = [tok.i] + [c.i for c in tok.children if c.dep_ == "prt"] + ([obj.i] if obj is not None else []) \
            + ([means_tok] if means_tok is not None else [])
        if code[:2] in CONTAINING_ROOTS:
            if obj is not None:
                # "rejected a Chinese offer to help train its police": what was offered is content
                for c in obj.children:
                    if c.dep_ in ("acl", "relcl") and c.pos_ in ("VERB", "AUX"):
                        consumed.update(t.i for t in c.subtree)
            for c in tok.children:
                infinitive = c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                if (c.dep_ in ("xcomp", "ccomp") or infinitive) and c.pos_ in ("VERB", "AUX"):
                    consumed.update(t.i for t in c.subtree)
                    inner = self.triggers.match(c, "verb") if code == "130" else None
                    if inner is not None and intent_code(inner[0].code).startswith("13"):
                        code = intent_code(inner[0].code)   # "threatened to launch an offensive": 138
                    addressee = subject_of(c) if c.dep_ == "ccomp" else None
                    if not targets and addressee is not None:
                        # "demanded that Estonia explain the detention": who is to act is the target
                        own = {(m.code, m.country) for m in sources}
                        targets = [m for m in actors_of(addressee) if (m.code, m.country) not in own]
                    if not targets:
                        # "threatened to impose sanctions on Kosovo": the target is the contained act's
                        targets = actors_of(child(c, "dobj")) or fallback_targets(c, child(c, "dobj"), "*") \
                            or _inner_target(child(c, "dobj")) \
                            or next((actors_of(pobj_of(p)) for p in c.children
                                     if p.dep_ == "prep" and actors_of(pobj_of(p))), [])
        mutual = tok.lemma_.lower() in mutual_light_verbs()   # "Indian and Pakistani troops exchanged fire"
        return [EventInfo(tok.i, code, s, t, start, end, cert, cue, trig, sorted(toks),
                          f"verb/{how or 'none'}", intent_act=intent, means=means_tok)
                for s, t in _pairs(sources, targets, code, True, mutual)]

    def _means_owner(self, tok) -> list[ActorMention]:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "by", "during", "from", "after"):
                p = pobj_of(prep)
                if p is None or self.triggers.match(p, "noun") is None:
                    continue
                owners = [m for c in p.children if c.dep_ in ("amod", "compound", "poss", "nmod")
                          for m in actors_of(c) if m.country and not m.guessed]
                if owners:
                    return owners
        return []

    # -- adjectives -----------------------------------------------------------
    def adjective_events(self, tok) -> list[EventInfo]:
        """"Netanyahu said he was cautiously optimistic", "Manila is deeply concerned about ...":
        a predicate adjective that states an attitude (adj entries: 012, 013 ...)."""
        found = self.triggers.match(tok, "adj")
        if found is None:
            return []
        trig, bound = found
        verb = tok.head
        sources, how = subject_actors(verb)
        targets = actors_of(pobj_of(bound["prep"])) if "prep" in bound else []
        if not targets and "prep" in bound:
            targets = _inner_target(pobj_of(bound["prep"]))
        cert, cue_tok = modality.certainty_cue(verb)
        start, end = clause_span(verb)
        words = [tok.i]
        inner = pobj_of(bound["prep"]) if "prep" in bound else None
        if inner is not None and trig.modifiers:
            words.append(inner.i)   # "open to talks": the talks are this event, not one of their own
        return [EventInfo(tok.i, trig.code, s, t, start, end, cert, cue_tok.text if cue_tok is not None else None,
                          trig, list(words), f"adjective/{how or 'none'}")
                for s, t in _pairs(sources, targets, trig.code, False)]

    # -- nouns ----------------------------------------------------------------
    def noun_events(self, tok) -> list[EventInfo]:
        found = self.triggers.match(tok, "noun")
        if found is None:
            return []
        trig, bound = found
        sources: list[ActorMention] = []
        targets: list[ActorMention] = []
        how = "noun"
        for c in tok.children:
            if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i < tok.i:
                # "Israeli airstrikes", "Russia's offensive"; a bare sector word ("joint military
                # exercises") says how, not who
                sources += [m for m in actors_of(c) if m.country and not m.guessed]
            elif c.dep_ == "prep" and c.lower_ == "by":
                sources += actors_of(pobj_of(c))
            elif c.dep_ == "prep" and c.lower_ == "between":
                both = actors_of(pobj_of(c))
                start, end = clause_span(tok)
                cert, cue = modality.certainty(tok)
                return [EventInfo(tok.i, trig.code, a, b, start, end, cert, cue, trig, [tok.i], "noun/between")
                        for a in both for b in both if a is not b]
        if "prep" in bound:
            targets = actors_of(pobj_of(bound["prep"]))
        if not targets:
            targets = fallback_targets(tok, None, trig.code)
        if not sources and "of" not in trig.prep:
            # "the resignation of the prime minister", "a visit of the Chinese premier"
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    sources = actors_of(pobj_of(c))
        if not sources and tok.dep_ in ("dobj", "nsubjpass") and tok.head.lemma_.lower() in light_verbs():
            if _names_event(tok.head):
                return []
            sources, how = subject_actors(tok.head)
            how = "light verb/" + how
        if not sources and trig.code[:2] in PARTICIPANT_ROOTS and tok.dep_ == "pobj" \
                and tok.head.lower_ in SETTING_PREPS and tok.head.head.pos_ in ("VERB", "AUX"):
            # "spoke to reporters during a visit to Beirut": the clause's subject made the visit
            sources, how = subject_actors(tok.head.head)
            how = "setting/" + how
        cert, cue_tok = modality.certainty_cue(tok)
        cue, intent = (cue_tok.text if cue_tok is not None else None), modality.states_intent(cue_tok)
        start, end = clause_span(tok)
        if not targets and len(sources) > 1 and tok.head.lemma_.lower() in mutual_light_verbs():
            # "Armenia and Azerbaijan traded accusations": each at the other
            return [EventInfo(tok.i, trig.code, a, b, start, end, cert, cue, trig, [tok.i], how + "/mutual",
                              intent_act=intent) for a in sources for b in sources if a.country != b.country]
        # place and time words outside the noun phrase still belong to the clause ("attack in Idlib")
        return [EventInfo(tok.i, trig.code, s, t, start, end, cert, cue, trig, [tok.i], how, intent_act=intent)
                for s, t in _pairs(sources, targets, trig.code, True)]


def _inner_target(tok, depth: int = 3) -> list[ActorMention]:
    """The first actor named inside a noun phrase's prepositions and participles, nearest first:
    "sanctions on Russia", "the attack targeting shoppers at a mall in Kenya's capital"."""
    if tok is None:
        return []
    level = [tok]
    for _ in range(depth):
        nxt = []
        for t in level:
            for c in t.children:
                if c.dep_ in ("prep", "acl"):
                    for g in c.children:
                        if g.dep_ in ("pobj", "dobj", "prep"):
                            found = actors_of(g) if g.dep_ != "prep" else []
                            if found:
                                return found
                            nxt.append(g)
                    nxt.append(c) if c.dep_ == "acl" else None
        level = nxt
    return []


ANCHOR_ENTS = ("GPE", "LOC", "FAC", "DATE")
# A meeting or visit named as the setting of a clause ("during a visit to Beirut", "at talks with
# Iran") has the clause's subject among its participants; an attack named so does not ("died in an attack").
PARTICIPANT_ROOTS = {"03", "04", "05"}
SETTING_PREPS = {"during", "on", "at", "after", "before", "ahead", "while"}


def _bracketed(doc) -> set[int]:
    """Tokens inside square brackets: editorial insertions into the text."""
    inside, depth = set(), 0
    for t in doc:
        if t.text == "[":
            depth += 1
        elif t.text == "]":
            depth = max(0, depth - 1)
        elif depth:
            inside.add(t.i)
    return inside


VIOLENT_ROOTS = {"18", "19", "20"}


def _event_noun(doc, e: EventInfo):
    head = doc[e.head]
    if head.pos_ in ("NOUN", "PROPN"):
        return head
    obj = next((doc[i] for i in e.tokens if i != e.head and doc[i].pos_ == "NOUN"), None)
    return obj


def _corefer_event_nouns(doc, events: list[EventInfo]) -> None:
    """'the attack' after 'the suspected chemical attack': a definite event noun takes the
    finer code of the earlier event it refers back to (violent events only, same noun)."""
    earlier: dict[str, EventInfo] = {}
    for e in sorted(events, key=lambda e: e.head):
        noun = _event_noun(doc, e)
        if noun is None or e.code[:2] not in VIOLENT_ROOTS:
            continue
        lemma = noun.lemma_.lower()
        prev = earlier.get(lemma)
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in noun.children)
        if prev is not None and definite and prev.code != e.code and len(prev.code) >= len(e.code) \
                and not any(c.dep_ in ("amod", "compound") and c.lemma_.lower() not in MODALITY_WORDS
                            for c in noun.children):
            e.code = prev.code
            e.rule += "/coreference"
        if prev is None or len(e.code) >= len(prev.code):
            earlier[lemma] = e


MODALITY_WORDS = {"alleged", "suspected", "reported", "apparent", "purported", "latest", "same", "deadly"}


def _anchored(doc, e: EventInfo) -> bool:
    """Is an actorless event a specific incident: a noun with its own place or time
    ('the suspected attack in Idlib', 'the 2013 attack')? Verbs need an actor."""
    head = doc[e.head]
    if head.pos_ not in ("NOUN", "PROPN"):
        # "a car bomb in Mogadishu killed dozens": the means noun merged into the verb holds the place
        return e.means is not None and (_anchors(doc[e.means]) or _anchors(head))
    holders = [head] + ([head.head] if head.dep_ in ("nsubj", "nsubjpass") else [])
    # "a car bomb exploded outside a base in Hasakah": the subject noun's verb places it
    return any(_anchors(h) for h in holders)


def _anchors(head) -> bool:
    for c in head.children:
        if c.ent_type_ in ANCHOR_ENTS and c.dep_ in ("compound", "poss", "npadvmod", "nmod", "amod"):
            return True
        if c.dep_ == "prep":
            for p in c.children:
                if p.dep_ == "pobj" and p.ent_type_ in ANCHOR_ENTS:
                    return True
    return False


def _dedupe(events: list[EventInfo]) -> list[EventInfo]:
    seen, out = set(), []
    for e in events:
        key = (e.head, e.code, e.source.code if e.source else None, e.source.head if e.source else None,
               e.target.code if e.target else None)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def attach_claims(doc) -> None:
    """Attribute events inside claims to their speakers; code accusations the claims make."""
    st = doc._.ew
    derived: list[EventInfo] = []
    # the act of saying is the claim record's; a bare statement event (010) on its cue would only
    # repeat it, while "admitted", "claimed responsibility" or "expressed optimism" say more
    cues = {c.cue for c in st.claims}
    st.events = [e for e in st.events if not (e.code == "010" and e.head in cues)]
    for e in st.events:
        for ci, claim in enumerate(st.claims):
            if claim.content_start <= e.head < claim.content_end and e.head != claim.cue:
                e.claim = ci
                if e.certainty in ("asserted",):
                    e.certainty = "claimed"
                    e.certainty_cue = doc[claim.cue].text
                break
    for n, e in enumerate(st.events):
        if e.claim is None or e.source is None:
            continue
        claim = st.claims[e.claim]
        speakers = [m for m in claim.speakers or [] if m.country] or subject_actors(doc[claim.cue])[0]
        own = [m for m in speakers if _same_actor(m, e.source) or _same_side(m, e.source)]
        if e.certainty == "intended" and own and not e.intent_act:
            # "Interpol said it will send a team": an actor announcing its own act states an intention
            e.code = intent_code(e.code)
            e.intent_act = "intent"
            continue
        if e.code[:2] not in ACCUSABLE_ROOTS | {"17"} or claim.kind in ("deny", "promise") \
                or claim.rule == "quote" or e.certainty in ("negated", "denied", "hypothetical", "intended"):
            continue
        start = min(claim.cue, claim.content_start,
                    claim.speaker_start if claim.speaker_start is not None else claim.cue)
        end = max(claim.content_end, claim.cue + 1)
        for speaker in own if _claims_responsibility(claim, e) else ():
            # "the group said it carried out the bombing": a claim of responsibility (015)
            derived.append(EventInfo(claim.cue, "015", speaker, e.target, start, end, "asserted", None, None,
                                     [claim.cue, e.head], "claim/responsibility", None, n))
        for speaker in speakers if e.code[:2] in ACCUSABLE_ROOTS else ():
            if speaker in own or speaker.guessed or e.source.guessed or not speaker.code:
                continue
            if any(x.head == claim.cue and x.code[:2] in ("10", "11", "12", "13") and x.target is not None
                   and x.target.country == e.source.country for x in st.events):
                continue   # "Turkey condemned the Israeli raid": the condemnation already says it
            derived.append(EventInfo(claim.cue, "112", speaker, e.source, start, end, "asserted", None, None,
                                     [claim.cue, e.head], "claim/accusation", None, n))
    st.events = _dedupe(st.events + derived)


# Sectors that speak for the state: an accusation between two of them in one country is not coded
# (a ministry reporting its own army's strikes), while an NGO or the opposition accusing them is.
STATE_SECTORS = {"GOV", "MIL", "COP", "SPY", "JUD", "LEG", "UAF"}


def _claims_responsibility(claim, e: EventInfo) -> bool:
    """An armed group saying it did a violent act, or anyone claiming or admitting one, takes
    responsibility for it; a state announcing its own forces' operations only reports them."""
    if e.code[:2] not in ACCUSABLE_ROOTS and not e.code.startswith("171"):
        return False
    return claim.kind in ("allege", "confirm") or not _speaks_for_state(e.source)


def _same_actor(a: ActorMention, b: ActorMention) -> bool:
    return a.head == b.head or (a.code == b.code and a.entity == b.entity)


def _speaks_for_state(m: ActorMention) -> bool:
    sectors = set(m.sectors or [])
    if sectors:
        return bool(sectors & STATE_SECTORS)
    return not m.code.startswith(("NGO", "MNC", "IGO"))  # a country, its capital or its people


def _same_side(a: ActorMention, b: ActorMention) -> bool:
    return a.country == b.country and (a.code == b.code or (_speaks_for_state(a) and _speaks_for_state(b)))


# Violent, coercive, protest and investigative events whose text names no target are aimed at
# the place they happen in: "protesters rallied in Beijing" (CHN), "an air strike near Baghdad"
# (IRQ), "inspectors examined the refineries in Iran" (IRN); so is a claim of responsibility for
# such an event ("claimed the bombing at a mall in Nairobi"); a visit or a summit abroad is made to
# the host country ("attended the summit in Johannesburg").
PLACE_TARGET_CODES = ("015", "042", "044", "09", "14", "15", "18", "19", "20")
# Of those, the ones whose place stands for the target inside the doer's own country too:
# "the army shelled villages in Sagaing" is Myanmar's army against Myanmar.
DOMESTIC_PLACE_CODES = ("18", "19", "20")


def _from_dateline(st, e: EventInfo, doc) -> bool:
    """Is the event's place only the dateline's ("VIENNA -- Iran allowed inspectors to visit ...")?"""
    sent = doc[e.head].sent
    named = {p.place.name for p in st.places if not p.dateline and sent.start <= p.start < sent.end}
    return e.location.name not in named and any(p.dateline and p.place.name == e.location.name for p in st.places)


class PlaceTargetStage:
    """Targets from places, for events that have a source but no target, and for acts of
    force (18-20) that have neither.

    reads: doc._.ew.events with their locations (where stage); writes: EventInfo.target.
    """

    def __call__(self, doc):
        from ..actors import ActorMention

        st = doc._.ew
        for e in st.events:
            loc = e.location
            if loc is not None and e.code[:2] == "04" and _from_dateline(st, e, doc):
                continue   # a visit is not to the city the story was filed from
            # an act of force by an unnamed doer ("a car bomb exploded in Hasakah") is aimed at
            # the place too; other acts need a doer to say whose place is the other side
            if e.target is not None or loc is None or not loc.country \
                    or not e.code.startswith(PLACE_TARGET_CODES) \
                    or (e.source is None and not e.code.startswith(DOMESTIC_PLACE_CODES)) \
                    or (e.source is not None and loc.country == e.source.country
                        and not e.code.startswith(DOMESTIC_PLACE_CODES)):
                continue
            # the target's words are the place's where the text names it, else the trigger's
            start, end = e.place_span or (e.head, e.head + 1)
            e.target = ActorMention(start, end, end - 1, loc.country, loc.country, [], loc.country,
                                    "place", f"the place of the event, {loc.name}")
            e.rule += "/place target"
        events = doc._.ew.events
        for e in events:
            # a claim of responsibility is aimed where the claimed act was
            if e.rule == "claim/responsibility" and e.target is None and e.derived_from is not None:
                e.target = events[e.derived_from].target
        return doc
