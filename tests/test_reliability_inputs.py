"""Bad input: every case is named with its file and reason, recorded in the errors table, and the
batch goes on; good articles in odd encodings come through intact; nothing is lost or stored twice.

`make test` runs each case at a small size; `make reliability` (reliability_log.LONG) at full
size: a real 100 MB file, a 1,000,000-line JSON-lines file with the peak memory measured, a
30,000-word text without punctuation.
"""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
import tracemalloc

import duckdb
import pytest

from conftest import ROOT
from reliability_log import LONG, note

from eventwire import language
from eventwire.config import Settings
from eventwire.read import read_paths
from eventwire.read.files import clean_text
from eventwire.records import Article
from eventwire.store.db import open_db, read_records
from eventwire.store.ingest import ingest

SAMPLES = ROOT / "src" / "eventwire" / "data" / "samples" / "articles.jsonl"

# Paragraphs written for these tests, one per language (a text must not be coded as English).
FOREIGN = {
    "fr": "Le ministre des Affaires étrangères a rencontré mardi son homologue allemand à Paris pour discuter de "
          "la situation au Sahel. Selon un communiqué publié dans la soirée, les deux pays veulent renforcer leur "
          "coopération et ont annoncé une aide supplémentaire pour les réfugiés qui fuient les combats.",
    "es": "El presidente del gobierno anunció el lunes que su país enviará ayuda humanitaria a las zonas afectadas "
          "por las inundaciones. Según fuentes oficiales, más de dos mil personas han tenido que abandonar sus "
          "casas y las autoridades locales piden más recursos para atender a los desplazados.",
    "de": "Die Bundesregierung hat am Mittwoch neue Sanktionen gegen mehrere Unternehmen angekündigt, die nach "
          "Angaben des Außenministeriums an der Lieferung von Waffen beteiligt waren. Der Minister sagte, man "
          "werde den Druck weiter erhöhen, bis die Gespräche wieder aufgenommen würden.",
    "it": "Il governo italiano ha convocato ieri l'ambasciatore per chiedere spiegazioni sulle dichiarazioni del "
          "ministro degli esteri. Secondo fonti diplomatiche, l'incontro è durato più di un'ora e le due parti "
          "hanno concordato di proseguire il dialogo nelle prossime settimane.",
    "id": "Pemerintah Indonesia pada hari Senin mengumumkan bahwa bantuan akan segera dikirim ke daerah yang "
          "terkena gempa bumi. Menurut pejabat setempat, ratusan rumah rusak dan ribuan warga harus mengungsi ke "
          "tempat yang lebih aman sambil menunggu bantuan.",
    "cyrillic": "Министр иностранных дел заявил во вторник, что переговоры между двумя странами возобновятся на "
                "следующей неделе. По его словам, соглашение имеет большое значение для стабильности в регионе.",
    "arabic": "أعلنت وزارة الخارجية يوم الثلاثاء أن المحادثات بين البلدين ستستأنف الأسبوع المقبل، وقال الوزير إن "
              "الاتفاق مهم جدا لاستقرار المنطقة.",
    "cjk": "外交部长星期二表示，两国之间的谈判将于下周恢复。他说，这项协议对地区稳定非常重要，各方都应该保持克制。",
}


def _samples() -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]


def _sentences() -> list[str]:
    """Distinct single sentences of the sample articles: short articles that code quickly."""
    out: list[str] = []
    for a in _samples():
        out += [s for s in re.split(r"(?<=[.!?])\s+", a["text"]) if 60 < len(s) < 220 and s not in out]
    return out


def _no_punctuation(n_words: int, seed: int = 1) -> str:
    words = [w for a in _samples()[:4] for w in re.findall(r"[A-Za-z]+", a["text"])]
    rng = random.Random(seed)
    return " ".join(rng.choice(words) for _ in range(n_words))


def make_bad_inputs(folder, big_real: bool = False) -> tuple[dict[str, list[str]], dict[str, str]]:
    """A folder of every input case. Returns the good articles (doc_id -> strings their text must
    hold) and the bad inputs (a name their error's source holds -> the reason)."""
    folder.mkdir(parents=True, exist_ok=True)
    w = lambda name, data: (folder / name).write_bytes(data)  # noqa: E731
    sample = _samples()[0]
    good: dict[str, list[str]] = {}
    bad: dict[str, str] = {}
    w("good.txt", sample["text"].encode("utf-8")); good["good"] = [sample["text"][:80]]
    # encodings
    w("latin1.txt", "The French président met Mr Müller in Paris on Tuesday, officials said.".encode("latin-1"))
    good["latin1"] = ["président", "Müller"]
    w("cp1252.txt", "\u201cRussia accused Ukraine of shelling the plant,\u201d the minister said.".encode("cp1252"))
    good["cp1252"] = ["\u201cRussia accused", "plant,\u201d"]
    w("utf16.txt", "Turkey shelled Kurdish positions in northern Syria.".encode("utf-16"))
    good["utf16"] = ["Turkey shelled Kurdish positions"]
    w("utf16le.txt", "Egypt hosted talks between Israel and Hamas in Cairo.".encode("utf-16-le"))
    good["utf16le"] = ["Egypt hosted talks between Israel and Hamas"]
    w("utf8bom.txt", "\ufeffIran rejected the proposal on Monday.".encode("utf-8"))
    good["utf8bom"] = ["Iran rejected"]
    w("invalid_utf8.txt", "Mr Müller said Germany ".encode("utf-8") + b"\xff\xc3" + b" would send troops.")
    good["invalid_utf8"] = ["Mr Müller said Germany", "would send troops."]
    w("mixed.txt", "Mr Müller spoke in Berlin.\n".encode("utf-8") + "The président answered.\n".encode("latin-1"))
    good["mixed"] = ["Mr Müller spoke", "The président answered"]
    # control characters and breaks
    w("controls.txt", "Russia\x00 accused\x07 Ukraine\x1b[0m of shelling the plant.\x0cOfficials\rsaid so.\x7f"
      .encode("utf-8"))
    good["controls"] = ["Russia accused Ukraine[0m of shelling the plant.\nOfficials\nsaid so."]
    # long and odd texts
    n_words = 30_000 if LONG else 3_000
    w("no_punctuation.txt", _no_punctuation(n_words).encode("utf-8")); good["no_punctuation"] = []
    w("long_list.txt", ("Officials said that " + ", ".join(_no_punctuation(n_words // 2, 2).split()) + ".")
      .encode("utf-8")); good["long_list"] = ["Officials said that"]
    # HTML
    w("fragment.html", b"<p>Turkey shelled Kurdish positions in northern Syria on Tuesday, the army said.</p>")
    good["fragment"] = ["Turkey shelled Kurdish positions"]
    w("unclosed.html", b"<html><body><div><p>Iran and the European Union held talks in Vienna on Friday about the "
      b"nuclear agreement, diplomats said.<p>The talks were described as constructive by diplomats from both")
    good["unclosed"] = ["held talks in Vienna", "constructive"]
    w("script_only.html", b"<html><head><script>var x = 1;</script></head><body></body></html>")
    bad["script_only.html"] = "empty"
    # JSON lines: good records and every kind of bad line
    lines = [json.dumps({"id": "j1", "text": "Iran rejected the proposal.", "date": "2020-01-02"}),
             "{not json",
             json.dumps([1, 2]),
             json.dumps({"id": "j4"}),
             json.dumps({"id": "j5", "text": "   "}),
             '{"id": "j6", "text": "Iraq \\ud800 condemned the attack."}',
             json.dumps({"id": 7, "text": "Egypt hosted talks.", "title": {"a": 1}, "date": 20200101,
                         "url": ["x"]}),
             '{"id": "j8", "text": "Jordan \\u0000closed\\u0007 its border."}']
    w("feed.jsonl", ("\n".join(lines) + "\n").encode("utf-8") + b'{"id": "j9", "text": "Chile \xe9lu."}\n')
    good.update({"j1": ["Iran rejected"], "j6": ["Iraq \ufffd condemned"], "7": ["Egypt hosted talks."],
                 "j8": ["Jordan closed its border."], "j9": ["Chile élu."]})
    bad.update({"feed.jsonl:2": "malformed", "feed.jsonl:3": "malformed", "feed.jsonl:4": "malformed",
                "feed.jsonl:5": "empty"})
    # CSV
    w("wire.csv", b'id,date,title,text\n'
                  b'c1,2021-03-04,Talks,"Russia and Ukraine held talks in Istanbul, officials said."\n'
                  b'c2,,,"Japan protested.\nChina rejected the protest ""firmly""."\n'
                  b'c3,2021-03-05,Extra,Israel struck targets,in Gaza,today\n'
                  b'c4,2021-03-06\n'
                  b'c5,,,"  "\n'
                  b'c6,,,Pakistan recalled its ambassador.\n')
    good.update({"c1": ["held talks in Istanbul, officials said."], "c2": ['rejected the protest "firmly".'],
                 "c6": ["Pakistan recalled"]})
    bad.update({"wire.csv:5": "malformed", "wire.csv:6": "malformed", "wire.csv:7": "empty"})
    w("tabs.tsv", b"text\tsource\nSudan and Chad signed a border agreement.\tWire\n")
    good["tabs:2"] = ["Sudan and Chad signed"]
    w("notext.csv", b"a,b\n1,2\n"); bad["notext.csv"] = "malformed"
    # empty and binary
    w("empty.txt", b""); bad["empty.txt"] = "empty"
    w("blank.txt", b"  \n\t \n"); bad["blank.txt"] = "empty"
    w("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8); bad["image.txt"] = "binary"
    w("random.txt", random.Random(7).randbytes(5000)); bad["random.txt"] = "binary"
    w("zeros.jsonl", b"\x00" * 3000); bad["zeros.jsonl"] = "binary"
    # other languages
    for code, text in FOREIGN.items():
        w(f"lang_{code}.txt", text.encode("utf-8"))
        bad[f"lang_{code}.txt"] = "language"
    # over max_bytes: refused from its size, unread (sparse in `make test`, real text in the long run)
    with open(folder / "huge.txt", "wb") as f:
        if big_real:
            block = (sample["text"] + "\n\n").encode("utf-8")
            while f.tell() < 100 * 2**20:
                f.write(block)
        else:
            f.truncate(100 * 2**20)
    bad["huge.txt"] = "too_large"
    return good, bad


def _error_rows(db) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT source, reason, message FROM errors").fetchall()
    finally:
        con.close()


def test_every_bad_input_is_named_recorded_and_the_batch_goes_on(tmp_path, pipeline, capsys):
    folder = tmp_path / "in"
    good, bad = make_bad_inputs(folder, big_real=LONG)
    db = tmp_path / "bad.duckdb"
    started = time.monotonic()
    summary = ingest([str(folder)], str(db), progress=False)
    seconds = time.monotonic() - started
    stderr = capsys.readouterr().err

    errors = _error_rows(db)
    con = open_db(db, read_only=True)
    stored = {doc_id: text for doc_id, text in con.execute("SELECT doc_id, text FROM articles").fetchall()}
    events = read_records(con, "events")
    con.close()
    missing = [d for d in good if d not in stored]
    unrecorded = [name for name, reason in bad.items()
                  if sum(1 for src, r, _ in errors if src.endswith(name) and r == reason) != 1]
    unnamed = [name for name, reason in bad.items() if not re.search(re.escape(name) + r"\b.*\[" + reason, stderr)]
    note("inputs", tried=len(good) + len(bad), lost=len(missing) + len(unrecorded), seconds=round(seconds, 1),
         case="bad-input folder", stored=len(stored), errors=len(errors))
    assert not missing, f"good articles not stored: {missing}"
    assert not unrecorded, f"bad inputs without exactly one errors row of the right reason: {unrecorded}\n{errors}"
    assert not unnamed, f"bad inputs not named with their reason on stderr: {unnamed}"
    assert set(stored) == set(good), set(stored) ^ set(good)
    assert len(errors) == len(bad) == summary.failed + summary.empty
    for doc_id, parts in good.items():
        for part in parts:
            assert part in stored[doc_id], (doc_id, part, stored[doc_id][:200])
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", stored[doc_id]), doc_id
    for e in events:  # every stored record points into its article's text
        text = next(t for d, t in stored.items() if d == e.doc_id)
        assert text[e.span[0]:e.span[1]] == e.text

    again = ingest([str(folder)], str(db), progress=False)  # the rerun: nothing new, nothing twice
    con = open_db(db, read_only=True)
    n_articles, n_distinct = con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone()
    n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    note("inputs", tried=len(good), duplicated=n_articles - len(stored), case="bad-input folder, rerun")
    assert again.stored == 0 and again.skipped == len(good)
    assert n_articles == n_distinct == len(stored) and n_events == len(events)


def test_language_check_refuses_other_languages_and_never_english(pipeline):
    english = [a["text"] for a in _samples()]
    for path in sorted((ROOT / "tests" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            text = rec.get("text") or rec.get("sentence")
            if isinstance(text, str):
                english.append(text)
    flagged = [t[:80] for t in english if language.detect(t) is not None]
    verdicts = {code: language.detect(text) for code, text in FOREIGN.items()}
    note("inputs", tried=len(english) + len(FOREIGN), case="language check",
         english_refused=len(flagged), foreign_coded=sum(v is None for v in verdicts.values()))
    assert not flagged, flagged[:5]
    for code, verdict in verdicts.items():
        assert verdict is not None and verdict.language == code, (code, verdict)
    [refused] = list(pipeline([Article("fr", FOREIGN["fr"], path="fr.txt")]))
    assert refused.error is not None and refused.error.reason == "language" and "fr.txt" in str(refused.error)
    assert "French" in str(refused.error)
    from eventwire.api import get_pipeline

    [coded] = list(get_pipeline(Settings(language_check=False))([Article("fr", FOREIGN["fr"])]))
    assert coded.error is None


@pytest.mark.parametrize("name", ["no_punctuation", "long_list", "controls", "odd"])
def test_long_and_odd_texts_code_with_spans_inside(pipeline, name):
    n = 30_000 if LONG else 3_000
    text = {"no_punctuation": _no_punctuation(n),
            "long_list": "Officials said that " + ", ".join(_no_punctuation(n // 2, 2).split()) + ".",
            "controls": "".join(chr(c) for c in range(32)) * 20 + " Russia accused Ukraine of the attack.\x0c" * 50,
            "odd": clean_text("a" * 20_000 + " " + "!?" * (n // 3) + "=" * (n // 2) + "\U0001F600" * (n // 6)
                              + "_" * (n // 3) + " Iran rejected the deal.")}[name]
    started = time.monotonic()
    [res] = list(pipeline([Article(name, text, "2020-01-01")]))
    seconds = time.monotonic() - started
    note("inputs", case=f"text: {name}", words=len(text.split()), seconds=round(seconds, 1),
         crashed=res.error is not None)
    assert res.error is None, res.error
    for e in res.events:
        assert text[e.span[0]:e.span[1]] == e.text
    if name == "odd":  # the readers break runs of marks; given whole to the pipeline, they are refused
        [raw] = list(pipeline([Article(name, "=" * 5000 + " Iran rejected the deal.", path="odd.txt")]))
        assert raw.error is not None and raw.error.reason == "malformed" and "odd.txt" in str(raw.error)
    for c in res.claims:
        assert text[c.content.span[0]:c.content.span[1]] == c.content.text


# The child's peak RSS: VmHWM of its own memory map (ru_maxrss would keep the forking parent's).
PEAK = ("def peak_kb():\n    return int(next(l.split()[1] for l in open('/proc/self/status') "
        "if l.startswith('VmHWM')))\n")


def _jsonl_feed(path, n_lines: int, n_distinct: int, seed: int = 3) -> dict:
    """A JSON-lines file of ``n_lines`` lines whose lines are mostly cheap: ``n_distinct`` short
    articles (sample sentences), each repeated under other ids (exact duplicates, skipped by hash),
    1% malformed lines of several kinds, and a few articles in other languages, repeated."""
    rng = random.Random(seed)
    sentences = _sentences()[:n_distinct]
    foreign = list(FOREIGN.values())[:3]
    bad_lines = ['{"id": "x", "text": "unterminated', "[1, 2, 3]", '{"id": "y"}', '{"id": "z", "text": ""}',
                 "not json at all", '{"text": 12}']
    counts = {"distinct": len(sentences), "malformed": 0, "foreign": 0, "duplicates": 0}
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n_lines):
            if i < len(sentences):
                text = sentences[i]
            elif i % 100 == 50:
                f.write(bad_lines[(i // 100) % len(bad_lines)] + "\n")
                counts["malformed"] += 1
                continue
            elif i % 1000 == 999:
                text = foreign[(i // 1000) % len(foreign)]
                counts["foreign"] += 1
            else:
                text = sentences[rng.randrange(len(sentences))]
                counts["duplicates"] += 1
            f.write(json.dumps({"id": f"n{i}", "text": text, "date": "2020-05-01"}) + "\n")
    return counts


def test_streamed_jsonl_holds_one_record_and_accounts_for_every_line(tmp_path, pipeline):
    feed = tmp_path / "feed.jsonl"
    n_lines = 20_000
    counts = _jsonl_feed(feed, n_lines, 20)
    size = feed.stat().st_size
    # the reader streams it: a file many times max_bytes is read, line by line, in flat memory
    limit = size // 8
    tracemalloc.start()
    n_read = sum(1 for _ in read_paths([str(feed)], max_bytes=limit))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    as_text = tmp_path / "feed.txt"
    as_text.write_bytes(feed.read_bytes())
    [whole] = list(read_paths([str(as_text)], max_bytes=limit))
    assert whole.error is not None and whole.error.reason == "too_large"
    assert n_read == n_lines
    assert peak < limit / 4, f"reading a {size:,}-byte file peaked at {peak:,} bytes of Python memory"

    db = tmp_path / "feed.duckdb"
    summary = ingest([str(feed)], str(db), progress=False, quiet_errors=True)
    con = open_db(db, read_only=True)
    n_articles, n_distinct = con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone()
    n_errors = con.execute("SELECT count(*) FROM errors").fetchone()[0]
    con.close()
    accounted = summary.stored + summary.duplicates + summary.skipped + summary.failed + summary.empty
    note("inputs", tried=n_lines, lost=n_lines - accounted, duplicated=n_articles - n_distinct,
         case=f"{n_lines:,}-line JSON lines", peak_read_bytes=peak, **counts)
    assert accounted == n_lines
    assert n_articles == n_distinct == summary.stored + summary.duplicates <= counts["distinct"]
    assert n_errors == summary.failed + summary.empty >= counts["malformed"]


def test_a_line_over_max_bytes_is_skipped_and_the_next_read(tmp_path):
    feed = tmp_path / "long.jsonl"
    feed.write_text(json.dumps({"id": "big", "text": "word " * 50_000}) + "\n"
                    + json.dumps({"id": "after", "text": "Iran rejected the proposal."}) + "\n", encoding="utf-8")
    results = list(read_paths([str(feed)], max_bytes=10_000))
    assert [r.error.reason for r in results if r.error] == ["too_large"]
    assert "long.jsonl:1" in str(results[0].error)
    assert [r.article.doc_id for r in results if r.article] == ["after"]


def test_csv_reader(tmp_path):
    (tmp_path / "a.csv").write_bytes(
        "\ufeffID,Published,Title,URL,Text,extra\n"
        '1,2020-02-03,T,http://x,"Iran, Iraq and Syria met.",\n'
        '2,,,,"He said ""no"".\nThen he left.",x\n'.encode("utf-8"))
    results = list(read_paths([str(tmp_path / "a.csv")]))
    arts = [r.article for r in results]
    assert [a.doc_id for a in arts] == ["1", "2"]
    assert arts[0].text == "Iran, Iraq and Syria met." and arts[0].date == "2020-02-03"
    assert arts[0].title == "T" and arts[0].url == "http://x" and arts[0].path.endswith("a.csv:2")
    assert arts[1].text == 'He said "no".\nThen he left.' and arts[1].path.endswith("a.csv:3")


@pytest.mark.skipif(not LONG, reason="the 1,000,000-line file runs in `make reliability`")
def test_million_line_jsonl_ingest_in_flat_memory(tmp_path):
    """Ingest a 1,000,000-line file and a 10,000-line file of the same make in fresh processes;
    the peak memory (RSS) of the large one stays near the small one's."""
    runs = {}
    for n_lines in (10_000, 1_000_000):
        feed = tmp_path / f"feed{n_lines}.jsonl"
        counts = _jsonl_feed(feed, n_lines, 100)
        db = tmp_path / f"feed{n_lines}.duckdb"
        code = (PEAK + "import sys, json; from eventwire.store.ingest import ingest; "
                f"s = ingest([{str(feed)!r}], {str(db)!r}, progress=False, quiet_errors=True); "
                "print(json.dumps({'rss_kb': peak_kb(), "
                "'stored': s.stored, 'dups': s.duplicates, 'skipped': s.skipped, 'failed': s.failed, "
                "'empty': s.empty, 'seconds': s.seconds}))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=3600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        con = duckdb.connect(str(db), read_only=True)
        n_articles, n_distinct = con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone()
        n_errors = con.execute("SELECT count(*) FROM errors").fetchone()[0]
        con.close()
        accounted = res["stored"] + res["dups"] + res["skipped"] + res["failed"] + res["empty"]
        runs[n_lines] = res
        note("inputs", tried=n_lines, lost=n_lines - accounted, duplicated=n_articles - n_distinct,
             case=f"{n_lines:,}-line JSON lines ingest", file_mb=round(feed.stat().st_size / 2**20, 1),
             peak_rss_mb=round(res["rss_kb"] / 1024), seconds=round(res["seconds"], 1),
             coded=res["stored"], near_duplicates=res["dups"], skipped_exact_duplicates=res["skipped"],
             errors=n_errors, **counts)
        assert accounted == n_lines
        assert n_articles == n_distinct and n_errors == res["failed"] + res["empty"]
    growth_mb = (runs[1_000_000]["rss_kb"] - runs[10_000]["rss_kb"]) / 1024
    file_mb = (tmp_path / "feed1000000.jsonl").stat().st_size / 2**20
    note("inputs", tried=0, case="1,000,000-line RSS growth over 10,000 lines", growth_mb=round(growth_mb),
         file_mb=round(file_mb))
    assert growth_mb < file_mb / 4, f"peak RSS grew {growth_mb:.0f} MB for a {file_mb:.0f} MB file"


@pytest.mark.skipif(not LONG, reason="the 100 MB files run in `make reliability`")
def test_hundred_megabyte_inputs_are_refused_unread(tmp_path):
    """A real 100 MB text file, and a JSON-lines file whose first line is 100 MB: the file is
    refused from its size, the line skipped in pieces; the reader's peak RSS stays small."""
    text = (_samples()[0]["text"] + "\n\n").encode("utf-8")
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        while f.tell() < 100 * 2**20:
            f.write(text)
    lines = tmp_path / "bigline.jsonl"
    with open(lines, "wb") as f:
        f.write(b'{"id": "big", "text": "')
        while f.tell() < 100 * 2**20:
            f.write(text.replace(b"\n", b" ").replace(b'"', b"'"))
        f.write(b'"}\n' + json.dumps({"id": "after", "text": "Iran rejected the proposal."}).encode() + b"\n")
    small = tmp_path / "small.jsonl"
    small.write_text(json.dumps({"id": "small", "text": "Iran rejected the proposal."}) + "\n", encoding="utf-8")
    runs = {}
    for path in (small, big, lines):  # each read in a fresh process: its peak RSS, over reading a small file
        code = (PEAK + "import json, sys; from eventwire.read import read_paths; "
                f"r = [(x.error.reason if x.error else x.article.doc_id) for x in read_paths([{str(path)!r}])]; "
                "print(json.dumps({'results': r, 'rss_kb': peak_kb()}))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
        runs[path.name] = json.loads(proc.stdout.strip().splitlines()[-1])
    growth = {k: round((v["rss_kb"] - runs["small.jsonl"]["rss_kb"]) / 1024) for k, v in runs.items()}
    results = runs["big.txt"]["results"] + runs["bigline.jsonl"]["results"]
    note("inputs", tried=2, lost=0 if "after" in results else 1, case="100 MB file and 100 MB line",
         rss_growth_mb=growth, results=results)
    assert results == ["too_large", "too_large", "after"]
    assert growth["big.txt"] < 5, "the 100 MB file was read"
    assert growth["bigline.jsonl"] < 75, "the 100 MB line was held whole (max_bytes is 50 MB)"


def test_an_article_over_max_chars_is_refused_by_name(tmp_path, pipeline):
    from eventwire.api import get_pipeline

    text = " ".join(_sentences()[:20])
    small = get_pipeline(Settings(max_chars=len(text) - 1))
    [res] = list(small([Article("long", text, path="feed.jsonl:7")]))
    assert res.error is not None and res.error.reason == "too_large"
    assert "feed.jsonl:7" in str(res.error) and "max_chars" in str(res.error)
    [ok] = list(get_pipeline(Settings(max_chars=len(text)))([Article("long", text)]))
    assert ok.error is None
