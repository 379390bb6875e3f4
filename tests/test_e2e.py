"""End to end: the real CLI on real text, scored with the shared scorer."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path


from conftest import ROOT, run_cli, shared

BASELINES = json.loads((ROOT / "tests" / "baselines.json").read_text())


def score(gold: Path, docs: Path, pred: Path) -> dict:
    out = subprocess.run([sys.executable, str(shared("tools", "score_events.py")), "--gold", str(gold),
                          "--docs", str(docs), "--pred", str(pred), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout[: out.stdout.rindex("}") + 1])


def test_seed_article_meets_the_floor(tmp_path):
    seed = shared("examples", "seed-article.txt")
    pred = tmp_path / "seed.jsonl"
    res = run_cli("code", str(seed), "--date", "2017-04-06", "--format", "jsonl", "--output", str(pred))
    assert res.returncode == 0, res.stderr
    result = score(shared("gold", "seed-article.events.jsonl"), seed.parent, pred)
    assert result["f1"] >= BASELINES["seed_f1"], result
    assert result["must_not_violations"] <= BASELINES["seed_must_not_violations"]
    assert result["date"][0] >= BASELINES["seed_dates_right"], result["date"]
    kinds = {json.loads(line)["kind"] for line in pred.read_text().splitlines()}
    assert kinds == {"event", "claim"}


def test_petrarch_validation_meets_the_floor(tmp_path):
    d = shared("dev", "petrarch-validation")
    pred = tmp_path / "p.jsonl"
    res = run_cli("code", str(d / "docs"), "--date", "2008-08-04", "--format", "jsonl", "--output", str(pred))
    assert res.returncode == 0, res.stderr
    result = score(d / "gold.jsonl", d / "docs", pred)
    assert result["f1"] >= BASELINES["petrarch_f1"], result


def test_newswire_dev_meets_the_floor(tmp_path):
    """Our own blind, hand-coded wire sentences (tests/data/newswire_dev), shared scorer."""
    d = ROOT / "tests" / "data" / "newswire_dev"
    pred = tmp_path / "nw.jsonl"
    res = run_cli("code", str(d / "docs"), "--date", "2024-05-01", "--format", "jsonl", "--output", str(pred))
    assert res.returncode == 0, res.stderr
    result = score(d / "gold.jsonl", d / "docs", pred)
    assert result["f1"] >= BASELINES["newswire_dev_f1"], result
    assert result["must_not_violations"] <= BASELINES["newswire_dev_must_not_violations"], result


def test_table_output_and_stdin():
    res = run_cli("code", "-", "--date", "2020-01-10", input="Iran accused Israel of attacking its ships.")
    assert res.returncode == 0, res.stderr
    header = res.stdout.splitlines()[0]
    for col in ("date", "source", "event", "target", "certainty", "evidence"):
        assert col in header
    assert re.search(r"IRN.*112.*ISR", res.stdout)


def test_bad_inputs_are_named_and_the_batch_goes_on(tmp_path):
    (tmp_path / "good.txt").write_text("Russia accused Ukraine of shelling the plant.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "latin.txt").write_bytes("Le ministre français a condamné l'attaque. France condemned "
                                         "the attack on the embassy.".encode("latin-1"))
    (tmp_path / "bad.jsonl").write_text('{"id": "ok1", "text": "Egypt hosted talks between Israel and Hamas."}\n'
                                        '{broken\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = run_cli("code", str(tmp_path), "--format", "jsonl", "--output", str(out))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    for name in ("empty.txt", "binary.txt", "bad.jsonl:2"):
        assert name in res.stderr
    docs = {json.loads(line)["doc_id"] for line in out.read_text().splitlines()}
    assert {"good", "latin", "ok1"} <= docs


def test_ingest_samples_into_duckdb(tmp_path):
    import duckdb

    db = tmp_path / "ew.duckdb"
    samples = ROOT / "src" / "eventwire" / "data" / "samples"
    res = run_cli("ingest", str(samples), "--db", str(db), "--quiet")
    assert res.returncode == 0, res.stderr
    con = duckdb.connect(str(db), read_only=True)
    n_articles = con.execute("select count(*) from articles").fetchone()[0]
    n_events = con.execute("select count(*) from events").fetchone()[0]
    roots = {r[0] for r in con.execute("select distinct root from events").fetchall()}
    con.close()
    assert n_articles >= 10
    assert n_events >= 3 * n_articles
    assert len(roots) >= 8
    again = run_cli("ingest", str(samples), "--db", str(db), "--quiet")
    assert f"skipped {n_articles} already stored" in again.stdout
    summary = run_cli("summary", "--db", str(db))
    assert summary.returncode == 0 and "by event root" in summary.stdout


def test_unknown_model_is_a_clean_error():
    res = run_cli("code", "-", "--model", "no_such_model_xyz", input="Text.")
    assert res.returncode == 2
    assert "cannot load the spaCy pipeline" in res.stderr and "Traceback" not in res.stderr
