"""The HTTP API and web page over a stored database: ``create_app(db)`` builds the FastAPI app.

reads: a DuckDB store, attached read-only to an in-memory database that holds the
working copy of the events (queries.working_copy) and, as an Arrow table, their listed
fields; each worker thread gets its own cursor;
writes: nothing (every route is GET; there is no write endpoint).

Security: user input reaches SQL only as bound parameters (see queries.py); when a
token is set, every route (API, page, static files, docs) needs ``Authorization:
Bearer TOKEN`` or the cookie that ``/?token=TOKEN`` sets; no CORS headers are sent,
so other origins cannot read responses; requests with a body or an over-long URL
are refused; page sizes are capped.
"""
# no "from __future__ import annotations": FastAPI reads these signatures' annotations at runtime
import csv
import hmac
import io
import json
import threading
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from ..config import CERTAINTIES
from . import queries

HERE = Path(__file__).resolve().parent
MAX_PAGE = 500            # rows in one JSON page
MAX_EXPORT = 100_000      # rows in one CSV export
MAX_OFFSET = 10_000_000
MAX_URL = 4096            # bytes of path + query string
COOKIE = "eventwire_token"
TEXT = r"^[^\x00-\x1f\x7f]*$"   # free text: anything printable
CODE = r"^[A-Za-z0-9]{1,40}$"   # actor code prefixes
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def _need_fastapi():
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
        import orjson  # noqa: F401
    except ImportError as exc:
        from ..errors import ConfigError

        raise ConfigError(f"the web server needs extra packages ({exc.name} is missing): "
                          "pip install 'eventwire[serve]'") from exc


def _csv_list(value: str | None, allowed: tuple[str, ...] | None, name: str) -> list[str]:
    from fastapi import HTTPException

    items = [v.strip() for v in (value or "").split(",") if v.strip()]
    if allowed is not None:
        bad = [v for v in items if v not in allowed]
        if bad:
            raise HTTPException(422, f"{name}: unknown value {', '.join(bad)}; choose from {', '.join(allowed)}")
    return items


class _Guard:
    """ASGI middleware: size limits, the optional token, and security headers on every response."""

    def __init__(self, app, token: str | None):
        self.app = app
        self.token = token.encode() if token else None

    def _authorized(self, scope) -> bool:
        if self.token is None:
            return True
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer " and hmac.compare_digest(auth[7:].strip(), self.token):
            return True
        for part in headers.get(b"cookie", b"").split(b";"):
            k, _, v = part.strip().partition(b"=")
            if k == COOKIE.encode() and hmac.compare_digest(v, self.token):
                return True
        if scope["path"] == "/":  # the page's login link: /?token=T sets the cookie
            from urllib.parse import parse_qs

            given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
            return hmac.compare_digest(given.encode(), self.token)
        return False

    async def _send_plain(self, send, status: int, message: str, extra: list | None = None) -> None:
        body = json.dumps({"detail": message}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                *(extra or [])]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > MAX_URL:
            return await self._send_plain(send, 414, f"the URL is longer than {MAX_URL} bytes")
        length = headers.get(b"content-length", b"0")
        if (not length.isdigit() or int(length) > 0) or b"transfer-encoding" in headers:
            return await self._send_plain(send, 413, "this API is read-only and takes no request body")
        if not self._authorized(scope):
            return await self._send_plain(send, 401, "a token is required: send 'Authorization: Bearer TOKEN' "
                                                     "or open /?token=TOKEN in the browser",
                                          [(b"www-authenticate", b"Bearer")])

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers") or []) + [
                    (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"), (b"content-security-policy", CSP.encode()),
                    (b"cache-control", b"no-store")]
            await send(message)

        return await self.app(scope, receive, send_with_headers)


class _Answers:
    """A bounded cache of JSON answers by request, for a store that cannot change under it."""

    def __init__(self, size: int = 1024):
        from collections import OrderedDict

        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def kept(self, key):
        """The kept answer to ``key`` as a response, or None."""
        return self.json(key, lambda: None)

    def json(self, key, compute):
        """The kept answer to ``key``, else ``compute()``'s, kept; None when compute gives None."""
        import orjson
        from fastapi.responses import Response

        with self.lock:
            body = self.items.get(key)
            if body is not None:
                self.items.move_to_end(key)
        if body is None:
            found = compute()
            if found is None:
                return None
            body = orjson.dumps(found)
            with self.lock:
                self.items[key] = body
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
        return Response(content=body, media_type="application/json")


def create_app(db: str | Path, token: str | None = None):
    """The FastAPI app serving ``db`` (opened read-only); ``token`` guards every route when set."""
    _need_fastapi()
    if token is not None and not token.strip():
        from ..errors import ConfigError

        raise ConfigError("the token is empty: give a non-empty --token or leave it out")
    from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
    from fastapi.staticfiles import StaticFiles
    from fastapi.templating import Jinja2Templates
    from starlette.concurrency import run_in_threadpool

    import duckdb

    from ..errors import StoreError
    from ..store.db import open_db

    open_db(db, read_only=True).close()  # a missing or unreadable file fails here, with its message
    # an in-memory database for the working copy, with the store attached read-only
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS store (READ_ONLY)", [str(db)])
        listed = queries.working_copy(con)
    except duckdb.Error as exc:
        raise StoreError(f"cannot serve {db}: {exc}; is it a database made by 'eventwire ingest'?") from exc
    local = threading.local()
    answers = _Answers()  # the store is read-only: an answer, once computed, stays right
    pages = queries.EventPages(listed)

    def new_cursor():
        cur = con.cursor()
        cur.execute("SET search_path = 'store,memory'")
        return cur

    def cursor():
        cur = getattr(local, "cur", None)
        if cur is None:
            cur = local.cur = new_cursor()
        return cur

    app = FastAPI(title="eventwire", version="1", docs_url=None, redoc_url=None,
                  description="Read-only access to coded events, claims and articles. Lists take `limit` "
                              f"(at most {MAX_PAGE}; {MAX_EXPORT} with `format=csv`) and `offset`.")
    app.state.db = str(db)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        msgs = []
        for err in errors:
            loc = ".".join(str(x) for x in err.get("loc", ())[1:]) or "request"
            msgs.append(f"{loc}: {err.get('msg')}")
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in errors]
        return JSONResponse({"detail": detail, "message": "; ".join(msgs)}, status_code=422)

    # async, though it waits for nothing: FastAPI would otherwise hand it to a worker thread
    async def event_filter(
        actor: Annotated[str | None, Query(pattern=CODE, description="source or target code starts with this")] = None,
        source: Annotated[str | None, Query(pattern=CODE, description="source actor code prefix, e.g. USA or RUSGOV")] = None,
        target: Annotated[str | None, Query(pattern=CODE, description="target actor code prefix")] = None,
        country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="ISO3 of source, target or place")] = None,
        code: Annotated[str | None, Query(pattern=r"^[0-9]{1,4}$", description="CAMEO code prefix, e.g. 19 or 112")] = None,
        root: Annotated[str | None, Query(pattern=r"^[0-9]{2}(,[0-9]{2})*$", max_length=60,
                                          description="CAMEO root codes, comma-separated")] = None,
        quad: Annotated[str | None, Query(pattern=r"^[1-4](,[1-4])*$", max_length=7,
                                          description="quad classes 1-4, comma-separated")] = None,
        certainty: Annotated[str | None, Query(max_length=120, pattern=r"^[a-z,]*$",
                                               description="certainty values, comma-separated: "
                                                           + ", ".join(CERTAINTIES))] = None,
        plover: Annotated[str | None, Query(pattern=r"^[A-Za-z_]{1,30}$", description="PLOVER event type")] = None,
        doc: Annotated[str | None, Query(max_length=300, pattern=TEXT, description="doc_id or article_id")] = None,
        q: Annotated[str | None, Query(max_length=200, pattern=TEXT, description="words in the evidence or actor text")] = None,
        date_from: Annotated[date | None, Query(alias="from", description="first day (YYYY-MM-DD)")] = None,
        date_to: Annotated[date | None, Query(alias="to", description="last day (YYYY-MM-DD)")] = None,
    ) -> queries.EventFilter:
        if date_from and date_to and date_from > date_to:
            raise HTTPException(422, f"from ({date_from}) is after to ({date_to})")
        return queries.EventFilter(
            actor=actor.upper() if actor else None, source=source.upper() if source else None,
            target=target.upper() if target else None, country=country.upper() if country else None,
            code=code, root=_csv_list(root, None, "root"), quad=[int(x) for x in _csv_list(quad, None, "quad")],
            certainty=_csv_list(certainty, CERTAINTIES, "certainty"), plover=plover.upper() if plover else None,
            doc=doc, q=q, date_from=date_from, date_to=date_to)

    Filter = Annotated[queries.EventFilter, Depends(event_filter)]
    Limit = Annotated[int, Query(ge=1, le=MAX_EXPORT, description=f"rows per page (JSON: at most {MAX_PAGE})")]
    Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
    Format = Annotated[Literal["json", "csv"], Query(description="json or csv")]

    async def _kept_or_computed(key, compute):
        """A kept answer straight away; else ``compute`` (it queries DuckDB) in a worker thread."""
        found = answers.kept(key)
        return found if found is not None else await run_in_threadpool(answers.json, key, compute)

    def _page(limit: int, fmt: str) -> None:
        if fmt == "json" and limit > MAX_PAGE:
            raise HTTPException(422, f"limit: at most {MAX_PAGE} rows a JSON page; use format=csv to export "
                                     f"up to {MAX_EXPORT} rows")

    def _csv(rows, fields: list[str], name: str):
        def gen():
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
            w.writeheader()
            for n, row in enumerate(rows, 1):
                w.writerow(row)
                if n % 500 == 0:
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue()

        return StreamingResponse(gen(), media_type="text/csv; charset=utf-8",
                                 headers={"content-disposition": f'attachment; filename="{name}.csv"'})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request, token: str | None = None):
        if token:  # only reached with the right token (the guard checked it): keep it in a cookie
            resp = RedirectResponse("/", status_code=303)
            resp.set_cookie(COOKIE, token, httponly=True, samesite="strict")
            return resp
        return templates.TemplateResponse(request, "index.html", {"db": Path(app.state.db).name})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        return templates.TemplateResponse(request, "docs.html", {})

    @app.get("/health", tags=["meta"], summary="liveness: always {\"ok\": true}")
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/events", tags=["events"], summary="events matching the filters, a page at a time")
    async def list_events(flt: Filter, limit: Limit = 50, offset: Offset = 0,
                    sort: Annotated[Literal[tuple(s for k in queries.SORTS for s in (k, "-" + k))], Query(
                        description="sort key; a leading - sorts descending")] = "-date",
                    format: Format = "json"):
        _page(limit, format)
        if format == "csv":
            from ..output import CSV_FIELDS, event_csv_row

            cur = new_cursor()  # a cursor of its own: the stream outlives this thread's turn
            return _csv((event_csv_row(e) for e in queries.event_records(cur, flt, sort, limit, offset)),
                        CSV_FIELDS, "events")
        key = ("events", repr(flt), sort, limit, offset)
        # a page that needs no query (kept, in the default order, or of a selection already ordered)
        # is answered here, in well under a millisecond; DuckDB orders a new selection in a thread
        found = answers.json(key, lambda: pages.page(None, flt, sort, limit, offset))
        if found is None:
            found = await run_in_threadpool(answers.json, key, lambda: pages.page(cursor(), flt, sort, limit, offset))
        return found

    @app.get("/events/{event_id:path}", tags=["events"], summary="one event with its article, evidence spans and rule")
    def get_event(event_id: Annotated[str, PathParam(max_length=400, pattern=TEXT)]):
        found = queries.event_detail(cursor(), event_id)
        if found is None:
            raise HTTPException(404, f"no event {event_id!r}: list events with /events")
        return JSONResponse(found)

    @app.get("/articles/{article_id:path}", tags=["articles"], summary="an article's text with its event and claim spans")
    def get_article(article_id: Annotated[str, PathParam(max_length=400, pattern=TEXT,
                                                          description="article_id (SHA-1) or doc_id")]):
        found = queries.article_detail(cursor(), article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id!r}: event records name theirs in article_id")
        return JSONResponse(found)

    @app.get("/claims", tags=["claims"], summary="who said what")
    def list_claims(
        speaker: Annotated[str | None, Query(pattern=CODE, description="speaker code prefix")] = None,
        q: Annotated[str | None, Query(max_length=200, pattern=TEXT)] = None,
        doc: Annotated[str | None, Query(max_length=300, pattern=TEXT)] = None,
        certainty: Annotated[str | None, Query(max_length=120, pattern=r"^[a-z,]*$")] = None,
        limit: Limit = 50, offset: Offset = 0, format: Format = "json",
    ):
        _page(limit, format)
        flt = queries.ClaimFilter(speaker=speaker.upper() if speaker else None, q=q, doc=doc,
                                  certainty=_csv_list(certainty, CERTAINTIES, "certainty"))
        if format == "csv":
            return _csv(queries.claims(new_cursor(), flt, limit, offset)["claims"], queries.CLAIM_COLUMNS, "claims")
        return JSONResponse(queries.claims(cursor(), flt, limit, offset))

    @app.get("/actors", tags=["actors"], summary="actors by number of events, optionally searched by code or name")
    def list_actors(q: Annotated[str | None, Query(max_length=100, pattern=TEXT)] = None,
                    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50):
        return JSONResponse(queries.actors(cursor(), q, limit))

    @app.get("/dyads", tags=["events"], summary="source-target pairs with event counts by quad class")
    async def list_dyads(flt: Filter, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100, format: Format = "json"):
        if format != "csv":
            return await _kept_or_computed(("dyads", repr(flt), limit), lambda: queries.dyads(cursor(), flt, limit))
        found = await run_in_threadpool(lambda: queries.dyads(cursor(), flt, limit))
        return _csv(found["dyads"], ["source", "target", "events", "q1", "q2", "q3", "q4", "goldstein",
                                     "quad_class"], "dyads")

    @app.get("/timeline", tags=["events"], summary="event counts per day, week or month by quad class or root")
    async def get_timeline(flt: Filter, interval: Literal["day", "week", "month"] = "week",
                           by: Literal["quad", "root", "cooperation"] = "quad", format: Format = "json"):
        if format != "csv":
            return await _kept_or_computed(("timeline", repr(flt), interval, by),
                                           lambda: queries.timeline(cursor(), flt, interval, by))
        found = await run_in_threadpool(lambda: queries.timeline(cursor(), flt, interval, by))
        rows = [{"bucket": b, "group": g, "events": found["series"][g].get(b, 0)}
                for b in found["buckets"] for g in found["series"]]
        return _csv(rows, ["bucket", "group", "events"], "timeline")

    @app.get("/places", tags=["events"], summary="where events happened: points and counts by country")
    def get_places(flt: Filter, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 300):
        return JSONResponse(queries.places(cursor(), flt, limit))

    @app.get("/stories", tags=["stories"], summary="stories (fused events) when the database has them")
    def list_stories(limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50, offset: Offset = 0):
        return JSONResponse(queries.stories(cursor(), limit, offset))

    @app.get("/stats", tags=["meta"], summary="counts of articles, events, claims and errors; events by root, quad, certainty")
    def get_stats():
        return JSONResponse(queries.stats(cursor()))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    return _Guard(app, token)


def app_from_env():
    """Factory for ``uvicorn --factory`` with several workers: reads EVENTWIRE_DB and EVENTWIRE_TOKEN."""
    import os

    return create_app(os.environ["EVENTWIRE_DB"], os.environ.get("EVENTWIRE_TOKEN") or None)


def fastapi_app(app) -> Any:
    """The FastAPI app inside what create_app returns (for its OpenAPI schema, routes, state)."""
    return app.app
