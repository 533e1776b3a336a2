"""Crash test: SIGKILL the server while it accepts reports, restart it, find every acknowledged one.

Run: python tests/scripts/durability.py [--workers 2] [--min-acks 150] [--deadline 40]
Prints a JSON summary and exits 0 only if every report answered with 201 before the kill can
still be looked up by its code after the restart, and PRAGMA integrity_check says ok.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {
    "CONSEQUENCES_REPORTS_PER_HOUR": "1000000",
    "CONSEQUENCES_PROOF_OF_WORK": "off",
    "CONSEQUENCES_LOOKUPS_PER_HOUR": "1000000",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(data_dir: Path, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "server", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--data-dir", str(data_dir)]
    with log.open("ab") as out:
        # A session of its own, so that one killpg reaches the supervisor and every worker.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **LIMITS},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited early:\n" + log.read_text(errors="replace"))
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("server did not start:\n" + log.read_text(errors="replace"))


def run(data_dir: Path, workers: int, min_acks: int, deadline_s: float, senders: int) -> dict:
    began = time.monotonic()
    log = data_dir.parent / "durability-server.log"
    process, base = start(data_dir, workers, log)
    phases = {"first_start": round(time.monotonic() - began, 1)}
    acknowledged: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()
    stop = threading.Event()
    in_flight = [0]

    def sender(n: int) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            i = 0
            while not stop.is_set():
                body = {
                    "category": "seen_a_knife",
                    "what_happened": f"durability report {n}-{i}",
                    "when": "now",
                    "danger_now": i % 7 == 0,
                    "lang": "en",
                }
                i += 1
                with lock:
                    in_flight[0] += 1
                try:
                    response = client.post("/api/v1/reports", json=body)
                except httpx.HTTPError:
                    return  # the server is gone
                finally:
                    with lock:
                        in_flight[0] -= 1
                if response.status_code != 201:
                    continue
                with lock:
                    acknowledged.append(response.json()["code"])
                    if len(acknowledged) >= min_acks:
                        enough.set()

    threads = [threading.Thread(target=sender, args=(n,), daemon=True) for n in range(senders)]
    for thread in threads:
        thread.start()
    enough.wait(timeout=max(1.0, deadline_s / 2))
    with lock:
        flying = in_flight[0]
    os.killpg(process.pid, signal.SIGKILL)  # no chance to flush or clean up
    process.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    with lock:
        codes = list(acknowledged)
    phases["sending_and_kill"] = round(time.monotonic() - began, 1)

    process, base = start(data_dir, workers, log)
    phases["restart"] = round(time.monotonic() - began, 1)
    missing = []
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for code in codes:
                if client.post("/api/v1/reports/lookup", json={"code": code}).status_code != 200:
                    missing.append(code)
        conn = sqlite3.connect(data_dir / "reports.db")
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            stored = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        finally:
            conn.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    return {
        "acknowledged": len(codes),
        "found_after_restart": len(codes) - len(missing),
        "missing": missing,
        "stored": stored,
        "in_flight_at_kill": flying,
        "integrity_check": integrity,
        "seconds": round(time.monotonic() - began, 1),
        "seconds_at": phases,
        "ok": not missing and integrity == "ok" and len(codes) > 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--min-acks", type=int, default=150)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--deadline", type=float, default=40.0)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="durability-")) / "data"
    summary = run(data_dir, args.workers, args.min_acks, args.deadline, args.senders)
    print(json.dumps(summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
