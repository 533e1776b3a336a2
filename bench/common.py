"""Shared bits for the benchmarks: start a server, run wrk, read its figures."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SHARED_POSTCODES = ROOT.parent / "shared" / "data" / "postcodes"


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int

    def row(self, label: str) -> str:
        return (
            f"{label:44} {self.requests_per_second:10.0f} req/s   "
            f"p50 {self.p50_ms:7.2f} ms   p99 {self.p99_ms:7.2f} ms"
            + (f"   non-2xx/3xx {self.non_2xx}" if self.non_2xx else "")
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str,
    *,
    seconds: int = 10,
    connections: int = 32,
    threads: int = 1,
    headers: Sequence[str] = (),
    script: str | None = None,
) -> WrkResult:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return WrkResult(rps, p50, p99, int(bad.group(1)) if bad else 0)


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def running(
    command: Sequence[str], ready_url: str, env: dict[str, str] | None = None
) -> Iterator[None]:
    process = subprocess.Popen(
        list(command),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(ready_url, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)


def serve_command(server: str, port: int, factory: str, workers: int = 1) -> list[str]:
    """The same server settings `consequences serve` uses, for our app or a bare one."""
    if server == "uvicorn":
        return [
            sys.executable, "-m", "uvicorn", factory, "--factory",
            "--port", str(port), "--workers", str(workers),
            "--no-access-log", "--no-server-header", "--log-level", "warning",
        ]  # fmt: skip
    # Granian writes no access log unless asked (--access-log).
    return [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
        "--port", str(port), "--workers", str(workers), "--log-level", "warning", factory,
    ]  # fmt: skip


def temp_data_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="consequences-bench-"))
