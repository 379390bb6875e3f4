"""Engines: where the stages run. ``local`` codes in this process or in N worker processes;
``dask_engine`` codes on a Dask cluster. Each yields ``CodedArticle`` results for ingest to store.

The stage code is the same everywhere: a worker builds ``api.get_pipeline(settings)`` once
(the spaCy model and the dictionaries) and codes chunks of articles with it.
"""
from __future__ import annotations

import itertools
from typing import Iterable, Iterator

from ..errors import EventwireError
from ..records import Article

ENGINES = ("local", "dask")


class WorkerError(EventwireError):
    """An article's failure, carried back from a worker process (it pickles by message and reason)."""

    def __init__(self, message: str, reason: str = "coding"):
        super().__init__(message)
        self.reason = reason

    def __reduce__(self):
        return (WorkerError, (str(self), self.reason))


def peek(articles: Iterable[Article]) -> Iterator[Article] | None:
    """``articles`` again, or None when there are none (so nothing loads a model for nothing)."""
    it = iter(articles)
    first = next(it, None)
    return None if first is None else itertools.chain([first], it)


def portable(result):
    """A CodedArticle whose error survives pickling (InputError subclasses do not)."""
    if result.error is not None and not isinstance(result.error, WorkerError):
        result.error = WorkerError(str(result.error), getattr(result.error, "reason", "coding"))
    return result
