"""Build a large database for the load test by repeating coded events with shifted ids and dates.

    python benchmarks/loadtest/build_db.py SOURCE.duckdb OUT.duckdb [--events 100000]

Copy i of every article, event and claim gets ``~i`` appended to its ids and its dates
moved ``i * 3`` days later, so the timeline spans years and ids stay unique. Columns are
matched by name, so this keeps working as the store's schema grows.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eventwire.store.db import open_db


def build(source: Path, out: Path, n_events: int = 100_000) -> int:
    if out.exists():
        out.unlink()
    con = open_db(out)  # creates the current schema
    con.execute("ATTACH ? AS src (READ_ONLY)", [str(source)])
    n_src = con.execute("SELECT count(*) FROM src.events").fetchone()[0]
    if not n_src:
        raise SystemExit(f"{source} has no events: ingest some articles first")
    copies = -(-n_events // n_src)
    patch = "json_merge_patch(record, json_object('event_id', event_id || '~' || i, 'doc_id', doc_id || '~' || i))"
    con.execute("BEGIN TRANSACTION")
    con.execute("""INSERT INTO articles BY NAME
                   SELECT * EXCLUDE (i) REPLACE (article_id || '~' || i AS article_id, doc_id || '~' || i AS doc_id,
                                     published + CAST(i * 3 AS INTEGER) AS published)
                   FROM src.articles, range(?) r(i)""", [copies])
    ev_cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_catalog = 'src' AND table_name = 'events'").fetchall()}
    day = ", day + CAST(i * 3 AS INTEGER) AS day" if "day" in ev_cols else ""
    con.execute(f"""INSERT INTO events BY NAME
                    SELECT * EXCLUDE (i) REPLACE (event_id || '~' || i AS event_id, article_id || '~' || i AS article_id,
                                      doc_id || '~' || i AS doc_id, event_day + CAST(i * 3 AS INTEGER) AS event_day,
                                      {patch} AS record{day})
                    FROM src.events, range(?) r(i)
                    QUALIFY row_number() OVER (ORDER BY i, event_id) <= ?""", [copies, n_events])
    con.execute("""INSERT INTO claims BY NAME
                   SELECT * EXCLUDE (i) REPLACE (claim_id || '~' || i AS claim_id, article_id || '~' || i AS article_id,
                                     doc_id || '~' || i AS doc_id)
                   FROM src.claims, range(?) r(i)""", [copies])
    con.execute("COMMIT")
    con.execute("DETACH src")
    n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.execute("CHECKPOINT")
    con.close()
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--events", type=int, default=100_000)
    args = ap.parse_args(argv)
    n = build(args.source, args.out, args.events)
    print(f"wrote {args.out}: {n} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
