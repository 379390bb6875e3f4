"""The claims stage: who said what. Direct quotes, reported speech, 'according to'.

reads: the parse, doc._.ew.mentions (actors), data/claims/cues.tsv;
writes: doc._.ew.claims (ClaimInfo list; token spans for speaker, cue, content).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .actors import ActorMention
from .coding.roles import actors_of, child, subject_actors
from .data_files import read_tsv

QUOTE_PAIRS = [("\u201c", "\u201d"), ('"', '"'), ("\u00ab", "\u00bb")]
SPEAKER_DEPS = ("nsubj", "nsubjpass")


@dataclass
class ClaimInfo:
    cue: int                        # cue token
    cue_end: int
    content_start: int              # token span [start, end)
    content_end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    speakers: list[ActorMention] = field(default_factory=list)
    kind: str = "speech"
    rule: str = ""


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[tuple[str, str], str]:
    return {(r["lemma"].lower(), r.get("pos") or "verb"): r.get("kind") or "speech"
            for r in read_tsv("claims", "cues.tsv")}


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quoted material (inside the marks), longest first where nested."""
    spans = []
    for open_, close in QUOTE_PAIRS:
        if open_ == close:
            pos = [m.start() for m in re.finditer(re.escape(open_), text)]
            for a, b in zip(pos[::2], pos[1::2]):
                if b - a > 3:
                    spans.append((a + 1, b))
        else:
            depth_start = None
            for m in re.finditer(f"[{re.escape(open_)}{re.escape(close)}]", text):
                if m.group() == open_:
                    depth_start = m.start()
                elif depth_start is not None:
                    if m.start() - depth_start > 3:
                        spans.append((depth_start + 1, m.start()))
                    depth_start = None
    return sorted(set(spans))


class ClaimStage:
    def __call__(self, doc):
        from .nlp import state

        st = state(doc)
        lex = cue_lexicon()
        quotes = []
        for a, b in quote_spans(doc.text):
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is not None and len(span):
                quotes.append(span)
        claims: list[ClaimInfo] = []
        used_quotes: set[int] = set()
        for tok in doc:
            if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
                kind = self.verb_kind(tok, lex)
                if kind:
                    c = self.verb_claim(tok, kind, quotes, used_quotes)
                    if c:
                        claims.append(c)
            elif tok.lower_ == "according" and tok.nbor(1).lower_ == "to" if tok.i + 1 < len(doc) else False:
                c = self.according_to(tok)
                if c:
                    claims.append(c)
        st.claims = claims
        return doc

    @staticmethod
    def verb_kind(tok, lex) -> str | None:
        lemma = tok.lemma_.lower()
        prt = child(tok, "prt")
        if prt is not None and (f"{lemma} {prt.lower_}", "verb") in lex:
            return lex[(f"{lemma} {prt.lower_}", "verb")]
        return lex.get((lemma, "verb"))

    def verb_claim(self, tok, kind, quotes, used_quotes) -> ClaimInfo | None:
        doc = tok.doc
        content = child(tok, "ccomp")
        rule = "reported speech"
        if content is not None:
            c_start, c_end = _subtree_span(content)
            # a quote that the clause sits in is the content as the writer marked it
            for qi, q in enumerate(quotes):
                if q.start <= content.i < q.end:
                    c_start, c_end = q.start, q.end
                    used_quotes.add(qi)
                    rule = "quote"
                    break
        else:
            q = self.adjacent_quote(tok, quotes, used_quotes)
            if q is None:
                return None
            c_start, c_end = q.start, q.end
            rule = "quote"
        if c_start <= tok.i < c_end:
            return None
        speakers, sp_start, sp_end = self.speaker(tok)
        return ClaimInfo(tok.i, tok.i + 1, c_start, c_end, sp_start, sp_end, speakers, kind, rule)

    @staticmethod
    def adjacent_quote(tok, quotes, used_quotes):
        sent = tok.sent
        best = None
        for qi, q in enumerate(quotes):
            if qi in used_quotes:
                continue
            # "... ," Ayrault said.  /  Ayrault said: "..."  /  a quote closing just before this sentence
            if q.end <= tok.i and (q.end >= sent.start - 1 or q.start >= sent.start):
                if tok.i - q.end <= 6 or q.end >= sent.start:
                    best = (qi, q)
            elif q.start > tok.i and q.start <= sent.end + 1 and q.start - tok.i <= 4 and best is None:
                best = (qi, q)
        if best is None:
            return None
        used_quotes.add(best[0])
        return best[1]

    @staticmethod
    def speaker(tok):
        subj = child(tok, *SPEAKER_DEPS)
        if subj is not None and subj.dep_ == "nsubj":
            sp = list(subj.subtree)
            return actors_of(subj), sp[0].i, sp[-1].i + 1
        found, _ = subject_actors(tok)
        if found:
            m = found[0]
            return found, m.start, m.end
        if tok.dep_ in ("acl", "relcl"):
            return [], tok.head.left_edge.i, tok.head.i + 1
        return [], None, None

    @staticmethod
    def according_to(tok) -> ClaimInfo | None:
        to = tok.nbor(1)
        pobj = child(to, "pobj") or child(tok, "pobj")
        if pobj is None:
            for c in tok.children:
                pobj = child(c, "pobj") or pobj
        if pobj is None:
            return None
        clause = tok.head
        while clause.dep_ not in ("ROOT", "ccomp", "conj") and clause.head is not clause:
            clause = clause.head
        sp = list(pobj.subtree)
        idx = [t.i for t in clause.subtree if not (tok.i <= t.i < sp[-1].i + 1) and not t.is_punct]
        if not idx:
            return None
        return ClaimInfo(tok.i, to.i + 1, min(idx), max(idx) + 1, sp[0].i, sp[-1].i + 1,
                         actors_of(pobj), "speech", "according to")


def _subtree_span(tok) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].i, sub[-1].i + 1
