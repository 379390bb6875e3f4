"""The output contract: event and claim records (design/EVENT-SCHEMA.md).

Records are plain dataclasses with a lossless JSON round trip:
``Event.from_dict(e.to_dict()) == e`` and the same for ``Claim``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Actor:
    """An actor as coded: the words, the CAMEO-style code and its parts."""

    text: str
    code: str | None
    country: str | None
    sectors: list[str] = field(default_factory=list)
    entity: str | None = None
    span: list[int] | None = None

    def to_dict(self) -> dict[str, Any]:
        # by hand, not dataclasses.asdict: that deep-copies field by field, and ingest turns
        # every record of a corpus into JSON
        d = {"text": self.text, "code": self.code, "country": self.country, "sectors": list(self.sectors),
             "entity": self.entity}
        if self.span is not None:
            d["span"] = list(self.span)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Actor | None":
        if d is None:
            return None
        return cls(text=d["text"], code=d.get("code"), country=d.get("country"),
                   sectors=list(d.get("sectors") or []), entity=d.get("entity"),
                   span=list(d["span"]) if d.get("span") is not None else None)


@dataclass
class DateValue:
    value: str
    precision: str  # day | month | year
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "precision": self.precision, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "DateValue | None":
        return None if d is None else cls(**d)


@dataclass
class Location:
    name: str
    country: str | None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    precision: str | None = None  # city | region | country
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "admin1": self.admin1, "lat": self.lat,
                "lon": self.lon, "geonameid": self.geonameid, "precision": self.precision, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Location | None":
        return None if d is None else cls(**d)


@dataclass
class Event:
    event_id: str
    doc_id: str
    sentence: int
    span: list[int]
    text: str
    source: Actor | None
    target: Actor | None
    cameo: str
    root: str
    quad_class: int
    goldstein: float
    plover: dict[str, Any]
    certainty: str
    attributed_to: Actor | None = None
    date: DateValue | None = None
    location: Location | None = None
    trigger: str = ""
    coder: str = ""
    claim_id: str | None = None
    kind: str = "event"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": "event"}
        for name in ("event_id", "doc_id", "sentence", "text"):
            d[name] = getattr(self, name)
        d["span"] = list(self.span)
        d["source"] = self.source.to_dict() if self.source else None
        d["target"] = self.target.to_dict() if self.target else None
        for name in ("cameo", "root", "quad_class", "goldstein", "certainty"):
            d[name] = getattr(self, name)
        d["plover"] = dict(self.plover)
        d["attributed_to"] = self.attributed_to.to_dict() if self.attributed_to else None
        d["date"] = self.date.to_dict() if self.date else None
        d["location"] = self.location.to_dict() if self.location else None
        d["trigger"] = self.trigger
        d["coder"] = self.coder
        d["claim_id"] = self.claim_id
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        return cls(
            event_id=d["event_id"], doc_id=d["doc_id"], sentence=d["sentence"],
            span=list(d["span"]), text=d["text"],
            source=Actor.from_dict(d.get("source")), target=Actor.from_dict(d.get("target")),
            cameo=d["cameo"], root=d["root"], quad_class=d["quad_class"],
            goldstein=d["goldstein"], plover=dict(d["plover"]), certainty=d["certainty"],
            attributed_to=Actor.from_dict(d.get("attributed_to")),
            date=DateValue.from_dict(d.get("date")), location=Location.from_dict(d.get("location")),
            trigger=d.get("trigger", ""), coder=d.get("coder", ""), claim_id=d.get("claim_id"),
        )


@dataclass
class TextSpan:
    text: str
    span: list[int]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TextSpan":
        return cls(text=d["text"], span=list(d["span"]))


@dataclass
class Claim:
    claim_id: str
    doc_id: str
    speaker: Actor | None
    cue: TextSpan
    content: TextSpan
    certainty: str = "asserted"
    sentence: int = 0
    kind: str = "claim"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "claim", "claim_id": self.claim_id, "doc_id": self.doc_id,
            "sentence": self.sentence,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "cue": self.cue.to_dict(), "content": self.content.to_dict(),
            "certainty": self.certainty,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Claim":
        return cls(claim_id=d["claim_id"], doc_id=d["doc_id"],
                   speaker=Actor.from_dict(d.get("speaker")),
                   cue=TextSpan.from_dict(d["cue"]), content=TextSpan.from_dict(d["content"]),
                   certainty=d.get("certainty", "asserted"), sentence=d.get("sentence", 0))


@dataclass
class Article:
    """One input article: its text and what is known about it."""

    doc_id: str
    text: str
    date: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    path: str | None = None


Record = Event | Claim


def record_from_dict(d: dict[str, Any]) -> Record:
    """Build an Event or Claim from its JSON object (by its ``kind``)."""
    return Claim.from_dict(d) if d.get("kind") == "claim" else Event.from_dict(d)


def to_json(record: Record) -> str:
    return json.dumps(record.to_dict(), ensure_ascii=False)
