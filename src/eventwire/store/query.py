"""Query the store: events by actor, code, country, date and certainty; read-only SQL.

reads: the events table (and any table or view, for ``run_sql``); writes: nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from typing import TextIO

from ..config import CERTAINTIES
from ..errors import EventwireError, StoreError
from ..records import Event
from .db import open_db


@dataclass(frozen=True)
class EventFilter:
    """Which events to return. Codes match as prefixes (``USA`` matches ``USAGOV``; ``19`` matches
    ``193``); ``actor`` matches the source or the target, by code or by entity name."""

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    code: str | None = None
    root: str | None = None
    country: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    certainty: tuple[str, ...] = ()
    limit: int | None = None

    def where(self) -> tuple[str, list]:
        """The SQL condition over the events table, and its parameters."""
        conds: list[str] = []
        params: list = []

        def actor_side(side: str, value: str) -> str:
            params.extend([value.upper() + "%", value.lower()])
            return f"({side}_code LIKE ? OR lower({side}_entity) = ?)"

        if self.actor:
            conds.append(f"({actor_side('source', self.actor)} OR {actor_side('target', self.actor)})")
        if self.source:
            conds.append(actor_side("source", self.source))
        if self.target:
            conds.append(actor_side("target", self.target))
        if self.code:
            conds.append("cameo LIKE ?")
            params.append(self.code + "%")
        if self.root:
            conds.append("root = ?")
            params.append(self.root.zfill(2))
        if self.country:
            conds.append("(source_country = ? OR target_country = ? OR place_country = ?)")
            params += [self.country.upper()] * 3
        for value, op in ((self.date_from, ">="), (self.date_to, "<=")):
            if value:
                conds.append(f"day {op} ?")
                params.append(_parse_day(value))
        if self.certainty:
            bad = [c for c in self.certainty if c not in CERTAINTIES]
            if bad:
                raise EventwireError(f"unknown certainty {', '.join(bad)}; choose from {', '.join(CERTAINTIES)}")
            conds.append(f"certainty IN ({', '.join('?' * len(self.certainty))})")
            params += list(self.certainty)
        return (" AND ".join(conds) or "TRUE"), params


def _parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise EventwireError(f"dates are YYYY-MM-DD, not {value!r}") from exc


def select_events(con, f: EventFilter = EventFilter()) -> list[Event]:
    """The events matching ``f``, in date, document and position order."""
    where, params = f.where()
    sql = f"SELECT record FROM events WHERE {where} ORDER BY day NULLS LAST, doc_id, sentence, span_start"
    if f.limit:
        sql += f" LIMIT {int(f.limit)}"
    return [Event.from_dict(json.loads(r[0])) for r in con.execute(sql, params).fetchall()]


def query(db: str, f: EventFilter, fmt: str, out: TextIO) -> int:
    """Write the events of ``db`` matching ``f`` to ``out`` as a table, JSON lines or CSV; returns how many."""
    from .. import output

    con = open_db(db, read_only=True)
    try:
        events = select_events(con, f)
    finally:
        con.close()
    if fmt == "jsonl":
        output.write_jsonl(events, out)
    elif fmt == "csv":
        writer = output.csv_writer(out)
        for e in events:
            writer.writerow(output.event_csv_row(e))
    else:
        output.table([[e.doc_id[:28]] + output.event_row(e) for e in events], ["doc"] + output.EVENT_COLUMNS, out)
        out.write(f"\n{len(events)} events\n")
    return len(events)


def run_sql(db: str, sql: str) -> tuple[list[str], list[tuple]]:
    """Run ``sql`` on a read-only connection to ``db``: no writes, no files read or written."""
    con = open_db(db, read_only=True)
    try:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        try:
            cur = con.execute(sql)
        except Exception as exc:
            raise StoreError(f"the query failed: {str(exc).splitlines()[0]}") from exc
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()


def write_rows(columns: list[str], rows: list[tuple], fmt: str, out: TextIO) -> None:
    """Rows from ``run_sql`` as a table, JSON lines or CSV."""
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(dict(zip(columns, r)), ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        w = csv.writer(out)
        w.writerow(columns)
        w.writerows(rows)
    else:
        from ..output import table

        table([["" if v is None else str(v) for v in r] for r in rows], columns, out, max_col=60)
        out.write(f"\n{len(rows)} rows\n")
