"""Writers for records: JSON lines, CSV and an aligned table for people."""
from __future__ import annotations

import csv
import json
from typing import Iterable, TextIO

from .records import Claim, Event

EVENT_COLUMNS = ["date", "source", "event", "target", "certainty", "claimed by", "evidence"]


def _actor(a) -> str:
    if a is None:
        return "-"
    return f"{a.code or '?'} ({a.text})" if a.code else a.text


def event_row(e: Event, width: int = 70) -> list[str]:
    from .coding.ontology import lookup

    name = lookup(e.cameo).name
    evidence = e.text if len(e.text) <= width else e.text[: width - 3] + "..."
    return [e.date.value if e.date else "-", _actor(e.source), f"{e.cameo} {name}", _actor(e.target),
            e.certainty, e.attributed_to.code or e.attributed_to.text if e.attributed_to else "-", evidence]


def claim_row(c: Claim, width: int = 70) -> list[str]:
    content = c.content.text if len(c.content.text) <= width else c.content.text[: width - 3] + "..."
    speaker = f"{c.speaker.text} [{c.speaker.code}]" if c.speaker and c.speaker.code else (
        c.speaker.text if c.speaker else "(unattributed)")
    return [c.doc_id, speaker, c.cue.text, content]


def table(rows: list[list[str]], header: list[str], out: TextIO, max_col: int = 40) -> None:
    clipped = [[cell if len(cell) <= max_col or i == len(r) - 1 else cell[: max_col - 3] + "..."
                for i, cell in enumerate(r)] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in clipped]) for i, h in enumerate(header)]
    widths[-1] = len(header[-1])
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in clipped:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


def write_jsonl(records: Iterable[Event | Claim], out: TextIO) -> int:
    n = 0
    for r in records:
        out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n


CSV_FIELDS = ["event_id", "doc_id", "sentence", "span_start", "span_end", "date", "date_precision",
              "source_code", "source_text", "source_country", "cameo", "root", "quad_class", "goldstein",
              "plover_type", "target_code", "target_text", "target_country", "certainty", "attributed_to",
              "location", "location_country", "lat", "lon", "trigger", "coder", "text"]


def event_csv_row(e: Event) -> dict:
    return {
        "event_id": e.event_id, "doc_id": e.doc_id, "sentence": e.sentence,
        "span_start": e.span[0], "span_end": e.span[1],
        "date": e.date.value if e.date else "", "date_precision": e.date.precision if e.date else "",
        "source_code": e.source.code if e.source else "", "source_text": e.source.text if e.source else "",
        "source_country": e.source.country if e.source else "",
        "cameo": e.cameo, "root": e.root, "quad_class": e.quad_class, "goldstein": e.goldstein,
        "plover_type": e.plover.get("type") or "",
        "target_code": e.target.code if e.target else "", "target_text": e.target.text if e.target else "",
        "target_country": e.target.country if e.target else "", "certainty": e.certainty,
        "attributed_to": (e.attributed_to.code or e.attributed_to.text) if e.attributed_to else "",
        "location": e.location.name if e.location else "", "location_country": e.location.country if e.location else "",
        "lat": e.location.lat if e.location else "", "lon": e.location.lon if e.location else "",
        "trigger": e.trigger, "coder": e.coder, "text": e.text,
    }


def csv_writer(out: TextIO) -> csv.DictWriter:
    w = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    w.writeheader()
    return w
