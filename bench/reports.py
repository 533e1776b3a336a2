"""Benchmark: accepted reports/s over HTTP (synchronous=FULL) beside bare SQLite inserts; lookups/s.

Run: .venv/bin/python bench/reports.py [--seconds 10] [--workers 1] [--connections 32]
Needs wrk (apt-get install wrk). Each accepted report is committed to disk before its 201,
exactly as in production; rate limits are raised so that they do not cap the figures.
Goal: at least 300 accepted reports/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import free_port, running, temp_data_dir, wrk

REPORT = {
    "category": "someone_carrying",
    "what_happened": "A boy in year 10 showed a knife in his bag at the bus stop after school. "
    "He said he carries it for protection because of a fight last week.",
    "where": "outside the chicken shop on Dunstable Road",
    "area": "LU1",
    "when": "today",
    "danger_now": False,
    "lang": "en",
}
LIMITS = {
    "CONSEQUENCES_REPORTS_PER_HOUR": "100000000",
    "CONSEQUENCES_PROOF_OF_WORK": "off",
    "CONSEQUENCES_LOOKUPS_PER_HOUR": "100000000",
}


def post_script(body: dict[str, object]) -> str:
    """A wrk Lua script that POSTs one JSON body."""
    encoded = json.dumps(body).replace("\\", "\\\\").replace('"', '\\"')
    lua = (
        'wrk.method = "POST"\n'
        f'wrk.body = "{encoded}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    path = Path(tempfile.mkstemp(suffix=".lua")[1])
    path.write_text(lua)
    return str(path)


def bare_inserts(count: int) -> tuple[float, float]:
    """The same number of plain inserts, one commit each, WAL + synchronous=FULL."""
    path = temp_data_dir() / "bare.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, code BLOB, body TEXT, hour TEXT)")
    text = json.dumps(REPORT)
    latencies = []
    start = time.perf_counter()
    for i in range(count):
        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO t (code, body, hour) VALUES (?, ?, ?)",
            (i.to_bytes(32, "big"), text, "2027-01-01T10:00Z"),
        )
        conn.execute("COMMIT")
        latencies.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - start
    conn.close()
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    return count / elapsed, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    port = free_port()
    data_dir = temp_data_dir()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "server", "serve", "--port", str(port)]
    command += ["--workers", str(args.workers), "--data-dir", str(data_dir)]
    with running(command, base + "/api/v1/health", LIMITS):
        code = httpx.post(base + "/api/v1/reports", json=REPORT).json()["code"]
        reports_lua = post_script(REPORT)
        lookup_lua = post_script({"code": code})
        wrk(base + "/api/v1/reports", seconds=2, connections=args.connections, script=reports_lua)
        before = _count(data_dir)
        reports = wrk(
            base + "/api/v1/reports",
            seconds=args.seconds,
            connections=args.connections,
            script=reports_lua,
        )
        accepted = _count(data_dir) - before
        lookups = wrk(
            base + "/api/v1/reports/lookup",
            seconds=args.seconds,
            connections=args.connections,
            script=lookup_lua,
        )
    bare_rate, bare_p99 = bare_inserts(accepted)

    print(
        f"\nuvicorn, {args.workers} worker(s); wrk -t1 -c{args.connections} for {args.seconds}s; "
        "reports.db in WAL mode with synchronous=FULL, each report committed before its 201"
    )
    print(reports.row("POST /api/v1/reports (accepted)"))
    print(f"{'  rows written in that run':44} {accepted:10d}")
    print(
        f"{'bare SQLite: same number of inserts':44} {bare_rate:10.0f} ins/s   "
        f"p99 {bare_p99:7.2f} ms   (one commit each, WAL + FULL)"
    )
    print(lookups.row("POST /api/v1/reports/lookup"))
    goal = "met" if reports.requests_per_second >= 300 else "NOT met"
    print(f"goal of 300 accepted reports/s: {goal}")


def _count(data_dir: Path) -> int:
    conn = sqlite3.connect(data_dir / "reports.db")
    try:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
    finally:
        conn.close()


if __name__ == "__main__":
    main()
