"""The pipeline: read -> parse -> actors -> claims -> events -> when/where -> records.

``Pipeline(settings)`` loads the spaCy model and the dictionaries once; calling
it on Articles yields ``CodedArticle`` results (records, or the error that
stopped that one article). Each stage is a callable ``Doc -> Doc``.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .config import Settings
from . import language
from .errors import EventwireError, InputError, MalformedInputError, TooLargeInputError
from .records import Actor, Article, Claim, Event, TextSpan
from .when import parse_iso

log = logging.getLogger(__name__)
_MARK_RUN = re.compile(r"(?:[^\w\s]|_){1000}")  # see read.files.RUN


@dataclass
class CodedArticle:
    article: Article
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    error: EventwireError | None = None

    @property
    def records(self) -> list[Event | Claim]:
        return [*self.events, *self.claims]


def normalise_date(value: str | None) -> str | None:
    """An article date as YYYY-MM-DD, whatever form the input gave it in; None when unknown.

    Only a date with day, month and year is a publication date: "March 2017", "Tuesday"
    or "yesterday" would make dateparser fill in the rest from today's clock, so they
    (and anything unreadable) leave the date unknown rather than guessed.
    """
    if not value:
        return None
    value = str(value).strip()
    if parse_iso(value):
        return value[:10]
    if re.search(r"\b(ago|yesterday|today|tomorrow|now|last|next|this)\b", value, re.I) or not re.search(r"\d", value):
        return None
    import dateparser

    got = dateparser.parse(value, languages=["en"], settings={
        "RETURN_AS_TIMEZONE_AWARE": False, "REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"})
    return got.date().isoformat() if got else None


class Pipeline:
    def __init__(self, settings: Settings | None = None):
        from . import nlp as nlp_mod
        from .actors import ActorStage
        from .claims import ClaimStage
        from .coding.coder import Coder, PlaceTargetStage
        from .coding.triggers import load_triggers
        from .when import WhenStage
        from .where import WhereStage

        self.settings = settings or Settings()
        self.nlp = nlp_mod.load(self.settings.model)
        self.stages = [
            ActorStage(self.nlp, self.settings.actor_files),
            ClaimStage(),
            Coder(load_triggers(self.settings.trigger_files)),
            WhenStage(),
            WhereStage(self.settings.place_files),
            PlaceTargetStage(),
        ]

    def annotate(self, articles: Iterable[Article]) -> Iterator[tuple[Article, object, Exception | None]]:
        """Parse and run every stage; yields (article, doc or None, error or None)."""

        pending: list[Article] = []
        for art in articles:
            art.date = normalise_date(art.date)
            if len(art.text) > self.settings.max_chars:
                yield art, None, TooLargeInputError(art.path or art.doc_id,
                                                    f"the article has {len(art.text):,} characters, over the limit "
                                                    f"of {self.settings.max_chars:,} (setting max_chars, "
                                                    "--max-chars): split it or raise the limit")
                continue
            if _MARK_RUN.search(art.text):
                yield art, None, MalformedInputError(
                    art.path or art.doc_id, "the text has a run of over 1,000 punctuation marks or symbols "
                    "without a space, which the tokenizer would take minutes over: clean it with "
                    "eventwire.read.files.clean_text (the file readers do)")
                continue
            if self.settings.language_check:
                try:
                    language.check(art.text, art.path or art.doc_id)
                except InputError as exc:  # not English: refused before it is parsed
                    yield art, None, exc
                    continue
            pending.append(art)
            if len(pending) >= self.settings.batch_size:
                yield from self._run(pending)
                pending = []
        if pending:
            yield from self._run(pending)

    def _run(self, batch: list[Article]):
        from .nlp import state

        texts = [a.text for a in batch]
        for art, doc in zip(batch, self.nlp.pipe(texts, batch_size=self.settings.batch_size)):
            try:
                st = state(doc)
                st.article = art
                st.text = art.text   # spaCy keeps the text exactly (doc.text == text); doc.text rebuilds it
                for stage in self.stages:
                    doc = stage(doc)
                yield art, doc, None
            except EventwireError as exc:
                yield art, None, exc
            except Exception as exc:  # one article's failure never stops the batch
                log.exception("coding %s failed", art.doc_id)
                yield art, None, EventwireError(f"{art.doc_id}: internal error while coding: "
                                                f"{type(exc).__name__}: {exc}")

    def __call__(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        for art, doc, err in self.annotate(articles):
            if err is not None:
                yield CodedArticle(art, error=err if isinstance(err, EventwireError) else EventwireError(str(err)))
                continue
            events, claims = build_records(doc, art, self.settings)
            yield CodedArticle(art, events, claims)


def written_events(coded: list, settings: Settings) -> list:
    """The coded events (``doc._.ew.events``) that become records, in text order: those of the
    certainties asked for, naming a source or a target ("the unrest in Iran" names nobody; the
    ``actorless`` setting keeps such events), and once per trigger and codes (one trigger coded
    twice with the same codes, "Russian missiles and drones struck ...", is one strike)."""
    out, seen = [], set()
    for e in sorted(coded, key=lambda e: (e.start, e.head)):
        if e.certainty not in settings.certainty:
            continue
        if e.source is None and e.target is None and not settings.actorless:
            continue
        key = (e.head, e.code, e.source.code if e.source else None, e.target.code if e.target else None,
               e.certainty, e.claim)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def build_records(doc, art: Article, settings: Settings) -> tuple[list[Event], list[Claim]]:
    """Turn what the stages left on ``doc`` into the output contract's records."""
    from .coding.ontology import lookup

    st = doc._.ew
    sent_index = {s.start: n for n, s in enumerate(doc.sents)}
    claim_records: list[Claim] = []
    claim_ids: dict[int, str] = {}
    for n, c in enumerate(st.claims):
        cid = f"{art.doc_id}:c{n + 1}"
        claim_ids[n] = cid
        speaker = None
        if c.speaker_start is not None:
            span = doc[c.speaker_start:c.speaker_end]
            m = c.speakers[0] if c.speakers else None
            speaker = Actor(span.text, m.code if m else None, m.country if m else None,
                            list(m.sectors) if m else [], m.entity if m else None,
                            [span.start_char, span.end_char])
        cue = doc[c.cue:c.cue_end]
        content = doc[c.content_start:c.content_end]
        certainty = {"deny": "denied", "allege": "alleged"}.get(c.kind, "asserted")
        claim_records.append(Claim(cid, art.doc_id, speaker, TextSpan(cue.text, [cue.start_char, cue.end_char]),
                                   TextSpan(content.text, [content.start_char, content.end_char]),
                                   certainty, sent_index.get(doc[c.cue].sent.start, 0)))
    events: list[Event] = []
    for e in written_events(st.events, settings):
        entry = lookup(e.code)
        span = doc[e.start:e.end]
        sent_no = sent_index.get(doc[e.head].sent.start, 0)
        attributed = None
        if e.claim is not None:
            c = st.claims[e.claim]
            if c.speakers:
                attributed = c.speakers[0].to_actor(doc)
            elif c.speaker_start is not None:
                sp = doc[c.speaker_start:c.speaker_end]
                attributed = Actor(sp.text, None, None, [], None, [sp.start_char, sp.end_char])
        trigger_words = " ... ".join(doc[i].text for i in e.tokens) if e.tokens else doc[e.head].text
        events.append(Event(
            event_id="", doc_id=art.doc_id, sentence=sent_no, span=[span.start_char, span.end_char],
            text=span.text, source=e.source.to_actor(doc) if e.source else None,
            target=e.target.to_actor(doc) if e.target else None,
            cameo=entry.code, root=entry.root, quad_class=entry.quad_class, goldstein=entry.goldstein,
            plover={"type": entry.plover_type, "mode": entry.plover_mode},
            certainty=e.certainty, attributed_to=attributed, date=e.date, location=e.location,
            trigger=trigger_words,
            coder=f"rule:{e.trigger.describe() if e.trigger else 'claim accusation'} [{e.rule}]",
            claim_id=claim_ids.get(e.claim) if e.claim is not None else None,
        ))
    counts: dict[int, int] = {}
    for ev in events:
        counts[ev.sentence] = counts.get(ev.sentence, 0) + 1
        ev.event_id = f"{art.doc_id}:{ev.sentence}:{counts[ev.sentence]}"
    return events, (claim_records if settings.claims else [])
