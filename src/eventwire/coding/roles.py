"""Who does what to whom in the parse: subjects, objects and their actor mentions.

Shared by the events and claims stages; reads doc._.ew.mentions (actors stage).
"""
from __future__ import annotations

from functools import lru_cache

from ..actors import ActorMention, mention_at

SUBJECT_DEPS = ("nsubj", "csubj", "expl")
INHERIT_SUBJECT = ("xcomp", "conj", "advcl", "pcomp")


def actors_of(tok, depth: int = 0) -> list[ActorMention]:
    """The actors a noun phrase names, coordinated ones included ('Britain, France and the US')."""
    if tok is None or depth > 6:
        return []
    out: list[ActorMention] = []
    m = mention_at(tok.doc, tok.i)
    if m is None or m.guessed:
        pair = _pair_anaphor(tok)
        if pair:
            return pair
    if m is not None:
        out.append(m)
        if m.kind == "sector" and m.country:
            out += _coordinated_origins(tok, m)
        # "US and British activists": the actors stage codes each coordinated owner on its own word
        for t in tok.lefts:
            for w in t.subtree:
                other = mention_at(tok.doc, w.i)
                if other is not None and other is not m and other.kind == "sector" \
                        and other.sectors == m.sectors and other.country != m.country:
                    out.append(other)
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON", "ADJ"):
            out += actors_of(c, depth + 1)
        elif c.dep_ == "appos":
            # "the US, Russia, and Switzerland" is parsed as an apposition of two countries
            inner = actors_of(c, depth + 1)
            if m is None:
                out += inner
            elif m.kind in LISTABLE and inner and inner[0].kind in LISTABLE and inner[0].country != m.country:
                out += inner
    if m is None and not out:
        out += _owner_fallback(tok)
    if m is None and not out:
        # "leaders of Russia and China", "members of the council": the owner stands in
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of" and tok.lemma_.lower() in PARTITIVE:
                for p in c.children:
                    if p.dep_ == "pobj":
                        out += actors_of(p, depth + 1)
    return out


LISTABLE = {"country", "capital", "demonym"}


PAIR_NOUNS = {"leader", "country", "side", "nation", "government", "president", "minister", "neighbour",
              "neighbor", "state", "capital", "army", "delegation", "foe", "rival", "ally", "counterpart"}


def _pair_anaphor(tok) -> list[ActorMention]:
    """"the two leaders", "both sides", "the two countries": the last two states named before."""
    if tok.lemma_.lower() not in PAIR_NOUNS or tok.tag_ not in ("NNS", "NNPS"):
        return []
    if not any((c.dep_ == "nummod" and c.lower_ == "two") or c.lower_ == "both" for c in tok.children):
        return []
    found: list[ActorMention] = []
    for m in reversed(tok.doc._.ew.mentions):
        if m.end > tok.i or m.kind == "pronoun" or m.guessed or not m.country:
            continue
        head = tok.doc[m.head]
        if head.dep_ == "pobj" and head.head.lower_ in ("in", "at", "to", "near"):
            continue   # "met in Brussels": where, not who
        if all(f.country != m.country for f in found):
            found.append(m)
        if len(found) == 2:
            return found[::-1]
    return []


def _coordinated_origins(tok, m: ActorMention) -> list[ActorMention]:
    """"Negotiators from Guyana and Venezuela", "troops of Bangladesh and Nepal": one sector
    actor for each coordinated country."""
    from ..actors.kb import make_code

    out = []
    for prep in tok.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("from", "of"):
            continue
        for p in prep.children:
            if p.dep_ != "pobj":
                continue
            for c in p.subtree:
                other = mention_at(tok.doc, c.i) if c.dep_ == "conj" else None
                if other is not None and other.kind in LISTABLE and other.country and other.country != m.country:
                    out.append(ActorMention(other.start, other.end, c.i, make_code(other.country, list(m.sectors)),
                                            other.country, list(m.sectors), other.entity, "sector",
                                            f"{m.why.split(' of ')[0]} of {other.entity} (coordinated)"))
    return out
PERSONAL = {"he", "she", "they", "we", "it", "i"}

PARTITIVE = {"member", "leader", "head", "representative", "delegation", "envoy", "official", "chief",
             "part", "some", "many", "one", "all", "most", "both", "each"}


def _owner_fallback(tok) -> list[ActorMention]:
    """A noun that names no actor but belongs to one: "Russian positions", "a French tourist",
    "NATO's expansion" stand for their country or organisation; a city or region named as a
    target ("a strike on Odesa") stands for its country."""
    if tok.pos_ not in ("NOUN", "PROPN"):
        return []
    if tok.lemma_.lower() in not_owned():   # "Australian dollars" are money, not Australia's
        return []
    owners = [m for c in tok.children if c.dep_ in ("amod", "compound", "poss", "nmod") and c.i < tok.i
              for m in (mention_at(tok.doc, c.i),)
              if m is not None and m.country and not m.guessed and m.kind in OWNER_KINDS]
    if owners:
        # a named owner before a pronoun: "his Mexican counterpart" is Mexico's, not his country's
        m = min(owners, key=lambda m: m.kind == "pronoun")
        return [_as_owner(m, tok, f"owned by {m.entity}")]
    if tok.ent_type_ in ("GPE", "LOC", "FAC") and tok.pos_ == "PROPN":
        from ..where import gazetteer

        span = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        place = gazetteer().lookup(span.text if span is not None else tok.text)
        if place is not None and place.country:
            start = span.start if span is not None else tok.i
            end = span.end if span is not None else tok.i + 1
            return [ActorMention(start, end, tok.i, place.country, place.country, [], place.country,
                                 "place", f"place {place.name} in {place.country}")]
    return []


OWNER_KINDS = {"country", "demonym", "capital", "org", "group", "seat", "pronoun"}


@lru_cache(maxsize=1)
def not_owned() -> frozenset[str]:
    """Nouns whose national modifier is no owner (data/coding/not_owned.tsv)."""
    from ..data_files import read_tsv, split

    return frozenset(w for row in read_tsv("coding", "not_owned.tsv") for w in split(row["lemma"]))


def _as_owner(m: ActorMention, tok, why: str) -> ActorMention:
    code = m.code if m.kind in ("org", "group") else m.country
    return ActorMention(m.start, tok.i + 1, tok.i, code, m.country, [], m.entity, "owner", why,
                        list(m.members))


def is_passive(verb) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass", "csubjpass") for c in verb.children)


def child(tok, *deps):
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def subject_of(verb):
    """The verb's subject; with two ("TAIPEI -- The ministry warned": a dateline parsed as one),
    the nearest before the verb."""
    subs = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    if len(subs) > 1:
        before = [c for c in subs if c.i < verb.i] or subs
        named = [c for c in before if actors_of(c)]
        return (named or before)[-1]
    return subs[0] if subs else None


def pobj_of(prep):
    return child(prep, "pobj", "pcomp")


def reporting_subject(verb) -> list[ActorMention]:
    """The subject actors of the verb whose reported clause contains ``verb``."""
    tok = verb
    for _ in range(3):
        if tok.dep_ != "ccomp" or tok.head.i == tok.i:
            tok = tok.head if tok.dep_ in ("conj", "xcomp") and tok.head.i != tok.i else None
            if tok is None:
                return []
            continue
        head = tok.head
        subj = subject_of(head)
        return actors_of(subj) if subj is not None else []
    return []


def subject_actors(verb, depth: int = 0) -> tuple[list[ActorMention], str]:
    """The actors that do ``verb`` and how they were found."""
    if depth > 5:
        return [], ""
    if is_passive(verb):
        agent = child(verb, "agent")
        if agent is not None:
            return actors_of(pobj_of(agent)), "agent"
        return [], "passive"
    subj = subject_of(verb)
    if subj is not None:
        if subj.tag_ == "WDT" or subj.lower_ in ("who", "which", "that"):
            if verb.dep_ == "relcl":
                return actors_of(verb.head), "relative"
        found = actors_of(subj)
        if subj.lower_ in PERSONAL:
            # "Obama and Putin said they will attack": a pronoun in reported speech is the speaker
            speaker = reporting_subject(verb)
            if speaker and (not found or len(speaker) > len(found) or subj.lower_ in ("they", "we", "it")):
                return speaker, "speaker pronoun"
        return found, "subject"
    head = verb.head
    if verb.dep_ in ("xcomp", "ccomp") and head.i != verb.i and head.pos_ in ("VERB", "AUX"):
        # object control: "forced Qatar to negotiate", "urged Iran to resume talks"
        obj = child(head, "dobj")
        if obj is not None and obj.i < verb.i:
            found = actors_of(obj)
            if found:
                return found, "object control"
    if verb.dep_ == "xcomp" and head.i != verb.i and is_passive(head) and child(head, "agent") is None:
        # raising: "Obama is scheduled to attend", "the army is believed to have fired"
        raised = child(head, "nsubjpass")
        if raised is not None and actors_of(raised):
            return actors_of(raised), "raised subject"
    if verb.dep_ == "xcomp" and head.pos_ == "ADJ" and head.dep_ in ("acomp", "amod") and head.head.i != head.i:
        # "Vietnam is willing to cooperate", "Wang is due to meet": the subject of 'is'
        return subject_actors(head.head, depth + 1)
    if verb.dep_ == "pcomp" and head.lower_ in ("of", "for") and head.head.i != head.i:
        # "accused Azerbaijani forces of opening fire", "blamed Kyiv for shelling the plant",
        # "accused Russia on Thursday of shelling": the one accused did it
        holder = head.head
        if holder.pos_ in ("VERB", "AUX"):
            holder = child(holder, "dobj") or (child(holder, "nsubjpass") if is_passive(holder) else None)
        if holder is not None and holder.dep_ in ("dobj", "nsubjpass") and actors_of(holder):
            return actors_of(holder), "accused"
    if verb.dep_ in INHERIT_SUBJECT and head.i != verb.i:
        if head.pos_ in ("VERB", "AUX"):
            found, how = subject_actors(head, depth + 1)
            return found, how or "inherited"
        if verb.dep_ == "pcomp" and head.head.i != head.i:
            return subject_actors(head.head, depth + 1)
    if verb.dep_ in ("relcl", "acl") and head.i != verb.i:
        owner = actors_of(head)
        if owner:
            return owner, "noun"
        if head.dep_ in ("dobj", "pobj", "attr") and head.head.pos_ in ("VERB", "AUX"):
            found, _ = subject_actors(head.head, depth + 1)
            return found, "noun's verb"
    return [], ""
