"""The library entry points behind the CLI, the server and the engines."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

from .config import Settings
from .pipeline import CodedArticle, Pipeline
from .read import read_paths
from .records import Article, Claim, Event


@lru_cache(maxsize=4)
def get_pipeline(settings: Settings = Settings()) -> Pipeline:
    """The pipeline for ``settings``, built once per process."""
    return Pipeline(settings)


def code_text(text: str, date: str | None = None, doc_id: str = "text",
              settings: Settings | None = None) -> list[Event | Claim]:
    """Code one article's text; returns its event records, then its claim records.

    >>> records = code_text("Russia accused Ukraine of shelling the plant.", date="2022-08-10")
    >>> [(r.source.code, r.cameo, r.target.code) for r in records if r.kind == "event"]
    [('RUS', '112', 'UKR')]
    """
    result = next(iter(get_pipeline(settings or Settings())([Article(doc_id, text, date)])))
    if result.error is not None:
        raise result.error
    return result.records


def code_articles(articles: Iterable[Article], settings: Settings | None = None) -> Iterator[CodedArticle]:
    """Code Articles in batches; a failed article comes back with its ``error`` set."""
    yield from get_pipeline(settings or Settings())(articles)


def code_files(paths: Iterable[str], date: str | None = None, settings: Settings | None = None,
               errors: list | None = None) -> Iterator[CodedArticle]:
    """Read and code files and folders (.txt, .html, .jsonl). ``date`` is the publication date
    for articles that carry none. Inputs that cannot be read are appended to ``errors`` (when
    given) as InputError and skipped; everything else is coded.
    """
    settings = settings or Settings()

    def articles():
        for res in read_paths(paths, settings.max_bytes):
            if res.error is not None:
                if errors is not None:
                    errors.append(res.error)
                continue
            if date and not res.article.date:
                res.article.date = date
            yield res.article

    yield from code_articles(articles(), settings)
