"""Run the benchmarks: every benchmarks/bench_*.py, or the ones named (``run.py store stages``).

Each benchmark prints its own figures, ratios against a baseline measured in the same run.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    failed = []
    for name in names:
        script = HERE / f"bench_{name}.py"
        if not script.is_file():
            print(f"no benchmark {script.name}", file=sys.stderr)
            failed.append(name)
            continue
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)]).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
