"""Who does what to whom in the parse: subjects, objects and their actor mentions.

Shared by the events and claims stages; reads doc._.ew.mentions (actors stage).
"""
from __future__ import annotations

from ..actors import ActorMention, mention_at

SUBJECT_DEPS = ("nsubj", "csubj", "expl")
INHERIT_SUBJECT = ("xcomp", "conj", "advcl", "pcomp")


def actors_of(tok, depth: int = 0) -> list[ActorMention]:
    """The actors a noun phrase names, coordinated ones included ('Britain, France and the US')."""
    if tok is None or depth > 6:
        return []
    out: list[ActorMention] = []
    m = mention_at(tok.doc, tok.i)
    if m is not None:
        out.append(m)
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON", "ADJ"):
            out += actors_of(c, depth + 1)
        elif m is None and c.dep_ == "appos":
            out += actors_of(c, depth + 1)
    if m is None and not out:
        # "leaders of Russia and China", "members of the council": the owner stands in
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of" and tok.lemma_.lower() in PARTITIVE:
                for p in c.children:
                    if p.dep_ == "pobj":
                        out += actors_of(p, depth + 1)
    return out


PARTITIVE = {"member", "leader", "head", "representative", "delegation", "envoy", "official", "chief",
             "part", "some", "many", "one", "all", "most", "both", "each"}


def is_passive(verb) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass", "csubjpass") for c in verb.children)


def child(tok, *deps):
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def pobj_of(prep):
    return child(prep, "pobj", "pcomp")


def subject_actors(verb, depth: int = 0) -> tuple[list[ActorMention], str]:
    """The actors that do ``verb`` and how they were found."""
    if depth > 5:
        return [], ""
    if is_passive(verb):
        agent = child(verb, "agent")
        if agent is not None:
            return actors_of(pobj_of(agent)), "agent"
        return [], "passive"
    subj = child(verb, *SUBJECT_DEPS)
    if subj is not None:
        if subj.tag_ == "WDT" or subj.lower_ in ("who", "which", "that"):
            if verb.dep_ == "relcl":
                return actors_of(verb.head), "relative"
        return actors_of(subj), "subject"
    head = verb.head
    if verb.dep_ in INHERIT_SUBJECT and head is not verb:
        if head.pos_ in ("VERB", "AUX"):
            found, how = subject_actors(head, depth + 1)
            return found, how or "inherited"
        if verb.dep_ == "pcomp" and head.head is not head:
            return subject_actors(head.head, depth + 1)
    if verb.dep_ in ("relcl", "acl") and head is not verb:
        owner = actors_of(head)
        if owner:
            return owner, "noun"
        if head.dep_ in ("dobj", "pobj", "attr") and head.head.pos_ in ("VERB", "AUX"):
            found, _ = subject_actors(head.head, depth + 1)
            return found, "noun's verb"
    return [], ""
