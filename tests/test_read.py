"""Readers: every good article comes through; every bad input is named with its reason."""
from __future__ import annotations

import json

from eventwire.errors import BinaryInputError, EmptyInputError, MalformedInputError
from eventwire.read import read_paths


def _results(tmp_path):
    return list(read_paths([str(tmp_path)]))


def test_folder_with_bad_inputs(tmp_path):
    (tmp_path / "good.txt").write_text("Russia accused Ukraine of shelling the plant.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes("Le président de la République a rencontré M. Müller.".encode("latin-1"))
    sub = tmp_path / "feed"
    sub.mkdir()
    lines = [json.dumps({"id": "a1", "text": "Iran rejected the proposal.", "date": "2020-01-02"}),
             "{not json", json.dumps({"id": "a2"}), json.dumps({"id": "a3", "text": "Egypt hosted talks."})]
    (sub / "wire.jsonl").write_text("\n".join(lines), encoding="utf-8")
    results = _results(tmp_path)
    good = {r.article.doc_id: r.article for r in results if r.article}
    bad = [r.error for r in results if r.error]
    assert set(good) == {"good", "latin", "a1", "a3"}
    assert "président" in good["latin"].text
    assert good["a1"].date == "2020-01-02"
    kinds = {type(e) for e in bad}
    assert kinds == {EmptyInputError, BinaryInputError, MalformedInputError}
    sources = " ".join(e.source for e in bad)
    assert "empty.txt" in sources and "binary.txt" in sources and "wire.jsonl:2" in sources
    assert "wire.jsonl:3" in sources


def test_doc_id_is_relative_path_in_folder(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "story.txt").write_text("Text.", encoding="utf-8")
    [r] = _results(tmp_path)
    assert r.article.doc_id == "a/b/story"


def test_html_main_text_and_date(tmp_path):
    html = """<html><head><title>Talks</title><meta property="article:published_time" content="2019-05-04">
    </head><body><nav>Home | World</nav><article><h1>Talks resume</h1>
    <p>Iran and the European Union held talks in Vienna on Friday about the nuclear agreement.</p>
    <p>The talks were described as constructive by diplomats from both sides, who met for six hours.</p>
    </article><footer>Copyright</footer></body></html>"""
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    [r] = _results(tmp_path)
    assert r.article is not None, r.error
    assert "held talks in Vienna" in r.article.text
    assert r.article.date == "2019-05-04"


def test_utf16_with_bom(tmp_path):
    (tmp_path / "u16.txt").write_bytes("Turkey shelled Kurdish positions.".encode("utf-16"))
    [r] = _results(tmp_path)
    assert r.article.text.startswith("Turkey shelled")


def test_missing_path_is_an_error():
    [r] = list(read_paths(["/nonexistent/nowhere.txt"]))
    assert r.error is not None and "no such file" in str(r.error)
