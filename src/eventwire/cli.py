"""The eventwire command line: thin commands over the library.

Exit status: 0 all inputs coded (empty inputs are named on stderr but, having
nothing to code, do not count as failures); 1 some inputs could not be read or
coded (each is named on stderr with its reason; everything else was written);
2 usage or setup error (bad flag, missing model, unreadable dictionary).
"""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager

from .config import CERTAINTIES, Settings
from .errors import EventwireError

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


def _settings(args) -> Settings:
    certainty = CERTAINTIES
    if getattr(args, "certainty", None):
        certainty = tuple(c.strip() for c in args.certainty.split(",") if c.strip())
        bad = [c for c in certainty if c not in CERTAINTIES]
        if bad:
            raise EventwireError(f"unknown certainty {', '.join(bad)}; choose from {', '.join(CERTAINTIES)}")
    return Settings(model=args.model, actor_files=tuple(args.actors or ()),
                    trigger_files=tuple(getattr(args, "triggers", None) or ()),
                    place_files=tuple(getattr(args, "places", None) or ()), certainty=certainty,
                    max_chars=getattr(args, "max_chars", None) or Settings.max_chars,
                    max_bytes=getattr(args, "max_bytes", None) or Settings.max_bytes,
                    language_check=not getattr(args, "no_language_check", False),
                    actorless=getattr(args, "actorless", False))


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=Settings.model, help="spaCy pipeline: installed package name or path")
    p.add_argument("--actors", action="append", metavar="FILE", help="your own actor file (YAML); repeatable")
    p.add_argument("--triggers", action="append", metavar="FILE", help="your own trigger file (TSV); repeatable")
    p.add_argument("--places", action="append", metavar="FILE",
                   help="your own gazetteer file (TSV, the regions.tsv layout); repeatable")
    p.add_argument("--max-chars", type=int, metavar="N",
                   help=f"longest article coded, in characters (default {Settings.max_chars:,})")
    p.add_argument("--max-bytes", type=int, metavar="N",
                   help=f"largest file read whole, and longest JSON/CSV line (default {Settings.max_bytes:,})")
    p.add_argument("--no-language-check", action="store_true",
                   help="code articles that do not read as English too (by default they are skipped)")
    p.add_argument("--actorless", action="store_true",
                   help="also write events that name neither a source nor a target (by default dropped)")


@contextmanager
def _open_out(path: str | None):
    if not path or path == "-":
        yield sys.stdout
        return
    try:
        f = open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise EventwireError(f"cannot write {path}: {exc.strerror or exc}") from exc
    with f:
        yield f


def _report(errors) -> int:
    """Name each skipped input on stderr; the exit status they make."""
    failed = False
    for err in errors:
        reason = getattr(err, "reason", "failed")
        print(f"eventwire: skipped {err} [{reason}]", file=sys.stderr)
        failed = failed or reason != "empty"
    return EXIT_PARTIAL if failed else EXIT_OK


def cmd_code(args) -> int:
    from . import output
    from .api import code_files

    errors: list = []
    settings = _settings(args)
    coded = code_files(args.paths, date=args.date, settings=settings, errors=errors)
    n_articles = n_events = 0
    with _open_out(args.output) as out:
        writer = output.csv_writer(out) if args.format == "csv" else None
        rows = []
        for result in coded:
            if result.error is not None:
                errors.append(result.error)
                continue
            n_articles += 1
            n_events += len(result.events)
            if args.format == "jsonl":
                records = result.events + (result.claims if not args.no_claims else [])
                output.write_jsonl(records, out)
            elif args.format == "csv":
                for e in result.events:
                    writer.writerow(output.event_csv_row(e))
            else:
                rows += [[result.article.doc_id] + output.event_row(e) for e in result.events]
        if args.format == "table":
            output.table(rows, ["doc"] + output.EVENT_COLUMNS, out)
            out.write(f"\n{n_events} events from {n_articles} articles\n")
    return _report(errors)


def cmd_claims(args) -> int:
    from . import output
    from .api import code_files

    errors: list = []
    coded = code_files(args.paths, date=args.date, settings=_settings(args), errors=errors)
    with _open_out(args.output) as out:
        rows = []
        for result in coded:
            if result.error is not None:
                errors.append(result.error)
                continue
            if args.format == "jsonl":
                output.write_jsonl(result.claims, out)
            else:
                rows += [output.claim_row(c) for c in result.claims]
        if args.format == "table":
            output.table(rows, ["doc", "speaker", "cue", "content"], out)
    return _report(errors)


def _text_arg(text: str) -> str:
    return sys.stdin.read() if text == "-" else text


def cmd_actors(args) -> int:
    from .api import get_pipeline
    from .records import Article

    pipe = get_pipeline(_settings(args))
    for art, doc, err in pipe.annotate([Article("text", _text_arg(args.text), args.date)]):
        if err is not None:
            raise err
        rows = [[doc[m.start:m.end].text, m.code or "-", m.entity or "-", m.kind, m.why]
                for m in doc._.ew.mentions]
        from .output import table

        table(rows, ["mention", "code", "entity", "kind", "why"], sys.stdout, max_col=50)
    return EXIT_OK


def cmd_explain(args) -> int:
    from .api import get_pipeline
    from .coding.ontology import lookup
    from .records import Article

    from .pipeline import written_events

    settings = _settings(args)
    pipe = get_pipeline(settings)
    for art, doc, err in pipe.annotate([Article("text", _text_arg(args.text), args.date)]):
        if err is not None:
            raise err
        st = doc._.ew
        written = written_events(st.events, settings)
        if not written:
            print("no events coded")
        if len(written) < len(st.events):
            print(f"({len(st.events) - len(written)} more coded but not written: naming no actor, of a "
                  "certainty not asked for, or the same trigger and codes as one below)")
        for n, e in enumerate(written, 1):
            name = lookup(e.code).name
            src = f"{e.source.code} ({doc[e.source.start:e.source.end].text}; {e.source.why})" if e.source else "-"
            tgt = f"{e.target.code} ({doc[e.target.start:e.target.end].text}; {e.target.why})" if e.target else "-"
            print(f"[{n}] {e.code} {name}")
            print(f"    trigger:   {' '.join(doc[i].text for i in e.tokens)}  "
                  f"(entry {e.trigger.describe() if e.trigger else 'accusation from a claim'}; "
                  f"rule {e.rule})")
            if e.trigger and e.trigger.example:
                print(f"    example:   {e.trigger.example}")
            print(f"    source:    {src}")
            print(f"    target:    {tgt}")
            print(f"    certainty: {e.certainty}" + (f" (cue '{e.certainty_cue}')" if e.certainty_cue else ""))
            if e.date:
                print(f"    date:      {e.date.value} ({e.date.precision}, '{e.date.text}')")
            if e.location:
                print(f"    place:     {e.location.name}, {e.location.country}")
            print(f"    evidence:  {doc[e.start:e.end].text}")
        for c in st.claims:
            sp = doc[c.speaker_start:c.speaker_end].text if c.speaker_start is not None else "(unattributed)"
            print(f"claim: {sp} | {doc[c.cue:c.cue_end].text} | {doc[c.content_start:c.content_end].text}")
    return EXIT_OK


def cmd_ingest(args) -> int:
    from .store.ingest import ingest

    summary = ingest(args.paths, args.db, date=args.date, settings=_settings(args), progress=not args.quiet,
                     jobs=args.jobs, engine=args.engine, scheduler=args.scheduler,
                     dedup_threshold=args.dedup_threshold, parts_dir=args.parts,
                     commit_every=max(1, args.commit_every))
    print(summary.describe())
    return EXIT_PARTIAL if summary.failed else EXIT_OK


def _event_filter(args):
    from .store.query import EventFilter

    certainty = tuple(c.strip() for c in (args.certainty or "").split(",") if c.strip())
    return EventFilter(actor=args.actor, source=args.source, target=args.target, code=args.code, root=args.root,
                       country=args.country, date_from=args.date_from, date_to=args.date_to,
                       certainty=certainty, limit=args.limit)


def cmd_query(args) -> int:
    from .store.query import query

    if args.stories:
        return _query_stories(args)
    with _open_out(args.output) as out:
        query(args.db, _event_filter(args), args.format, out)
    return EXIT_OK


def _query_stories(args) -> int:
    from .store.stories import story_filter, write_stories

    where, params = story_filter(args.actor, args.source, args.target, args.root, args.code,
                                 args.date_from, args.date_to)
    with _open_out(args.output) as out:
        write_stories(args.db, out, args.format, args.limit, args.rebuild, where, params)
    return EXIT_OK


def cmd_sql(args) -> int:
    from .store.query import run_sql, write_rows

    columns, rows = run_sql(args.db, args.query)
    write_rows(columns, rows, args.format, sys.stdout)
    return EXIT_OK


def cmd_export(args) -> int:
    from .store.export import export

    n = export(args.db, args.format, args.output, _event_filter(args), claims=not args.no_claims)
    print(f"wrote {n} rows to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_summary(args) -> int:
    from .store.db import open_db, summary_text

    con = open_db(args.db, read_only=True)
    print(summary_text(con, limit=args.limit))
    return EXIT_OK


def cmd_serve(args) -> int:
    from .server.run import serve

    serve(args.db, host=args.host, port=args.port, token=args.token, workers=args.workers)
    return EXIT_OK


def cmd_demo(args) -> int:
    from .server.run import demo

    demo(args.db, host=args.host, port=args.port, token=args.token)
    return EXIT_OK


def _server_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--token", help="require 'Authorization: Bearer TOKEN' (or /?token=TOKEN in a browser) everywhere")


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--actor", help="source or target: a code (prefix: USA matches USAGOV) or an entity name")
    p.add_argument("--source", help="source actor code (prefix) or entity name")
    p.add_argument("--target", help="target actor code (prefix) or entity name")
    p.add_argument("--code", help="CAMEO code prefix (19 matches 190-196)")
    p.add_argument("--root", help="CAMEO root code (two digits)")
    p.add_argument("--country", help="source, target or place country (ISO alpha-3)")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="events on or after this day")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="events on or before this day")
    p.add_argument("--certainty", help="comma-separated certainty values to keep")
    p.add_argument("--limit", type=int, help="at most this many events")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventwire", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("code", help="code articles into event records")
    p.add_argument("paths", nargs="+", help="files, folders (recursive) or - for stdin")
    p.add_argument("--date", help="publication date (YYYY-MM-DD) for articles that carry none")
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.add_argument("--output", "-o", help="write here instead of stdout")
    p.add_argument("--certainty", help="comma-separated certainty values to keep (default: all)")
    p.add_argument("--no-claims", action="store_true", help="with jsonl, leave out claim records")
    _common(p)
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("claims", help="print who said what")
    p.add_argument("paths", nargs="+")
    p.add_argument("--date")
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.add_argument("--output", "-o")
    _common(p)
    p.set_defaults(func=cmd_claims)

    p = sub.add_parser("actors", help="show the actors recognised in a text, with codes and reasons")
    p.add_argument("text", help="the text, or - for stdin")
    p.add_argument("--date")
    _common(p)
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("explain", help="show each event with the dictionary entry and words that produced it")
    p.add_argument("text", help="the text, or - for stdin")
    p.add_argument("--date")
    _common(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("ingest", help="code articles into a DuckDB database")
    p.add_argument("paths", nargs="+")
    p.add_argument("--db", required=True, help="the DuckDB file (created when missing)")
    p.add_argument("--date")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (local) or Dask workers (default 1)")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local processes, or Dask (pip install 'eventwire[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: the scheduler (tcp://HOST:PORT); default a LocalCluster")
    p.add_argument("--parts", metavar="DIR",
                   help="with --engine dask: folder for the workers' Parquet parts (shared by all machines)")
    p.add_argument("--dedup-threshold", type=float, default=0.8, metavar="J",
                   help="MinHash similarity at which an article is a near-duplicate (0 turns it off)")
    p.add_argument("--commit-every", type=int, default=256, metavar="N",
                   help="commit after at most N articles (or 3 seconds); 1 commits every article on its own")
    _common(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("query", help="events from a database, by actor, code, country, date, certainty")
    p.add_argument("--db", required=True)
    _filters(p)
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.add_argument("--output", "-o", help="write here instead of stdout")
    p.add_argument("--stories", action="store_true",
                   help="story events: one row per real event, its reports merged across articles")
    p.add_argument("--rebuild", action="store_true", help="with --stories, recompute them from the stored events")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("sql", help="run SQL on a read-only connection to a database")
    p.add_argument("--db", required=True)
    p.add_argument("query", help="the SQL, e.g. \"SELECT * FROM daily_dyad_counts LIMIT 10\"")
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("export", help="export a database: parquet, csv, jsonl, gdelt or plover")
    p.add_argument("--db", required=True)
    p.add_argument("--format", choices=["parquet", "csv", "jsonl", "gdelt", "plover"], required=True)
    p.add_argument("--output", "-o", required=True, help="the file (a new folder for parquet)")
    p.add_argument("--no-claims", action="store_true", help="with jsonl, leave out claim records")
    _filters(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("summary", help="print the events stored in a database and a summary")
    p.add_argument("--db", required=True)
    p.add_argument("--limit", type=int, default=60, help="events to list")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("serve", help="serve a database: HTTP API and web page (needs eventwire[serve])")
    p.add_argument("--db", required=True, help="the DuckDB file, opened read-only")
    _server_flags(p)
    p.add_argument("--workers", type=int, default=1, help="server processes (each opens the database read-only)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="code the bundled sample articles and serve them")
    p.add_argument("--db", default="eventwire-demo.duckdb", help="where to store the coded samples")
    _server_flags(p)
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except EventwireError as exc:
        print(f"eventwire: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("eventwire: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
