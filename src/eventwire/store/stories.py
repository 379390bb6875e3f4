"""Story events in DuckDB: the fusion stage kept up to date as articles are ingested.

reads: the events and articles tables (through the records of each new article);
writes: the mentions and story_events tables, and the event_story_counts view.

Tables (documented in docs/STORE.md):
  mentions       one row per stored event record: its fusion features and its story_id
  story_events   one row per real event: counts (num_mentions, num_articles,
                 num_sources), first_seen, best date and place, accounts side by side
  event_story_counts (view)  article_id, event_id -> story_id and the three counts,
                 for exports that fill GDELT's NumMentions, NumSources, NumArticles

``update_stories`` links one article's events to the stored mentions (the same
link test as ``eventwire.fuse.StoryIndex``) and rewrites only the stories it
touches; ``rebuild_stories`` recomputes everything from the events table. Both
give the same story events whatever the order the articles came in.
"""
from __future__ import annotations

import json
from dataclasses import fields
from typing import Sequence

from ..errors import StoreError
from ..fuse import (FuseSettings, Mention, StoryEvent, StoryIndex, linked, mentions_from_events, story_id_for,
                    summarise)
from ..records import Article, Event

MENTION_COLUMNS = [f.name for f in fields(Mention)]
STORY_COLUMNS = [f.name for f in fields(StoryEvent) if f.name != "mentions"]

_SQL_TYPES = {
    "published": "VARCHAR", "day": "INTEGER", "day_exact": "BOOLEAN", "lat": "DOUBLE", "lon": "DOUBLE",
    "figures": "JSON", "sig": "BLOB", "span_start": "INTEGER", "num_mentions": "INTEGER",
    "num_articles": "INTEGER", "num_sources": "INTEGER", "date_support": "INTEGER",
    "place_support": "INTEGER", "accounts": "JSON", "conflicts": "JSON", "first_seen": "VARCHAR",
    "last_seen": "VARCHAR",
}
_JSON = {"figures", "accounts", "conflicts"}


def _columns(names: Sequence[str]) -> str:
    return ", ".join(f"{n} {_SQL_TYPES.get(n, 'VARCHAR')}" for n in names)


SCHEMA = f"""
CREATE TABLE IF NOT EXISTS mentions ({_columns(MENTION_COLUMNS)});
CREATE TABLE IF NOT EXISTS story_events ({_columns(STORY_COLUMNS)}, anchor VARCHAR);
CREATE VIEW IF NOT EXISTS event_story_counts AS
    SELECT m.article_id, m.event_id, m.mention_id, s.story_id, s.num_mentions, s.num_sources, s.num_articles
    FROM mentions m JOIN story_events s USING (story_id);
"""


def ensure_tables(con) -> None:
    """Create the mentions and story_events tables when they are missing."""
    try:
        con.execute(SCHEMA)
    except Exception as exc:
        raise StoreError(f"cannot create the story tables: {exc}") from exc


def has_tables(con) -> bool:
    rows = con.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_name IN ('mentions', 'story_events')").fetchall()
    return len(rows) == 2


def _mention_row(m: Mention) -> list:
    return [json.dumps(getattr(m, c)) if c in _JSON else getattr(m, c) for c in MENTION_COLUMNS]


def _mention(row) -> Mention:
    d = dict(zip(MENTION_COLUMNS, row))
    d["figures"] = json.loads(d["figures"]) if d["figures"] else []
    d["sig"] = bytes(d["sig"]) if d["sig"] is not None else b""
    return Mention(**d)


def _story_row(st: StoryEvent, anchor: str) -> list:
    return [json.dumps(getattr(st, c), ensure_ascii=False) if c in _JSON else getattr(st, c)
            for c in STORY_COLUMNS] + [anchor]


def _insert(con, table: str, columns: list[str], rows: list[list]) -> None:
    """Insert rows through an Arrow table (DuckDB inserts row by row at about 0.5 ms a row)."""
    import pyarrow as pa

    if not rows:
        return
    con.register("_ew_story_rows", pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)}))
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _ew_story_rows")
    finally:
        con.unregister("_ew_story_rows")


def _candidates(con, new: list[Mention], settings: FuseSettings) -> list[Mention]:
    """Stored mentions that could link to the new ones: a superset of what ``linked`` accepts."""
    w = max(settings.report_lag, settings.day_window)
    keys = sorted({(m.family, d) for m in new if m.day is not None for d in range(m.day - w, m.day + w + 1)})
    dyads = sorted({m.dyad_key for m in new if m.dyad_key})
    if not keys and not dyads:
        return []
    import pyarrow as pa

    cols = ", ".join(f"m.{c}" for c in MENTION_COLUMNS)
    con.register("_ew_keys", pa.table({"family": [k[0] for k in keys], "day": [k[1] for k in keys]},
                                      schema=pa.schema([("family", pa.string()), ("day", pa.int64())])))
    con.register("_ew_dyads", pa.table({"dyad_key": dyads}, schema=pa.schema([("dyad_key", pa.string())])))
    try:
        rows = con.execute(
            f"SELECT {cols} FROM mentions m JOIN _ew_keys k ON m.family = k.family AND m.day = k.day "
            f"UNION SELECT {cols} FROM mentions m JOIN _ew_dyads d ON m.dyad_key = d.dyad_key").fetchall()
    finally:
        con.unregister("_ew_keys")
        con.unregister("_ew_dyads")
    return [_mention(r) for r in rows]


def update_stories_many(con, items: Sequence[tuple[str, Article, Sequence[Event]]],
                        settings: FuseSettings = FuseSettings(), transaction: bool = True) -> int:
    """Fuse stored articles, given as (article_id, article, events), into the story events.

    Call it after the articles and their records are written (``store/ingest.py`` does, for
    each batch, inside the transaction that stores the batch: ``transaction=False`` leaves
    BEGIN and COMMIT to the caller, so a kill never stores articles without their mentions).
    Only the stories the new mentions join are rewritten. Returns the number of stories written.
    """
    ensure_tables(con)
    new: list[Mention] = []
    for aid, article, events in items:
        new += mentions_from_events(list(events), article, aid)
    if not new:
        return 0
    stored = _candidates(con, new, settings)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    # the new mentions against the stored ones, then against each other (a StoryIndex of the batch)
    batch = StoryIndex(settings)
    for m in new:
        find("m:" + m.mention_id)
    for m in new:
        for c in stored:
            if c.article_id != m.article_id and linked(m, c, settings):
                union("m:" + m.mention_id, "s:" + c.story_id)
    by_article: dict[str, list[Mention]] = {}
    for m in new:
        by_article.setdefault(m.article_id, []).append(m)
    for group in by_article.values():
        for m in group:
            for c in batch.candidates(m):
                if linked(m, c, settings):
                    union("m:" + m.mention_id, "m:" + c.mention_id)
        for i, m in enumerate(group):
            for o in group[i + 1:]:
                if linked(m, o, settings):
                    union("m:" + m.mention_id, "m:" + o.mention_id)
        batch.add_unlinked(group)

    old_ids = sorted({k[2:] for k in parent if k.startswith("s:")})
    anchors = dict(con.execute(
        f"SELECT story_id, anchor FROM story_events WHERE story_id IN ({', '.join('?' * len(old_ids))})",
        old_ids).fetchall()) if old_ids else {}
    components: dict[str, list[str]] = {}
    for k in list(parent):
        components.setdefault(find(k), []).append(k)
    renames: list[list[str]] = []          # [old story_id, new story_id]
    touched: dict[str, str] = {}           # new story_id -> anchor
    by_id = {m.mention_id: m for m in new}
    for members in components.values():
        anchor = min(anchors[k[2:]] if k.startswith("s:") else k[2:] for k in members)
        sid = story_id_for(anchor)
        touched[sid] = anchor
        for k in members:
            if k.startswith("s:"):
                if k[2:] != sid:
                    renames.append([k[2:], sid])
            else:
                by_id[k[2:]].story_id = sid
    if transaction:
        con.execute("BEGIN TRANSACTION")
    try:
        _insert(con, "mentions", MENTION_COLUMNS, [_mention_row(m) for m in new])
        if renames:
            import pyarrow as pa

            con.register("_ew_renames", pa.table({"old": [r[0] for r in renames], "new": [r[1] for r in renames]}))
            try:
                con.execute("UPDATE mentions SET story_id = r.new FROM _ew_renames r "
                            "WHERE mentions.story_id = r.old")
            finally:
                con.unregister("_ew_renames")
        gone = sorted({r[0] for r in renames} | set(touched))
        con.execute(f"DELETE FROM story_events WHERE story_id IN ({', '.join('?' * len(gone))})", gone)
        sids = sorted(touched)
        members: dict[str, list[Mention]] = {}
        for r in con.execute(f"SELECT {', '.join(MENTION_COLUMNS)} FROM mentions "
                             f"WHERE story_id IN ({', '.join('?' * len(sids))})", sids).fetchall():
            m = _mention(r)
            members.setdefault(m.story_id, []).append(m)
        _insert(con, "story_events", STORY_COLUMNS + ["anchor"],
                [_story_row(summarise(members[sid]), touched[sid]) for sid in sids])
        if transaction:
            con.execute("COMMIT")
    except Exception as exc:
        if not transaction:
            raise
        try:
            con.execute("ROLLBACK")
        except Exception:  # a full disk can leave no transaction to roll back
            pass
        raise StoreError(f"cannot update the story events: {exc}; "
                         f"rebuild them with 'eventwire query --db FILE --stories --rebuild'") from exc
    return len(touched)


def update_stories(con, article_id: str, article: Article, events: Sequence[Event],
                   settings: FuseSettings = FuseSettings()) -> int:
    """Fuse one stored article's events into the story events (see ``update_stories_many``)."""
    return update_stories_many(con, [(article_id, article, events)], settings)


def rebuild_stories(con, settings: FuseSettings = FuseSettings()) -> int:
    """Recompute mentions and story events from the stored events; returns the number of stories."""
    from .db import read_records

    ensure_tables(con)
    con.execute("DELETE FROM mentions")
    con.execute("DELETE FROM story_events")
    arts = con.execute("SELECT article_id, doc_id, text, CAST(published AS VARCHAR), title, url, outlet "
                       "FROM articles ORDER BY article_id").fetchall()
    for start in range(0, len(arts), 64):
        items = []
        for aid, doc_id, text, published, title, url, outlet in arts[start:start + 64]:
            events = read_records(con, "events", "WHERE article_id = ? ORDER BY sentence, span_start, event_id",
                                  [aid])
            items.append((aid, Article(doc_id, text, published, title, url, outlet), events))
        update_stories_many(con, items, settings)
    return con.execute("SELECT count(*) FROM story_events").fetchone()[0]


def read_stories(con, limit: int | None = None, min_articles: int = 1, where: str = "",
                 params: Sequence = ()) -> list[StoryEvent]:
    """Story events, the most reported first, each with its mention ids.

    ``where`` adds SQL conditions on story_events columns (joined with AND), with ``params``.
    """
    if not has_tables(con):
        raise StoreError("this database has no story events: build them with "
                         "'eventwire query --db FILE --stories --rebuild'")
    sql = (f"SELECT {', '.join(STORY_COLUMNS)} FROM story_events WHERE num_articles >= ? "
           + (f"AND ({where}) " if where else "")
           + "ORDER BY num_articles DESC, num_mentions DESC, first_seen, story_id")
    params = [min_articles, *params]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    out = []
    for row in con.execute(sql, params).fetchall():
        d = dict(zip(STORY_COLUMNS, row))
        for c in _JSON:
            d[c] = json.loads(d[c]) if d[c] else {}
        st = StoryEvent(**d)
        st.mentions = [r[0] for r in con.execute(
            "SELECT mention_id FROM mentions WHERE story_id = ? ORDER BY mention_id", [st.story_id]).fetchall()]
        out.append(st)
    return out


def stories_text(con, limit: int | None = 40, min_articles: int = 1, where: str = "", params: Sequence = ()) -> str:
    """The story events as a table for people, with conflicting accounts under the table."""
    import io

    from ..output import table

    out = io.StringIO()
    stories = read_stories(con, limit, min_articles, where, params)
    rows = [[st.story_id, st.date or st.first_seen or "-", st.source_code or "-", st.cameo, st.target_code or "-",
             st.place or "-", str(st.num_mentions), str(st.num_articles), str(st.num_sources), st.certainty,
             st.text] for st in stories]
    table(rows, ["story", "date", "source", "cameo", "target", "place", "mentions", "articles", "sources",
                 "certainty", "evidence"], out, max_col=50)
    for st in stories:
        if st.conflicts:
            out.write(f"{st.story_id} conflicting accounts: {json.dumps(st.conflicts, ensure_ascii=False)}\n")
    n = con.execute("SELECT count(*), count(*) FILTER (WHERE num_articles > 1) FROM story_events").fetchone()
    m = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
    out.write(f"\n{n[0]} story events from {m} event mentions; {n[1]} reported by more than one article\n")
    return out.getvalue()


def story_filter(actor: str | None = None, source: str | None = None, target: str | None = None,
                 root: str | None = None, code: str | None = None, date_from: str | None = None,
                 date_to: str | None = None) -> tuple[str, list]:
    """SQL conditions on story_events for the query filters (codes by prefix, entities exactly)."""
    conds, params = [], []
    for value, cols in ((actor, ("source", "target")), (source, ("source",)), (target, ("target",))):
        if value:
            conds.append("(" + " OR ".join(f"{c}_code LIKE ? OR {c}_entity = ?" for c in cols) + ")")
            for _ in cols:
                params += [value + "%", value]
    if root:
        conds.append("root = ?")
        params.append(root)
    if code:
        conds.append("cameo LIKE ?")
        params.append(code + "%")
    day = """COALESCE(CASE WHEN date_precision = 'day' THEN "date" END, first_seen)"""
    if date_from:
        conds.append(f"{day} >= ?")
        params.append(date_from)
    if date_to:
        conds.append(f"{day} <= ?")
        params.append(date_to)
    return " AND ".join(conds), params


def write_stories(db: str, out, fmt: str = "table", limit: int | None = None, rebuild: bool = False,
                  where: str = "", params: Sequence = ()) -> int:
    """Write the story events of ``db`` as a table, JSON lines (with their mentions) or CSV."""
    import csv

    from .db import open_db

    if rebuild:
        con = open_db(db)
        try:
            rebuild_stories(con)
        finally:
            con.close()
    con = open_db(db, read_only=True)
    try:
        if fmt == "table":
            out.write(stories_text(con, limit, 1, where, params))
            return 0
        stories = read_stories(con, limit, 1, where, params)
    finally:
        con.close()
    if fmt == "jsonl":
        for st in stories:
            out.write(json.dumps(st.to_dict(), ensure_ascii=False) + "\n")
    else:
        w = csv.writer(out)
        w.writerow(STORY_COLUMNS)
        for st in stories:
            w.writerow([json.dumps(getattr(st, c), ensure_ascii=False) if c in _JSON else getattr(st, c)
                        for c in STORY_COLUMNS])
    return len(stories)
