"""The Dask engine: code articles on a Dask cluster; workers write Parquet parts.

reads: Articles; writes: one Parquet part per chunk (in ``parts_dir``) and, as each part is
read back by the client, ``CodedArticle`` results for ingest to store in DuckDB.

The client sends chunks of articles to the workers. A worker builds the pipeline once
(``api.get_pipeline``, cached per process), codes the chunk with the same stage code as the
local engine and writes its records to ``parts_dir/part-RUN-N.parquet``; the client reads
the part, hands its articles to ingest (one transaction per group of articles, as locally)
and deletes it. ``parts_dir`` must be a folder every worker and the client can reach: a
temporary folder next to the database on one machine, a shared file system on a cluster.

Without ``scheduler`` a LocalCluster with ``workers`` single-threaded worker processes
starts and stops with the run, configured by ``LOCAL_CLUSTER_CONFIG``; with ``scheduler``
(``tcp://HOST:PORT``) the run uses that cluster as it is (see docs/STORE.md for Slurm/PBS
with dask-jobqueue and Kubernetes, and for the same settings on a cluster's workers).
"""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Iterable, Iterator

from ..config import Settings
from ..errors import ConfigError, EventwireError
from ..pipeline import CodedArticle
from ..records import Article, Claim, Event
from . import WorkerError, peek
from .local import CHUNK, chunks

# Dask settings for the LocalCluster this engine starts (measured on 2 cores, docs/STORE.md):
# - the nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's dynamic
#   mmap threshold: each of spaCy's large short-lived arrays is then mapped afresh and faults its
#   pages in again (4-6x the minor faults, 5-20% more CPU a coded article); None leaves glibc's
#   default, as the --jobs workers have it;
# - the statistical profiler samples every thread each 10 ms; the event-loop tick (20 ms) and the
#   system monitor (0.5 s) only feed warnings and the dashboard (none here), and the memory
#   monitors of nannies and workers poll each 0.1 s (1 s is soon enough to pause or restart a
#   worker that holds a model and a chunk of Docs): on an idle 2-worker cluster these cost ~4%
#   of a core in the client and ~2% in each worker, and ~1% and ~0.3% with these settings.
LOCAL_CLUSTER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}

PART_COLUMNS = ["doc_id", "text", "date", "title", "url", "source", "path", "events", "claims",
                "error_reason", "error_message"]


def _distributed():
    try:
        import distributed
    except ImportError as exc:
        raise ConfigError("the Dask engine needs Dask: pip install 'eventwire[dask]'") from exc
    return distributed


def code_part(batch: list[Article], settings: Settings, path: str) -> str:
    """Runs in a worker: code ``batch`` and write its records to a Parquet part at ``path``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..api import code_articles

    cols: dict[str, list] = {c: [] for c in PART_COLUMNS}
    for r in code_articles(batch, settings):
        a = r.article
        for c, v in (("doc_id", a.doc_id), ("text", a.text), ("date", a.date), ("title", a.title),
                     ("url", a.url), ("source", a.source), ("path", a.path)):
            cols[c].append(v)
        cols["events"].append(json.dumps([e.to_dict() for e in r.events], ensure_ascii=False))
        cols["claims"].append(json.dumps([c.to_dict() for c in r.claims], ensure_ascii=False))
        cols["error_reason"].append(getattr(r.error, "reason", "coding") if r.error else None)
        cols["error_message"].append(str(r.error) if r.error else None)
    schema = pa.schema([(c, pa.string()) for c in PART_COLUMNS])
    tmp = f"{path}.tmp"
    pq.write_table(pa.table(cols, schema=schema), tmp)
    os.replace(tmp, path)  # a part is either whole or absent
    return path


def read_part(path: str) -> Iterator[CodedArticle]:
    """The articles of a Parquet part, as the worker coded them."""
    import pyarrow.parquet as pq

    for row in pq.read_table(path).to_pylist():
        art = Article(row["doc_id"], row["text"], row["date"], row["title"], row["url"], row["source"],
                      row["path"])
        if row["error_message"]:
            yield CodedArticle(art, error=WorkerError(row["error_message"], row["error_reason"] or "coding"))
            continue
        yield CodedArticle(art, [Event.from_dict(d) for d in json.loads(row["events"])],
                           [Claim.from_dict(d) for d in json.loads(row["claims"])])


def code_dask(articles: Iterable[Article], settings: Settings | None = None, parts_dir: str | Path = "parts",
              scheduler: str | None = None, workers: int = 2, chunk_size: int = CHUNK,
              processes: bool = True) -> Iterator[CodedArticle]:
    """Code ``articles`` on a Dask cluster (a LocalCluster of ``workers`` processes when no scheduler)."""
    distributed = _distributed()
    settings = settings or Settings()
    todo_articles = peek(articles)
    if todo_articles is None:
        return
    parts = Path(parts_dir)
    try:
        parts.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EventwireError(f"cannot create the parts folder {parts}: {exc.strerror or exc}") from exc
    cluster = None
    import dask

    try:
        if scheduler:
            client = distributed.Client(scheduler, timeout="20s")
        else:
            # the scheduler, nannies and workers take the config in force when they start (a nanny
            # keeps it to restart its worker); a cluster's own workers keep their configuration
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                                   processes=processes, dashboard_address=None)
            client = distributed.Client(cluster)
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise EventwireError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    run = uuid.uuid4().hex[:8]
    try:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        window = 2 * n_workers + 1
        todo = chunks(todo_articles, chunk_size)
        running = distributed.as_completed()
        in_flight = 0
        n = 0

        def submit() -> bool:
            nonlocal in_flight, n
            batch = next(todo, None)
            if batch is None:
                return False
            path = str((parts / f"part-{run}-{n:06d}.parquet").resolve())
            n += 1
            running.add(client.submit(code_part, batch, settings, path, pure=False))
            in_flight += 1
            return True

        while in_flight < window and submit():
            pass
        for fut in running:
            in_flight -= 1
            try:
                path = fut.result()
            except Exception as exc:
                raise EventwireError(f"a Dask task failed ({type(exc).__name__}: {exc}); rerun the same "
                                     "command to go on: articles already stored are skipped") from exc
            yield from read_part(path)
            os.unlink(path)
            while in_flight < window and submit():
                pass
    finally:
        client.close()
        if cluster is not None:
            _close_in_background(cluster)


def _close_in_background(cluster) -> None:
    """Stop the run's LocalCluster without waiting for it, as the local engine does not wait for
    its pool (``shutdown(wait=False)``): every part is loaded, and the workers' exit with the
    model loaded (~1.5 s) would otherwise hold up the last commit. The thread is no daemon, so
    the process still exits only after the cluster has closed."""
    import threading

    def close() -> None:
        try:
            cluster.close()
        except Exception:  # pragma: no cover - nothing is left to save; the workers are daemonic
            pass

    threading.Thread(target=close, name="eventwire-dask-close").start()
