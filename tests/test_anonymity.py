"""Anonymity against the real server: no address, user agent, raw code or precise time anywhere."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server import codes
from server.migrations import migrate
from server.staff import StaffService
from tests.conftest import RunningServer
from tests.staff_helpers import totp_code

MARKER_IP = "198.51.100.173"
MARKER_UA = "Mozilla/5.0 AnonymityProbe/7.3 (marker-ua-5521)"
PASSWORD = "a long staff passphrase"
# Column names that would mean the schema can hold something that identifies a reporter.
IDENTIFYING = re.compile(r"ip|addr|agent|cookie|device|finger|session_of|lat|lon|postcode", re.I)


@pytest.fixture
def anonymity_server(tmp_path: Path) -> Iterator[RunningServer]:
    """The real server behind a 'proxy' at 127.0.0.1, so X-Forwarded-For is read (for rate
    limits only); two reports an hour per source, so the 429 path runs too; one staff admin."""
    data = tmp_path / "data"
    migrate(data)
    staff = StaffService(data / "reports.db")
    staff.add("test", "ada", PASSWORD, "admin")
    staff.close()
    server = RunningServer(
        data,
        tmp_path / "server.log",
        CONSEQUENCES_TRUSTED_PROXIES="127.0.0.1",
        CONSEQUENCES_REPORTS_PER_HOUR="2",
        CONSEQUENCES_LOGINS_PER_HOUR="5",
        CONSEQUENCES_LOG_LEVEL="debug",
    )
    yield server
    server.stop()


def report(**overrides: object) -> dict[str, object]:
    return {
        "category": "threat_or_planned_violence",
        "what_happened": "They said they would bring a knife to the park on Saturday.",
        "where": "the skate park",
        "area": "LU2",
        "when": "this_week",
        "danger_now": True,
        "lang": "ar",
        **overrides,
    }


def exercise_everything(base: str, data: Path) -> list[str]:
    """Every kind of request, each carrying the markers; returns the codes given out."""
    headers = {
        "X-Forwarded-For": MARKER_IP,
        "X-Real-IP": MARKER_IP,
        "Forwarded": f"for={MARKER_IP}",
        "User-Agent": MARKER_UA,
    }
    given: list[str] = []
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        for _ in range(2):
            response = client.post(
                "/api/v1/reports", json=report(), headers={"Idempotency-Key": str(uuid.uuid4())}
            )
            assert 201 == response.status_code
            given.append(response.json()["code"])
        # Past the limit: refused unless someone is in danger now (issue 14: then accepted,
        # marked for the inbox).
        assert 429 == client.post("/api/v1/reports", json=report(danger_now=False)).status_code
        danger = client.post("/api/v1/reports", json=report())
        assert 201 == danger.status_code
        given.append(danger.json()["code"])
        assert 422 == client.post("/api/v1/reports", json=report(device="x")).status_code
        assert 415 == client.post("/api/v1/reports", content=b"x").status_code
        big = b'{"what_happened":"' + b"x" * 70_000 + b'"}'
        too_big = client.post(
            "/api/v1/reports", content=big, headers={"Content-Type": "application/json"}
        )
        assert 413 == too_big.status_code
        assert 200 == client.post("/api/v1/reports/lookup", json={"code": given[0]}).status_code
        assert 404 == client.post("/api/v1/reports/lookup", json={"code": "x"}).status_code
        reply = client.post("/api/v1/reports/reply", json={"code": given[0], "text": "more"})
        assert 201 == reply.status_code
        for response in (reply, *[client.get("/api/v1/health")]):
            assert "set-cookie" not in response.headers

        token = client.get("/api/v1/staff/session").json()["csrf_token"]
        assert 403 == client.post("/api/v1/staff/login", json={"username": "ada"}).status_code
        wrong = client.post(
            "/api/v1/staff/login",
            json={"username": "ada", "password": "wrong password"},
            headers={"X-CSRF-Token": token},
        )
        assert 401 == wrong.status_code
        signed_in = client.post(
            "/api/v1/staff/login",
            json={
                "username": "ada",
                "password": PASSWORD,
                "totp": totp_code(data / "reports.db", "ada"),
            },
            headers={"X-CSRF-Token": token},
        )
        assert 200 == signed_in.status_code
        csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
        assert 200 == client.get("/api/v1/staff/reports").status_code
        assert 200 == client.get("/api/v1/staff/reports/1").status_code
        patched = client.patch(
            "/api/v1/staff/reports/1", json={"status": "being_looked_at"}, headers=csrf
        )
        assert 200 == patched.status_code
        sent = client.post(
            "/api/v1/staff/reports/1/messages", json={"text": "Thanks"}, headers=csrf
        )
        assert 201 == sent.status_code
        assert 200 == client.get("/api/v1/staff/reports/export.csv").status_code
        assert 200 == client.get("/staff").status_code
        assert 404 == client.get("/api/v1/nothing-here").status_code
        assert 204 == client.post("/api/v1/staff/logout", headers=csrf).status_code
    return given


def test_no_marker_address_or_user_agent_in_any_file_or_log_line(
    anonymity_server: RunningServer,
) -> None:
    given = exercise_everything(anonymity_server.base_url, anonymity_server.data_dir)
    anonymity_server.stop()
    output = anonymity_server.output()
    files = [p for p in anonymity_server.data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "reports.db" for p in files)
    needles = [MARKER_IP, MARKER_UA, "marker-ua-5521", "AnonymityProbe"]
    for needle in needles:
        assert needle not in output, f"{needle!r} in the server's output"
        for path in files:
            data = path.read_bytes()
            assert needle.encode() not in data, f"{needle!r} in {path}"
            assert needle.encode("utf-16-le") not in data, f"{needle!r} in {path}"
    # Nor the raw follow-up codes, in any spelling.
    for code in given:
        for form in (code, codes.normalise(code), code.replace("-", " ")):
            for path in files:
                assert form.encode() not in path.read_bytes(), f"code in {path}"
            assert form not in output


def test_the_schema_has_nowhere_to_put_who_sent_a_report(
    anonymity_server: RunningServer,
) -> None:
    exercise_everything(anonymity_server.base_url, anonymity_server.data_dir)
    conn = sqlite3.connect(anonymity_server.data_dir / "reports.db")
    try:
        for table in ("reports", "report_messages", "idempotency_keys"):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            assert [] == [c for c in columns if IDENTIFYING.search(c)], table
        hours = [row[0] for row in conn.execute("SELECT received_hour FROM reports")]
        days = [row[0] for row in conn.execute("SELECT day FROM report_messages")]
    finally:
        conn.close()
    assert 3 == len(hours)  # two within the limit, one danger report past it
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00Z", hour) for hour in hours), hours
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", day) for day in days), days
