"""Engines: Dask on a LocalCluster gives the same store as coding in this process.

(--jobs N worker processes are tested in test_store_kill.py, on a run that is killed.)
"""
from __future__ import annotations

import json
import sys

import duckdb
import pytest

from conftest import ROOT

from eventwire.config import Settings
from eventwire.errors import ConfigError, EventwireError
from eventwire.records import Article
from eventwire.store.db import read_records, open_db
from eventwire.store.ingest import ingest

SAMPLES = ROOT / "src" / "eventwire" / "data" / "samples" / "articles.jsonl"


def _articles(n: int) -> list[Article]:
    rows = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()[:n]]
    return [Article(r["id"], r["text"], r.get("date")) for r in rows]


def test_dask_localcluster_ingest_matches_local(tmp_path, pipeline):
    distributed = pytest.importorskip("distributed")

    src = tmp_path / "in.jsonl"
    src.write_text(SAMPLES.read_text(encoding="utf-8").splitlines()[0] + "\n" +
                   "\n".join(SAMPLES.read_text(encoding="utf-8").splitlines()[1:4]) + "\n", encoding="utf-8")
    # Worker threads in this process share the session's pipeline: the cluster is real, the model loads once.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        parts = tmp_path / "parts"
        summary = ingest([str(src)], str(tmp_path / "dask.duckdb"), progress=False, engine="dask",
                         scheduler=cluster.scheduler_address, parts_dir=str(parts))
    assert summary.stored == 4 and summary.failed == 0
    assert list(parts.iterdir()) == []  # every part was loaded, then removed
    local = ingest([str(src)], str(tmp_path / "local.duckdb"), progress=False)
    assert local.stored == 4 and (local.events, local.claims) == (summary.events, summary.claims)
    by_engine = []
    for name in ("dask", "local"):
        con = open_db(tmp_path / f"{name}.duckdb", read_only=True)
        by_engine.append(sorted((r.to_dict() for r in read_records(con, "events") + read_records(con, "claims")),
                                key=lambda d: d.get("event_id") or d.get("claim_id")))
        con.close()
    assert by_engine[0] == by_engine[1]
    con = duckdb.connect(str(tmp_path / "dask.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM minhashes").fetchone()[0] == 4
    con.close()


def test_missing_dask_names_the_extra(monkeypatch, tmp_path):
    from eventwire.engine import dask_engine

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"eventwire\[dask\]"):
        list(dask_engine.code_dask(_articles(1), Settings(), tmp_path / "parts"))


def test_local_cluster_starts_with_the_engine_config(monkeypatch, tmp_path):
    """The LocalCluster the engine starts gets LOCAL_CLUSTER_CONFIG (glibc's malloc thresholds left
    alone, profiler off, ...), and the caller's Dask config is as it was afterwards."""
    distributed = pytest.importorskip("distributed")
    import dask
    from distributed.nanny import _get_env_variables

    from eventwire.engine import dask_engine

    seen = {}

    def fake_cluster(**kwargs):
        seen["env"] = _get_env_variables("distributed.nanny.pre-spawn-environ")
        seen["config"] = {key: dask.config.get(key) for key in dask_engine.LOCAL_CLUSTER_CONFIG}
        seen["kwargs"] = kwargs
        raise OSError("no cluster in this test")

    monkeypatch.setattr(distributed, "LocalCluster", fake_cluster)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    before = {key: dask.config.get(key) for key in dask_engine.LOCAL_CLUSTER_CONFIG}
    assert before != dask_engine.LOCAL_CLUSTER_CONFIG  # Dask's defaults differ, or this test shows nothing
    with pytest.raises(EventwireError):
        list(dask_engine.code_dask(_articles(1), Settings(), tmp_path / "parts", workers=2))
    assert "MALLOC_TRIM_THRESHOLD_" not in seen["env"]
    assert seen["config"] == dask_engine.LOCAL_CLUSTER_CONFIG
    assert seen["config"]["distributed.worker.profile.enabled"] is False
    assert seen["kwargs"]["n_workers"] == 2 and seen["kwargs"]["threads_per_worker"] == 1
    assert {key: dask.config.get(key) for key in dask_engine.LOCAL_CLUSTER_CONFIG} == before
