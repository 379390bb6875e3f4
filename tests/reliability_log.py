"""What the reliability checks tried and found, for the summary of `make reliability`.

- ``LONG``: true under `make reliability` (EVENTWIRE_RELIABILITY=long): the full-size cases
  (a 100 MB file, a 1,000,000-line JSON-lines file, repeated kills). `make test` runs the
  same checks at small sizes.
- ``examples(n)``: hypothesis example counts, ``n`` in `make test`, ``n`` times
  EVENTWIRE_FUZZ_SCALE under `make reliability`.
- ``note(category, ...)``: when EVENTWIRE_RELIABILITY_LOG names a file, appends one JSON line
  (the category, the test, inputs tried, records lost and duplicated, measurements);
  benchmarks/reliability/run.py adds them up. Tests note what they measured before they
  assert on it, so a failing check still reports its figures.
"""
from __future__ import annotations

import json
import os

LONG = os.environ.get("EVENTWIRE_RELIABILITY") == "long"


def examples(n: int) -> int:
    return n * max(1, int(os.environ.get("EVENTWIRE_FUZZ_SCALE", "1") or 1))


def note(category: str, tried: int = 1, lost: int = 0, duplicated: int = 0, **measured) -> None:
    path = os.environ.get("EVENTWIRE_RELIABILITY_LOG")
    if not path:
        return
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    row = {"category": category, "test": test, "tried": tried, "lost": lost, "duplicated": duplicated,
           **measured}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, default=str) + "\n")
