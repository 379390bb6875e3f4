"""Resumable ingest: kill -9 a real ingest mid-run; the rerun stores each article exactly once."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time

import duckdb

from conftest import EVENTWIRE, ROOT
from reliability_log import note

from eventwire.api import code_articles
from eventwire.records import Article
from eventwire.store.db import open_db, read_records
from eventwire.store.ingest import ingest

SAMPLES = ROOT / "src" / "eventwire" / "data" / "samples" / "articles.jsonl"


def test_kill_9_mid_run_then_rerun_loses_and_duplicates_nothing(tmp_path, pipeline):
    folder = tmp_path / "in"
    folder.mkdir()
    samples = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
    # enough distinct articles that the run is still going when the first commit is seen
    arts = [{"id": f"{a['id']}+{b['id']}", "text": a["text"] + "\n\n" + b["text"]}
            for i, a in enumerate(samples) for b in samples[i + 1:i + 5]]
    for a in arts:  # one file an article, so the progress counts articles
        (folder / f"{a['id']}.txt").write_text(a["text"], encoding="utf-8")
    db = tmp_path / "k.duckdb"
    proc = subprocess.Popen([*EVENTWIRE, "ingest", str(folder), "--db", str(db), "--jobs", "2",
                             "--commit-every", "1", "--dedup-threshold", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    seen = bytearray()

    def read() -> None:
        while chunk := os.read(proc.stderr.fileno(), 4096):
            seen.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 300
    committed = False
    while time.monotonic() < deadline and proc.poll() is None:
        counts = [int(n) for n in re.findall(rb"events=(\d+)", bytes(seen))]
        if counts and max(counts) > 0:  # the progress bar counts events only once they are committed
            committed = True
            break
        time.sleep(0.05)
    assert committed, f"no commit seen before the run ended: {bytes(seen)[-500:]!r}"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    con = duckdb.connect(str(db), read_only=True)
    stored_before = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert 0 < stored_before < len(arts)

    again = ingest([str(folder)], str(db), progress=False, dedup_threshold=0)  # the rerun, with this session's pipeline
    assert again.skipped == stored_before and again.stored == len(arts) - stored_before and again.failed == 0

    con = duckdb.connect(str(db), read_only=True)
    ids = [r[0] for r in con.execute("SELECT doc_id FROM articles").fetchall()]
    dup_events = con.execute("SELECT count(*) FROM (SELECT event_id FROM events GROUP BY 1 HAVING count(*) > 1)"
                             ).fetchone()[0]
    wrong_counts = con.execute(
        "SELECT count(*) FROM articles a LEFT JOIN (SELECT article_id, count(*) AS n FROM events GROUP BY 1) e "
        "USING (article_id) WHERE a.n_events <> coalesce(e.n, 0)").fetchone()[0]
    orphans = con.execute("SELECT count(*) FROM events WHERE article_id NOT IN (SELECT article_id FROM articles)"
                          ).fetchone()[0]
    claims_dup = con.execute("SELECT count(*) FROM (SELECT claim_id FROM claims GROUP BY 1 HAVING count(*) > 1)"
                             ).fetchone()[0]
    con.close()
    note("faults", case="kill -9 during ingest (2 workers), rerun",
         lost=len({a["id"] for a in arts} - set(ids)), duplicated=len(ids) - len(set(ids)) + dup_events + claims_dup)
    assert sorted(ids) == sorted(a["id"] for a in arts)  # every article, once
    assert dup_events == 0 and claims_dup == 0 and orphans == 0 and wrong_counts == 0

    # what the worker processes stored is what this process codes
    con = open_db(db, read_only=True)
    stored = sorted((r.to_dict() for r in read_records(con, "events")), key=lambda d: d["event_id"])
    con.close()
    here = [e.to_dict() for r in code_articles(Article(a["id"], a["text"]) for a in arts) for e in r.events]
    assert stored == sorted(here, key=lambda d: d["event_id"])
