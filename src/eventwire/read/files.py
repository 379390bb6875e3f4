"""Turn paths into Articles: .txt, .html/.htm, .jsonl/.json, and ``-`` for stdin.

A folder is read recursively, in name order. Each input yields ``ReadResult``s:
an ``Article``, or an ``InputError`` naming the file (and line) and the reason.
Nothing here raises for a bad input: one bad file never stops a batch.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import BinaryInputError, EmptyInputError, InputError, MalformedInputError
from ..records import Article

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".jsonl", ".json", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
SKIP_NAMES = {".meta.json"}
# JSON fields that carry the publication date, in order of preference.
DATE_FIELDS = ("date", "published", "published_at", "publication_date", "pubdate", "datePublished", "date_published")


@dataclass
class ReadResult:
    article: Article | None = None
    error: InputError | None = None


def decode(data: bytes, source: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or latin-1 as a last resort."""
    if not data.strip():
        raise EmptyInputError(source, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise BinaryInputError(source, "the file is binary (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if controls > len(sample) * 0.05:
        raise BinaryInputError(source, "the file is binary, not text")
    return data.decode("latin-1")


def clean_text(text: str) -> str:
    """Drop control characters other than newlines and tabs; keep everything else."""
    return "".join(ch for ch in text if ch >= " " or ch in "\n\t").replace("\r", "")


def _html_article(raw: str, doc_id: str, source: str) -> Article:
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise MalformedInputError(source, f"HTML reading needs trafilatura: {exc}") from exc
    text = trafilatura.extract(raw, include_comments=False, include_tables=False, favor_recall=True)
    if not text or not text.strip():
        raise EmptyInputError(source, "no article text found in the HTML")
    meta = trafilatura.extract_metadata(raw)
    date = (getattr(meta, "date", None) if meta else None) or _dateline_date(text)
    title = getattr(meta, "title", None) if meta else None
    url = getattr(meta, "url", None) if meta else None
    sitename = getattr(meta, "sitename", None) if meta else None
    return Article(doc_id=doc_id, text=clean_text(text), date=date, title=title, url=url,
                   source=sitename, path=source)


def _json_articles(raw: str, default_id: str, source: str) -> Iterator[ReadResult]:
    lines = raw.splitlines()
    stripped = raw.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and len(lines) > 1 and
                                    not lines[0].rstrip().endswith("}")):
        try:  # a whole-file JSON array or a pretty-printed object
            data = json.loads(raw)
            items = data if isinstance(data, list) else [data]
            for n, item in enumerate(items, 1):
                yield _json_item(item, default_id, f"{source}[{n}]", n)
            return
        except json.JSONDecodeError:
            pass
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadResult(error=MalformedInputError(where, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        yield _json_item(item, default_id, where, n)


def _json_item(item: object, default_id: str, where: str, n: int) -> ReadResult:
    if not isinstance(item, dict):
        return ReadResult(error=MalformedInputError(where, "expected a JSON object with a 'text' field"))
    text = item.get("text")
    if not isinstance(text, str):
        return ReadResult(error=MalformedInputError(where, "the record has no 'text' string"))
    if not text.strip():
        return ReadResult(error=EmptyInputError(where, "the record's text is empty"))
    doc_id = str(item.get("id") or f"{default_id}:{n}")
    date = next((item[k] for k in DATE_FIELDS if item.get(k)), None) or _dateline_date(text)
    return ReadResult(article=Article(
        doc_id=doc_id, text=clean_text(text), date=str(date) if date else None,
        title=item.get("title"), url=item.get("url"), source=item.get("source"), path=where))


def read_bytes(data: bytes, doc_id: str, source: str, suffix: str = ".txt") -> Iterator[ReadResult]:
    """Read one input's bytes (by its suffix) into articles or errors."""
    suffix = suffix.lower()
    try:
        raw = decode(data, source)
        if suffix in JSON_SUFFIXES:
            yield from _json_articles(raw, doc_id, source)
        elif suffix in HTML_SUFFIXES or raw.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            yield ReadResult(article=_html_article(raw, doc_id, source))
        else:
            text = clean_text(raw)
            if not text.strip():
                raise EmptyInputError(source, "the file has no text")
            yield ReadResult(article=Article(doc_id=doc_id, text=text, date=_dateline_date(text), path=source))
    except InputError as exc:
        yield ReadResult(error=exc)
    except Exception as exc:  # a reader library failing on odd input is this input's problem
        yield ReadResult(error=MalformedInputError(source, f"{type(exc).__name__}: {exc}"))


def _dateline_date(text: str) -> str | None:
    """The publication date a dateline gives in full ("GENEVA, March 23, 2017 (Reuters) -"), else None."""
    from .dateline import parse_dateline

    got = parse_dateline(text)
    return got.date if got else None


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".meta.json")
                  and p.suffix.lower() in KNOWN_SUFFIXES)


def _meta_date(path: Path) -> str | None:
    """A publication date from a sidecar ``NAME.meta.json`` ({"published": ...}) if present."""
    meta = path.with_name(path.stem + ".meta.json")
    if meta.is_file():
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            return data.get("published") or data.get("date")
        except (OSError, ValueError):
            return None
    return None


def read_paths(paths: Iterable[str]) -> Iterator[ReadResult]:
    """Yield a ReadResult for every article under ``paths`` (files, folders, ``-`` for stdin)."""
    for given in paths:
        if given == "-":
            yield from read_bytes(sys.stdin.buffer.read(), "stdin", "<stdin>", ".txt")
            continue
        path = Path(given)
        if path.is_dir():
            for f in _files_under(path):
                rel = f.relative_to(path).with_suffix("").as_posix()
                yield from _read_file(f, rel)
        elif path.is_file():
            yield from _read_file(path, path.stem)
        else:
            yield ReadResult(error=InputError(given, "no such file or folder"))


def _read_file(path: Path, doc_id: str) -> Iterator[ReadResult]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ReadResult(error=InputError(str(path), f"cannot read: {exc.strerror or exc}"))
        return
    date = _meta_date(path)
    for result in read_bytes(data, doc_id, str(path), path.suffix):
        # the sidecar is the user's word: it wins over what the text itself suggests (a dateline)
        if result.article and date and (not result.article.date or path.suffix.lower() not in JSON_SUFFIXES):
            result.article.date = date
        yield result
