"""The real server as `consequences serve` starts it: migrations, the page at /, quiet logs."""

from __future__ import annotations

import sqlite3

import httpx

from tests.conftest import RunningServer

MARKER_IP = "203.0.113.77"
MARKER_UA = "MarkerAgent/9.9-privacy-probe"


def test_serve_applies_migrations_and_serves_page_and_api(live_server: RunningServer) -> None:
    page = httpx.get(live_server.base_url + "/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert httpx.get(live_server.base_url + "/api/v1/health").json()["status"] == "ok"
    for name in ("directory.db", "reports.db"):
        conn = sqlite3.connect(live_server.data_dir / name)
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        conn.close()
        assert "_sqlite_migrations" in tables


def test_no_log_line_has_the_client_address_or_user_agent(live_server: RunningServer) -> None:
    headers = {"X-Forwarded-For": MARKER_IP, "User-Agent": MARKER_UA, "X-Real-IP": MARKER_IP}
    for path in ["/", "/api/v1/health", "/api/v1/cards?lang=ur", "/api/v1/nope", "/missing.js"]:
        httpx.get(live_server.base_url + path, headers=headers)
    live_server.stop()
    output = live_server.output()
    assert MARKER_IP not in output
    assert MARKER_UA not in output
    assert "127.0.0.1:" not in output.replace(f"127.0.0.1:{live_server.port}", "")
    for path in live_server.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert MARKER_IP.encode() not in data, path
            assert MARKER_UA.encode() not in data, path
