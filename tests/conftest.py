"""Fixtures: one per app configuration, each built by make_settings()."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.settings import ROOT, Settings

SHARED_POSTCODES = ROOT.parent / "shared" / "data" / "postcodes"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings.load({"data_dir": str(data_dir), **overrides}, environ={})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def https_client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    app = create_app(make_settings(tmp_path / "data", public_url="https://cards.example.org"))
    with TestClient(app, base_url="https://testserver.local") as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningServer:
    """The real server, started as `consequences serve` is, with its output captured."""

    def __init__(self, data_dir: Path, log_path: Path, workers: int = 1, **env: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log_path = log_path
        self._log = log_path.open("ab")
        environment = {**os.environ, **env}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--data-dir",
                str(data_dir),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=ROOT,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                if httpx.get(self.base_url + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
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
        self._log.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[RunningServer]:
    server = RunningServer(tmp_path / "data", tmp_path / "server.log")
    yield server
    server.stop()
