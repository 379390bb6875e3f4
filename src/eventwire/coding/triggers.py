"""The trigger dictionary: verbs and nouns (with particles, prepositions, objects and
modifiers) that state a CAMEO event. Format: data/coding/TRIGGERS.md.

reads: data/coding/triggers.tsv and any user trigger files; writes: nothing.
``TriggerDictionary.match(token)`` returns the most specific entry whose
constraints the token's parse satisfies.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..data_files import read_tsv, read_user_tsv, split
from ..errors import ConfigError

@lru_cache(maxsize=1)
def lemma_exceptions() -> dict[str, str]:
    """Word forms whose parser lemma is wrong for lookup (data/coding/lemmas.tsv)."""
    return {r["form"].lower(): r["lemma"].lower() for r in read_tsv("coding", "lemmas.tsv")}


OBJECT_DEPS = {"dobj", "nsubjpass", "attr", "oprd"}


@dataclass(frozen=True)
class Trigger:
    code: str
    pos: str
    lemma: str
    particle: tuple[str, ...]
    prep: tuple[str, ...]
    objects: tuple[str, ...]
    modifiers: tuple[str, ...]
    example: str
    order: int
    prep_required: bool = False

    @property
    def specificity(self) -> int:
        return sum(bool(x) for x in (self.particle, self.prep, self.objects, self.modifiers))

    def describe(self) -> str:
        parts = [self.lemma]
        if self.particle:
            parts.append("|".join(self.particle))
        if self.objects:
            parts.append("+" + "|".join(self.objects))
        if self.prep:
            parts.append("|".join(self.prep) + " X")
        if self.modifiers:
            parts.insert(0, "|".join(self.modifiers))
        return f"{self.pos}:{' '.join(parts)} -> {self.code}"


def _rows_to_triggers(rows, where: str, start: int) -> list[Trigger]:
    out = []
    for n, row in enumerate(rows):
        code = row.get("code", "")
        if not code.isdigit() or not 2 <= len(code) <= 4:
            raise ConfigError(f"{where}: row {n + 2}: bad CAMEO code {code!r}")
        if code == "20" or len(code) == 2:
            code = code + "0"
        pos = row.get("pos", "verb")
        if pos not in ("verb", "noun", "adj"):
            raise ConfigError(f"{where}: row {n + 2}: pos must be verb, noun or adj, not {pos!r}")
        preps = [x.lower() for x in split(row.get("prep"))]
        required = any(x.startswith("!") for x in preps)
        out.append(Trigger(code, pos, row.get("lemma", "").lower(),
                           tuple(x.lower() for x in split(row.get("particle"))),
                           tuple(x.lstrip("!") for x in preps), tuple(x.lower() for x in split(row.get("object"))),
                           tuple(x.lower() for x in split(row.get("modifier"))),
                           row.get("example", ""), start + n, required))
    return out


class TriggerDictionary:
    def __init__(self, triggers: list[Trigger]):
        self.by_key: dict[tuple[str, str], list[Trigger]] = {}
        for t in triggers:
            self.by_key.setdefault((t.pos, t.lemma), []).append(t)
        for entries in self.by_key.values():
            entries.sort(key=lambda t: (-t.specificity, t.order))

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_key.values())

    def candidates(self, pos: str, lemma: str) -> list[Trigger]:
        return self.by_key.get((pos, lemma), [])

    def match(self, tok, pos: str, lemma: str | None = None) -> tuple[Trigger, dict] | None:
        """The entry for ``tok`` (looked up as ``lemma`` when given) that binds the most of its
        constraints (object, preposition, particle, modifier), file order breaking ties, and what it bound."""
        lemma = lemma or lemma_exceptions().get(tok.lower_, tok.lemma_.lower())
        if pos == "noun" and tok.pos_ == "VERB" and not self.candidates(pos, lemma):
            lemma = tok.lower_  # a gerund used as a noun: "Israeli tank shelling" is listed as 'shelling'
        best, best_key = None, None
        memo: dict = {}   # the modifier words of a token, walked once for all the entries
        for trig in self.candidates(pos, lemma):
            bound = _satisfies(trig, tok, memo)
            if bound is not None:
                # most constraints met; then the entry that is not a fallback (a required object,
                # modifier or particle met beats an optional preposition); then the finer code
                key = (bound.pop("_score"), bound.pop("_required"), len(trig.code.rstrip("0")))
                if best_key is None or key > best_key:
                    best, best_key = (trig, bound), key
        return best


def _names_actor(tok) -> bool:
    """Does the word head an actor mention (a person, state, organisation or sector)?"""
    from ..actors import mention_at

    m = mention_at(tok.doc, tok.i)
    return m is not None and m.head == tok.i


def _objects(tok):
    for c in tok.children:
        if c.dep_ in OBJECT_DEPS:
            yield c
            for cc in c.children:
                if cc.dep_ == "conj":
                    yield cc


MODIFIER_SKIP = {"nsubj", "nsubjpass", "csubj", "relcl", "advcl", "parataxis", "punct", "appos"}


def _modifier_words(tok) -> set[str]:
    """Lemmas and forms of the words under ``tok`` that can specify its event: its modifiers,
    objects of its prepositions, its complement clauses ("demanded that Russia withdraw"),
    but not its subject or relative and adverbial clauses."""
    words: set[str] = set()
    stack = [c for c in tok.children if c.dep_ not in MODIFIER_SKIP]
    while stack:
        t = stack.pop()
        words.add(t.lemma_.lower())
        words.add(t.lower_)
        stack.extend(c for c in t.children if c.dep_ not in ("relcl", "advcl", "parataxis", "punct"))
    return words


def _is_time(tok) -> bool:
    return tok.ent_type_ in ("DATE", "TIME")


# Particles that change a verb's meaning; an entry without a particle does not match a verb with one.
MEANING_PARTICLES = {"off", "out", "away", "back"}
ADVERB_PARTICLES = {"down", "back", "up", "off", "out", "over", "away", "in", "on"}


def _particles(tok):
    """Particles, and particle-like prepositions spaCy attaches as 'prep' ("pulled out of")."""
    for c in tok.children:
        if c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ in ADVERB_PARTICLES):
            yield c
        elif c.dep_ == "prep" and not any(g.dep_ == "pobj" for g in c.children):
            yield c


def _satisfies(trig: Trigger, tok, memo: dict | None = None) -> dict | None:
    """What ``trig`` binds on ``tok``, with ``_score`` = constraints met; None when it fails.

    Particle, object and modifier are required. The preposition marks where the target is:
    required for a verb entry with no object ("call for", "pull out of") and where the data
    marks it with '!' ("support !for": support alone is no event), optional otherwise
    ("imposed sanctions" without "on X" is still a sanction; "the attack in Idlib" an attack).
    """
    bound: dict = {"_score": 0, "_required": 0}
    particle = None
    if not trig.particle and trig.pos == "verb" and any(
            c.dep_ == "prt" and c.lower_ in MEANING_PARTICLES for c in tok.children):
        return None   # "backed out", "backed off": a phrasal verb is not its bare verb
    if trig.particle:
        particle = next((c for c in _particles(tok) if c.lower_ in trig.particle), None)
        if particle is None:
            return None
        bound["_score"] += 1
        bound["_required"] += 1
    obj = None
    if trig.objects:
        for o in _objects(tok):
            if o.lemma_.lower() in trig.objects or o.lower_ in trig.objects or \
                    (o.ent_type_ and "@" + o.ent_type_.lower() in trig.objects) or \
                    ("@actor" in trig.objects and _names_actor(o)):
                obj = o
                break
        if obj is None:
            return None
        if obj.dep_ == "oprd" or (trig.objects == ("@actor",) and any(c.dep_ == "oprd" for c in tok.children)):
            return None   # "called Tusk a true European": naming someone, not acting on them
        bound["object"] = obj
        bound["_score"] += 1
        bound["_required"] += 1
    if trig.modifiers:
        memo = {} if memo is None else memo
        words = memo.get(tok.i)
        if words is None:
            words = memo[tok.i] = _modifier_words(tok)
        if obj is not None:
            if obj.i not in memo:
                memo[obj.i] = _modifier_words(obj)
            words = words | memo[obj.i]
        if words.isdisjoint(trig.modifiers):
            return None
        bound["_score"] += 1
        bound["_required"] += 1
    if trig.prep:
        dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        holders = [tok] + ([obj] if obj is not None else []) + ([particle] if particle is not None else []) \
            + ([dobj] if dobj is not None and (obj is None or dobj.i != obj.i) else [])
        found = None
        for h in holders:
            for c in h.children:
                if c.dep_ in ("prep", "dative", "agent") and c.lower_ in trig.prep and \
                        not any(_is_time(g) for g in c.children if g.dep_ == "pobj"):
                    found = c
                    break
            if found:
                break
        if found is not None:
            bound["prep"] = found
            bound["_score"] += 1
        elif trig.prep_required or (trig.pos == "verb" and not trig.objects):
            return None
    return bound


@lru_cache(maxsize=8)
def load_triggers(user_files: tuple[str, ...] = ()) -> TriggerDictionary:
    """The packaged trigger dictionary, with user files first (their rows win ties)."""
    triggers: list[Trigger] = []
    for n, path in enumerate(user_files):
        triggers += _rows_to_triggers(read_user_tsv(path), path, -1_000_000 * (len(user_files) - n))
    triggers += _rows_to_triggers(read_tsv("coding", "triggers.tsv"), "data/coding/triggers.tsv", 0)
    return TriggerDictionary(triggers)
