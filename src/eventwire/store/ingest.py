"""Ingest: read, code and store articles in DuckDB, one transaction per article.

reads: input paths; writes: the articles, events, claims and errors tables.
An article already stored (same text, by SHA-1) is skipped, so a rerun after
an interruption stores each article exactly once.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

from ..config import Settings
from ..read import read_paths
from .db import article_id, has_article, open_db, write_article, write_error


@dataclass
class IngestSummary:
    db: str
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    empty: int = 0
    events: int = 0
    claims: int = 0
    failures: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (f"{self.db}: stored {self.stored} articles ({self.events} events, {self.claims} claims), "
                f"skipped {self.skipped} already stored and {self.empty} empty, {self.failed} failed")


def ingest(paths, db: str, date: str | None = None, settings: Settings | None = None,
           progress: bool = True) -> IngestSummary:
    from ..api import code_articles

    con = open_db(db)
    summary = IngestSummary(db)

    def fail(source: str, reason: str, message: str) -> None:
        if reason == "empty":
            summary.empty += 1
        else:
            summary.failed += 1
        summary.failures.append(message)
        write_error(con, source, reason, message)
        print(f"eventwire: skipped {message} [{reason}]", file=sys.stderr)

    def fresh_articles():
        for res in read_paths(paths):
            if res.error is not None:
                fail(res.error.source, res.error.reason, str(res.error))
                continue
            art = res.article
            if date and not art.date:
                art.date = date
            if has_article(con, article_id(art.text)):
                summary.skipped += 1
                continue
            yield art

    bar = _progress(progress)
    for result in code_articles(fresh_articles(), settings):
        if result.error is not None:
            fail(result.article.path or result.article.doc_id, getattr(result.error, "reason", "coding"),
                 str(result.error))
            continue
        if has_article(con, article_id(result.article.text)):  # a duplicate inside this batch
            summary.skipped += 1
            continue
        write_article(con, result.article, result.events, result.claims)
        summary.stored += 1
        summary.events += len(result.events)
        summary.claims += len(result.claims)
        bar(summary)
    bar(summary, done=True)
    con.close()
    return summary


def _progress(enabled: bool):
    import time

    start = time.monotonic()

    def show(summary: IngestSummary, done: bool = False) -> None:
        if not enabled:
            return
        n = summary.stored
        rate = n / max(time.monotonic() - start, 1e-9)
        end = "\n" if done else "\r"
        print(f"  {n} articles stored, {summary.events} events, {rate:.1f} articles/s", end=end,
              file=sys.stderr, flush=True)

    return show
