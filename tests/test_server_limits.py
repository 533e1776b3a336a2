"""Without a proxy the server protects itself: header size, header-read time, keep-alive."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_process import RunningServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    tmp = tmp_path_factory.mktemp("limits")
    with RunningServer(
        tmp / "data",
        tmp / "server.log",
        CONSEQUENCES_HEADER_TIMEOUT_SECONDS="2",
        CONSEQUENCES_KEEP_ALIVE_SECONDS="2",
    ) as server:
        yield server


def _read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    began, received = time.monotonic(), b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionError:
        pass
    return received, time.monotonic() - began


def test_an_oversize_header_is_refused_at_once(guarded: RunningServer) -> None:
    began = time.monotonic()
    response = httpx.get(guarded.base_url + "/api/v1/health", headers={"X-Pad": "a" * 65536})
    assert 431 == response.status_code
    assert time.monotonic() - began < 1.0


def test_a_huge_header_is_cut_off_without_reading_it_all(guarded: RunningServer) -> None:
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ")
        sent = 0
        try:
            while sent < 64 * 1024 * 1024:
                sock.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass
        received, _ = _read_until_closed(sock)
    assert sent < 8 * 1024 * 1024, "the server kept reading a 64 MB header"
    assert received.startswith(b"HTTP/1.1 431")
    # Everyone else is still served.
    assert 200 == httpx.get(guarded.base_url + "/api/v1/health").status_code


def test_headers_that_never_finish_are_cut_off_after_the_timeout(guarded: RunningServer) -> None:
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=10) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
        received, waited = _read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 408")
    assert 1.5 <= waited <= 4


def test_a_connection_that_sends_nothing_is_closed_too(guarded: RunningServer) -> None:
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=10) as sock:
        _, waited = _read_until_closed(sock)
    assert 1.5 <= waited <= 4


def test_an_idle_keep_alive_connection_is_closed(guarded: RunningServer) -> None:
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=10) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        received, waited = _read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 200")
    assert waited <= 4


def test_limits_are_settings_the_server_reads(tmp_path: Path) -> None:
    with RunningServer(
        tmp_path / "data", tmp_path / "server.log", CONSEQUENCES_MAX_HEADER_BYTES="65536"
    ) as server:
        padded = {"X-Pad": "a" * 40000}
        assert 200 == httpx.get(server.base_url + "/api/v1/health", headers=padded).status_code


def test_a_refused_body_does_not_count_as_the_next_requests_headers(
    guarded: RunningServer,
) -> None:
    """A 413 answered before the body was read: the rest of that body is not a header."""
    with httpx.Client(base_url=guarded.base_url) as client:  # one kept-alive connection
        big = b'{"what_happened":"' + b"x" * 70_000 + b'"}'
        refused = client.post(
            "/api/v1/reports", content=big, headers={"Content-Type": "application/json"}
        )
        assert 413 == refused.status_code
        assert 200 == client.get("/api/v1/health").status_code
