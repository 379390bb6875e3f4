"""Faults: kill -9 during ingest and export, a full disk, an unwritable path, two ingests at
once. Each ends with a clear message (no traceback), a database that opens with every row it
had, and a rerun that stores or writes exactly what is missing: rows are counted.

A full disk is a small tmpfs mounted in the test when this process may mount (root in a
container), and a file-size limit (RLIMIT_FSIZE in the child process) everywhere.
`make test` runs one case of each; `make reliability` (reliability_log.LONG) every format and
both kinds of full disk, and kills an ingest three times before the rerun.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from conftest import EVENTWIRE, ROOT
from reliability_log import LONG, note

from eventwire.errors import EventwireError, StoreError
from eventwire.store.export import export
from eventwire.store.ingest import ingest

SAMPLES = ROOT / "src" / "eventwire" / "data" / "samples" / "articles.jsonl"
EXPORT_FORMATS = ["jsonl", "csv", "gdelt", "plover", "parquet"] if LONG else ["jsonl"]


def _samples(n: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
    return rows[:n] if n else rows


def _counts(db: Path) -> dict[str, int]:
    """Rows of each table, and the inconsistencies a torn write would leave (all must be 0)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("articles", "events", "claims", "errors", "mentions") if t in tables}
        out["duplicate_articles"] = con.execute(
            "SELECT count(*) - count(DISTINCT article_id) FROM articles").fetchone()[0]
        out["duplicate_events"] = con.execute("SELECT count(*) - count(DISTINCT event_id) FROM events").fetchone()[0]
        out["orphan_events"] = con.execute(
            "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT article_id FROM articles)").fetchone()[0]
        out["articles_missing_events"] = con.execute(
            "SELECT count(*) FROM articles a LEFT JOIN (SELECT article_id, count(*) n FROM events GROUP BY 1) e "
            "USING (article_id) WHERE a.n_events <> coalesce(e.n, 0)").fetchone()[0]
        if "mentions" in tables:
            out["mentions_without_article"] = con.execute(
                "SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT article_id FROM articles)"
            ).fetchone()[0]
        return out
    finally:
        con.close()


def _torn(counts: dict[str, int]) -> int:
    return sum(v for k, v in counts.items() if k.startswith(("duplicate_", "orphan_", "articles_missing",
                                                              "mentions_without")))


@pytest.fixture(scope="module")
def events_db(tmp_path_factory, pipeline) -> tuple[Path, dict[str, int]]:
    """A database of many events: three coded sample articles, copied (benchmarks/loadtest/build_db.py)."""
    tmp = tmp_path_factory.mktemp("exportdb")
    src = tmp / "in.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in _samples(3)) + "\n", encoding="utf-8")
    ingest([str(src)], str(tmp / "src.duckdb"), progress=False)
    spec = importlib.util.spec_from_file_location("build_db", ROOT / "benchmarks" / "loadtest" / "build_db.py")
    build_db = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_db)
    db = tmp / "events.duckdb"
    build_db.build(tmp / "src.duckdb", db, 200_000 if LONG else 20_000)
    return db, _counts(db)


def _exported(path: Path, fmt: str, db: Path) -> tuple[int, int, int]:
    """(rows, records lost, records duplicated) of an export, against the database's records."""
    from collections import Counter

    con = duckdb.connect(str(db), read_only=True)
    try:
        if fmt == "jsonl":  # every event and claim record, compared as a multiset
            want = Counter(json.dumps(json.loads(r[0]), sort_keys=True) for r in con.execute(
                "SELECT record FROM events UNION ALL SELECT record FROM claims").fetchall())
            got = Counter(json.dumps(json.loads(line), sort_keys=True)
                          for line in path.read_text(encoding="utf-8").splitlines())
            return sum(got.values()), sum((want - got).values()), sum((got - want).values())
        if fmt == "parquet":
            ids = [r[0] for r in duckdb.connect().execute(
                f"SELECT event_id FROM read_parquet('{path}/**/*.parquet', hive_partitioning = true)").fetchall()]
        else:
            lines = path.read_text(encoding="utf-8").splitlines()
            if fmt == "plover":
                ids = [json.loads(line)["id"] for line in lines]
            elif fmt == "gdelt":
                ids = [line.split("\t")[0] for line in lines]
            else:
                import csv
                import io

                ids = [r["event_id"] for r in csv.DictReader(io.StringIO("\n".join(lines) + "\n"))]
        expected = _expected_rows(con, fmt)
        return len(ids), expected - len(set(ids)), len(ids) - len(set(ids))
    finally:
        con.close()


LIMITS = {"parquet": 10_000}  # a partition a day: Parquet export of every copied day would take minutes


def _expected_rows(con, fmt: str) -> int:
    """Events an export of ``fmt`` holds (for GDELT: one id per event, a hash of the event id)."""
    n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    if fmt == "plover":
        n = con.execute("SELECT count(*) FROM events WHERE plover_type IS NOT NULL").fetchone()[0]
    return min(n, LIMITS[fmt]) if fmt in LIMITS else n


def _partials(out: Path) -> list[Path]:
    return list(out.parent.glob(f".{out.name}.*.partial"))


def _kill_export_midway(db: Path, fmt: str, out: Path) -> int:
    """Start `eventwire export`, kill -9 it once it has written part of its output; its return code."""
    limit = ["--limit", str(LIMITS[fmt])] if fmt in LIMITS else []
    proc = subprocess.Popen([*EVENTWIRE, "export", "--db", str(db), "--format", fmt, "--output", str(out), *limit],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        parts = _partials(out)
        if parts and (parts[0].is_dir() and any(parts[0].rglob("*.parquet"))
                      or parts[0].is_file() and parts[0].stat().st_size > 100_000):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    return proc.wait(60)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_kill_9_during_export_leaves_no_partial_file_and_the_rerun_is_complete(tmp_path, events_db, fmt):
    db, before = events_db
    out = tmp_path / f"out.{fmt}"
    rc = _kill_export_midway(db, fmt, out)
    assert rc == -signal.SIGKILL, "the export finished before it could be killed"
    assert not out.exists(), "a killed export left a file at the output path"
    assert _partials(out), "the killed export wrote no partial file: it was killed too early to test anything"
    assert _counts(db) == before

    from eventwire.store.query import EventFilter

    n = export(str(db), fmt, str(out), EventFilter(limit=LIMITS.get(fmt)))  # the rerun
    rows, lost, duplicated = _exported(out, fmt, db)
    note("faults", case=f"kill -9 during export ({fmt}), rerun", lost=lost, duplicated=duplicated, rows=rows)
    assert n == rows and lost == 0 and duplicated == 0
    assert not _partials(out), "the rerun left the killed export's partial file"
    assert _counts(db) == before

    if fmt != "parquet":  # killed while replacing an earlier export: the earlier one stays whole
        earlier = out.read_bytes()
        rc = _kill_export_midway(db, fmt, out)
        assert rc == -signal.SIGKILL
        note("faults", case=f"kill -9 during export over an earlier one ({fmt})",
             lost=0 if out.read_bytes() == earlier else rows)
        assert out.read_bytes() == earlier


def _articles_folder(tmp_path: Path, n: int) -> tuple[Path, list[str]]:
    """``n`` distinct articles (pairs of samples), one file each."""
    samples = _samples()
    arts = [(f"{a['id']}+{b['id']}", a["text"] + "\n\n" + b["text"])
            for i, a in enumerate(samples) for b in samples[i + 1:i + 4]][:n]
    folder = tmp_path / "in"
    folder.mkdir()
    for doc_id, text in arts:
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder, [d for d, _ in arts]


@pytest.mark.skipif(not LONG, reason="`make test` kills an ingest once (test_store_kill.py)")
def test_ingest_killed_three_times_then_rerun_stores_each_article_once(tmp_path, pipeline):
    folder, ids = _articles_folder(tmp_path, 36)
    db = tmp_path / "k.duckdb"
    stored_after_kill = []
    for kill in range(3):
        proc = subprocess.Popen([*EVENTWIRE, "ingest", str(folder), "--db", str(db), "--commit-every", "1",
                                 "--dedup-threshold", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                cwd=ROOT)
        seen = bytearray()
        reader = threading.Thread(target=lambda: [seen.extend(c) for c in iter(
            lambda: os.read(proc.stderr.fileno(), 4096), b"")], daemon=True)
        reader.start()
        before = _counts(db)["articles"] if db.exists() else 0
        deadline = time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline:
            done = [int(n) for n in re.findall(rb"(\d+)/\d+ \[", bytes(seen))]
            if done and max(done) >= before + 3:  # progress counts the skipped ones, then 3 newly stored
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(60) == -signal.SIGKILL, "the ingest finished before it could be killed"
        counts = _counts(db)
        stored_after_kill.append(counts["articles"])
        assert _torn(counts) == 0, counts
    again = ingest([str(folder)], str(db), progress=False, dedup_threshold=0)
    counts = _counts(db)
    con = duckdb.connect(str(db), read_only=True)
    stored = [r[0] for r in con.execute("SELECT doc_id FROM articles").fetchall()]
    con.close()
    note("faults", case="kill -9 during ingest, three times, then rerun", lost=len(set(ids) - set(stored)),
         duplicated=len(stored) - len(set(stored)), stored_after_each_kill=stored_after_kill)
    assert sorted(stored) == sorted(ids) and _torn(counts) == 0
    assert again.skipped == stored_after_kill[-1] and again.stored == len(ids) - stored_after_kill[-1]


# --- full disk and unwritable paths ------------------------------------------------------------

@contextmanager
def _tmpfs(path: Path, size_kb: int, read_only: bool = False):
    """A tmpfs of ``size_kb`` at ``path`` (read-only if asked), or None when this process may not mount one."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        yield None
        return
    options = f"size={size_kb}k" + (",ro" if read_only else "")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        yield None
        return
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _grow(path: Path, size_kb: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size_kb}k", str(path)], check=True, capture_output=True)


def _fill(path: Path, leave_kb: int) -> Path:
    """Fill the tmpfs at ``path`` until ``leave_kb`` are free."""
    st = os.statvfs(path)
    filler = path / "filler"
    filler.write_bytes(b"\0" * max(0, st.f_bavail * st.f_frsize - leave_kb * 1024))
    return filler


def _limited(fsize: int):
    def limit() -> None:  # runs in the child: writes past fsize bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return limit


FULL = ["tmpfs", "file-size limit"] if LONG else ["tmpfs"]


@pytest.mark.parametrize("disk", FULL)
def test_export_to_a_full_disk_fails_clearly_and_writes_nothing(tmp_path, events_db, disk):
    db, before = events_db
    with _tmpfs(tmp_path / "small", 2048) as small:
        if disk == "tmpfs" and small is None:
            disk = "file-size limit"  # no mount here: the child's file-size limit stands in for it
        out = (small or tmp_path) / "out.jsonl"
        if disk == "tmpfs":
            with pytest.raises(EventwireError) as info:
                export(str(db), "jsonl", str(out))
            message = str(info.value)
        else:
            proc = subprocess.run([*EVENTWIRE, "export", "--db", str(db), "--format", "jsonl", "--output", str(out)],
                                  capture_output=True, text=True, cwd=ROOT, preexec_fn=_limited(1_000_000))
            assert proc.returncode == 2, proc.stderr[-2000:]
            assert "Traceback" not in proc.stderr
            message = proc.stderr
        left = [p.name for p in out.parent.iterdir() if "out.jsonl" in p.name]
    note("faults", case=f"export to a full disk ({disk})", lost=0 if _counts(db) == before else 1)
    assert "cannot write" in message and str(out) in message
    assert ("disk is full" if disk == "tmpfs" else "ulimit -f") in message, message
    assert left == [], f"a failed export left {left}"
    assert _counts(db) == before


@pytest.mark.parametrize("disk", FULL)
def test_ingest_on_a_full_disk_fails_clearly_keeps_what_it_stored_and_the_rerun_completes(
        tmp_path, pipeline, disk):
    arts = _samples()
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in arts) + "\n", encoding="utf-8")
    with _tmpfs(tmp_path / "small", 1024) as small:
        if disk == "tmpfs" and small is None:
            disk = "file-size limit"
        db = (small or tmp_path) / "full.duckdb"
        if disk == "tmpfs":
            filler = _fill(small, 400)
            with pytest.raises(StoreError) as info:
                ingest([str(src)], str(db), progress=False, commit_every=1)
            message = str(info.value)
            filler.unlink()
            _grow(small, 65536)  # space again, for the checks and the rerun
        else:
            proc = subprocess.run([*EVENTWIRE, "ingest", str(src), "--db", str(db), "--quiet", "--commit-every", "1"],
                                  capture_output=True, text=True, cwd=ROOT, preexec_fn=_limited(300_000))
            assert proc.returncode == 2, proc.stdout + proc.stderr[-2000:]
            assert "Traceback" not in proc.stderr
            message = proc.stderr
        after_failure = _counts(db)
        again = ingest([str(src)], str(db), progress=False, commit_every=1)
        final = _counts(db)
        con = duckdb.connect(str(db), read_only=True)
        stored = [r[0] for r in con.execute("SELECT doc_id FROM articles").fetchall()]
        con.close()
    note("faults", case=f"ingest on a full disk ({disk}), rerun", lost=len({a["id"] for a in arts} - set(stored)),
         duplicated=len(stored) - len(set(stored)), stored_before_full=after_failure["articles"])
    assert ("disk is full" if disk == "tmpfs" else "File too large") in message, message
    assert "rerun" in message and "full.duckdb" in message, message
    assert 0 <= after_failure["articles"] < len(arts) and _torn(after_failure) == 0, after_failure
    assert again.skipped == after_failure["articles"] and again.stored == len(arts) - after_failure["articles"]
    assert sorted(stored) == sorted(a["id"] for a in arts) and _torn(final) == 0


@contextmanager
def _read_only_dir(tmp_path: Path):
    """A folder this process cannot write in: chmod for a normal user; a read-only tmpfs for root."""
    d = tmp_path / "ro"
    d.mkdir()
    if os.geteuid() != 0:
        d.chmod(0o555)
        try:
            yield d
        finally:
            d.chmod(0o755)
        return
    with _tmpfs(d, 64, read_only=True) as mounted:
        yield mounted


def test_unwritable_paths_fail_clearly_and_the_database_is_intact(tmp_path, events_db):
    db, before = events_db
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    targets = {"below a file": a_file / "out.jsonl", "missing folder": tmp_path / "nowhere" / "out.jsonl"}
    with _read_only_dir(tmp_path) as ro:
        if ro is not None:
            targets["read-only folder"] = ro / "out.jsonl"
        messages = {}
        for what, out in targets.items():
            with pytest.raises(EventwireError) as info:
                export(str(db), "csv", str(out))
            messages[what] = str(info.value)
            assert not out.exists()
        for what, out in targets.items():  # ingest into a database there
            with pytest.raises(StoreError) as info:
                ingest([str(SAMPLES)], str(out.with_suffix(".duckdb")), progress=False)
            messages["ingest " + what] = str(info.value)
    note("faults", tried=len(messages), case="unwritable output paths", lost=0 if _counts(db) == before else 1)
    for what, message in messages.items():
        assert "Traceback" not in message and ("out.jsonl" in message or "out.duckdb" in message), (what, message)
        assert message.startswith(("cannot write", "cannot open")), (what, message)
    assert _counts(db) == before


def test_a_second_ingest_into_a_database_in_use_fails_clearly_and_nothing_is_torn(tmp_path, pipeline):
    arts = _samples(4)
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in arts) + "\n", encoding="utf-8")
    db = tmp_path / "busy.duckdb"
    first = subprocess.Popen([*EVENTWIRE, "ingest", str(src), "--db", str(db), "--quiet", "--commit-every", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 60
    while not db.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # the first ingest opens (and locks) the database before it loads the model
    assert first.poll() is None, "the first ingest ended before the second could start"
    with pytest.raises(StoreError) as info:
        ingest([str(src)], str(db), progress=False)
    second = subprocess.run([*EVENTWIRE, "ingest", str(src), "--db", str(db), "--quiet"],
                            capture_output=True, text=True, cwd=ROOT)
    reader = subprocess.run([*EVENTWIRE, "export", "--db", str(db), "--format", "jsonl", "--output",
                             str(tmp_path / "o.jsonl")], capture_output=True, text=True, cwd=ROOT)
    still_running = first.poll() is None
    out, err = first.communicate(timeout=600)
    counts = _counts(db)
    again = ingest([str(src)], str(db), progress=False)
    note("faults", tried=3, case="a second ingest (and an export) while an ingest runs",
         lost=len(arts) - counts["articles"], duplicated=counts["duplicate_articles"])
    assert still_running, "the first ingest ended before the others were tried"
    message = str(info.value)
    assert str(db) in message and "in use by process" in message and str(first.pid) in message, message
    assert second.returncode == 2 and "in use by process" in second.stderr and "Traceback" not in second.stderr
    assert reader.returncode == 2 and "in use by process" in reader.stderr
    assert first.returncode == 0, err[-2000:]
    assert counts["articles"] == len(arts) and _torn(counts) == 0
    assert again.skipped == len(arts) and again.stored == 0
