"""The real server, started as `consequences serve` starts it: shared by tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from server.settings import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningServer:
    """A real server process with its output captured: by default `consequences serve` over
    ``data_dir`` (``executable`` names another `consequences`); benchmarks pass their own
    ``command`` (and the ``port`` it listens on)."""

    def __init__(
        self,
        data_dir: Path | None,
        log_path: Path,
        workers: int = 1,
        *,
        command: Sequence[str] | None = None,
        port: int | None = None,
        cwd: Path = ROOT,
        ready_path: str = "/api/v1/health",
        timeout: float = 30,
        executable: str | None = None,
        **env: str,
    ) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log_path = log_path
        self._log = log_path.open("ab")
        if command is None:
            start = [executable] if executable else [sys.executable, "-m", "server"]
            command = [*start, "serve", "--port", str(self.port)]
            command += ["--workers", str(workers), "--data-dir", str(data_dir)]
        # Proof of work is off unless a test turns it on (the browser tests do): the other
        # tests post reports as plain HTTP clients.
        env = {"CONSEQUENCES_PROOF_OF_WORK": "off", **env}
        self.process = subprocess.Popen(
            list(command),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            cwd=cwd,
        )
        self.wait_ready(ready_path, timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, path: str = "/api/v1/health", timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                if httpx.get(self.base_url + path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start:\n{self.output()}")

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self._log.closed:
            self._log.close()
