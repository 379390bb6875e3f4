"""The HTTP API, in process: filters, paging, detail views, CSV, validation, limits, the token."""
from __future__ import annotations

import csv
import io
import warnings

import pytest

pytest.importorskip("fastapi")

from server_data import build_db  # noqa: E402

warnings.filterwarnings("ignore", message=".*httpx2.*")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("server") / "t.duckdb")


@pytest.fixture(scope="module")
def client(db):
    from fastapi.testclient import TestClient

    from eventwire.server import create_app

    return TestClient(create_app(db))


def ids(resp) -> set[str]:
    assert resp.status_code == 200, resp.text
    return {e["event_id"] for e in resp.json()["events"]}


def test_filters_select_the_matching_events(client):
    every = client.get("/events").json()
    assert every["total"] == len(every["events"]) == 4
    assert ids(client.get("/events", params={"actor": "nor"})) == {
        e["event_id"] for e in every["events"] if "NOR" in ((e["source_code"] or "")[:3], (e["target_code"] or "")[:3])}
    for e in client.get("/events", params={"source": "ARM"}).json()["events"]:
        assert e["source_code"].startswith("ARM")
    assert all(e["root"] == "19" for e in client.get("/events", params={"root": "19"}).json()["events"])
    assert all(e["quad_class"] in (1, 2) for e in client.get("/events", params={"quad": "1,2"}).json()["events"])
    assert all(e["certainty"] == "denied" for e in client.get("/events", params={"certainty": "denied"}).json()["events"])
    assert ids(client.get("/events", params={"code": "17"})) == {"harbour-talks:1:1"}
    assert ids(client.get("/events", params={"q": "fishermen"})) == {"harbour-talks:1:1"}
    assert ids(client.get("/events", params={"country": "aze"})) == {"border-shelling:0:1"}
    late = client.get("/events", params={"from": "2022-01-01"}).json()["events"]
    assert late and all(e["day"] >= "2022-01-01" for e in late)
    early = client.get("/events", params={"to": "2021-12-31"}).json()["events"]
    assert {e["event_id"] for e in early}.isdisjoint({e["event_id"] for e in late})
    assert len(early) + len(late) == 4


def test_like_wildcards_in_the_search_are_taken_literally(client):
    assert client.get("/events", params={"q": "%"}).json()["total"] == 0
    assert client.get("/events", params={"q": "_"}).json()["total"] == 0


def test_paging_and_sorting(client):
    by_g = client.get("/events", params={"sort": "goldstein"}).json()["events"]
    assert [e["goldstein"] for e in by_g] == sorted(e["goldstein"] for e in by_g)
    pages = [client.get("/events", params={"limit": 1, "offset": n, "sort": "-date"}).json() for n in range(4)]
    assert all(p["total"] == 4 and len(p["events"]) == 1 for p in pages)
    assert len({p["events"][0]["event_id"] for p in pages}) == 4
    days = [p["events"][0]["day"] for p in pages]
    assert days == sorted(days, reverse=True)


def test_event_detail_has_article_rule_and_highlights_inside_the_text(client):
    d = client.get("/events/harbour-talks:0:1").json()
    text = d["article"]["text"]
    kinds = {h["kind"]: text[h["start"]:h["end"]] for h in d["highlights"]}
    assert kinds["evidence"] == d["event"]["text"]
    assert kinds["source"] == d["event"]["source"]["text"] and kinds["target"] == d["event"]["target"]["text"]
    assert kinds["trigger"] == "hosted"
    assert d["rule"] == d["event"]["coder"] and d["claim"]["claim_id"] == d["event"]["claim_id"]
    ev = next(h for h in d["highlights"] if h["kind"] == "evidence")
    trig = next(h for h in d["highlights"] if h["kind"] == "trigger")
    assert ev["start"] <= trig["start"] < trig["end"] <= ev["end"]
    # a discontinuous trigger ("denied ... opened fire") marks each part
    d = client.get("/events/border-shelling:1:1").json()
    parts = [d["article"]["text"][h["start"]:h["end"]] for h in d["highlights"] if h["kind"] == "trigger"]
    assert parts == ["denied", "opened fire"]
    assert client.get("/events/no-such-event").status_code == 404


def test_article_by_doc_id_or_article_id_with_spans(client):
    by_doc = client.get("/articles/border-shelling").json()
    by_id = client.get(f"/articles/{by_doc['article']['article_id']}").json()
    assert by_doc == by_id
    text = by_doc["article"]["text"]
    assert {s["kind"] for s in by_doc["spans"]} == {"event", "claim"}
    assert all(0 <= s["start"] < s["end"] <= len(text) for s in by_doc["spans"])
    assert client.get("/articles/nothing-here").status_code == 404


def test_claims_actors_dyads_timeline_places_stats(client):
    cl = client.get("/claims", params={"speaker": "AZE"}).json()
    assert cl["total"] == 1 and cl["claims"][0]["cue"] == "claimed"
    actors = client.get("/actors").json()["actors"]
    counts = [a["events"] for a in actors]
    assert counts == sorted(counts, reverse=True) and all(a["as_source"] + a["as_target"] == a["events"] for a in actors)
    assert {a["code"] for a in client.get("/actors", params={"q": "cop"}).json()["actors"]} == {"SWECOP"}
    dy = client.get("/dyads").json()["dyads"]
    assert {(d["source"], d["target"]) for d in dy} == {("NOR", "SWE"), ("SWECOP", "NORCVL"), ("ARMMIL", "AZEMIL")}
    assert all(d["q1"] + d["q2"] + d["q3"] + d["q4"] == d["events"] for d in dy)
    tl = client.get("/timeline", params={"interval": "day", "by": "quad"}).json()
    assert sum(n for s in tl["series"].values() for n in s.values()) == 4
    tl = client.get("/timeline", params={"interval": "week", "by": "cooperation"}).json()
    assert set(tl["series"]) == {"cooperation", "conflict"}
    assert all(b == sorted(tl["buckets"])[i] for i, b in enumerate(tl["buckets"]))
    pl = client.get("/places").json()
    assert [p["name"] for p in pl["points"]] == ["Oslo"]
    st = client.get("/stats").json()
    assert (st["articles"], st["events"], st["claims"]) == (2, 4, 2)
    assert sum(r["events"] for r in st["by_root"]) == 4
    s = client.get("/stories").json()
    assert s["stories"] == [] and "story_events" in s["note"]


def test_csv_export_of_the_selection(client):
    r = client.get("/events", params={"format": "csv", "root": "19", "limit": 1000})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2 and {row["root"] for row in rows} == {"19"}
    r = client.get("/claims", params={"format": "csv"})
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == 2


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 501}, {"offset": -1}, {"root": "1"}, {"root": "ab"}, {"quad": "5"},
    {"certainty": "sure"}, {"from": "yesterday"}, {"from": "2022-02-02", "to": "2022-01-01"}, {"sort": "random"},
    {"actor": "USA; DROP TABLE events"}, {"q": "a\x00b"}, {"format": "xml"}, {"country": "USAA"},
])
def test_bad_input_is_a_clear_422(client, params):
    r = client.get("/events", params=params)
    assert r.status_code == 422, (params, r.text)
    body = r.json()
    message = body.get("message") or body["detail"]
    assert isinstance(message, str) and message
    assert any(k in message for k in params) or "limit" in message


def test_read_only_and_size_limits(client, db):
    assert client.post("/events", json={"a": 1}).status_code in (405, 413)
    assert client.delete("/events/harbour-talks:0:1").status_code == 405
    assert client.get("/events", params={"q": "x" * 5000}).status_code == 414
    assert client.request("GET", "/events", content=b"x" * 10).status_code == 413
    assert "access-control-allow-origin" not in client.get("/events", headers={"Origin": "http://evil.test"}).headers
    import duckdb

    assert duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM events").fetchone()[0] == 4


def test_the_token_guards_every_route(db):
    from fastapi.testclient import TestClient

    from eventwire.server import create_app

    c = TestClient(create_app(db, token="s3cret"))
    for path in ["/", "/events", "/events/harbour-talks:0:1", "/stats", "/docs", "/openapi.json", "/static/app.js"]:
        assert c.get(path).status_code == 401, path
        assert c.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401, path
        assert c.get(path, headers={"Authorization": "Bearer s3cret"}).status_code == 200, path
    assert c.get("/?token=wrong", follow_redirects=False).status_code == 401
    r = c.get("/?token=s3cret", follow_redirects=False)
    assert r.status_code == 303 and "eventwire_token" in r.headers["set-cookie"]
    assert c.get("/events").status_code == 200  # the cookie now carries the token


def test_page_and_docs_are_self_contained(client):
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]
    for asset in ["/static/app.js", "/static/app.css", "/static/docs.js"]:
        body = client.get(asset).text
        assert "http://" not in body.replace("http://www.w3.org/2000/svg", "") and "https://" not in body
    world = client.get("/static/world.json").json()
    assert {"NOR", "SWE", "ARM", "AZE", "USA"} <= set(world)
    for c in world.values():
        for ring in c["rings"]:
            assert len(ring) % 2 == 0 and all(-180 <= x <= 180 for x in ring[::2]) and all(-90 <= y <= 90 for y in ring[1::2])
    spec = client.get("/openapi.json").json()
    assert {"/events", "/events/{event_id}", "/stories", "/claims", "/actors", "/dyads", "/timeline",
            "/articles/{article_id}", "/stats"} <= set(spec["paths"])
    assert all(set(ops) == {"get"} for ops in spec["paths"].values())
    assert "openapi.json" in client.get("/docs").text


def test_serve_names_a_missing_database():
    from conftest import run_cli

    r = run_cli("serve", "--db", "/nonexistent/x.duckdb")
    assert r.returncode == 2 and "eventwire ingest" in r.stderr


def test_filtered_pages_are_slices_of_one_order(client):
    whole = client.get("/events", params={"sort": "-goldstein", "limit": 500}).json()
    pages = [client.get("/events", params={"sort": "-goldstein", "limit": 1, "offset": n}).json()
             for n in range(whole["total"])]
    assert [p["events"][0]["event_id"] for p in pages] == [e["event_id"] for e in whole["events"]]
    assert all(p["total"] == whole["total"] for p in pages)
    past = client.get("/events", params={"sort": "-goldstein", "offset": whole["total"] + 5}).json()
    assert past["events"] == [] and past["total"] == whole["total"]


def test_default_order_pages_agree_with_the_ordered_selection(client):
    # the default order is served as a slice of the in-memory copy, any filter through DuckDB's
    # ordering: a filter every event passes must list the same events in the same order
    plain = client.get("/events", params={"limit": 500}).json()
    every = client.get("/events", params={"limit": 500, "quad": "1,2,3,4"}).json()
    assert plain["total"] == every["total"] == len(plain["events"])
    assert plain["events"] == every["events"]
    days = [e["day"] for e in plain["events"] if e["day"]]
    assert days == sorted(days, reverse=True) and all(len(d) == 10 for d in days)
    singles = [client.get("/events", params={"limit": 1, "offset": n}).json()["events"][0]
               for n in range(plain["total"])]
    assert singles == plain["events"]
    assert all(e["cameo_name"] for e in plain["events"])


def test_a_selection_is_ordered_once_however_many_ask_at_once():
    import threading
    import time

    import numpy as np

    from eventwire.server.queries import Orderings

    class SlowCursor:
        calls = 0

        def execute(self, sql, params):
            SlowCursor.calls += 1
            time.sleep(0.05)
            return self

        def fetchnumpy(self):
            return {"pos": np.array([2, 0, 1])}

    orderings = Orderings()
    assert orderings.get(None, "WHERE x = ?", [1], "-date") is None  # nothing ordered yet, no cursor: no query
    got = []
    threads = [threading.Thread(target=lambda: got.append(orderings.get(SlowCursor(), "WHERE x = ?", [1], "-date")))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert SlowCursor.calls == 1 and len(got) == 8 and all(g is got[0] for g in got)
    assert orderings.get(None, "WHERE x = ?", [1], "-date") is got[0]
    assert orderings.get(None, "WHERE x = ?", [2], "-date") is None
