"""The claims stage: who said what. Quotes, reported speech, 'according to', headlines.

reads: the parse, doc._.ew.mentions (actors), data/claims/cues.tsv and frames.tsv;
writes: doc._.ew.claims (ClaimInfo list; token spans for speaker, cue, content).

A claim is found from its cue (a reporting verb or noun of ``cues.tsv``) and the
complement that carries the content (``frames.tsv``: a clause, a quote beside the
cue, an infinitive, the object, a prepositional object). Besides these:

* quotes: a quote beside a cue is the content as the writer marked it; a quote split
  by its cue ("“A,” he said, “B.”") gives one claim per part; a whole-sentence quote
  that follows a quoted claim without a cue of its own continues it (same speaker and
  cue); a quote left open at a paragraph's end and reopened in the next runs on;
* 'according to X', 'reportedly' and 'allegedly' (no speaker), the impersonal passive
  ('it is alleged that', 'it was reported that': no speaker);
* headline colons: "Putin: sanctions will fail" (a short name, a colon, the content);
* sources that are documents: "the State Department released a report stating that
  ..." (the releaser speaks), "a WikiLeaks document suggests ..." (the document speaks).

The speaker's actor is the actors stage's mention on the speaker phrase, so "he said"
gets the person the actors stage resolved the pronoun to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .actors import ActorMention, mention_at
from .coding.roles import actors_of, child
from .data_files import read_tsv, split
from .nlp import text_of

OPEN_QUOTES = "\u201c\u00ab"
CLOSE_QUOTES = "\u201d\u00bb"
STRAIGHT = '"'
DEFAULT_FRAMES = {"verb": ("clause", "quote"), "noun": ("clause",)}
# verbs whose object is a document or statement they bring out: its author is their subject
PRODUCE = {"release", "issue", "publish", "make", "give", "deliver", "post", "put", "send", "file", "write",
           "introduce", "submit", "present", "circulate", "table", "draft", "sign", "adopt"}
DOCUMENT_HEADS = {"report", "resolution", "motion", "bill", "draft", "document", "study", "poll", "survey", "memo", "statement", "letter", "review",
                  "investigation", "inquiry", "assessment", "analysis", "audit", "filing", "email", "cable",
                  "leak", "paper", "record", "records", "data", "figures", "results", "estimate", "tally",
                  "article", "story", "ad", "video", "book", "transcript", "complaint", "lawsuit", "indictment"}
IMPERSONAL = {"it"}
MAX_HEADLINE_SPEAKER = 7


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
    quoted: bool = False            # the content is a direct quote


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, str]                       # lemma -> kind
    nouns: dict[str, str]
    preps: dict[str, str]
    frames: dict[tuple[str, str], tuple[str, ...]]

    def frames_of(self, lemma: str, pos: str) -> tuple[str, ...]:
        return self.frames.get((lemma, pos), DEFAULT_FRAMES.get(pos, ()))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    by_pos: dict[str, dict[str, str]] = {"verb": {}, "noun": {}, "prep": {}}
    for r in read_tsv("claims", "cues.tsv"):
        by_pos.setdefault(r.get("pos") or "verb", {})[r["lemma"].lower()] = r.get("kind") or "speech"
    frames = {(r["lemma"].lower(), r.get("pos") or "verb"): tuple(split(r.get("frames")))
              for r in read_tsv("claims", "frames.tsv")}
    return Lexicon(by_pos["verb"], by_pos["noun"], by_pos["prep"], frames)


def cue_lexicon() -> dict[tuple[str, str], str]:
    """(lemma, pos) -> kind for every cue of cues.tsv."""
    lex = lexicon()
    return {(lemma, pos): kind for pos, table in (("verb", lex.verbs), ("noun", lex.nouns), ("prep", lex.preps))
            for lemma, kind in table.items()}


# ---------------------------------------------------------------- quotes

@dataclass
class Quote:
    start: int                      # character span of the quoted words, marks excluded
    end: int
    group: int                      # pieces of one quote running over paragraphs share a group


def quote_spans(text: str) -> list[Quote]:
    """The direct quotes of a text, paragraph by paragraph.

    Curly and guillemet marks pair as opened and closed; straight marks pair in turn
    within a paragraph. A quote still open at a paragraph's end runs on when the next
    paragraph opens with a quote mark (the newspaper convention); otherwise it is dropped.
    Quotes of fewer than four characters and ones holding markup are left out.
    """
    quotes: list[Quote] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    group = 0
    carry = False                   # the previous paragraph left a quote open
    for n, (p_start, p_end) in enumerate(paragraphs):
        para = text[p_start:p_end]
        lead = len(para) - len(para.lstrip())
        if carry and not (para[lead:lead + 1] in OPEN_QUOTES + STRAIGHT):
            carry = False
        if not carry:
            group += 1
        open_at: int | None = None
        for m in re.finditer(f"[{OPEN_QUOTES}{CLOSE_QUOTES}{STRAIGHT}]", para):
            ch, pos = m.group(), m.start()
            opening = ch in OPEN_QUOTES or (ch == STRAIGHT and open_at is None)
            if opening:
                open_at = pos + 1
                if not carry:
                    group += 1
                carry = False
            elif open_at is not None:
                _add_quote(quotes, text, p_start + open_at, p_start + pos, group)
                open_at = None
        nxt = text[paragraphs[n + 1][0]:paragraphs[n + 1][1]].lstrip()[:1] if n + 1 < len(paragraphs) else ""
        if open_at is not None and nxt and nxt in OPEN_QUOTES + STRAIGHT:
            _add_quote(quotes, text, p_start + open_at, p_end, group)
            carry = True
        else:
            carry = False
    return quotes


def _add_quote(quotes: list[Quote], text: str, a: int, b: int, group: int) -> None:
    inner = text[a:b]
    if b - a > 3 and "<" not in inner and "=" not in inner:
        quotes.append(Quote(a, b, group))


# ---------------------------------------------------------------- the stage

class ClaimStage:
    """Find the claims of a Doc (see the module docstring)."""

    def __init__(self, lex: Lexicon | None = None):
        self.lex = lex or lexicon()

    def __call__(self, doc):
        from .nlp import state

        st = state(doc)
        st.claims = _DocClaims(doc, self.lex).run()
        return doc


class _DocClaims:
    def __init__(self, doc, lex: Lexicon):
        self.doc = doc
        self.lex = lex
        self.quotes: list[tuple[int, int, int]] = []      # token spans [start, end) and group
        for q in quote_spans(text_of(doc)):
            span = doc.char_span(q.start, q.end, alignment_mode="contract")
            if span is not None and len(span):
                self.quotes.append((span.start, span.end, q.group))
        self.used_quotes: set[int] = set()
        # sentence of each token, computed once (Token.sent walks the Doc on every call)
        self.sent_no: list[int] = [0] * len(doc)
        self.sent_bounds: list[tuple[int, int]] = []
        for n, s in enumerate(doc.sents):
            self.sent_bounds.append((s.start, s.end))
            self.sent_no[s.start:s.end] = [n] * (s.end - s.start)
        self.claims: list[ClaimInfo] = []
        self.cue_tokens: set[int] = set()

    # ------------------------------------------------------------ driver
    def run(self) -> list[ClaimInfo]:
        doc = self.doc
        for tok in doc:
            if tok.i in self.cue_tokens:
                continue
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                self.add(self.according_to(tok))
            elif tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
                lemma, cue_end = self.verb_lemma(tok)
                if lemma is not None:
                    self.add(self.verb_claim(tok, lemma, cue_end))
            elif tok.pos_ == "ADV" and tok.lower_ in self.lex.preps:
                self.add(self.adverb_claim(tok))
        for tok in doc:
            if tok.pos_ in ("NOUN", "PROPN") and tok.lemma_.lower() in self.lex.nouns and tok.i not in self.cue_tokens:
                self.add(self.noun_claim(tok))
        self.headlines()
        self.continued_quotes()
        self.claims.sort(key=lambda c: (c.content_start, c.cue))
        return self.claims

    def add(self, c: ClaimInfo | None) -> None:
        if c is None or c.content_end <= c.content_start:
            return
        for other in self.claims:
            if other.content_start == c.content_start and other.content_end == c.content_end:
                return
        self.claims.append(c)
        self.cue_tokens.update(range(c.cue, c.cue_end))

    def verb_lemma(self, tok) -> tuple[str | None, int]:
        lemma = tok.lemma_.lower()
        prt = child(tok, "prt")
        if prt is not None and f"{lemma} {prt.lower_}" in self.lex.verbs:
            return f"{lemma} {prt.lower_}", max(tok.i, prt.i) + 1
        if lemma in self.lex.verbs:
            return lemma, tok.i + 1
        return None, tok.i + 1

    # ------------------------------------------------------------ verbs
    def verb_claim(self, tok, lemma: str, cue_end: int) -> ClaimInfo | None:
        kind = self.lex.verbs[lemma]
        for frame in self.lex.frames_of(lemma, "verb"):
            found = self.frame_content(tok, frame)
            if found is None:
                continue
            c_start, c_end, rule, quoted, cue_stop = found
            if c_start <= tok.i < c_end and not quoted:
                continue
            if quoted and c_start <= tok.i < c_end:
                continue
            if quoted:
                c_start, c_end, rule = self.split_quote(tok, c_start, c_end, rule)
            speakers, sp_start, sp_end, cue_start = self.speaker(tok)
            cue_start = min(cue_start, tok.i)
            cue_stop = max(cue_end, cue_stop)
            if cue_start < tok.i and c_start < tok.i and c_end > cue_start:
                cue_start = tok.i
            return ClaimInfo(cue_start, cue_stop, c_start, c_end, sp_start, sp_end, speakers, kind, rule, quoted)
        return None

    def frame_content(self, tok, frame: str):
        """(content start, end, rule, quoted, cue end) of one complement frame of ``tok``, or None."""
        if frame == "clause":
            return self.clause_content(tok)
        if frame == "quote":
            q = self.adjacent_quote(tok)
            return (q[0], q[1], "quote", True, tok.i + 1) if q is not None else None
        if frame == "to":
            comp = child(tok, "xcomp")
            if comp is None or comp.pos_ not in ("VERB", "AUX") or comp.i < tok.i:
                return None
            start, end = _subtree(comp)
            return start, end, "infinitive", False, tok.i + 1
        if frame in ("object", "object-claim"):
            obj = child(tok, "dobj")
            if obj is None or obj.i < tok.i or obj.pos_ == "PRON" and obj.lower_ in ("it", "this", "that"):
                return None
            # "rejected claims that ...": the content is the noun's clause
            if obj.lemma_.lower() in self.lex.nouns:
                clause = child(obj, "acl", "ccomp")
                if clause is not None and clause.i > obj.i:
                    start, end = _clause_span(clause)
                    return start, end, "object clause", False, obj.i + 1
            if frame == "object-claim":
                return None
            start, end = _subtree(obj)
            oprd = child(tok, "oprd")
            if oprd is not None:
                q = self.quote_around(oprd.i)
                if q is not None:
                    return q[0], q[1], "quote", True, tok.i + 1
                end = max(end, _subtree(oprd)[1])
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("of", "for") and prep.i > obj.i:
                    end = max(end, _subtree(prep)[1])
            return start, end, "object", False, tok.i + 1
        # a preposition: "spoke about X", "called for talks"
        for prep in tok.children:
            if prep.dep_ in ("prep", "dative") and prep.lower_ == frame and prep.i > tok.i:
                obj = child(prep, "pobj", "pcomp")
                if obj is not None:
                    start, end = _subtree(obj)
                    return start, end, f"{frame}-object", False, prep.i + 1
        return None

    def clause_content(self, tok):
        """The reported clause: after the cue ('said that ...'), or before it and next to it
        ('The attack killed 45 people, officials said')."""
        doc = self.doc
        comps = [c for c in tok.children if c.dep_ == "ccomp"]
        after = [c for c in comps if c.i > tok.i]
        if after:
            comp = after[0]
            start, end = _clause_span(comp)
        else:
            before = [c for c in comps if c.i < tok.i]
            if before:
                start, end = _clause_span(before[-1])
                comp = before[-1]
            elif tok.dep_ == "parataxis" and tok.head.i < tok.i and tok.head.pos_ in ("VERB", "AUX"):
                comp = tok.head
                start, end = comp.left_edge.i, tok.left_edge.i
            else:
                return None
            if not self.next_to(end, tok) or any(t.text == ";" for t in doc[start:end]):
                return None
            while end > start + 1 and doc[end - 1].is_punct:
                end -= 1
        q = self.quote_around(comp.i)
        if q is not None:
            return q[0], q[1], "quote", True, tok.i + 1
        return start, end, "reported speech", False, tok.i + 1

    def split_quote(self, tok, start: int, end: int, rule: str) -> tuple[int, int, str]:
        """'“A,” he said, “B.”': the quote on the cue's other side joins the content."""
        sent = self.sent_no[tok.i]
        for n, (a, b, _) in enumerate(self.quotes):
            if n in self.used_quotes or self.sent_no[a] != sent:
                continue
            if end <= tok.i and a > tok.i and a - tok.i <= 8 and \
                    not any(t.text in ".?!;" for t in self.doc[tok.i:a]):
                self.used_quotes.add(n)
                return start, self.whole_quote(n)[1], "split quote"
            if start > tok.i and b <= tok.i and self.next_to(b, tok):
                self.used_quotes.add(n)
                return a, end, "split quote"
        return start, end, rule

    def next_to(self, end: int, tok) -> bool:
        """Whether only a comma or quote marks stand between a content ending at ``end`` and the cue."""
        subj = child(tok, "nsubj", "nsubjpass")
        first = min(subj.left_edge.i, tok.i) if subj is not None and tok.dep_ not in ("parataxis", "ccomp") \
            else min(tok.left_edge.i, tok.i)
        return all(t.text in ",\u201d\"'\u2019\u2014-" for t in self.doc[end:first])

    def quote_around(self, i: int) -> tuple[int, int] | None:
        for n, (a, b, _) in enumerate(self.quotes):
            if a <= i < b:
                self.used_quotes.add(n)
                return self.whole_quote(n)
        return None

    def whole_quote(self, n: int) -> tuple[int, int]:
        """A quote's token span, with the other pieces of a quote running over paragraphs."""
        a, b, group = self.quotes[n]
        for m, (qa, qb, g) in enumerate(self.quotes):
            if g == group:
                a, b = min(a, qa), max(b, qb)
                self.used_quotes.add(m)
        while b > a + 1 and self.doc[b - 1].text == ",":
            b -= 1
        return a, b

    def adjacent_quote(self, tok) -> tuple[int, int] | None:
        """A quote beside the cue in its sentence: '“...,” X said' or 'X said: “...”'."""
        doc = self.doc
        sent_start, sent_end = self.sent_bounds[self.sent_no[tok.i]]
        best = None
        for n, (a, b, _) in enumerate(self.quotes):
            if n in self.used_quotes:
                continue
            if b <= tok.i and (a >= sent_start - 1 or b >= sent_start - 1):
                between = doc[b:tok.i]
                if len(between) <= 12 and not any(t.text in ".?!" and t.i > b + 1 for t in between):
                    best = n
            elif a > tok.i and a <= sent_end + 1 and best is None:
                between = doc[tok.i + 1:a]
                if len(between) <= 8 and not any(t.text in ".?!" for t in between):
                    best = n
                    break
        if best is None:
            return None
        self.used_quotes.add(best)
        return self.whole_quote(best)

    # ------------------------------------------------------------ speakers
    def speaker(self, tok) -> tuple[list[ActorMention], int | None, int | None, int]:
        """The speaker of cue ``tok``: (actors, span start, span end, cue start)."""
        verb = tok
        for _ in range(4):
            subj = child(verb, "nsubj", "nsubjpass", "expl")
            if subj is not None:
                break
            agent = child(verb, "agent")
            if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i and agent is None:
                verb = verb.head
                continue
            subj = None
            break
        agent = child(tok, "agent")
        if agent is not None:
            pobj = child(agent, "pobj")
            if pobj is not None:
                start, end = _np_span(pobj)
                return self.actors_in(pobj, start, end), start, end, tok.i
        if subj is not None and (subj.dep_ == "expl" or subj.lower_ in IMPERSONAL and _passive(verb)):
            return [], None, None, min(subj.i, tok.i)          # "it is alleged that ..."
        if subj is not None and subj.dep_ == "nsubjpass":
            return [], None, None, tok.i                        # "X was reported to ..."
        if subj is not None:
            if subj.tag_ == "WDT" or subj.lower_ in ("who", "which", "that"):
                if verb.dep_ == "relcl":
                    start, end = _np_span(verb.head, stop=verb.left_edge.i)
                    return self.actors_in(verb.head, start, end), start, end, tok.i
            owner = self.document_owner(subj)
            if owner is not None:
                start, end = _np_span(owner)
                return self.actors_in(owner, start, end), start, end, tok.i
            start, end = _np_span(subj, stop=tok.i if subj.i < tok.i else None)
            return self.actors_in(subj, start, end), start, end, tok.i
        if tok.dep_ in ("acl", "relcl") and tok.head.i != tok.i:
            noun = tok.head
            owner = self.document_owner(noun) or noun
            start, end = _np_span(owner, stop=tok.i if owner.i < tok.i else None)
            return self.actors_in(owner, start, end), start, end, tok.i
        return [], None, None, tok.i

    def document_owner(self, noun):
        """The author of a document that is brought out: 'X released a report ...' -> X."""
        if noun.lemma_.lower() not in DOCUMENT_HEADS:
            return None
        verb = noun.head
        if noun.dep_ == "dobj" and verb.lemma_.lower() in PRODUCE:
            return child(verb, "nsubj")
        return None

    def actors_in(self, tok, start: int, end: int) -> list[ActorMention]:
        found = actors_of(tok)
        if found:
            return found
        for i in range(start, end):
            m = mention_at(self.doc, i)
            if m is not None:
                return [m]
        return []

    # ------------------------------------------------------------ other cues
    def according_to(self, tok) -> ClaimInfo | None:
        doc = self.doc
        to = doc[tok.i + 1]
        pobj = child(to, "pobj") or child(tok, "pobj")
        if pobj is None:
            for c in tok.children:
                pobj = child(c, "pobj") or pobj
        if pobj is None:
            return None
        sp_start, sp_end = _np_span(pobj)
        sp_start = max(sp_start, to.i + 1)
        clause = tok.head
        while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
            clause = clause.head
        skip = set(range(tok.i, sp_end))
        idx = [t.i for t in clause.subtree if t.i not in skip and not t.is_punct and self.sent_no[t.i] == self.sent_no[tok.i]]
        if not idx:
            return None
        start, end = min(idx), max(idx) + 1
        return ClaimInfo(tok.i, to.i + 1, start, end, sp_start, sp_end, self.actors_in(pobj, sp_start, sp_end),
                         self.lex.preps.get("according to", "speech"), "according to")

    def adverb_claim(self, tok) -> ClaimInfo | None:
        """'reportedly', 'allegedly': the clause they modify, with no speaker."""
        head = tok.head
        if head.i == tok.i or head.pos_ not in ("VERB", "AUX"):
            return None
        idx = [t.i for t in head.subtree if t.i != tok.i and not t.is_punct and self.sent_no[t.i] == self.sent_no[tok.i]
               and not (t.dep_ == "cc" and t.head.i == head.i)]
        if not idx:
            return None
        return ClaimInfo(tok.i, tok.i + 1, min(idx), max(idx) + 1, None, None, [],
                         self.lex.preps[tok.lower_], "adverb")

    def noun_claim(self, tok) -> ClaimInfo | None:
        """'the allegation that ...', 'a proposal to ban ...', 'criticism of X'."""
        lemma = tok.lemma_.lower()
        for frame in self.lex.frames_of(lemma, "noun"):
            content = None
            if frame == "clause":
                c = child(tok, "acl", "ccomp")
                if c is not None and c.i > tok.i and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
                    content = _clause_span(c)
            elif frame == "to":
                c = child(tok, "acl")
                if c is not None and c.i > tok.i and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                    content = _subtree(c)
            else:
                for prep in tok.children:
                    if prep.dep_ == "prep" and prep.lower_ == frame and prep.i > tok.i:
                        obj = child(prep, "pobj", "pcomp")
                        if obj is not None:
                            content = _subtree(obj)
                            break
            if content is None:
                continue
            speakers, sp_start, sp_end = self.noun_speaker(tok)
            return ClaimInfo(tok.i, tok.i + 1, content[0], content[1], sp_start, sp_end, speakers,
                             self.lex.nouns[lemma], f"noun {frame}")
        return None

    def noun_speaker(self, tok):
        owner = child(tok, "poss")
        if owner is None:
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("by", "from") and prep.i > tok.i:
                    owner = child(prep, "pobj")
        if owner is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in PRODUCE | {"express", "voice"}:
            owner = child(tok.head, "nsubj")
        if owner is None:
            for c in tok.children:
                if c.dep_ in ("compound", "amod") and c.i < tok.i and mention_at(self.doc, c.i) is not None:
                    owner = c
        if owner is None:
            return [], None, None
        start, end = _np_span(owner, stop=tok.i if owner.i < tok.i else None)
        return self.actors_in(owner, start, end), start, end

    def headlines(self) -> None:
        """'Putin: sanctions will fail': a short name before a colon that opens a paragraph."""
        doc = self.doc
        for m in re.finditer(r"[^\n]+", text_of(doc)):
            line = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if line is None or len(line) > 60:
                continue
            colon = next((t for t in line[:MAX_HEADLINE_SPEAKER + 1] if t.text == ":"), None)
            if colon is None or colon.i == line.start or colon.i in self.cue_tokens:
                continue
            speaker = doc[line.start:colon.i]
            if speaker[0].text in OPEN_QUOTES + STRAIGHT or any(t.pos_ in ("VERB", "AUX") for t in speaker) \
                    or not any(t.pos_ == "PROPN" or mention_at(doc, t.i) is not None for t in speaker):
                continue
            rest = [t for t in doc[colon.i + 1:line.end] if not (t.is_punct and t.text in OPEN_QUOTES + CLOSE_QUOTES
                                                                   + STRAIGHT + "\u2018\u2019")]
            if len(rest) < 2:
                continue
            start, end = rest[0].i, rest[-1].i + 1
            if any(c.content_start <= start < c.content_end and c.cue < start for c in self.claims):
                continue
            speakers = self.actors_in(speaker.root, speaker.start, speaker.end)
            quoted = any(a <= start < b for a, b, _ in self.quotes)
            self.add(ClaimInfo(colon.i, colon.i + 1, start, end, speaker.start, speaker.end, speakers,
                               "speech", "headline colon", quoted))

    def continued_quotes(self) -> None:
        """A whole-sentence quote with no cue of its own, right after a quoted claim, extends its content."""
        doc = self.doc
        for n, (a, b, _) in enumerate(self.quotes):
            if n in self.used_quotes or any(c.content_start <= a < c.content_end for c in self.claims):
                continue
            if a - self.sent_bounds[self.sent_no[a]][0] > 1 or b - a < 3:
                continue
            prev = [c for c in self.claims if c.quoted and c.content_end <= a and c.cue < a]
            if not prev:
                continue
            last = max(prev, key=lambda c: c.content_end)
            gap = text_of(doc)[doc[max(last.content_end, last.cue_end) - 1].idx:doc[a].idx]
            if "\n" in gap or len(gap) > 120:
                continue
            self.used_quotes.add(n)
            last.content_end = self.whole_quote(n)[1]
            last.rule = "quote, continued"


# ---------------------------------------------------------------- spans

def _subtree(tok) -> tuple[int, int]:
    sub = [t for t in tok.subtree]
    while len(sub) > 1 and sub[-1].is_punct:
        sub.pop()
    return sub[0].i, sub[-1].i + 1


def _clause_span(tok) -> tuple[int, int]:
    """A clause's tokens without its 'that' and edge punctuation."""
    start, end = _subtree(tok)
    doc = tok.doc
    while start < end - 1 and (doc[start].is_punct or (doc[start].dep_ == "mark" and doc[start].head.i == tok.i
                                                       and doc[start].lower_ in ("that", "whether", "if"))):
        start += 1
    return start, end


def _np_span(tok, stop: int | None = None) -> tuple[int, int]:
    """A noun phrase's tokens, cut before ``stop`` and without edge punctuation."""
    sub = [t.i for t in tok.subtree if stop is None or t.i < stop]
    doc = tok.doc
    start, end = min(sub), max(sub) + 1
    while end - 1 > start and doc[end - 1].is_punct:
        end -= 1
    while start < end - 1 and doc[start].is_punct:
        start += 1
    return start, end


def _passive(verb) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or verb.tag_ == "VBN"
