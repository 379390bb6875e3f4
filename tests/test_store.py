"""The DuckDB store: idempotent ingest, near-duplicates, errors, views, query, sql and exports."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, run_cli

from eventwire.errors import EventwireError, StoreError
from eventwire.records import Article, Claim, Event, record_from_dict
from eventwire.store.db import StoredArticle, article_id, open_db, read_records, write_article, write_articles
from eventwire.store.dedup import NearDuplicates
from eventwire.store.export import GDELT_COLUMNS, export
from eventwire.store.ingest import ingest
from eventwire.store.query import EventFilter, query, run_sql, select_events

SAMPLES = ROOT / "src" / "eventwire" / "data" / "samples" / "articles.jsonl"


def _samples(n: int) -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()[:n]]


def _near_copy(text: str) -> str:
    """The same story lightly re-edited: a wire prefix, two words changed, the last sentence dropped."""
    words = text.split()
    words[10] = "reportedly"
    words[-20] = "officials"
    body = " ".join(words)
    return "LONDON (Wire) - " + body[: body.rfind(".", 0, len(body) - 5) + 1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, pipeline) -> tuple[Path, Path, list[dict]]:
    """A folder with five sample articles, a near-duplicate, an exact copy, an empty and a broken record."""
    d = tmp_path_factory.mktemp("corpus")
    arts = _samples(5)
    lines = [json.dumps(a) for a in arts]
    lines.append(json.dumps({"id": "near-copy", "date": arts[0]["date"], "text": _near_copy(arts[0]["text"])}))
    lines.append(json.dumps({"id": "exact-copy", "date": arts[1]["date"], "text": arts[1]["text"]}))
    lines.append(json.dumps({"id": "empty", "text": "   "}))
    lines.append("{not json")
    (d / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = d / "store.duckdb"
    summary = ingest([str(d / "in.jsonl")], str(db), progress=False, quiet_errors=True)
    assert summary.stored == 5 and summary.duplicates == 1 and summary.skipped == 1, summary
    assert summary.failed == 1 and summary.empty == 1, summary
    return d, db, arts


def test_reingest_adds_nothing(corpus):
    d, db, _ = corpus
    con = duckdb.connect(str(db), read_only=True)
    before = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "claims")]
    con.close()
    again = ingest([str(d / "in.jsonl")], str(db), progress=False, quiet_errors=True)
    assert again.stored == 0 and again.duplicates == 0 and again.skipped == 7
    con = duckdb.connect(str(db), read_only=True)
    after = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "claims")]
    con.close()
    assert after == before
    assert before[1] > 0 and before[2] > 0


def test_near_duplicate_is_recorded_as_a_duplicate_of_the_first(corpus):
    _, db, arts = corpus
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT duplicate_of, similarity, n_events FROM articles WHERE doc_id = 'near-copy'").fetchone()
    assert row is not None
    assert row[0] == article_id(arts[0]["text"])
    assert 0.5 <= row[1] <= 1.0 and row[2] == 0
    view = con.execute("SELECT original_doc_id FROM duplicate_articles").fetchall()
    assert view == [(arts[0]["id"],)]
    # the duplicate is not coded: no events point at it
    assert con.execute("SELECT count(*) FROM events e JOIN articles a USING (article_id) "
                       "WHERE a.duplicate_of IS NOT NULL").fetchone()[0] == 0
    con.close()


def test_failures_are_in_the_errors_table(corpus):
    _, db, _ = corpus
    con = duckdb.connect(str(db), read_only=True)
    reasons = dict(con.execute("SELECT reason, count(*) FROM errors GROUP BY 1").fetchall())
    con.close()
    assert reasons.get("empty", 0) >= 1 and reasons.get("malformed", 0) >= 1


def test_near_duplicate_index_tells_related_from_unrelated():
    arts = _samples(3)
    index = NearDuplicates(0.8)
    first = index.signature(arts[0]["text"])
    index.add("a0", first)
    index.add("a1", index.signature(arts[1]["text"]))
    match = index.find(index.signature(_near_copy(arts[0]["text"])))
    assert match is not None and match[0] == "a0"
    assert index.find(index.signature(arts[2]["text"])) is None
    assert index.signature("Too short to judge.") is None


def test_an_article_goes_in_whole_or_not_at_all(tmp_path):
    con = open_db(tmp_path / "t.duckdb")
    good = Event.from_dict(json.loads(json.dumps({
        "event_id": "a:0:1", "doc_id": "a", "sentence": 0, "span": [0, 5], "text": "Hello", "source": None,
        "target": None, "cameo": "040", "root": "04", "quad_class": 1, "goldstein": 1.0,
        "plover": {"type": "CONSULT", "mode": None}, "certainty": "asserted"})))
    bad = Event.from_dict(good.to_dict())
    bad.sentence = "not a number"  # the events insert fails after the article row went in
    with pytest.raises(StoreError):
        write_articles(con, [StoredArticle(Article("a", "Hello there."), [good], []),
                             StoredArticle(Article("b", "Other text."), [bad], [])])
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    aid = write_article(con, Article("a", "Hello there.", "2020-01-02"), [good], [])
    assert aid == article_id("Hello there.")
    assert con.execute("SELECT day FROM events").fetchone()[0].isoformat() == "2020-01-02"
    con.close()


def test_old_database_gains_the_new_columns(tmp_path):
    db = tmp_path / "old.duckdb"
    from eventwire.store import db as store_db

    first_schema = (store_db.SCHEMA.replace(",\n    duplicate_of VARCHAR, similarity DOUBLE", "")
                    .replace(",\n    day DATE", ""))
    assert " day DATE" not in first_schema and "duplicate_of" not in first_schema
    con = duckdb.connect(str(db))
    con.execute(first_schema)
    con.execute("INSERT INTO articles (article_id, published) VALUES ('x', DATE '2021-05-06')")
    con.execute("INSERT INTO events (event_id, article_id, event_day, record) "
                "VALUES ('e1', 'x', NULL, '{}'), ('e2', 'x', DATE '2021-05-01', '{}')")
    con.close()
    con = open_db(db)
    days = dict(con.execute("SELECT event_id, day::VARCHAR FROM events").fetchall())
    cols = {r[0] for r in con.execute("DESCRIBE articles").fetchall()}
    con.close()
    assert days == {"e1": "2021-05-06", "e2": "2021-05-01"}
    assert {"duplicate_of", "similarity"} <= cols


def test_query_filters(corpus):
    _, db, _ = corpus
    con = open_db(db, read_only=True)
    every = select_events(con)
    root = next(e.root for e in every)
    assert {e.root for e in select_events(con, EventFilter(root=root))} == {root}
    code = next(e.source.code for e in every if e.source and e.source.code and len(e.source.code) > 3)
    got = select_events(con, EventFilter(actor=code[:3]))
    assert got and all((e.source and (e.source.code or "").startswith(code[:3])) or
                       (e.target and (e.target.code or "").startswith(code[:3])) for e in got)
    assert len(select_events(con, EventFilter(limit=3))) == 3
    asserted = select_events(con, EventFilter(certainty=("asserted",)))
    assert asserted and {e.certainty for e in asserted} == {"asserted"}
    day = con.execute("SELECT min(day) FROM events").fetchone()[0].isoformat()
    assert select_events(con, EventFilter(date_to=day))
    assert all(e.event_id for e in select_events(con, EventFilter(date_from=day, date_to=day)))
    con.close()
    with pytest.raises(EventwireError):
        EventFilter(date_from="yesterday").where()
    out = io.StringIO()
    n = query(str(db), EventFilter(root=root), "jsonl", out)
    assert n == len(out.getvalue().splitlines()) and n > 0
    rows = list(csv.DictReader(io.StringIO(_query_csv(db, root))))
    assert rows and {r["root"] for r in rows} == {root}


def _query_csv(db: Path, root: str) -> str:
    out = io.StringIO()
    query(str(db), EventFilter(root=root), "csv", out)
    return out.getvalue()


def test_sql_is_read_only(corpus, tmp_path):
    _, db, _ = corpus
    cols, rows = run_sql(str(db), "SELECT root, sum(n_events) FROM daily_dyad_counts GROUP BY 1 ORDER BY 1")
    assert cols[0] == "root" and rows
    for bad in ("INSERT INTO errors VALUES ('x', 'y', 'z', now())", "DROP TABLE events",
                f"COPY events TO '{tmp_path / 'leak.csv'}'"):
        with pytest.raises(StoreError):
            run_sql(str(db), bad)
    assert not (tmp_path / "leak.csv").exists()


def test_views_answer(corpus):
    _, db, _ = corpus
    con = duckdb.connect(str(db), read_only=True)
    n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert con.execute("SELECT sum(n_events) FROM daily_dyad_counts").fetchone()[0] == n_events
    roles = {r[0] for r in con.execute("SELECT DISTINCT role FROM actors").fetchall()}
    assert {"source", "speaker"} <= roles
    assert con.execute("SELECT count(*) FROM actor_activity WHERE as_source > 0").fetchone()[0] > 0
    con.close()


def test_parquet_export_round_trips(corpus, tmp_path):
    _, db, _ = corpus
    out = tmp_path / "pq"
    n = export(str(db), "parquet", str(out))
    parts = sorted(p.name for p in out.iterdir())
    assert parts and all(p.startswith("day=") for p in parts)
    con = duckdb.connect()
    back = con.execute(f"SELECT record, day FROM read_parquet('{out}/**/*.parquet', hive_partitioning = true)").fetchall()
    con.close()
    assert len(back) == n
    stored = open_db(db, read_only=True)
    original = read_records(stored, "events")
    stored.close()
    assert sorted((Event.from_dict(json.loads(r)) for r, _ in back), key=lambda e: e.event_id) == \
        sorted(original, key=lambda e: e.event_id)
    with pytest.raises(EventwireError):
        export(str(db), "parquet", str(out))  # never writes into a folder that has files


def test_jsonl_export_round_trips(corpus, tmp_path):
    _, db, _ = corpus
    out = tmp_path / "all.jsonl"
    export(str(db), "jsonl", str(out))
    back = [record_from_dict(json.loads(line)) for line in out.read_text(encoding="utf-8").splitlines()]
    con = open_db(db, read_only=True)
    events, claims = read_records(con, "events"), read_records(con, "claims")
    con.close()
    key = lambda r: r.event_id if isinstance(r, Event) else r.claim_id  # noqa: E731
    assert sorted([r for r in back if isinstance(r, Event)], key=key) == sorted(events, key=key)
    assert sorted([r for r in back if isinstance(r, Claim)], key=key) == sorted(claims, key=key)
    kinds = [r.kind for r in back]
    assert kinds == sorted(kinds, key=lambda k: k != "event")  # events, then claims


def test_gdelt_export_has_61_columns_on_every_row(corpus, tmp_path):
    _, db, _ = corpus
    out = tmp_path / "events.tsv"
    n = export(str(db), "gdelt", str(out))
    rows = out.read_text(encoding="utf-8").split("\n")[:-1]
    assert len(GDELT_COLUMNS) == 61 and len(rows) == n > 0
    assert all(len(r.split("\t")) == 61 for r in rows)
    col = {name: i for i, name in enumerate(GDELT_COLUMNS)}
    ids = set()
    for r in rows:
        v = r.split("\t")
        ids.add(v[0])
        assert v[col["EventRootCode"]] == v[col["EventCode"]][:2]
        assert v[col["Day"]] == "" or (len(v[col["Day"]]) == 8 and v[col["MonthYear"]] == v[col["Day"]][:6])
        assert v[col["QuadClass"]] in "1234"
    assert len(ids) == n


def test_plover_export_uses_the_spec_fields(corpus, tmp_path):
    _, db, _ = corpus
    out = tmp_path / "plover.jsonl"
    n = export(str(db), "plover", str(out))
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == n > 0
    for r in recs:
        assert {"id", "date", "source", "event"} <= r.keys()  # the spec's required fields
        assert isinstance(r["source"], list) and isinstance(r["event"], list) and len(r["event"]) == 1
        assert r["quad_code"] in (1, 2, 3, 4)
        assert all("code" in a and "actor_text" in a for a in r["source"] + r["recipient"])


def test_cli_query_sql_export(corpus, tmp_path):
    _, db, _ = corpus
    res = run_cli("query", "--db", str(db), "--format", "jsonl", "--limit", "2")
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) == 2
    res = run_cli("sql", "--db", str(db), "SELECT count(*) AS n FROM articles", "--format", "csv")
    assert res.returncode == 0 and res.stdout.splitlines()[0] == "n"
    res = run_cli("sql", "--db", str(db), "DELETE FROM events")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = run_cli("export", "--db", str(db), "--format", "csv", "--output", str(tmp_path / "e.csv"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "e.csv").read_text().startswith("event_id,")
