"""Schemathesis against /openapi.json: generated requests to every operation must get no 5xx.

    python benchmarks/loadtest/schema_check.py [--db FILE] [--examples 100]

Serves the database (default: benchmarks/results/loadtest.duckdb, else the coded samples)
on a free loopback port and runs ``schemathesis run`` with the ``not_a_server_error``
check (needs ``pip install 'eventwire[loadtest]'``). Exits with schemathesis's status.
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=RESULTS / "loadtest.duckdb")
    ap.add_argument("--examples", type=int, default=100)
    args = ap.parse_args(argv)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(BIN / "eventwire"), "serve", "--db", str(args.db), "--port", str(port)],
                              stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 2
                time.sleep(0.2)
        return subprocess.run([str(BIN / "schemathesis"), "run", base + "/openapi.json", "--checks",
                               "not_a_server_error", "--max-examples", str(args.examples)]).returncode
    finally:
        server.terminate()
        server.wait(20)


if __name__ == "__main__":
    sys.exit(main())
