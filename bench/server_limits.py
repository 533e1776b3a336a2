"""Benchmark: what one hostile client costs the server, with and without its limits.

Run: .venv/bin/python bench/server_limits.py [--idle 5000] [--header-mb 64]

Two servers over the same app in the same run, no proxy in front:
- baseline: plain uvicorn as `consequences serve` ran it before (httptools, no limits);
- guarded: `consequences serve` today (header size limit, header-read timeout, keep-alive
  timeout and a connection cap; here with a 10 s header timeout, the default).

1. One client sends a request whose header is --header-mb long. Reported: how much the server
   read before cutting it off, the server's CPU seconds, and the slowest /api/v1/health answer
   another client got meanwhile (polled every 50 ms).
2. --idle connections each send half a request line and then nothing. Reported: how many the
   server has closed 12 s later, and whether (and how fast) a new client is answered then.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import free_port, running, temp_data_dir


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def huge_header(port: int, pid: int, megabytes: int) -> dict[str, float]:
    cpu_before = cpu_seconds(pid)
    worst, stop = [0.0], threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            while not stop.is_set():
                began = time.monotonic()
                client.get("/api/v1/health")
                worst[0] = max(worst[0], time.monotonic() - began)
                stop.wait(0.05)

    poller = threading.Thread(target=poll)
    poller.start()
    sent, began = 0, time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ")
        try:
            while sent < megabytes << 20:
                sock.sendall(b"a" * 65536)
                sent += 65536
            sock.sendall(b"\r\n\r\n")
            sock.recv(100)
        except OSError:
            pass
    elapsed = time.monotonic() - began
    time.sleep(0.5)
    stop.set()
    poller.join()
    return {
        "read_mb": round(sent / (1 << 20), 2),
        "seconds": round(elapsed, 2),
        "server_cpu_s": round(cpu_seconds(pid) - cpu_before, 2),
        "worst_other_ms": round(worst[0] * 1000, 1),
    }


def idle_connections(port: int, count: int) -> dict[str, float]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /api/v1/health HTT")
        sock.setblocking(False)
        sockets.append(sock)
    time.sleep(12)
    closed = 0
    for sock in sockets:
        try:
            sock.recv(4096)  # an answer (408) or end of stream: the server closed it
            closed += 1
        except BlockingIOError:
            pass  # still open, nothing received
        except OSError:
            closed += 1
    began = time.monotonic()
    try:
        status = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10).status_code
    except httpx.HTTPError:
        status = 0
    answered_ms = round((time.monotonic() - began) * 1000, 1)
    for sock in sockets:
        sock.close()
    return {"closed_after_12s": closed, "new_client_status": status, "new_client_ms": answered_ms}


def measure(kind: str, idle: int, megabytes: int) -> dict[str, dict[str, float]]:
    port = free_port()
    data_dir = temp_data_dir()
    if kind == "baseline":
        command = [
            sys.executable, "-m", "uvicorn", "server.app:create_app", "--factory",
            "--port", str(port), "--no-access-log", "--no-server-header", "--log-level", "warning",
        ]  # fmt: skip
    else:
        command = [sys.executable, "-m", "server", "serve", "--port", str(port)]
        command += ["--data-dir", str(data_dir)]
    env = {"CONSEQUENCES_DATA_DIR": str(data_dir), "CONSEQUENCES_LOG_LEVEL": "warning"}
    # One worker: uvicorn serves in the process it was started as.
    with running(command, f"http://127.0.0.1:{port}/api/v1/health", env) as server:
        return {
            "huge_header": huge_header(port, server.process.pid, megabytes),
            "idle": idle_connections(port, idle),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--header-mb", type=int, default=64)
    args = parser.parse_args()
    results = {kind: measure(kind, args.idle, args.header_mb) for kind in ("baseline", "guarded")}
    for test in ("huge_header", "idle"):
        print(f"\n{test}")
        for key in results["baseline"][test]:
            before, after = results["baseline"][test][key], results["guarded"][test][key]
            print(f"  {key:20} baseline {before:>10}   guarded {after:>10}")


if __name__ == "__main__":
    main()
