"""Ingest: read, code and store articles in DuckDB, each article with all its records at once.

reads: input paths; writes: the articles, events, claims, minhashes and errors tables.

Idempotent: an article already stored (same text, by SHA-1) is skipped. Resumable: an
article goes into the store together with its events and claims in one transaction, so
after a crash or kill -9 the rerun codes exactly the articles that are missing. A
near-duplicate of an article already seen (MinHash, store/dedup.py) is stored with
``duplicate_of`` pointing at the first and is not coded. An article that cannot be read or
coded goes to the errors table with the reason; the run goes on.

Engines (engine/): ``local`` with ``jobs`` worker processes (1: in this process) or ``dask``
(a LocalCluster, or the cluster at ``scheduler``). Coded articles are committed in groups
of up to ``commit_every`` (or after ``commit_seconds``): one DuckDB commit, with the
story events it updates, costs more than storing a short article's records, and a group
is all-or-nothing like a single article. ``_commit`` is the one place where articles reach the store.

Memory is flat however large the input: files are read record by record (read/files.py), the
store is asked which of a block of articles it holds (one query a block), and only the articles
in flight are kept. Failures go to the errors table with each commit.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..errors import EventwireError
from ..read import read_paths
from .db import StoredArticle, article_id, open_db, stored_articles, write_articles, write_errors

LOOKUP_BLOCK = 512      # articles read ahead and checked against the store in one query
MAX_FAILURES_KEPT = 1000  # failure messages kept in the summary (all go to the errors table)


@dataclass
class IngestSummary:
    db: str
    stored: int = 0
    skipped: int = 0
    duplicates: int = 0
    failed: int = 0
    empty: int = 0
    events: int = 0
    claims: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)   # the first MAX_FAILURES_KEPT messages

    def describe(self) -> str:
        return (f"{self.db}: stored {self.stored} articles ({self.events} events, {self.claims} claims), "
                f"{self.duplicates} near-duplicates, skipped {self.skipped} already stored and "
                f"{self.empty} empty, {self.failed} failed, in {self.seconds:.1f} s")


def count_inputs(paths) -> int | None:
    """About how many articles ``paths`` hold (files, plus lines of JSON-lines files), for the ETA."""
    from ..read.files import KNOWN_SUFFIXES, STREAMED_SUFFIXES

    total = 0
    for given in paths:
        if given == "-":
            return None
        p = Path(given)
        files = ([f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in KNOWN_SUFFIXES
                  and not f.name.startswith(".") and not f.name.endswith(".meta.json")]
                 if p.is_dir() else [p])
        for f in files:
            if f.suffix.lower() in STREAMED_SUFFIXES:
                try:
                    with open(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip()) or 1
                except OSError:
                    total += 1
            else:
                total += 1
    return total


class _Progress:
    """A tqdm bar on stderr: articles done of the estimated total, the rate and the ETA."""

    def __init__(self, enabled: bool, total: int | None):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="art", file=sys.stderr, dynamic_ncols=True,
                            desc="ingest", smoothing=0.1, mininterval=0.5)

    def update(self, summary: IngestSummary, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)
            self.bar.set_postfix(events=summary.events, dup=summary.duplicates,
                                 failed=summary.failed, refresh=False)

    def write(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def ingest(paths, db: str, date: str | None = None, settings: Settings | None = None,
           progress: bool = True, jobs: int = 1, engine: str = "local", scheduler: str | None = None,
           dedup_threshold: float = 0.8, parts_dir: str | None = None, commit_every: int = 256,
           commit_seconds: float = 3.0, quiet_errors: bool = False) -> IngestSummary:
    """Code the articles under ``paths`` into the DuckDB file ``db``; see the module docstring."""
    from ..pipeline import normalise_date
    from .dedup import NearDuplicates

    if engine not in ("local", "dask"):
        raise EventwireError(f"unknown engine {engine!r}: choose local or dask")
    settings = settings or Settings()
    start = time.monotonic()
    con = open_db(db)
    summary = IngestSummary(db)
    bar = _Progress(progress, count_inputs(paths) if progress else None)
    near = NearDuplicates.load(con, dedup_threshold) if dedup_threshold > 0 else None
    # Memory stays flat however long the input: the store answers "already stored?" for blocks of
    # LOOKUP_BLOCK articles; ``seen`` holds only the articles in flight (read, not yet committed)
    # and those committed since the last block was looked up; ``refused`` those that failed.
    seen: set[str] = set()
    committed: list[str] = []
    refused: set[str] = set()
    signatures: dict[str, bytes] = {}   # signatures of articles being coded, stored with them
    pending: list[StoredArticle] = []
    errors: list[tuple] = []            # rows for the errors table, written with the next commit
    last_commit = time.monotonic()

    def fail(source: str, reason: str, message: str) -> None:
        if reason == "empty":
            summary.empty += 1
        else:
            summary.failed += 1
        if len(summary.failures) < MAX_FAILURES_KEPT:
            summary.failures.append(message)
        errors.append((source, reason, message, dt.datetime.now()))
        if len(errors) >= LOOKUP_BLOCK:
            write_errors(con, errors)
            errors.clear()
        if not quiet_errors:
            bar.write(f"eventwire: skipped {message} [{reason}]")
        bar.update(summary)

    def blocks():
        """The read results in blocks, each article with its id and whether the store has it."""
        block: list = []
        for res in read_paths(paths, settings.max_bytes):
            block.append(res)
            if len(block) >= LOOKUP_BLOCK:
                yield from looked_up(block)
                block = []
        yield from looked_up(block)

    def looked_up(block: list):
        seen.difference_update(committed)  # the store answers for these now
        committed.clear()
        ids = [article_id(r.article.text) if r.article is not None else None for r in block]
        stored = stored_articles(con, [i for i in ids if i is not None])
        for res, aid in zip(block, ids):
            yield res, aid, aid in stored

    def fresh_articles():
        """The articles to code: not stored, not seen in this run, not near-duplicates."""
        for res, aid, stored in blocks():
            if res.error is not None:
                fail(res.error.source, res.error.reason, str(res.error))
                continue
            art = res.article
            if date and not art.date:
                art.date = date
            if stored or aid in seen or aid in refused:
                summary.skipped += 1
                bar.update(summary)
                continue
            seen.add(aid)
            sig = near.signature(art.text) if near is not None else None
            match = near.find(sig) if near is not None else None
            if match is not None:
                art.date = normalise_date(art.date)
                pending.append(StoredArticle(art, [], [], duplicate_of=match[0], similarity=round(match[1], 4),
                                             signature=sig))
                summary.duplicates += 1
                bar.update(summary)
                continue
            if near is not None:
                near.add(aid, sig)
            if sig is not None:
                signatures[aid] = sig
            yield art

    if engine == "dask":
        from ..engine.dask_engine import code_dask

        parts = parts_dir or str(Path(db).resolve().parent / (Path(db).name + ".parts"))
        coded = code_dask(fresh_articles(), settings, parts, scheduler=scheduler, workers=max(jobs, 1))
    else:
        from ..engine.local import code_local

        coded = code_local(fresh_articles(), settings, jobs=jobs)

    try:
        for result in coded:
            if result.error is not None:
                aid = article_id(result.article.text)
                seen.discard(aid)
                refused.add(aid)
                signatures.pop(aid, None)
                fail(result.article.path or result.article.doc_id, getattr(result.error, "reason", "coding"),
                     str(result.error))
                continue
            aid = article_id(result.article.text)
            pending.append(StoredArticle(result.article, result.events, result.claims,
                                         signature=signatures.pop(aid, None)))
            bar.update(summary)   # coded; the summary's counts move when the group is committed
            if len(pending) >= commit_every or time.monotonic() - last_commit >= commit_seconds:
                committed.extend(article_id(i.article.text) for i in pending)
                _commit(con, pending, summary, bar, errors)
                last_commit = time.monotonic()
        committed.extend(article_id(i.article.text) for i in pending)
        _commit(con, pending, summary, bar, errors)
    finally:
        bar.close()
        con.close()
    summary.seconds = time.monotonic() - start
    return summary


def _commit(con, pending: list[StoredArticle], summary: IngestSummary, bar: _Progress,
            errors: list[tuple] | None = None) -> None:
    """Write the pending articles with their records in one transaction; the one place articles
    reach the store. Whatever must happen right after an article is stored goes here. The
    failures noted since the last commit go to the errors table first (a kill -9 loses at most
    those: the rerun meets the same inputs and records them again)."""
    if errors:
        write_errors(con, errors)
        errors.clear()
    if not pending:
        return
    from . import stories  # fusion (issue 8): story events of the new articles, in the same transaction

    fused = [(article_id(i.article.text), i.article, i.events) for i in pending if i.events]
    write_articles(con, pending, then=lambda: stories.update_stories_many(con, fused, transaction=False)
                   if fused else None)
    for item in pending:
        if item.duplicate_of is None:
            summary.stored += 1
            summary.events += len(item.events)
            summary.claims += len(item.claims)
    bar.update(summary, 0)
    pending.clear()
