"""The shipped nginx config in front of `consequences serve --workers 2`, as deployed."""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from server.settings import ROOT
from tests.server_process import RunningServer, free_port

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx-consequences.conf"
HEADER_TIMEOUT = 2  # the test's client_header_timeout (the shipped file says 10s)


@dataclass
class Deployment:
    base_url: str
    https_port: int
    tmp: Path
    app: RunningServer

    def client(self, address: str) -> httpx.Client:
        """A client connecting from ``address`` (any 127.x address reaches nginx)."""
        transport = httpx.HTTPTransport(local_address=address, verify=False)
        return httpx.Client(base_url=self.base_url, transport=transport, timeout=10)

    def logs(self) -> str:
        return (
            "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("logs/*.log")))
            + self.app.output()
        )


def _site(tmp: Path, app_port: int, http_port: int, https_port: int) -> str:
    text = SITE.read_text()
    for old, new in {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "/etc/letsencrypt/live/cards.example.org/": f"{tmp}/tls/",
        "/var/log/nginx/": f"{tmp}/logs/",
        "/var/cache/nginx/consequences": f"{tmp}/cache",
        "client_header_timeout 10s;": f"client_header_timeout {HEADER_TIMEOUT}s;",
    }.items():
        assert old in text, f"the shipped config no longer has {old!r}"
        text = text.replace(old, new)
    # No IPv6 listeners in the test's sandbox.
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs nginx: apt-get install nginx (.ci/run does)")
        pytest.skip("nginx is not installed: apt-get install nginx")
    tmp = tmp_path_factory.mktemp("nginx")
    for folder in ("tls", "logs", "cache", "temp"):
        (tmp / folder).mkdir()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=cards.example.org", "-keyout", str(tmp / "tls" / "privkey.pem")),
            *("-out", str(tmp / "tls" / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
    )
    app = RunningServer(
        tmp / "data",
        tmp / "logs" / "app-output.txt",
        workers=2,
        CONSEQUENCES_TRUSTED_PROXIES="127.0.0.1",
        CONSEQUENCES_REPORTS_PER_HOUR="1",
    )
    http_port, https_port = free_port(), free_port()
    (tmp / "site.conf").write_text(_site(tmp, app.port, http_port, https_port))
    temp = tmp / "temp"
    # As root (CI), nginx's workers would switch to "nobody", who cannot read pytest's folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/main-error.log crit;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/logs/main-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp}/site.conf;
}}
"""
    )
    output = (tmp / "nginx-output.txt").open("wb")
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base_url = f"https://127.0.0.1:{https_port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            httpx.get(base_url + "/api/v1/health", verify=False, timeout=1)
            break
        except httpx.HTTPError:
            if nginx.poll() is not None or time.monotonic() > deadline:
                app.stop()
                output.close()
                text = (tmp / "nginx-output.txt").read_text()
                raise RuntimeError(f"nginx did not start: {text}") from None
            time.sleep(0.1)
    yield Deployment(base_url, https_port, tmp, app)
    nginx.terminate()
    nginx.wait(timeout=10)
    output.close()
    app.stop()


def test_the_app_answers_through_nginx_over_https(deployment: Deployment) -> None:
    with deployment.client("127.0.0.1") as client:
        health = client.get("/api/v1/health")
        assert 200 == health.status_code
        assert "ok" == health.json()["status"]


def test_plain_http_is_redirected_to_https(deployment: Deployment) -> None:
    site = (deployment.tmp / "site.conf").read_text()
    http_port = int(re.search(r"listen 127\.0\.0\.1:(\d+);", site).group(1))  # type: ignore[union-attr]
    response = httpx.get(f"http://127.0.0.1:{http_port}/help", follow_redirects=False)
    assert 301 == response.status_code
    assert response.headers["location"].startswith("https://")


def _report() -> dict[str, object]:
    return {
        "category": "seen_a_knife",
        "what_happened": "Sent through the proxy.",
        "when": "today",
        "danger_now": False,
        "lang": "en",
    }


def test_rate_limits_key_on_the_forwarded_client_not_on_nginx(deployment: Deployment) -> None:
    # One report per hour per source, counted by each of the 2 workers on its own.
    with deployment.client("127.0.0.2") as first:
        statuses = [first.post("/api/v1/reports", json=_report()).status_code for _ in range(10)]
    assert statuses.count(201) <= 2  # at most once per worker
    assert 429 in statuses
    # Every worker has now refused 127.0.0.2; another young person is not refused.
    with deployment.client("127.0.0.3") as second:
        answer = second.post("/api/v1/reports", json=_report())
        assert 201 == answer.status_code, (statuses, answer.text)


def test_a_64_kb_header_is_refused_by_nginx(deployment: Deployment) -> None:
    with deployment.client("127.0.0.1") as client:
        response = client.get("/api/v1/health", headers={"X-Padding": "a" * 65536})
    assert response.status_code in (400, 431, 494)


def test_an_idle_connection_is_closed_within_the_header_timeout(deployment: Deployment) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", deployment.https_port), timeout=10) as raw,
        context.wrap_socket(raw) as tls,
    ):
        tls.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: cards.example.org\r\n")
        began = time.monotonic()
        received = b""
        try:
            while chunk := tls.recv(4096):
                received += chunk
        except (ssl.SSLError, ConnectionError):
            pass
        waited = time.monotonic() - began
    assert b"200 OK" not in received
    assert HEADER_TIMEOUT - 0.5 <= waited <= HEADER_TIMEOUT + 3


def test_hashed_assets_are_immutable_through_nginx(deployment: Deployment) -> None:
    with deployment.client("127.0.0.1") as client:
        page = client.get("/").text
        hashed = re.findall(r'(?:href|src)="(/assets/[^"]+\?v=[^"]+)"', page)
        assert hashed, "the shell links no hashed asset"
        for url in hashed:
            response = client.get(url)
            assert 200 == response.status_code
            assert "immutable" in response.headers["cache-control"], url


def test_a_report_through_nginx_leaves_the_client_address_in_no_log(
    deployment: Deployment,
) -> None:
    with deployment.client("127.0.0.9") as client:
        assert 201 == client.post("/api/v1/reports", json=_report()).status_code
        client.get("/api/v1/services/nearby", params={"postcode": "LU1 2BQ", "q": "boxing"})
        client.get("/api/v1/postcodes/LU1 2BQ")
        client.get("/api/v1/health", headers={"X-Padding": "a" * 65536})  # an error, too
    time.sleep(0.2)  # nginx writes its access log as each request ends
    logs = deployment.logs()
    assert "/api/v1/reports" in logs  # the access log is written...
    for secret in ("127.0.0.9", "LU1", "postcode=", "boxing"):  # ...without these
        assert secret not in logs, secret
