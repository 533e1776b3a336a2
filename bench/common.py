"""Shared bits for the benchmarks: start a server, run wrk, read its figures."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from server.postcodes import bundled_tables
from server.settings import Settings
from tests.server_process import RunningServer, free_port

__all__ = ["POSTCODE_TABLES", "WrkResult", "free_port", "running", "serve_command", "wrk"]

ROOT = Path(__file__).resolve().parent.parent
# The postcode tables that ship with the app (content/postcodes/).
POSTCODE_TABLES = bundled_tables(Path(Settings.load(environ={}).content_dir))


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


@contextmanager
def running(
    command: Sequence[str], ready_url: str, env: dict[str, str] | None = None
) -> Iterator[RunningServer]:
    """Run a server (the tests' launcher) until the block ends; its output goes to a temp file."""
    url = urlsplit(ready_url)
    log = Path(tempfile.mkstemp(prefix="consequences-bench-", suffix=".log")[1])
    with RunningServer(
        None, log, command=command, port=url.port, ready_path=url.path, timeout=60, **(env or {})
    ) as server:
        yield server


def serve_command(
    server: str, port: int, factory: str, workers: int = 1, data_dir: Path | None = None
) -> list[str]:
    """A command serving an app factory: "consequences" serves it exactly as `consequences
    serve` does (bench/serve.py); "uvicorn" and "granian" with their own defaults."""
    if server == "consequences":
        return [
            sys.executable, "-m", "bench.serve", factory, "--port", str(port),
            "--workers", str(workers),
            *(["--data-dir", str(data_dir)] if data_dir else []),
        ]  # fmt: skip
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
