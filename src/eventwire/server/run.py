"""Run the server: ``serve`` a stored database, or code the sample articles and serve them (``demo``).

reads: a DuckDB store (serve), the bundled sample articles (demo); writes: the demo database.
"""
from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from ..errors import ConfigError

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}): choose another --port") from exc


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          workers: int = 1, log_level: str = "warning") -> None:
    """Serve ``db`` read-only on host:port until interrupted (several processes with ``workers``)."""
    from .app import _need_fastapi, create_app

    _need_fastapi()
    import uvicorn

    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    app = create_app(db, token)  # opens the database now, so a bad path fails before listening
    _check_port(host, port)
    print(f"eventwire: serving {db} on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops")
    # uvicorn picks uvloop and httptools (both in the serve extra) when they are installed: on
    # the load test's /health they serve several times the requests/s of asyncio and h11
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
        return
    os.environ["EVENTWIRE_DB"] = str(db)
    if token:
        os.environ["EVENTWIRE_TOKEN"] = token
    uvicorn.run("eventwire.server.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, server_header=False)


def build_demo_db(db: str | Path, progress: bool = True) -> Path:
    """Code the bundled sample articles into ``db`` (articles already there are skipped)."""
    from ..store.ingest import ingest

    summary = ingest([str(SAMPLES)], str(db), progress=progress)
    print(summary.describe())
    return Path(db)


def demo(db: str | Path = "eventwire-demo.duckdb", host: str = "127.0.0.1", port: int = 8000,
         token: str | None = None) -> None:
    """Code the sample articles into ``db`` and serve it."""
    build_demo_db(db)
    serve(db, host=host, port=port, token=token)
