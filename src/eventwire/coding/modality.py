"""Certainty: is an event asserted, alleged, denied, negated, intended or hypothetical?

reads: the parse around an event's trigger and data/coding/modality.tsv;
writes: nothing (the coder stores the value on each event). Claimed is set
later, from the claims an event sits in.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..data_files import read_tsv

if TYPE_CHECKING:
    from spacy.tokens import Token

# The strongest reading wins when several cues apply.
PRIORITY = ("negated", "denied", "hypothetical", "intended", "alleged", "claimed", "asserted")
RANK = {c: i for i, c in enumerate(PRIORITY)}
# Prepositions that set a scene rather than take an argument: modality does not climb through them.
SETTING_PREPS = {"after", "before", "since", "following", "despite", "amid", "during", "until", "ahead",
                 "at", "near", "outside", "inside", "across", "along", "around"}
GOVERNED_DEPS = ("xcomp", "ccomp", "dobj", "pcomp", "pobj", "prep", "nsubjpass", "acomp", "advcl")


@lru_cache(maxsize=1)
def lexicon() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for row in read_tsv("coding", "modality.tsv"):
        for scope in (row.get("scope") or "any").split("|"):
            out[(row["term"].lower(), scope.strip())] = row["certainty"]
    return out


@lru_cache(maxsize=1)
def intent_acts() -> dict[str, str]:
    """Governors that state their subject's intention ("vowed to": 'intent') or commitment
    ("pledged to": 'commit'), from the act column of modality.tsv."""
    return {r["term"].lower(): r["act"] for r in read_tsv("coding", "modality.tsv") if r.get("act")}


def states_intent(cue) -> str:
    """'intent', 'commit' or '' for a certainty cue token (a plain future states neither)."""
    if cue is None:
        return ""
    acts = intent_acts()
    # "prepared to release" (adjective: willing) states an intention; "prepared to attend" (verb) does not
    return acts.get(cue.lemma_.lower()) or (acts.get(cue.lower_, "") if cue.pos_ == "ADJ" else "")


def _lookup(word: str, *scopes: str) -> str | None:
    lex = lexicon()
    for scope in scopes + ("any",):
        hit = lex.get((word, scope))
        if hit:
            return hit
    return None


def strongest(values) -> str:
    vals = [v for v in values if v]
    return min(vals, key=lambda v: RANK.get(v, 99)) if vals else "asserted"


def _local(tok) -> list[tuple[str, Token]]:
    """Cues on the word itself: negation, hedging modifiers, modal auxiliaries, 'if'."""
    found = []
    for c in tok.children:
        lower = c.lower_
        lemma = c.lemma_.lower()
        if c.dep_ == "neg":
            found.append(("negated", c))
        elif c.dep_ == "det" and lower in ("no",):
            found.append(("negated", c))
        elif c.dep_ in ("amod", "compound"):
            v = _lookup(lower, "modifier") or _lookup(lemma, "modifier")
            if v:
                found.append((v, c))
        elif c.dep_ == "advmod":
            v = _lookup(lower, "adverb") or _lookup(lemma, "adverb")
            if v:
                found.append((v, c))
        elif c.dep_ == "aux":
            v = _lookup(lower, "aux") or _lookup(lemma, "aux")
            if v:
                found.append((v, c))
        elif c.dep_ == "mark":
            v = _lookup(lower, "mark")
            if v:
                found.append((v, c))
    return found


def _reported(tok) -> bool:
    """Is ``tok``'s clause the content of reported speech ("said Putin would meet Xi")?"""
    from ..claims import cue_lexicon

    lex = cue_lexicon()
    t = tok
    for _ in range(3):
        if t.dep_ == "ccomp" and (t.head.lemma_.lower(), "verb") in lex:
            return True
        if t.dep_ not in ("conj", "xcomp") or t.head.i == t.i:
            return False
        t = t.head
    return False


def certainty(tok, obj=None) -> tuple[str, str | None]:
    """The certainty of the event triggered at ``tok`` (with its object ``obj``) and its cue word."""
    value, cue = certainty_cue(tok, obj)
    return value, cue.text if cue is not None else None


def certainty_cue(tok, obj=None) -> tuple[str, Token | None]:
    """The certainty of the event at ``tok`` and the cue token that gave it (None when asserted)."""
    found = _local(tok)
    if any(v == "hypothetical" and c.lower_ == "would" for v, c in found) and _reported(tok):
        # "said Putin would meet Xi": in reported speech 'would' is the future of the past
        found = [("intended", c) if c.lower_ == "would" else (v, c) for v, c in found]
    if obj is not None:
        found += [f for f in _local(obj) if f[0] in ("alleged", "negated")]
    # climb through the words that govern the event: "seeks to talk", "prevented the intervention"
    g = tok
    for _ in range(4):
        if g.dep_ not in GOVERNED_DEPS or g.head.i == g.i:
            break
        if g.dep_ == "prep" and g.lower_ in SETTING_PREPS:
            break   # "vowed revenge after the attack": the attack is the setting, not what was vowed
        dep = g.dep_
        g = g.head
        if g.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            v = _lookup(g.lemma_.lower(), "governor") or _lookup(g.lower_, "governor")
            if v and g.pos_ != "NOUN" or (v and g.pos_ == "NOUN" and dep in ("prep", "pobj")):
                found.append((v, g))
            if g.pos_ in ("VERB", "AUX"):
                found += [f for f in _local(g) if f[0] in ("negated", "hypothetical", "intended")]
        if dep == "ccomp":
            break  # a reported clause: the speaker's own modality is the claim's, not the event's
    if tok.dep_ == "advcl":
        found += [f for f in _local(tok) if f[0] == "hypothetical"]
    if not found:
        return "asserted", None
    best = strongest(v for v, _ in found)
    cue = next(c for v, c in found if v == best)
    return best, cue
