"""Shared fixtures: one spaCy pipeline per test session, paths to ../shared."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVENTWIRE = [sys.executable, "-m", "eventwire.cli"]


@pytest.fixture(scope="session")
def pipeline():
    from eventwire.api import get_pipeline
    from eventwire.config import Settings

    return get_pipeline(Settings())


@pytest.fixture(scope="session")
def annotate(pipeline):
    """Run every stage on a text and return the Doc (with doc._.ew filled)."""
    from eventwire.records import Article

    def run(text: str, date: str | None = "2020-06-15"):
        art, doc, err = next(iter(pipeline.annotate([Article("t", text, date)])))
        assert err is None, err
        return doc

    return run


@pytest.fixture(scope="session")
def code(pipeline):
    """Code a text and return its event records."""
    from eventwire.api import code_text

    def run(text: str, date: str | None = "2020-06-15"):
        return [r for r in code_text(text, date=date) if r.kind == "event"]

    return run


def run_cli(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([*EVENTWIRE, *args], capture_output=True, text=True, input=input,
                          cwd=cwd or ROOT, env=env, timeout=600)


def shared(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is not here")
    return p
