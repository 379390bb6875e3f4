"""The DuckDB store: schema, writing one article with its records, and reading them back.

Tables (documented in docs/STORE.md):
  articles  one row per distinct article text (article_id = SHA-1 of the text)
  events    one row per event record; ``record`` keeps the full JSON (lossless)
  claims    one row per claim record; ``record`` keeps the full JSON
  errors    inputs and articles that could not be coded, with the reason
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from ..errors import StoreError
from ..records import Article, Claim, Event, record_from_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY, doc_id VARCHAR, title VARCHAR, published DATE,
    url VARCHAR, outlet VARCHAR, path VARCHAR, text VARCHAR,
    n_events INTEGER, n_claims INTEGER, ingested_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR, article_id VARCHAR, doc_id VARCHAR, sentence INTEGER,
    span_start INTEGER, span_end INTEGER, text VARCHAR,
    source_code VARCHAR, source_country VARCHAR, source_text VARCHAR, source_entity VARCHAR,
    target_code VARCHAR, target_country VARCHAR, target_text VARCHAR, target_entity VARCHAR,
    cameo VARCHAR, root VARCHAR, quad_class INTEGER, goldstein DOUBLE,
    plover_type VARCHAR, plover_mode VARCHAR, certainty VARCHAR,
    attributed_code VARCHAR, attributed_text VARCHAR,
    event_date VARCHAR, date_precision VARCHAR, event_day DATE,
    place VARCHAR, place_country VARCHAR, lat DOUBLE, lon DOUBLE, geonameid BIGINT,
    trigger VARCHAR, coder VARCHAR, claim_id VARCHAR, record JSON
);
CREATE TABLE IF NOT EXISTS claims (
    claim_id VARCHAR, article_id VARCHAR, doc_id VARCHAR, sentence INTEGER,
    speaker_text VARCHAR, speaker_code VARCHAR, speaker_country VARCHAR,
    cue VARCHAR, content VARCHAR, content_start INTEGER, content_end INTEGER,
    certainty VARCHAR, record JSON
);
CREATE TABLE IF NOT EXISTS errors (
    source VARCHAR, reason VARCHAR, message VARCHAR, failed_at TIMESTAMP
);
"""


def article_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def open_db(path: str | Path, read_only: bool = False):
    import duckdb

    p = str(path)
    if read_only and p != ":memory:" and not Path(p).exists():
        raise StoreError(f"no database at {p}: create it with 'eventwire ingest PATH --db {p}'")
    try:
        con = duckdb.connect(p, read_only=read_only)
    except Exception as exc:  # duckdb raises IOException, lock conflicts, ...
        raise StoreError(f"cannot open the database {p}: {exc}") from exc
    if not read_only:
        try:
            con.execute(SCHEMA)
        except Exception as exc:
            con.close()
            raise StoreError(f"cannot create the tables in {p}: {exc}") from exc
    return con


def has_article(con, aid: str) -> bool:
    return con.execute("SELECT 1 FROM articles WHERE article_id = ?", [aid]).fetchone() is not None


def _event_row(e: Event, aid: str) -> list:
    s, t, a = e.source, e.target, e.attributed_to
    day = e.date.value if e.date and e.date.precision == "day" else None
    loc = e.location
    return [e.event_id, aid, e.doc_id, e.sentence, e.span[0], e.span[1], e.text,
            s.code if s else None, s.country if s else None, s.text if s else None, s.entity if s else None,
            t.code if t else None, t.country if t else None, t.text if t else None, t.entity if t else None,
            e.cameo, e.root, e.quad_class, e.goldstein, e.plover.get("type"), e.plover.get("mode"),
            e.certainty, a.code if a else None, a.text if a else None,
            e.date.value if e.date else None, e.date.precision if e.date else None, day,
            loc.name if loc else None, loc.country if loc else None, loc.lat if loc else None,
            loc.lon if loc else None, loc.geonameid if loc else None,
            e.trigger, e.coder, e.claim_id, json.dumps(e.to_dict(), ensure_ascii=False)]


def _claim_row(c: Claim, aid: str) -> list:
    sp = c.speaker
    return [c.claim_id, aid, c.doc_id, c.sentence, sp.text if sp else None, sp.code if sp else None,
            sp.country if sp else None, c.cue.text, c.content.text, c.content.span[0], c.content.span[1],
            c.certainty, json.dumps(c.to_dict(), ensure_ascii=False)]


def write_article(con, art: Article, events: list[Event], claims: list[Claim]) -> str:
    """Store one article with its records in one transaction; returns its article_id."""
    aid = article_id(art.text)
    published = art.date if art.date and len(art.date) == 10 else None
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [aid, art.doc_id, art.title, published, art.url, art.source, art.path, art.text,
                     len(events), len(claims), dt.datetime.now()])
        if events:
            con.executemany(f"INSERT INTO events VALUES ({', '.join(['?'] * 36)})",
                            [_event_row(e, aid) for e in events])
        if claims:
            con.executemany(f"INSERT INTO claims VALUES ({', '.join(['?'] * 13)})",
                            [_claim_row(c, aid) for c in claims])
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        raise StoreError(f"cannot store {art.doc_id}: {exc}") from exc
    return aid


def write_error(con, source: str, reason: str, message: str) -> None:
    con.execute("INSERT INTO errors VALUES (?, ?, ?, ?)", [source, reason, message, dt.datetime.now()])


def read_records(con, table: str = "events", where: str = "", params: list | None = None):
    """Records back from the store, exactly as they were written."""
    if table not in ("events", "claims"):
        raise StoreError(f"no records table {table!r}")
    rows = con.execute(f"SELECT record FROM {table} {where}", params or []).fetchall()
    return [record_from_dict(json.loads(r[0])) for r in rows]


def summary_text(con, limit: int = 60) -> str:
    """The stored events as a table and counts by root code, certainty and actor."""
    import io

    from ..coding.ontology import lookup
    from ..output import event_row, table

    out = io.StringIO()
    events = read_records(con, "events", "ORDER BY doc_id, sentence, span_start LIMIT ?", [limit])
    rows = [[e.doc_id[:28]] + event_row(e, width=60) for e in events]
    from ..output import EVENT_COLUMNS

    table(rows, ["doc"] + EVENT_COLUMNS, out, max_col=30)
    n_art = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    n_ev = con.execute("SELECT count(*) FROM events").fetchone()[0]
    n_cl = con.execute("SELECT count(*) FROM claims").fetchone()[0]
    n_err = con.execute("SELECT count(*) FROM errors").fetchone()[0]
    out.write(f"\n{n_ev} events and {n_cl} claims from {n_art} articles ({n_err} inputs failed)"
              + (f"; the first {limit} events listed" if n_ev > limit else "") + "\n")
    out.write("\nby event root:\n")
    for root, n in con.execute("SELECT root, count(*) FROM events GROUP BY root ORDER BY count(*) DESC").fetchall():
        out.write(f"  {root} {lookup(root + '0').name[:45]:<45} {n:>5}\n")
    out.write("by certainty:\n")
    for c, n in con.execute("SELECT certainty, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC").fetchall():
        out.write(f"  {c:<14} {n:>5}\n")
    out.write("most active sources:\n")
    for c, n in con.execute("SELECT source_code, count(*) FROM events WHERE source_code IS NOT NULL "
                            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8").fetchall():
        out.write(f"  {c:<14} {n:>5}\n")
    return out.getvalue()
