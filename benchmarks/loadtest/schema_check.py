"""Schemathesis against /openapi.json: generated requests to every operation must get no 5xx.

    python benchmarks/loadtest/schema_check.py [--db FILE] [--examples 100]

Serves the database (default: benchmarks/results/loadtest.duckdb, else the coded samples)
on a free loopback port and runs ``schemathesis run`` with the ``not_a_server_error``
check (needs ``pip install 'eventwire[loadtest]'``). Exits with schemathesis's status.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=RESULTS / "loadtest.duckdb")
    ap.add_argument("--examples", type=int, default=100)
    args = ap.parse_args(argv)
    from run import serving  # this folder's load test starts the server the same way

    try:
        with serving(args.db) as base:
            return subprocess.run([str(BIN / "schemathesis"), "run", base + "/openapi.json", "--checks",
                                   "not_a_server_error", "--max-examples", str(args.examples)]).returncode
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2

if __name__ == "__main__":
    sys.exit(main())
