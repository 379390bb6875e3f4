"""End to end in a real browser: Debian's chromium, headless, driven by Playwright, against uvicorn on loopback.

Screenshots go to tests/artifacts/ (gitignored).
"""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

from server_data import build_db  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    import uvicorn

    from eventwire.server import create_app

    db = build_db(tmp_path_factory.mktemp("browser") / "t.duckdb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def page(base_url):
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        outside: list[str] = []
        # the page must work offline: fail any request that leaves this server
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                      else (outside.append(route.request.url), route.abort()))
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.goto(base_url + "/")
        pg.wait_for_selector("#events tbody tr[data-id]")
        pg.wait_for_selector("#map path.land")
        yield pg
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "server-final.png"), full_page=True)
        browser.close()
        assert not errors, errors
        assert not outside, outside


def rows(pg) -> list[str]:
    return pg.eval_on_selector_all("#events tbody tr[data-id]", "rs => rs.map(r => r.dataset.id)")


def test_the_page_draws_every_view(page):
    assert len(rows(page)) == 4
    assert page.locator("#timeline rect.bar.coop").count() >= 1 and page.locator("#timeline rect.bar.conf").count() >= 1
    assert page.locator("#network g.node").count() == 6 and page.locator("#network line.edge").count() == 3
    assert page.locator("#map path.land").count() > 100 and page.locator("#map circle.place").count() == 1
    assert page.locator("#claims tbody tr").count() == 2
    assert "4 events" in page.text_content("#stats")


def test_filter_open_an_event_and_see_the_evidence(page):
    page.fill("#filters [name=actor]", "SWE")
    page.select_option("#filters [name=quad]", "1,2")
    page.click("#apply")
    sync_api.expect(page.locator("#events tbody tr[data-id]")).to_have_count(1)
    assert rows(page) == ["harbour-talks:0:1"]
    href = page.get_attribute("#export", "href")
    assert "format=csv" in href and "actor=SWE" in href and "quad=1%2C2" in href
    page.click("#events tbody tr[data-id]")
    page.wait_for_selector("#article mark.trigger")
    article = page.locator("#article .text")
    assert article.locator("mark.trigger").inner_text() == "hosted"
    assert article.locator("mark.source").inner_text() == "Norway"
    assert article.locator("mark.target").inner_text() == "Sweden"
    evidence = "".join(article.locator("mark.evidence").all_inner_texts())
    assert evidence == "Norway hosted talks with Sweden about the harbour"
    assert "rule:verb:host" in page.locator("#article .rule").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "server-event.png"), full_page=True)


def test_export_downloads_the_selection_as_csv(page):
    with page.expect_download() as dl:
        page.click("#export")
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    lines = text.strip().splitlines()
    assert lines[0].startswith("event_id,") and len(lines) == 2 and "harbour-talks:0:1" in lines[1]


def test_a_bad_filter_shows_the_servers_message(page):
    page.click("#clear")
    sync_api.expect(page.locator("#events tbody tr[data-id]")).to_have_count(4)
    page.fill("#filters [name=country]", "N0R")
    page.click("#apply")
    page.wait_for_selector("#error:not([hidden])")
    assert "country" in page.text_content("#error")
