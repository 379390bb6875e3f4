"""The DuckDB store: schema, writing articles with their records, and reading them back.

Tables and views (documented in docs/STORE.md):
  articles   one row per distinct article text (article_id = SHA-1 of the text);
             a near-duplicate has ``duplicate_of`` set to the article it repeats
  events     one row per event record; ``record`` keeps the full JSON (lossless)
  claims     one row per claim record; ``record`` keeps the full JSON
  errors     inputs and articles that could not be coded, with the reason
  minhashes  the MinHash signature of each stored article (near-duplicate detection)
  actors     (view) one row per actor in a record: source, target, attributed_to, speaker
  plus the views in VIEWS (daily counts by dyad and root, actor activity, ...)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import StoreError
from ..records import Article, Claim, Event, record_from_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY, doc_id VARCHAR, title VARCHAR, published DATE,
    url VARCHAR, outlet VARCHAR, path VARCHAR, text VARCHAR,
    n_events INTEGER, n_claims INTEGER, ingested_at TIMESTAMP,
    duplicate_of VARCHAR, similarity DOUBLE
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
    trigger VARCHAR, coder VARCHAR, claim_id VARCHAR, record JSON,
    day DATE
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
CREATE TABLE IF NOT EXISTS minhashes (
    article_id VARCHAR, signature BLOB
);
"""

# Columns added after the first release: a database made by an older eventwire gains them on open.
MIGRATIONS = """
ALTER TABLE articles ADD COLUMN IF NOT EXISTS duplicate_of VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS similarity DOUBLE;
ALTER TABLE events ADD COLUMN IF NOT EXISTS day DATE;
"""

# The common questions, as views (docs/STORE.md shows each with an example).
VIEWS = """
CREATE OR REPLACE VIEW actors AS
    SELECT article_id, event_id AS record_id, 'event' AS kind, 'source' AS role, source_text AS text,
           source_code AS code, source_country AS country, source_entity AS entity
    FROM events WHERE source_text IS NOT NULL
    UNION ALL
    SELECT article_id, event_id, 'event', 'target', target_text, target_code, target_country, target_entity
    FROM events WHERE target_text IS NOT NULL
    UNION ALL
    SELECT article_id, event_id, 'event', 'attributed_to', attributed_text, attributed_code,
           json_extract_string(record, '$.attributed_to.country'),
           json_extract_string(record, '$.attributed_to.entity')
    FROM events WHERE attributed_text IS NOT NULL
    UNION ALL
    SELECT article_id, claim_id, 'claim', 'speaker', speaker_text, speaker_code, speaker_country,
           json_extract_string(record, '$.speaker.entity')
    FROM claims WHERE speaker_text IS NOT NULL;
CREATE OR REPLACE VIEW daily_dyad_counts AS
    SELECT day, source_code, target_code, root, count(*) AS n_events, avg(goldstein) AS mean_goldstein
    FROM events GROUP BY ALL;
CREATE OR REPLACE VIEW daily_root_counts AS
    SELECT day, root, quad_class, count(*) AS n_events FROM events GROUP BY ALL;
CREATE OR REPLACE VIEW actor_activity AS
    SELECT code, country, count(*) FILTER (WHERE role = 'source') AS as_source,
           count(*) FILTER (WHERE role = 'target') AS as_target,
           count(*) FILTER (WHERE role = 'speaker') AS as_speaker,
           count(DISTINCT article_id) AS n_articles
    FROM actors WHERE code IS NOT NULL GROUP BY ALL;
CREATE OR REPLACE VIEW asserted_events AS
    SELECT * FROM events WHERE certainty = 'asserted';
CREATE OR REPLACE VIEW duplicate_articles AS
    SELECT d.article_id, d.doc_id, d.path, d.similarity, d.duplicate_of,
           o.doc_id AS original_doc_id, o.path AS original_path
    FROM articles d LEFT JOIN articles o ON o.article_id = d.duplicate_of
    WHERE d.duplicate_of IS NOT NULL;
CREATE OR REPLACE VIEW error_counts AS
    SELECT reason, count(*) AS n FROM errors GROUP BY ALL;
"""

EVENT_COLUMNS = ("event_id article_id doc_id sentence span_start span_end text source_code source_country "
                 "source_text source_entity target_code target_country target_text target_entity cameo root "
                 "quad_class goldstein plover_type plover_mode certainty attributed_code attributed_text "
                 "event_date date_precision event_day place place_country lat lon geonameid trigger coder "
                 "claim_id record day").split()
CLAIM_COLUMNS = ("claim_id article_id doc_id sentence speaker_text speaker_code speaker_country cue content "
                 "content_start content_end certainty record").split()
ARTICLE_COLUMNS = ("article_id doc_id title published url outlet path text n_events n_claims ingested_at "
                   "duplicate_of similarity").split()


@dataclass
class StoredArticle:
    """One article as it goes into the store: its records, or what it duplicates."""

    article: Article
    events: list[Event]
    claims: list[Claim]
    duplicate_of: str | None = None   # article_id of the earlier article this one repeats
    similarity: float | None = None   # estimated Jaccard similarity to that article
    signature: bytes | None = None    # MinHash signature (store/dedup.py)


def article_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def open_db(path: str | Path, read_only: bool = False):
    """A connection to the store; a writable one creates or upgrades the tables and views."""
    import duckdb

    p = str(path)
    if read_only and p != ":memory:" and not Path(p).exists():
        raise StoreError(f"no database at {p}: create it with 'eventwire ingest PATH --db {p}'")
    try:
        con = duckdb.connect(p, read_only=read_only)
    except Exception as exc:  # duckdb raises IOException, lock conflicts, ...
        raise StoreError(open_error(p, exc)) from exc
    if not read_only:
        try:
            had_day = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' "
                                  "AND column_name = 'day'").fetchone()[0]
            con.execute(SCHEMA)
            con.execute(MIGRATIONS)
            if not had_day:  # a database from before the day column: fill it once
                con.execute("UPDATE events SET day = coalesce(event_day, (SELECT published FROM articles a "
                            "WHERE a.article_id = events.article_id))")
            con.execute(VIEWS)
        except Exception as exc:
            con.close()
            raise StoreError(f"cannot create the tables in {p}: {exc}{_disk_hint(exc)}") from exc
    return con


def open_error(path: str, exc: Exception) -> str:
    """What went wrong opening ``path``, said so that the user knows what to do."""
    import re

    msg = str(exc)
    lock = re.search(r"Conflicting lock is held in (.*?) \(PID (\d+)\)", msg)
    if lock or "Could not set lock" in msg:
        who = f"process {lock.group(2)} ({Path(lock.group(1)).name})" if lock else "another process"
        return (f"the database {path} is in use by {who}: DuckDB lets one process at a time open a database "
                "for writing. Wait for that process (an ingest?) to finish, or stop it, and run this again; "
                "nothing was written")
    if "No such file or directory" in msg or "Cannot open file" in msg:
        return f"cannot open the database {path}: its folder does not exist or cannot be read ({msg})"
    if "Permission denied" in msg or "Read-only file system" in msg:
        return f"cannot open the database {path} for writing: {msg}; choose a writable place for --db"
    return f"cannot open the database {path}: {msg}"


def has_article(con, aid: str) -> bool:
    return con.execute("SELECT 1 FROM articles WHERE article_id = ?", [aid]).fetchone() is not None


def stored_articles(con, aids: list[str]) -> set[str]:
    """Which of ``aids`` are stored: one query for a block of ids (a query each costs about a ms)."""
    if not aids:
        return set()
    rows = con.execute("SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                       [list(aids)]).fetchall()
    return {r[0] for r in rows}


def _date(value: str | None) -> dt.date | None:
    if value and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _event_row(e: Event, aid: str, published: dt.date | None = None) -> list:
    s, t, a = e.source, e.target, e.attributed_to
    day = _date(e.date.value) if e.date and e.date.precision == "day" else None
    loc = e.location
    return [e.event_id, aid, e.doc_id, e.sentence, e.span[0], e.span[1], e.text,
            s.code if s else None, s.country if s else None, s.text if s else None, s.entity if s else None,
            t.code if t else None, t.country if t else None, t.text if t else None, t.entity if t else None,
            e.cameo, e.root, e.quad_class, e.goldstein, e.plover.get("type"), e.plover.get("mode"),
            e.certainty, a.code if a else None, a.text if a else None,
            e.date.value if e.date else None, e.date.precision if e.date else None, day,
            loc.name if loc else None, loc.country if loc else None, loc.lat if loc else None,
            loc.lon if loc else None, loc.geonameid if loc else None,
            e.trigger, e.coder, e.claim_id, json.dumps(e.to_dict(), ensure_ascii=False),
            day or published]


def _claim_row(c: Claim, aid: str) -> list:
    sp = c.speaker
    return [c.claim_id, aid, c.doc_id, c.sentence, sp.text if sp else None, sp.code if sp else None,
            sp.country if sp else None, c.cue.text, c.content.text, c.content.span[0], c.content.span[1],
            c.certainty, json.dumps(c.to_dict(), ensure_ascii=False)]


def write_article(con, art: Article, events: list[Event], claims: list[Claim]) -> str:
    """Store one article with its records in one transaction; returns its article_id."""
    return write_articles(con, [StoredArticle(art, events, claims)])[0]


def write_articles(con, items: list[StoredArticle], then: Callable[[], object] | None = None) -> list[str]:
    """Store articles with their records in one transaction; returns their article_ids.

    Either every article is stored with all its events and claims, or none is: a crash
    never leaves an article without its records. ``then`` runs inside the transaction after
    the rows are in (ingest fuses the story events there). Rows go in through Arrow tables
    because DuckDB inserts row by row at about half a millisecond a row.
    """
    import pyarrow as pa

    now = dt.datetime.now()
    arts, events, claims, sigs, ids = [], [], [], [], []
    for it in items:
        art = it.article
        aid = article_id(art.text)
        published = _date(art.date)
        ids.append(aid)
        arts.append([aid, art.doc_id, art.title, published, art.url, art.source, art.path, art.text,
                     len(it.events), len(it.claims), now, it.duplicate_of, it.similarity])
        events += [_event_row(e, aid, published) for e in it.events]
        claims += [_claim_row(c, aid) for c in it.claims]
        if it.signature is not None:
            sigs.append([aid, it.signature])

    def insert(table: str, columns: list[str], rows: list[list]) -> None:
        if not rows:
            return
        data = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
        con.register("_ew_rows", data)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _ew_rows")
        finally:
            con.unregister("_ew_rows")

    con.execute("BEGIN TRANSACTION")
    try:
        insert("articles", ARTICLE_COLUMNS, arts)
        insert("events", EVENT_COLUMNS, events)
        insert("claims", CLAIM_COLUMNS, claims)
        insert("minhashes", ["article_id", "signature"], sigs)
        if then is not None:
            then()
        con.execute("COMMIT")
    except Exception as exc:
        try:
            con.execute("ROLLBACK")
        except Exception:  # a full disk or a lost file can leave no transaction to roll back
            pass
        names = ", ".join(it.article.doc_id for it in items[:3]) + (" ..." if len(items) > 3 else "")
        raise StoreError(f"cannot store {names}: {exc}{_disk_hint(exc)}; what was committed before is "
                         "kept, and a rerun of the same command goes on from there") from exc
    return ids


def _disk_hint(exc: Exception) -> str:
    msg = str(exc)
    if "No space left" in msg or "Disk quota" in msg:
        return " (the disk is full: free space or move the database)"
    if "File too large" in msg:
        return " (a file-size limit was reached, ulimit -f: raise it or move the database)"
    return ""


def write_error(con, source: str, reason: str, message: str) -> None:
    con.execute("INSERT INTO errors VALUES (?, ?, ?, ?)", [source, reason, message, dt.datetime.now()])


def write_errors(con, rows: list[tuple[str, str, str, dt.datetime]]) -> None:
    """Insert (source, reason, message, failed_at) rows at once (a single insert commits in ms)."""
    if not rows:
        return
    import pyarrow as pa

    data = pa.table({name: [r[i] for r in rows] for i, name in enumerate(("source", "reason", "message",
                                                                          "failed_at"))})
    con.register("_ew_errors", data)
    try:
        con.execute("INSERT INTO errors BY NAME SELECT * FROM _ew_errors")
    except Exception as exc:
        raise StoreError(f"cannot record {len(rows)} failed inputs in the errors table: {exc}"
                         f"{_disk_hint(exc)}") from exc
    finally:
        con.unregister("_ew_errors")


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
