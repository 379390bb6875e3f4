"""Recognition: find the knowledge base's names and sector terms in a Doc.

reads: doc tokens; writes: nothing on the Doc (returns hits for resolution).
Longest match wins; short all-capital acronyms match case-sensitively.
"""
from __future__ import annotations

from dataclasses import dataclass

from .kb import KnowledgeBase


@dataclass
class Hit:
    start: int
    end: int
    ids: list[int]        # knowledge base entry ids (empty for a sector term)
    sector: str | None = None
    sector_kind: str | None = None


class Recognizer:
    """PhraseMatchers over the knowledge base's aliases and multi-word sector terms."""

    def __init__(self, nlp, kb: KnowledgeBase):
        from spacy.matcher import PhraseMatcher

        self.kb = kb
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.sectors = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.keys: dict[int, str] = {}
        tokenizer = nlp.tokenizer
        lower_forms = [f for f in kb.aliases if f not in kb.exact]
        exact_forms = sorted(kb.exact)
        for forms, matcher in ((lower_forms, self.lower), (exact_forms, self.exact)):
            for form, doc in zip(forms, tokenizer.pipe(forms)):
                key = nlp.vocab.strings.add("EW:" + form)
                self.keys[key] = form
                matcher.add("EW:" + form, [doc])
        multi = [t for t in kb.sector_terms if " " in t or "-" in t]
        for term, doc in zip(multi, tokenizer.pipe(multi)):
            key = nlp.vocab.strings.add("EWS:" + term)
            self.keys[key] = term
            self.sectors.add("EWS:" + term, [doc])
            # plural of the last word, as news writes it ("security forces" is listed as such)
            if not term.endswith("s"):
                plural = tokenizer(term + "s")
                self.sectors.add("EWS:" + term, [plural])

    def __call__(self, doc) -> tuple[list[Hit], list[Hit]]:
        """Return (knowledge base hits, sector-term hits), each without overlaps."""
        spans = []
        for matcher in (self.lower, self.exact):
            for key, start, end in matcher(doc):
                spans.append((start, end, self.keys[key]))
        hits = _longest(self._merge(spans))
        kb_hits = [Hit(s, e, list(self.kb.aliases[form])) for s, e, form in hits]
        sector_spans = [(s, e, self.keys[k]) for k, s, e in self.sectors(doc)]
        sector_hits = []
        for s, e, term in _longest(sector_spans):
            sector, kind = self.kb.sector_terms[term]
            sector_hits.append(Hit(s, e, [], sector, kind))
        return kb_hits, sector_hits


    def _merge(self, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Join overlapping matches that name the same entries ('Chinese President Xi' and
        'Xi Jinping' in 'Chinese President Xi Jinping') into one span."""
        spans = sorted(spans)
        out: list[tuple[int, int, str]] = []
        for s, e, form in spans:
            for n, (ps, pe, pform) in enumerate(out):
                if ps < s < pe < e and self.kb.aliases[form] == self.kb.aliases[pform]:
                    out[n] = (ps, e, pform if pe - ps >= e - s else form)
            out.append((s, e, form))
        return out


def _longest(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    spans.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    taken: set[int] = set()
    out = []
    for s, e, form in spans:
        if any(i in taken for i in range(s, e)):
            continue
        taken.update(range(s, e))
        out.append((s, e, form))
    return sorted(out)
