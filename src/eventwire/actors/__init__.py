"""The actors stage: recognise and resolve who is named in an article.

reads: the parsed Doc and doc._.ew.article.date;
writes: doc._.ew.mentions and doc._.ew.token_mention (head token -> mention index).
"""
from __future__ import annotations

from .kb import KnowledgeBase, load_kb
from .recognize import Recognizer
from .resolve import ActorMention, Resolver


class ActorStage:
    """Find and code the actors of a Doc, with the article's date for people's roles."""

    def __init__(self, nlp, user_files: tuple[str, ...] = ()):
        self.kb: KnowledgeBase = load_kb(tuple(user_files))
        self.recognizer = Recognizer(nlp, self.kb)
        self.resolver = Resolver(self.kb)

    def __call__(self, doc):
        from ..nlp import state

        st = state(doc)
        date = st.article.date if st.article is not None else None
        kb_hits, sector_hits = self.recognizer(doc)
        st.mentions, st.token_mention = self.resolver(doc, kb_hits, sector_hits, date)
        return doc


def mention_at(doc, token_i: int) -> ActorMention | None:
    """The actor mention whose head is token ``token_i``, if any."""
    st = doc._.ew
    idx = st.token_mention.get(token_i)
    return st.mentions[idx] if idx is not None else None


__all__ = ["ActorStage", "ActorMention", "mention_at", "load_kb"]
