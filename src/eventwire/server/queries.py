"""Read-only queries behind the HTTP API: filters to parameterized SQL, and the result shapes.

reads: the DuckDB store (tables articles, events, claims, errors; story_events when present);
writes: nothing. User input only ever reaches DuckDB as a bound parameter; column
names and sort keys come from the fixed tables below.

An event's day is its own date when the text gave one to the day, else the day its
article was published (``coalesce(events.event_day, articles.published)``).

The lists read ``ev``, a slim copy of the events table (no JSON record) with that day
and ``pos``, the rank in the default order (newest first), built in memory when the
server starts (``working_copy``): no join per request. DuckDB filters, sorts and counts
``ev``; the page itself comes from an Arrow copy of the listed columns, whose row ``pos``
is the event ranked ``pos`` (``EventPages``): no SQL at all for a page of the default order,
and one query per filter and sort, whose order is kept (``Orderings``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

DAY = "e.day_"
EVENTS_FROM = "ev e"
WORKING_SQL = """CREATE OR REPLACE TABLE memory.main.ev AS
    SELECT row_number() OVER (ORDER BY coalesce(e.event_day, a.published) DESC NULLS LAST, e.event_id) - 1 AS pos,
           e.* EXCLUDE (record), coalesce(e.event_day, a.published) AS day_
    FROM store.main.events e LEFT JOIN store.main.articles a ON a.article_id = e.article_id
    ORDER BY pos"""


def working_copy(con):
    """Build ``memory.main.ev`` from the attached read-only ``store`` (see the module docstring);
    returns the listed fields (EVENT_COLUMNS) of every event as an Arrow table in ``pos`` order."""
    con.execute(WORKING_SQL)
    cols = ", ".join(f"e.{col} AS {name}" for name, col in EVENT_COLUMNS.items())
    return con.sql(f"SELECT {cols} FROM memory.main.ev e ORDER BY e.pos").to_arrow_table().combine_chunks()


# a listed event (/events): field -> column of ev
EVENT_COLUMNS = {
    "event_id": "event_id", "doc_id": "doc_id", "article_id": "article_id", "day": "day_",
    "date": "event_date", "date_precision": "date_precision",
    "source_code": "source_code", "source_text": "source_text", "source_country": "source_country",
    "cameo": "cameo", "root": "root", "quad_class": "quad_class", "goldstein": "goldstein",
    "plover_type": "plover_type", "target_code": "target_code", "target_text": "target_text",
    "target_country": "target_country", "certainty": "certainty", "attributed_code": "attributed_code",
    "attributed_text": "attributed_text", "place": "place", "place_country": "place_country",
    "lat": "lat", "lon": "lon", "trigger": "trigger", "coder": "coder", "text": "text",
}
# sort key -> SQL; a leading '-' in the request means descending. event_id breaks ties.
SORTS = {"date": DAY, "goldstein": "e.goldstein", "source": "e.source_code", "target": "e.target_code",
         "cameo": "e.cameo", "certainty": "e.certainty", "event_id": "e.event_id"}
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


@dataclass
class EventFilter:
    """What /events, /dyads, /timeline and /places share: every field is optional."""

    actor: str | None = None        # source or target code starts with this
    source: str | None = None       # source code starts with this
    target: str | None = None
    country: str | None = None      # source, target or place country equals this
    code: str | None = None         # CAMEO code starts with this
    root: list[str] = field(default_factory=list)
    quad: list[int] = field(default_factory=list)
    certainty: list[str] = field(default_factory=list)
    plover: str | None = None
    doc: str | None = None          # doc_id or article_id
    q: str | None = None            # words in the evidence or the actors' text
    date_from: date | None = None
    date_to: date | None = None

    def where(self) -> tuple[str, list[Any]]:
        conds: list[str] = []
        params: list[Any] = []

        def add(sql: str, *values: Any) -> None:
            conds.append(sql)
            params.extend(values)

        if self.actor:
            add("(starts_with(e.source_code, ?) OR starts_with(e.target_code, ?))", self.actor, self.actor)
        if self.source:
            add("starts_with(e.source_code, ?)", self.source)
        if self.target:
            add("starts_with(e.target_code, ?)", self.target)
        if self.country:
            add("(e.source_country = ? OR e.target_country = ? OR e.place_country = ?)", *[self.country] * 3)
        if self.code:
            add("starts_with(e.cameo, ?)", self.code)
        if self.root:
            add(f"e.root IN ({', '.join('?' * len(self.root))})", *self.root)
        if self.quad:
            add(f"e.quad_class IN ({', '.join('?' * len(self.quad))})", *self.quad)
        if self.certainty:
            add(f"e.certainty IN ({', '.join('?' * len(self.certainty))})", *self.certainty)
        if self.plover:
            add("e.plover_type = ?", self.plover)
        if self.doc:
            add("(e.doc_id = ? OR e.article_id = ?)", self.doc, self.doc)
        if self.q:
            like = "%" + re.sub(r"([%_\\])", r"\\\1", self.q) + "%"
            add("(e.text ILIKE ? ESCAPE '\\' OR e.source_text ILIKE ? ESCAPE '\\' "
                "OR e.target_text ILIKE ? ESCAPE '\\')", like, like, like)
        if self.date_from:
            add(f"{DAY} >= ?", self.date_from)
        if self.date_to:
            add(f"{DAY} <= ?", self.date_to)
        return ("WHERE " + " AND ".join(conds)) if conds else "", params


@lru_cache(maxsize=4096)
def cameo_name(code: str | None) -> str | None:
    """The codebook name of a CAMEO code, or None for a code the codebook lacks."""
    from ..coding.ontology import lookup
    from ..errors import ConfigError

    if not code:
        return None
    try:
        return lookup(code).name
    except ConfigError:
        return None


def _rows(cur, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    res = cur.execute(sql, params)
    names = [d[0] for d in res.description]
    return [dict(zip(names, row)) for row in res.fetchall()]


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


def order_by(sort: str) -> str:
    if sort == "-date":
        return "ORDER BY e.pos"
    key = sort.lstrip("-")
    direction = "DESC" if sort.startswith("-") else "ASC"
    return f"ORDER BY {SORTS[key]} {direction} NULLS LAST, e.event_id"


ORDERINGS_KEPT = 64


class Orderings:
    """The order of recent selections (positions ``pos`` in sort order), kept per app: the store
    is read-only, so a selection's order never changes, a page is a slice of it and its length
    is the selection's total. Kept per filter and sort, never per page."""

    def __init__(self, kept: int = ORDERINGS_KEPT):
        self.kept = kept
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.ordering: dict = {}  # key -> a lock held while one thread orders that selection

    def get(self, cur, where: str, params: list[Any], sort: str):
        """A numpy array of positions (int64), the whole selection in order; with ``cur`` None,
        only a kept one (None when the selection has not been ordered yet).

        Requests for a selection that is being ordered wait for that ordering instead of
        ordering it again (fifty clients opening the same new view cost one sort, not fifty).
        """
        key = (where, tuple(params), sort)
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
                return hit
            if cur is None:
                return None
            busy = self.ordering.setdefault(key, threading.Lock())
        with busy:
            with self.lock:
                hit = self.items.get(key)
            if hit is not None:
                return hit
            got = cur.execute(f"SELECT e.pos FROM {EVENTS_FROM} {where} {order_by(sort)}", params).fetchnumpy()["pos"]
            with self.lock:
                self.items[key] = got
                while len(self.items) > self.kept:
                    self.items.popitem(last=False)
                self.ordering.pop(key, None)
        return got


class EventPages:
    """Pages of /events from ``listed``, what ``working_copy`` returns (row ``pos`` = rank ``pos``).

    The default order needs no query: a page is a slice of the table. Any other selection
    is ordered once by DuckDB (``Orderings``) and a page takes its rows by position.
    """

    def __init__(self, listed, orderings: Orderings | None = None):
        self.total = listed.num_rows
        self.listed = listed
        self.orderings = orderings if orderings is not None else Orderings()
        self.listed.take([0] if self.total else [])  # pyarrow loads its take kernel on first use

    def page(self, cur, flt: EventFilter, sort: str, limit: int, offset: int) -> dict[str, Any] | None:
        """A page as /events lists it (``day`` is a ``datetime.date``; orjson writes it as YYYY-MM-DD).
        With ``cur`` None, only a page that needs no query, else None."""
        where, params = flt.where()
        if not where and sort == "-date":
            rows = self.listed.slice(offset, limit).to_pylist() if offset < self.total else []
            total = self.total
        else:
            order = self.orderings.get(cur, where, params, sort)
            if order is None:
                return None
            rows = self.listed.take(order[offset:offset + limit]).to_pylist() if offset < len(order) else []
            total = len(order)
        for r in rows:
            r["cameo_name"] = cameo_name(r["cameo"])
        return {"total": total, "limit": limit, "offset": offset, "sort": sort, "events": rows}


def event_records(cur, flt: EventFilter, sort: str, limit: int, offset: int):
    """The full records of the selection (for CSV export), in order."""
    from ..records import record_from_dict

    where, params = flt.where()
    res = cur.execute(f"SELECT r.record FROM {EVENTS_FROM} JOIN events r ON r.event_id = e.event_id "
                      f"AND r.article_id = e.article_id {where} {order_by(sort)} LIMIT ? OFFSET ?",
                      params + [limit, offset])
    while True:
        chunk = res.fetchmany(2000)
        if not chunk:
            return
        for (rec,) in chunk:
            yield record_from_dict(json.loads(rec))


def _find(text: str, needle: str, start: int, end: int) -> list[int] | None:
    """Where ``needle`` occurs as whole words in text[start:end] (first occurrence), or None."""
    if not needle:
        return None
    m = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", re.IGNORECASE).search(text, start, end)
    return [m.start(), m.end()] if m else None


def highlights(record: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The spans to mark in the article for one event: evidence, source, target, trigger, speaker."""
    s, e = record["span"]
    marks = [{"kind": "evidence", "start": s, "end": e}]
    for role in ("source", "target", "attributed_to"):
        actor = record.get(role)
        if not actor:
            continue
        span = actor.get("span") or _find(text, actor.get("text") or "", s, e) or _find(
            text, actor.get("text") or "", 0, len(text))
        if span:
            marks.append({"kind": "speaker" if role == "attributed_to" else role, "start": span[0], "end": span[1]})
    for word in re.split(r"\s*\.\.\.\s*|\s*…\s*", record.get("trigger") or ""):
        span = _find(text, word.strip(), s, e)
        if span:
            marks.append({"kind": "trigger", "start": span[0], "end": span[1]})
    return marks


def _article(cur, key: str) -> dict[str, Any] | None:
    rows = _rows(cur, "SELECT article_id, doc_id, title, published, url, outlet, text, n_events, n_claims "
                      "FROM articles WHERE article_id = ? OR doc_id = ? ORDER BY article_id LIMIT 1", [key, key])
    return _jsonable(rows[0]) if rows else None


def event_detail(cur, event_id: str) -> dict[str, Any] | None:
    row = cur.execute("SELECT record, article_id FROM events WHERE event_id = ? LIMIT 1", [event_id]).fetchone()
    if row is None:
        return None
    record = json.loads(row[0])
    art = _rows(cur, "SELECT article_id, doc_id, title, published, url, outlet, text FROM articles "
                     "WHERE article_id = ?", [row[1]])
    article = _jsonable(art[0]) if art else None
    claim = None
    if record.get("claim_id"):
        c = cur.execute("SELECT record FROM claims WHERE claim_id = ? AND article_id = ? LIMIT 1",
                        [record["claim_id"], row[1]]).fetchone()
        claim = json.loads(c[0]) if c else None
    return {"event": record, "cameo_name": cameo_name(record["cameo"]),
            "quad_name": QUAD_NAMES.get(record.get("quad_class")), "rule": record.get("coder"),
            "article": article, "claim": claim,
            "highlights": highlights(record, article["text"]) if article else []}


def article_detail(cur, key: str) -> dict[str, Any] | None:
    art = _article(cur, key)
    if art is None:
        return None
    evs = [json.loads(r[0]) for r in cur.execute(
        "SELECT record FROM events WHERE article_id = ? ORDER BY span_start, event_id", [art["article_id"]]).fetchall()]
    cls = [json.loads(r[0]) for r in cur.execute(
        "SELECT record FROM claims WHERE article_id = ? ORDER BY content_start, claim_id",
        [art["article_id"]]).fetchall()]
    spans = []
    for ev in evs:
        spans.append({"kind": "event", "id": ev["event_id"], "start": ev["span"][0], "end": ev["span"][1],
                      "cameo": ev["cameo"], "quad_class": ev["quad_class"]})
    for c in cls:
        spans.append({"kind": "claim", "id": c["claim_id"], "start": c["content"]["span"][0],
                      "end": c["content"]["span"][1]})
    return {"article": art, "events": evs, "claims": cls, "spans": spans}


@dataclass
class ClaimFilter:
    speaker: str | None = None      # speaker code starts with this
    q: str | None = None            # words in the content or the speaker's text
    doc: str | None = None
    certainty: list[str] = field(default_factory=list)

    def where(self) -> tuple[str, list[Any]]:
        conds, params = [], []
        if self.speaker:
            conds.append("starts_with(c.speaker_code, ?)")
            params.append(self.speaker)
        if self.q:
            like = "%" + re.sub(r"([%_\\])", r"\\\1", self.q) + "%"
            conds.append("(c.content ILIKE ? ESCAPE '\\' OR c.speaker_text ILIKE ? ESCAPE '\\')")
            params += [like, like]
        if self.doc:
            conds.append("(c.doc_id = ? OR c.article_id = ?)")
            params += [self.doc, self.doc]
        if self.certainty:
            conds.append(f"c.certainty IN ({', '.join('?' * len(self.certainty))})")
            params += self.certainty
        return ("WHERE " + " AND ".join(conds)) if conds else "", params


CLAIM_COLUMNS = ["claim_id", "doc_id", "article_id", "sentence", "speaker_text", "speaker_code",
                 "speaker_country", "cue", "content", "content_start", "content_end", "certainty"]


def claims(cur, flt: ClaimFilter, limit: int, offset: int) -> dict[str, Any]:
    where, params = flt.where()
    cols = ", ".join(f"c.{c}" for c in CLAIM_COLUMNS)
    rows = _rows(cur, f"SELECT {cols}, a.published FROM claims c LEFT JOIN articles a USING (article_id) "
                      f"{where} ORDER BY a.published DESC NULLS LAST, c.doc_id, c.sentence, c.claim_id "
                      "LIMIT ? OFFSET ?", params + [limit, offset])
    n = cur.execute(f"SELECT count(*) FROM claims c {where}", params).fetchone()[0]
    return {"total": n, "limit": limit, "offset": offset, "claims": [_jsonable(r) for r in rows]}


def actors(cur, q: str | None, limit: int) -> dict[str, Any]:
    """Actors by the number of events they take part in, as source or as target."""
    params: list[Any] = []
    cond = ""
    if q:
        like = "%" + re.sub(r"([%_\\])", r"\\\1", q) + "%"
        cond = "WHERE code ILIKE ? ESCAPE '\\' OR name ILIKE ? ESCAPE '\\'"
        params = [like, like]
    sql = f"""
        WITH roles AS (
            SELECT source_code AS code, source_entity AS entity, source_text AS text, 1 AS as_source, 0 AS as_target
            FROM events WHERE source_code IS NOT NULL
            UNION ALL
            SELECT target_code, target_entity, target_text, 0, 1 FROM events WHERE target_code IS NOT NULL
        ), agg AS (
            SELECT code, coalesce(mode(entity), mode(text)) AS name, sum(as_source)::BIGINT AS as_source,
                   sum(as_target)::BIGINT AS as_target, count(*) AS events
            FROM roles GROUP BY code
        )
        SELECT * FROM agg {cond} ORDER BY events DESC, code LIMIT ?"""
    return {"actors": _rows(cur, sql, params + [limit])}


def dyads(cur, flt: EventFilter, limit: int) -> dict[str, Any]:
    where, params = flt.where()
    extra = ("AND" if where else "WHERE") + " e.source_code IS NOT NULL AND e.target_code IS NOT NULL"
    sql = f"""SELECT e.source_code AS source, e.target_code AS target, count(*) AS events,
                     count(*) FILTER (WHERE e.quad_class = 1) AS q1, count(*) FILTER (WHERE e.quad_class = 2) AS q2,
                     count(*) FILTER (WHERE e.quad_class = 3) AS q3, count(*) FILTER (WHERE e.quad_class = 4) AS q4,
                     round(avg(e.goldstein), 2) AS goldstein
              FROM {EVENTS_FROM} {where} {extra}
              GROUP BY 1, 2 ORDER BY events DESC, source, target LIMIT ?"""
    rows = _rows(cur, sql, params + [limit])
    for r in rows:
        counts = [r["q1"], r["q2"], r["q3"], r["q4"]]
        r["quad_class"] = counts.index(max(counts)) + 1
    return {"dyads": rows}


def timeline(cur, flt: EventFilter, interval: str, by: str) -> dict[str, Any]:
    where, params = flt.where()
    bucket = DAY if interval == "day" else f"date_trunc('{'week' if interval == 'week' else 'month'}', {DAY})"
    group = {"quad": "e.quad_class", "root": "e.root", "cooperation":
             "CASE WHEN e.quad_class <= 2 THEN 'cooperation' ELSE 'conflict' END"}[by]
    extra = ("AND" if where else "WHERE") + f" {DAY} IS NOT NULL"
    rows = cur.execute(f"SELECT CAST({bucket} AS DATE) AS t, {group} AS g, count(*) FROM {EVENTS_FROM} "
                       f"{where} {extra} GROUP BY 1, 2 ORDER BY 1, 2", params).fetchall()
    series: dict[str, dict[str, int]] = {}
    for t, g, n in rows:
        series.setdefault(str(g), {})[t.isoformat()] = n
    return {"interval": interval, "by": by, "buckets": sorted({t.isoformat() for t, _, _ in rows}),
            "series": series}


def places(cur, flt: EventFilter, limit: int) -> dict[str, Any]:
    """Event places: points where the gazetteer gave coordinates, counts by country for the rest."""
    where, params = flt.where()
    pts = _rows(cur, f"""SELECT e.place AS name, e.place_country AS country, round(e.lat, 2) AS lat,
                                round(e.lon, 2) AS lon, count(*) AS events,
                                count(*) FILTER (WHERE e.quad_class >= 3) AS conflict
                         FROM {EVENTS_FROM} {where} {"AND" if where else "WHERE"} e.lat IS NOT NULL
                         GROUP BY 1, 2, 3, 4 ORDER BY events DESC, name LIMIT ?""", params + [limit])
    countries = _rows(cur, f"""SELECT coalesce(e.place_country, e.target_country, e.source_country) AS country,
                                      count(*) AS events
                               FROM {EVENTS_FROM} {where} GROUP BY 1 HAVING country IS NOT NULL
                               ORDER BY events DESC, country LIMIT ?""", params + [limit])
    return {"points": pts, "countries": countries}


def stories(cur, limit: int, offset: int) -> dict[str, Any]:
    tables = {r[0] for r in cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'store'").fetchall()}
    if "story_events" not in tables:
        return {"stories": [], "note": "no stories in this database: story fusion has not been run on it "
                                       "(the story_events table is missing)"}
    cols = {r[0] for r in cur.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_catalog = 'store' AND table_name = 'story_events'").fetchall()}
    if not {"story_id", "event_id"} <= cols:
        return {"stories": [], "note": "story_events has no story_id/event_id columns; this server cannot read it"}
    rows = _rows(cur, f"""SELECT s.story_id, count(*) AS events, min({DAY}) AS first_day, max({DAY}) AS last_day,
                                 list(DISTINCT e.root ORDER BY e.root) AS roots,
                                 list(s.event_id ORDER BY s.event_id)[1:20] AS event_ids
                          FROM story_events s JOIN ev e ON e.event_id = s.event_id
                          GROUP BY s.story_id ORDER BY events DESC, s.story_id LIMIT ? OFFSET ?""", [limit, offset])
    return {"stories": [_jsonable(r) for r in rows]}


def stats(cur) -> dict[str, Any]:
    one = cur.execute(f"""SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events),
                                 (SELECT count(*) FROM claims), (SELECT count(*) FROM errors),
                                 (SELECT min({DAY}) FROM {EVENTS_FROM}), (SELECT max({DAY}) FROM {EVENTS_FROM})""").fetchone()
    def counts(col: str) -> list[dict[str, Any]]:
        return [{"key": k, "events": n} for k, n in cur.execute(
            f"SELECT {col}, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST").fetchall()]

    roots = counts("root")
    for r in roots:
        r["name"] = cameo_name(r["key"] + "0") if r["key"] else None
    return {"articles": one[0], "events": one[1], "claims": one[2], "errors": one[3],
            "first_day": one[4].isoformat() if one[4] else None, "last_day": one[5].isoformat() if one[5] else None,
            "by_root": roots, "by_quad": counts("quad_class"), "by_certainty": counts("certainty")}
