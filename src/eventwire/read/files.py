"""Turn paths into Articles: .txt, .html/.htm, .jsonl/.json, .csv/.tsv, and ``-`` for stdin.

A folder is read recursively, in name order. Each input yields ``ReadResult``s:
an ``Article``, or an ``InputError`` naming the file (and line) and the reason.
Nothing here raises for a bad input: one bad file never stops a batch.

Bytes to text: UTF-8 (with or without BOM), UTF-16 or UTF-32 with a BOM (UTF-16 without one
when its NUL bytes say so); bytes that are not UTF-8 are read as Windows-1252 (Latin-1 where
1252 has no character) one sequence at a time, so a file mixing encodings keeps its UTF-8
parts. A known binary signature (PDF, ZIP, PNG, ...), NUL bytes or a high share of control
characters make a file ``binary``. Control characters are dropped; line and page breaks
become newlines; unpaired surrogates (from JSON escapes) become U+FFFD; a run of more than 100
punctuation marks or symbols without a space ("=====", emoji) gets a space every 100 (spaCy's
tokenizer is quadratic on such runs).

Size: a .txt or .html file, or a whole-file JSON array, over ``max_bytes`` is refused
(``too_large``) from its size, unread. JSON lines and CSV are streamed line by line whatever
their size, so memory holds one record; a line over ``max_bytes`` is refused and skipped
without being held in memory.

CSV (.csv, .tsv): a header row names the columns: ``text`` (else ``body``, ``content`` or
``article``) is the article; ``id``, ``date`` (or another of DATE_FIELDS), ``title``, ``url``
and ``source`` are optional. A field holding the delimiter, a quote or a newline is quoted
("..."), quotes inside doubled (RFC 4180). A row without text, or with more fields than the
header, is ``malformed``; the rows after it are read.
"""
from __future__ import annotations

import codecs
import io
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from ..errors import BinaryInputError, EmptyInputError, InputError, MalformedInputError, TooLargeInputError
from ..records import Article

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".jsonl", ".json", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
STREAMED_SUFFIXES = JSON_SUFFIXES | CSV_SUFFIXES
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES
SKIP_NAMES = {".meta.json"}
# JSON fields and CSV columns that carry the publication date, in order of preference.
DATE_FIELDS = ("date", "published", "published_at", "publication_date", "pubdate", "datePublished", "date_published")
CSV_TEXT_COLUMNS = ("text", "body", "content", "article")
MAX_BYTES = 50_000_000  # Settings.max_bytes
SNIFF = 4096            # bytes read to tell text from binary and find the encoding

# File signatures of common binary formats, and what to call them.
SIGNATURES = ((b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or .docx, .xlsx, .epub)"),
              (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"),
              (b"\x1f\x8b", "gzip-compressed"), (b"BZh", "bzip2-compressed"), (b"\xfd7zXZ", "xz-compressed"),
              (b"(\xb5/\xfd", "zstd-compressed"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\x7fELF", "a program"),
              (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"SQLite format 3\x00", "an SQLite database"),
              (b"PAR1", "a Parquet file"), (b"RIFF", "audio or video"), (b"OggS", "audio or video"),
              (b"\x00\x00\x00\x18ftyp", "a video"), (b"\x00\x00\x00\x20ftyp", "a video"))
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))
_FALLBACK = "eventwire-cp1252"
_DIRTY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")
# RUN marks and symbols without a space (=====, !!!!, emoji): spaCy's tokenizer takes time quadratic
# in such a run (10,000 '=' take half a minute), so a space goes in after every RUN of them.
RUN = 100
_RUN = re.compile(r"(?:[^\w\s]|_){%d}(?=[^\w\s]|_)" % RUN)


@dataclass
class ReadResult:
    article: Article | None = None
    error: InputError | None = None


# --- bytes to text ----------------------------------------------------------------------------

def _cp1252(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 read as Windows-1252, else Latin-1."""
    out = []
    for b in exc.object[exc.start:exc.end]:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out), exc.end


def _register() -> None:
    try:
        codecs.lookup_error(_FALLBACK)
    except LookupError:
        codecs.register_error(_FALLBACK, _cp1252)


def decode_utf8(data: bytes) -> str:
    """UTF-8, with each sequence that is not UTF-8 read as Windows-1252 (mixed encodings survive)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        _register()
        return data.decode("utf-8", errors=_FALLBACK)


def binary_kind(head: bytes) -> str | None:
    """What a file starting with ``head`` is when it is not text (None: it may be text)."""
    for sig, kind in SIGNATURES:
        if head.startswith(sig):
            return kind
    if _bom_encoding(head) or _utf16_without_bom(head):
        return None
    if head.count(b"\x00") > max(2, len(head) // 100):
        return "binary (NUL bytes)"
    sample = decode_utf8(head[:-4] if len(head) >= SNIFF else head)
    controls = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f\v") or "\x7f" <= ch <= "\x9f")
    valid = _valid_utf8(head)
    if sample and controls > len(sample) * (0.3 if valid else 0.05):
        return "binary (control characters)"
    return None


def _valid_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _bom_encoding(head: bytes) -> str | None:
    for bom, enc in _BOMS:
        if head.startswith(bom):
            if enc == "utf-32":  # FF FE 00 00 is also UTF-16 starting with U+0000: UTF-32 must decode
                try:
                    head[:len(head) // 4 * 4].decode("utf-32")
                except UnicodeDecodeError:
                    continue
            return enc
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    if len(head) < 8 or head.count(b"\x00") < len(head) // 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= len(head) // 2 * 0.9 and even == 0:
        return "utf-16-le"
    if even >= len(head) // 2 * 0.9 and odd == 0:
        return "utf-16-be"
    return None


def decode(data: bytes, source: str) -> str:
    """Bytes to text (see the module docstring); raises EmptyInputError or BinaryInputError."""
    if not data.strip():
        raise EmptyInputError(source, "the file is empty")
    enc = _bom_encoding(data[:SNIFF]) or _utf16_without_bom(data[:SNIFF])
    if enc:
        return data.decode(enc, errors="replace")
    kind = binary_kind(data[:SNIFF])
    if kind:
        raise BinaryInputError(source, f"the file is {kind}, not text")
    text = decode_utf8(data)
    return text[1:] if text.startswith("\ufeff") else text


@lru_cache(maxsize=1)
def _clean_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {c: None for c in range(32) if chr(c) not in "\t\n"}
    for c in (0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x85):  # vertical tab, page break, separators, NEL
        table[c] = "\n"
    table.update({c: None for c in range(0x7f, 0xa0) if c != 0x85})
    table[0xfeff] = None
    return table


def clean_text(text: str) -> str:
    """Drop control characters; \\r\\n, \\r, page and section breaks become newlines; lone
    surrogates become U+FFFD; a space goes into runs of marks longer than RUN. Everything else
    is kept."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _DIRTY.search(text) is not None:
        text = re.sub("[\ud800-\udfff]", "\ufffd", text.translate(_clean_table()))
    if _RUN.search(text) is not None:
        text = _RUN.sub(lambda m: m.group(0) + " ", text)
    return text


def _field(value: object) -> str | None:
    """An optional metadata field as one clean line of text (None when absent)."""
    if value is None or value == "" or isinstance(value, (dict, list)):
        return None
    return " ".join(clean_text(str(value)).split())[:2000] or None


# --- HTML -------------------------------------------------------------------------------------

def _html_article(raw: str, doc_id: str, source: str) -> Article:
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise MalformedInputError(source, f"HTML reading needs trafilatura: {exc}") from exc
    text = clean_text(trafilatura.extract(raw, include_comments=False, include_tables=False,
                                          favor_recall=True) or "")
    if not text.strip():
        text = clean_text(_html_text(raw))  # a fragment or a page too short for trafilatura: its visible text
    if not text.strip():
        raise EmptyInputError(source, "no article text found in the HTML")
    meta = trafilatura.extract_metadata(raw)
    date = (getattr(meta, "date", None) if meta else None) or _dateline_date(text)
    return Article(doc_id=doc_id, text=text, date=_field(date),
                   title=_field(getattr(meta, "title", None) if meta else None),
                   url=_field(getattr(meta, "url", None) if meta else None),
                   source=_field(getattr(meta, "sitename", None) if meta else None), path=source)


_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
           "blockquote", "pre", "table", "ul", "ol", "header", "footer", "td", "th", "dd", "dt"}


def _html_text(raw: str) -> str:
    """The visible text of HTML that trafilatura finds no article in; blocks on their own lines."""
    import lxml.html

    raw = re.sub(r"^\s*<\?xml[^>]*>", "", raw)  # lxml refuses a str with an encoding declaration
    if not raw.strip():
        return ""
    try:
        root = lxml.html.fromstring(raw)
    except Exception:  # lxml's "document is empty" and kin
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


# --- JSON lines and CSV: streamed ---------------------------------------------------------------

def _lines(fh: BinaryIO, head: bytes, max_bytes: int) -> Iterator[tuple[int, str | None]]:
    """(line number, decoded line with its newline) for each line; None for a line over
    ``max_bytes``, which is skipped in pieces, never held whole."""
    fh.seek(0)
    enc = _bom_encoding(head) or _utf16_without_bom(head)
    if enc:
        stream = io.TextIOWrapper(fh, encoding=enc, errors="replace", newline="")
        readline, end = stream.readline, "\n"
    else:
        readline, end = fh.readline, b"\n"
    n = 0
    while True:
        parts, size = [], 0   # a line is read in pieces of 1 MB: one over max_bytes is never held whole
        while True:
            piece = readline(min(1 << 20, max_bytes + 1 - size))
            if not piece:
                break
            parts.append(piece)
            size += len(piece)
            if piece.endswith(end) or size > max_bytes:
                break
        if not parts:
            return
        n += 1
        if size > max_bytes and not parts[-1].endswith(end):
            parts.clear()
            while piece and not piece.endswith(end):
                piece = readline(1 << 20)
            yield n, None
            continue
        line = parts[0] if len(parts) == 1 else parts[0][:0].join(parts)
        text = line if isinstance(line, str) else decode_utf8(line)
        if n == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield n, text


def _too_long(where: str, max_bytes: int) -> TooLargeInputError:
    return TooLargeInputError(where, f"the line is over {max_bytes:,} bytes (setting max_bytes, --max-bytes): "
                                     "skipped unread")


def _json_articles(fh: BinaryIO, size: int, head: bytes, default_id: str, source: str,
                   max_bytes: int) -> Iterator[ReadResult]:
    enc = _bom_encoding(head) or _utf16_without_bom(head)
    start = (head.decode(enc, errors="replace") if enc else decode_utf8(head)).lstrip("\ufeff \t\r\n")
    first = start.split("\n", 1)[0].rstrip()
    if start.startswith("[") or (start.startswith("{") and "\n" in start and not first.endswith("}")):
        # a whole-file JSON array or a pretty-printed object: read whole, so within max_bytes
        if size > max_bytes:
            yield ReadResult(error=_too_large(source, size, max_bytes, "a JSON array is read whole: "
                                                                       "give it as JSON lines, one article a line"))
            return
        fh.seek(0)
        try:
            data = json.loads(decode(fh.read(), source))
        except (json.JSONDecodeError, InputError):
            data = None
        if data is not None:
            items = data if isinstance(data, list) else [data]
            for n, item in enumerate(items, 1):
                yield _json_item(item, default_id, f"{source}[{n}]", n)
            return
    records = 0
    for n, line in _lines(fh, head, max_bytes):
        where = f"{source}:{n}"
        if line is None:
            yield ReadResult(error=_too_long(where, max_bytes))
            continue
        if not line.strip():
            continue
        records += 1
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadResult(error=MalformedInputError(where, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        except RecursionError:
            yield ReadResult(error=MalformedInputError(where, "not valid JSON (nested too deeply)"))
            continue
        yield _json_item(item, default_id, where, n)
    if not records:
        yield ReadResult(error=EmptyInputError(source, "the file has no records"))


def _json_item(item: object, default_id: str, where: str, n: int) -> ReadResult:
    if not isinstance(item, dict):
        return ReadResult(error=MalformedInputError(where, "expected a JSON object with a 'text' field"))
    return _record(item, item.get("text"), default_id, where, n, "the record has no 'text' string")


def _record(item: dict, text: object, default_id: str, where: str, n: int, missing: str) -> ReadResult:
    """An Article from a JSON object or a CSV row (``item``: field name -> value)."""
    if not isinstance(text, str):
        return ReadResult(error=MalformedInputError(where, missing))
    text = clean_text(text)
    if not text.strip():
        return ReadResult(error=EmptyInputError(where, "the record's text is empty"))
    doc_id = _field(item.get("id")) or f"{default_id}:{n}"
    date = next((_field(item[k]) for k in DATE_FIELDS if _field(item.get(k))), None) or _dateline_date(text)
    return ReadResult(article=Article(
        doc_id=doc_id, text=text, date=date, title=_field(item.get("title")), url=_field(item.get("url")),
        source=_field(item.get("source")), path=where))


def _csv_articles(fh: BinaryIO, head: bytes, default_id: str, source: str, suffix: str,
                  max_bytes: int) -> Iterator[ReadResult]:
    import csv

    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))  # a field may hold a whole article
    state = {"line": 0}
    skipped: list[int] = []

    def feed() -> Iterator[str]:
        for n, line in _lines(fh, head, max_bytes):
            state["line"] = n
            if line is None:
                skipped.append(n)
                continue
            yield line

    reader = csv.reader(feed(), delimiter="\t" if suffix == ".tsv" else ",")
    header: list[str] | None = None
    row_start, rows = 1, 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield ReadResult(error=MalformedInputError(f"{source}:{row_start}", f"not valid CSV ({exc})"))
            row_start = state["line"] + 1
            continue
        row_no, row_start = row_start, state["line"] + 1
        where = f"{source}:{row_no}"
        while skipped:
            yield ReadResult(error=_too_long(f"{source}:{skipped.pop(0)}", max_bytes))
        if not row or not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [h.strip().lstrip("\ufeff").lower() for h in row]
            if not any(c in header for c in CSV_TEXT_COLUMNS):
                shown = ", ".join(h[:30] for h in header[:8]) + (" ..." if len(header) > 8 else "")
                yield ReadResult(error=MalformedInputError(
                    source, f"no 'text' column in the header row ({shown}): CSV input needs a header row "
                            "naming a text column, and optionally id, date, title, url, source"))
                return
            text_col = next(header.index(c) for c in CSV_TEXT_COLUMNS if c in header)
            continue
        if len(row) > len(header):
            rows += 1
            yield ReadResult(error=MalformedInputError(
                where, f"the row has {len(row)} fields, the header {len(header)}: quote a field that holds "
                       "the delimiter (\"...\")"))
            continue
        rows += 1
        item = dict(zip(header, row))
        yield _record(item, row[text_col] if text_col < len(row) else None, default_id, where, row_no,
                      f"the row has no '{header[text_col]}' field")
    while skipped:
        yield ReadResult(error=_too_long(f"{source}:{skipped.pop(0)}", max_bytes))
    if not rows:
        yield ReadResult(error=EmptyInputError(source, "the CSV file has no rows" if header is None
                                               else "the CSV file has a header row but no articles"))


# --- one input --------------------------------------------------------------------------------

def _too_large(source: str, size: int, max_bytes: int, hint: str = "") -> TooLargeInputError:
    return TooLargeInputError(source, f"the file is {size:,} bytes, over the limit of {max_bytes:,} "
                                      f"(setting max_bytes, --max-bytes); not read"
                                      + (f": {hint}" if hint else ": split it, or give it as JSON lines or CSV, "
                                                                  "which are read record by record"))


def read_stream(fh: BinaryIO, size: int, doc_id: str, source: str, suffix: str = ".txt",
                max_bytes: int = MAX_BYTES) -> Iterator[ReadResult]:
    """Read one input from a binary file object of ``size`` bytes, by its suffix."""
    suffix = suffix.lower()
    try:
        if suffix not in STREAMED_SUFFIXES and size > max_bytes:
            raise _too_large(source, size, max_bytes)
        head = fh.read(SNIFF)
        if not head.strip() and size <= SNIFF:
            raise EmptyInputError(source, "the file is empty")
        if suffix in STREAMED_SUFFIXES:
            kind = binary_kind(head)
            if kind:
                raise BinaryInputError(source, f"the file is {kind}, not text")
            if suffix in JSON_SUFFIXES:
                yield from _json_articles(fh, size, head, doc_id, source, max_bytes)
            else:
                yield from _csv_articles(fh, head, doc_id, source, suffix, max_bytes)
            return
        data = head + fh.read(max_bytes + 1 - len(head))
        if len(data) > max_bytes:  # the file grew, or stdin: no size known beforehand
            raise _too_large(source, len(data), max_bytes)
        raw = decode(data, source)
        if suffix in HTML_SUFFIXES or raw.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            yield ReadResult(article=_html_article(raw, doc_id, source))
        else:
            text = clean_text(raw)
            if not text.strip():
                raise EmptyInputError(source, "the file has no text")
            yield ReadResult(article=Article(doc_id=doc_id, text=text, date=_dateline_date(text), path=source))
    except InputError as exc:
        yield ReadResult(error=exc)
    except OSError as exc:
        yield ReadResult(error=InputError(source, f"cannot read: {exc.strerror or exc}"))
    except Exception as exc:  # a reader library failing on odd input is this input's problem
        yield ReadResult(error=MalformedInputError(source, f"{type(exc).__name__}: {exc}"))


def read_bytes(data: bytes, doc_id: str, source: str, suffix: str = ".txt",
               max_bytes: int = MAX_BYTES) -> Iterator[ReadResult]:
    """Read one input's bytes (by its suffix) into articles or errors."""
    yield from read_stream(io.BytesIO(data), len(data), doc_id, source, suffix, max_bytes)


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
            return _field(data.get("published") or data.get("date")) if isinstance(data, dict) else None
        except (OSError, ValueError):
            return None
    return None


def read_paths(paths: Iterable[str], max_bytes: int = MAX_BYTES) -> Iterator[ReadResult]:
    """Yield a ReadResult for every article under ``paths`` (files, folders, ``-`` for stdin)."""
    for given in paths:
        if given == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            yield from read_bytes(data, "stdin", "<stdin>", ".txt", max_bytes)
            continue
        path = Path(given)
        if path.is_dir():
            for f in _files_under(path):
                rel = f.relative_to(path).with_suffix("").as_posix()
                yield from _read_file(f, rel, max_bytes)
        elif path.is_file():
            yield from _read_file(path, path.stem, max_bytes)
        else:
            yield ReadResult(error=InputError(given, "no such file or folder"))


def _read_file(path: Path, doc_id: str, max_bytes: int = MAX_BYTES) -> Iterator[ReadResult]:
    try:
        size = path.stat().st_size
        fh = open(path, "rb")
    except OSError as exc:
        yield ReadResult(error=InputError(str(path), f"cannot read: {exc.strerror or exc}"))
        return
    date = _meta_date(path)
    with fh:
        for result in read_stream(fh, size, doc_id, str(path), path.suffix, max_bytes):
            # the sidecar is the user's word: it wins over what the text itself suggests (a dateline)
            if result.article and date and (not result.article.date or path.suffix.lower() not in STREAMED_SUFFIXES):
                result.article.date = date
            yield result
