"""The local engine: code articles in this process, or in N worker processes.

reads: Articles; writes: ``CodedArticle`` results (records, or the article's error), in the
order chunks finish. Each worker loads the spaCy model and the dictionaries once
(``api.get_pipeline``) and codes chunks of articles sent to it; only the records come back,
so the parent stays light enough to write the store while the workers parse. At most
``2 * jobs + 1`` chunks are in flight, so memory stays flat however large the input.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Iterable, Iterator

from ..config import Settings
from ..errors import EventwireError
from ..pipeline import CodedArticle
from ..records import Article
from . import peek, portable

CHUNK = 8  # articles per task: small enough to balance the workers, large enough for nlp.pipe


def chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for art in articles:
        batch.append(art)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _watch_parent(parent: int) -> None:
    # A worker whose parent was killed (kill -9 leaves no chance to clean up) exits on its own.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(settings: Settings, parent: int) -> None:
    from ..api import get_pipeline

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    get_pipeline(settings)  # load the model once, before the first chunk arrives


def _code_chunk(batch: list[Article], settings: Settings) -> list[CodedArticle]:
    from ..api import code_articles

    return [portable(r) for r in code_articles(batch, settings)]


def code_local(articles: Iterable[Article], settings: Settings | None = None, jobs: int = 1,
               chunk_size: int = CHUNK) -> Iterator[CodedArticle]:
    """Code ``articles`` with ``jobs`` worker processes (1: in this process)."""
    settings = settings or Settings()
    if jobs < 1:
        raise EventwireError(f"--jobs must be 1 or more, not {jobs}")
    todo_articles = peek(articles)
    if todo_articles is None:
        return
    if jobs == 1:
        from ..api import code_articles

        yield from code_articles(todo_articles, settings)
        return

    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn"),
                               initializer=_init_worker, initargs=(settings, os.getpid()))
    todo = chunks(todo_articles, chunk_size)
    pending: set = set()
    window = 2 * jobs + 1
    try:
        while True:
            while len(pending) < window:
                batch = next(todo, None)
                if batch is None:
                    break
                pending.add(pool.submit(_code_chunk, batch, settings))
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    results = fut.result()
                except BrokenProcessPool as exc:
                    raise EventwireError(f"a worker process died ({exc or 'killed'}); rerun the same command "
                                         "to go on: articles already stored are skipped") from exc
                yield from results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
