"""`make reliability`: every reliability check at full size, then a summary.

    python benchmarks/reliability/run.py [--scale 20] [--schema-examples 100] [--no-schema]

1. pytest over the reliability tests with EVENTWIRE_RELIABILITY=long (a real 100 MB file, a
   1,000,000-line JSON-lines file with its peak memory, every export format killed and rerun,
   a full disk both ways, an ingest killed three times) and EVENTWIRE_FUZZ_SCALE=scale
   (hypothesis examples times scale). Each test notes what it tried and counted
   (tests/reliability_log.py); `make test` runs the same tests small.
2. schemathesis against the server's OpenAPI schema (benchmarks/loadtest/schema_check.py).
3. A summary per category: inputs tried, crashes (failed checks), records lost, records
   duplicated, and what was measured; also written to benchmarks/results/reliability.json.

Exits 1 when a check failed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
TESTS = {  # test file -> the category of a failure it reports without a note
    "tests/test_reliability_inputs.py": "inputs",
    "tests/test_read.py": "inputs",
    "tests/test_reliability_faults.py": "faults",
    "tests/test_store_kill.py": "faults",
    "tests/test_reliability_fuzz.py": "fuzz: readers",
    "tests/test_properties.py": "fuzz: pipeline",
}
CATEGORIES = ["inputs", "faults", "fuzz: readers", "fuzz: pipeline", "fuzz: server (schemathesis)"]


def run_tests(scale: int, log: Path, junit: Path) -> int:
    env = dict(os.environ, EVENTWIRE_RELIABILITY="long", EVENTWIRE_FUZZ_SCALE=str(scale),
               EVENTWIRE_RELIABILITY_LOG=str(log))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=15",
                           f"--junitxml={junit}", *TESTS], cwd=ROOT, env=env).returncode


def failed_tests(junit: Path) -> list[tuple[str, str]]:
    """(file, test name) of every failed or erroring test in a JUnit XML report."""
    if not junit.exists():
        return [("tests", "(pytest did not run)")]
    out = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            out.append((case.get("classname", "").replace(".", "/") + ".py", case.get("name", "")))
    return out


def run_schema(examples: int) -> dict:
    """schemathesis via benchmarks/loadtest/schema_check.py; the test cases it generated and failed."""
    db = RESULTS / "loadtest.duckdb"
    args = [sys.executable, str(ROOT / "benchmarks" / "loadtest" / "schema_check.py"), "--examples", str(examples)]
    with tempfile.TemporaryDirectory() as tmp:
        if not db.exists():  # no load-test database: the coded samples
            db = Path(tmp) / "samples.duckdb"
            subprocess.run([sys.executable, "-m", "eventwire.cli", "ingest", "src/eventwire/data/samples",
                            "--db", str(db), "--quiet"], cwd=ROOT, check=True)
        proc = subprocess.run([*args, "--db", str(db)], cwd=ROOT / "benchmarks" / "loadtest",
                              capture_output=True, text=True)
    sys.stdout.write(proc.stdout[-4000:])
    sys.stderr.write(proc.stderr[-4000:])
    m = re.search(r"(\d+) generated", proc.stdout)
    failed = re.search(r"(\d+) failed", proc.stdout)
    return {"returncode": proc.returncode, "tried": int(m.group(1)) if m else 0,
            "crashes": int(failed.group(1)) if failed else (0 if proc.returncode == 0 else 1)}


def summarise(notes: list[dict], failures: list[tuple[str, str]], schema: dict | None) -> dict:
    by_test = {n["test"]: n["category"] for n in notes}
    rows: dict[str, dict] = {c: {"tests": set(), "tried": 0, "crashes": 0, "lost": 0, "duplicated": 0}
                             for c in CATEGORIES}
    for n in notes:
        r = rows.setdefault(n["category"], {"tests": set(), "tried": 0, "crashes": 0, "lost": 0, "duplicated": 0})
        r["tests"].add(n["test"])
        for k in ("tried", "lost", "duplicated"):
            r[k] += int(n.get(k) or 0)
    for path, name in failures:
        test = f"{path}::{name}"
        category = by_test.get(test) or TESTS.get(path, "inputs")
        rows[category]["crashes"] += 1
        rows[category]["tests"].add(test)
    if schema is not None:
        rows["fuzz: server (schemathesis)"].update(tried=schema["tried"], crashes=schema["crashes"],
                                                   lost=None, duplicated=None, tests={"schema_check.py"})
    for r in rows.values():
        r["tests"] = len(r["tests"])
    return rows


def print_summary(rows: dict, notes: list[dict], seconds: float, scale: int) -> None:
    print("\n" + "=" * 30 + " reliability summary " + "=" * 30)
    print(f"{'category':<30}{'checks':>8}{'inputs tried':>14}{'crashes':>9}{'lost':>7}{'duplicated':>12}")
    total = {"tried": 0, "crashes": 0, "lost": 0, "duplicated": 0}
    for c, r in rows.items():
        print(f"{c:<30}{r['tests']:>8}{r['tried']:>14,}{r['crashes']:>9}"
              f"{'-' if r['lost'] is None else r['lost']:>7}{'-' if r['duplicated'] is None else r['duplicated']:>12}")
        for k in total:
            total[k] += r[k] or 0
    print(f"{'total':<30}{'':>8}{total['tried']:>14,}{total['crashes']:>9}{total['lost']:>7}{total['duplicated']:>12}")
    fuzzed = sum(r["tried"] for c, r in rows.items() if c.startswith("fuzz"))
    print(f"fuzzed inputs: {fuzzed:,} (hypothesis examples x{scale}, and schemathesis test cases)")
    print("\nmeasured:")
    for n in notes:
        extra = {k: v for k, v in n.items() if k not in ("category", "test", "tried", "lost", "duplicated", "case")}
        if "case" in n and (extra or n.get("lost") or n.get("duplicated") or n["category"] == "faults"):
            print(f"  [{n['category']}] {n['case']}: tried {n['tried']}, lost {n['lost']}, duplicated "
                  f"{n['duplicated']}" + (f"; {json.dumps(extra, default=str)}" if extra else ""))
    print(f"\nin {seconds / 60:.1f} min")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, default=20, help="hypothesis examples: `make test`'s counts times this")
    ap.add_argument("--schema-examples", type=int, default=100, help="schemathesis --max-examples")
    ap.add_argument("--no-schema", action="store_true", help="leave out schemathesis")
    args = ap.parse_args(argv)
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        log, junit = Path(tmp) / "notes.jsonl", Path(tmp) / "junit.xml"
        code = run_tests(args.scale, log, junit)
        notes = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
        failures = failed_tests(junit)
    schema = None if args.no_schema else run_schema(args.schema_examples)
    seconds = time.monotonic() - start
    rows = summarise(notes, failures, schema)
    cases = defaultdict(lambda: {"tried": 0, "lost": 0, "duplicated": 0})
    for n in notes:
        for k in ("tried", "lost", "duplicated"):
            cases[f"{n['category']}: {n.get('case', '')}"][k] += int(n.get(k) or 0)
    print_summary(rows, notes, seconds, args.scale)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reliability.json").write_text(json.dumps(
        {"seconds": round(seconds), "scale": args.scale, "categories": rows, "cases": cases,
         "measured": [n for n in notes if len(n) > 6], "failed_tests": failures}, indent=1, default=str) + "\n")
    ok = code == 0 and not failures and (schema is None or schema["returncode"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
