"""Fuzzing the readers (JSON lines, CSV, HTML) with structured inputs, and the small parsers
every article passes through (dates, the language check).

Each generated file mixes good records, in any encoding the readers accept, with damaged
ones. The properties: nothing raises; every line or row gives exactly one result, an article
or an error naming the file and line; a good record comes back with its text exactly (after
clean_text). Example counts are reliability_log.examples(n): n in `make test`, more under
`make reliability`.
"""
from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability_log import examples, note

from eventwire import language
from eventwire.pipeline import normalise_date
from eventwire.read import read_bytes
from eventwire.read.files import clean_text

FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=200)
WORDY = st.lists(st.sampled_from(["Iran", "rejected", "the", "proposal", ",", ".", '"', "\n", "\t", "é", "中",
                                  "\x00", "\x1b", "\u2028", "\ufeff", "  ", "=" * 120, "\U0001F600"]),
                 min_size=1, max_size=30).map(" ".join)
SCALAR = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(), TEXT,
                   st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
RECORD = st.fixed_dictionaries({"text": st.one_of(WORDY, TEXT)},
                               optional={"id": st.one_of(TEXT, st.integers()), "title": SCALAR, "date": SCALAR,
                                         "url": SCALAR, "source": SCALAR, "published": SCALAR})
DAMAGE = st.sampled_from(["", "truncate", "garbage", "binary", "not-object", "no-text"])
ENCODING = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252-mixed"])


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "cp1252-mixed":
        # a character between ASCII ones as cp1252 where cp1252 has it, the rest as UTF-8 (two
        # cp1252 bytes side by side can spell a UTF-8 character: no reader can tell those apart)
        out = []
        for i, ch in enumerate(text):
            alone = (i == 0 or text[i - 1].isascii()) and (i + 1 == len(text) or text[i + 1].isascii())
            out.append(ch.encode("cp1252") if not ch.isascii() and alone and _in_cp1252(ch) else ch.encode("utf-8"))
        return b"".join(out)
    return text.encode(encoding, errors="surrogatepass")


def _in_cp1252(ch: str) -> bool:
    try:
        ch.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _check_result(res, source: str) -> None:
    assert (res.article is None) != (res.error is None)
    if res.error is not None:
        assert str(res.error).startswith(source) and res.error.reason
    else:
        a = res.article
        assert a.text.strip() and a.path.startswith(source)
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", a.text)
        for field in (a.doc_id, a.title, a.url, a.source, a.date):
            assert field is None or isinstance(field, str)


@settings(max_examples=examples(100), **FUZZ)
@given(records=st.lists(st.tuples(RECORD, DAMAGE), min_size=1, max_size=8), encoding=ENCODING)
def test_jsonl_reader(records, encoding):
    lines, expect = [], []
    for rec, damage in records:
        line = json.dumps(rec, ensure_ascii=False)
        if damage == "truncate":
            line = line[: len(line) // 2]
        elif damage == "garbage":
            line = "{" + line[::-1]
        elif damage == "binary":
            line = "\x00\x01\x02 not json"
        elif damage == "not-object":
            line = json.dumps([rec.get("text")])
        elif damage == "no-text":
            line = json.dumps({k: v for k, v in rec.items() if k != "text"}, ensure_ascii=False)
        lines.append(line)
        expect.append(clean_text(rec["text"]) if not damage and clean_text(rec["text"]).strip() else None)
    data = _encode("\n".join(lines) + "\n", encoding if encoding != "cp1252-mixed" else "utf-8")
    results = list(read_bytes(data, "feed", "feed.jsonl", ".jsonl"))
    note("fuzz: readers", case="JSON lines")
    for res in results:
        _check_result(res, "feed.jsonl")
    if len(results) == 1 and results[0].error is not None and ":" not in results[0].error.source:
        return  # the whole file was refused (binary-looking damage in the first 4 KB): named, nothing read
    assert len(results) == len(lines), "a line gave no result, or more than one"
    for n, (res, want) in enumerate(zip(results, expect), 1):
        if want is not None:
            assert res.article is not None and res.article.text == want and res.article.path == f"feed.jsonl:{n}"


@settings(max_examples=examples(100), **FUZZ)
@given(rows=st.lists(st.tuples(st.one_of(WORDY, TEXT), TEXT, st.sampled_from(["", "extra", "short", "quote"])),
                     min_size=1, max_size=8),
       encoding=ENCODING, delimiter=st.sampled_from([",", "\t"]))
def test_csv_reader(rows, encoding, delimiter):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)  # quotes fields holding \r or \n (RFC 4180)
    w.writerow(["id", "title", "text"])
    expect = []
    for n, (text, title, damage) in enumerate(rows):
        if damage == "extra":
            w.writerow([f"r{n}", title, text, "surplus"])
            expect.append("malformed")
        elif damage == "short":
            w.writerow([f"r{n}"])
            expect.append("malformed")
        elif damage == "quote":
            buf.write(f'r{n}{delimiter}"unclosed{delimiter}{text}\r\n')
            expect.append(None)  # may swallow the rows after it: only "no crash" is checked
        else:
            w.writerow([f"r{n}", title, text])
            expect.append(clean_text(text) if clean_text(text).strip() else "empty")
    suffix = ".csv" if delimiter == "," else ".tsv"
    data = _encode(buf.getvalue(), encoding)
    results = list(read_bytes(data, "wire", "wire" + suffix, suffix))
    note("fuzz: readers", case="CSV")
    for res in results:
        _check_result(res, "wire" + suffix)
    if None in expect or (results and results[0].error is not None and ":" not in results[0].error.source):
        return
    assert len(results) == len(rows) or (len(results) == 1 and results[0].error.reason == "empty")
    for n, (res, want) in enumerate(zip(results, expect)):
        if want in ("malformed", "empty"):
            assert res.error is not None and res.error.reason == want, (want, res)
        else:
            assert res.article is not None and res.article.text == want and res.article.doc_id == f"r{n}"


TAG = st.sampled_from(["p", "div", "article", "span", "b", "script", "style", "title", "html", "body", "head",
                       "br", "table", "td", "!--", "meta", "h1", "a", "li"])


@st.composite
def html_docs(draw):
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["open", "close", "text", "text", "attr", "junk"]))
        tag = draw(TAG)
        if kind == "open":
            parts.append(f"<{tag}>")
        elif kind == "close":
            parts.append(f"</{tag}>")
        elif kind == "attr":
            parts.append(f'<{tag} class="{draw(TEXT)}" content="{draw(TEXT)}">')
        elif kind == "junk":
            parts.append(draw(st.sampled_from(["<", ">", "&amp", "&#99999999;", "<![CDATA[", "<?xml ?>", "]]>",
                                               "<!DOCTYPE html>", "\x00", "<" * 50])))
        else:
            parts.append(draw(st.one_of(WORDY, TEXT)))
    if draw(st.booleans()):
        parts.append("<p>" + " ".join(["Iran rejected the proposal on Monday, officials said."] * 3) + "</p>")
    doc = "".join(parts)
    if draw(st.booleans()):
        doc = doc[: draw(st.integers(0, max(0, len(doc))))]
    return doc


@settings(max_examples=examples(50), **FUZZ)
@given(doc=html_docs(), encoding=ENCODING)
def test_html_reader(doc, encoding):
    results = list(read_bytes(_encode(doc, encoding), "page", "page.html", ".html"))
    note("fuzz: readers", case="HTML")
    assert len(results) == 1
    _check_result(results[0], "page.html")


@settings(max_examples=examples(100), deadline=None)
@given(value=st.one_of(TEXT, st.dates().map(str), st.from_regex(r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}", fullmatch=True),
                       st.text(max_size=5000)))
def test_publication_dates_never_raise(value):
    got = normalise_date(value)
    note("fuzz: pipeline", case="dates")
    assert got is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", got), got


@settings(max_examples=examples(100), deadline=None)
@given(text=st.one_of(TEXT, WORDY, st.text(max_size=3000)))
def test_language_check_never_raises_and_is_stable(text):
    first = language.detect(text)
    note("fuzz: pipeline", case="language check")
    assert first == language.detect(text)
    assert first is None or (first.language and first.reason)
