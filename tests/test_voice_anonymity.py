"""Youth voice against the real server: no address, user agent or location kept anywhere."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import httpx

from server.db import connect
from server.migrations import migrate
from server.postcodes import bundled_tables, import_postcodes
from tests.conftest import DEFAULTS, RunningServer
from tests.test_anonymity import (  # noqa: F401 - the fixture
    IDENTIFYING,
    MARKER_IP,
    MARKER_UA,
    anonymity_server,
)

LAT, LON = 51.8803, -0.4170


def test_pulses_and_unsafe_places_keep_nothing_about_the_sender(
    anonymity_server: RunningServer,  # noqa: F811
) -> None:
    data = anonymity_server.data_dir
    migrate(data)
    db = connect(data / "directory.db")
    for table in bundled_tables(Path(DEFAULTS.content_dir)):
        import_postcodes(db, table)
    db.conn.close()
    headers = {"X-Forwarded-For": MARKER_IP, "User-Agent": MARKER_UA}
    with httpx.Client(base_url=anonymity_server.base_url, headers=headers, timeout=10) as client:
        opened = client.post("/api/v1/pulse/sessions", json={"card_id": "lesson-plan-50-minutes"})
        assert 201 == opened.status_code
        code, asked = opened.json()["code"], opened.json()["session"]["questions"]
        for _ in range(3):
            answer = client.post(
                f"/api/v1/pulse/sessions/{code}/answers",
                json={
                    "token": secrets.token_urlsafe(16),
                    "phase": "before",
                    "answers": dict.fromkeys(asked, "agree"),
                },
            )
            assert 201 == answer.status_code
            assert "set-cookie" not in answer.headers
        card = client.post(
            "/api/v1/pulse/answers", json={"question": "would-tell-someone", "answer": "agree"}
        )
        assert 201 == card.status_code
        place = client.post(
            "/api/v1/reports/unsafe-place",
            json={"kind": "groups_gathering", "time_of_day": "night", "when": "today",
                  "lang": "so", "latitude": LAT, "longitude": LON},
        )  # fmt: skip
        assert 201 == place.status_code, place.text
        assert "LU1 2" == place.json()["sector"]
    anonymity_server.stop()
    output = anonymity_server.output()
    files = [p for p in data.rglob("*") if p.is_file() and p.name != "directory.db"]
    for needle in [MARKER_IP, MARKER_UA, str(LAT), str(LON)]:
        assert needle not in output
        for path in files:
            assert needle.encode() not in path.read_bytes(), f"{needle!r} in {path}"
    for name in ("voice.db", "reports.db"):
        conn = sqlite3.connect(data / name)
        try:
            tables = [
                t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for table in tables:
                if table.startswith(("staff", "audit")):
                    continue
                columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
                assert [] == [c for c in columns if IDENTIFYING.search(c)], table
        finally:
            conn.close()
