"""The reporter's rights: withdraw with the follow-up code; codes expire when unused."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.reports import ReportStore
from server.settings import Settings
from tests.conftest import AppFactory, make_settings

REPORTS = "/api/v1/reports"
CANARY = "WITHDRAW-CANARY-8812 he showed me a blade"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data", code_expiry_days=90)


@pytest.fixture
def client(settings: Settings, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    with TestClient(make_app(settings)) as c:
        yield c


def send(client: TestClient[Litestar]) -> str:
    answer = client.post(
        REPORTS,
        json={
            "category": "seen_a_knife",
            "what_happened": CANARY,
            "where": "CANARY-PLACE-5521",
            "when": "today",
            "danger_now": False,
            "lang": "pl",
        },
    )
    assert 201 == answer.status_code
    return str(answer.json()["code"])


def test_withdrawing_deletes_the_report_at_once_and_the_code_stops_working(
    client: TestClient[Litestar], settings: Settings
) -> None:
    code = send(client)
    client.post(f"{REPORTS}/reply", json={"code": code, "text": "CANARY-REPLY-7731 more"})
    answer = client.post(f"{REPORTS}/withdraw?lang=pl", json={"code": code})
    assert 200 == answer.status_code
    assert answer.json()["withdrawn"] is True
    assert "set-cookie" not in answer.headers
    # The code stops working for everything.
    for path in ("lookup", "withdraw"):
        again = client.post(f"{REPORTS}/{path}", json={"code": code})
        assert (404, "code_not_found") == (again.status_code, again.json()["error"]["code"])
    gone = client.post(f"{REPORTS}/reply", json={"code": code, "text": "hello"})
    assert 404 == gone.status_code
    # Deleted from every file (secure_delete, WAL truncated), not merely unlinked.
    for path in settings.data_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for canary in (b"WITHDRAW-CANARY-8812", b"CANARY-PLACE-5521", b"CANARY-REPLY-7731"):
                assert canary not in data, path
    conn = sqlite3.connect(settings.data_path / "reports.db")
    assert 0 == conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert 0 == conn.execute("SELECT count(*) FROM report_messages").fetchone()[0]
    withdrawn = conn.execute(
        "SELECT username, action, report_id FROM audit_log WHERE action = 'withdrawn'"
    ).fetchall()
    conn.close()
    assert [("reporter", "withdrawn", 1)] == withdrawn


def test_a_wrong_code_withdraws_nothing(client: TestClient[Litestar]) -> None:
    code = send(client)
    answer = client.post(f"{REPORTS}/withdraw", json={"code": "tiger-apple-moon-1234"})
    assert 404 == answer.status_code
    assert 200 == client.post(f"{REPORTS}/lookup", json={"code": code}).status_code


def test_a_code_expires_after_the_set_time_without_use_and_use_starts_it_again(
    client: TestClient[Litestar],
) -> None:
    store: ReportStore = client.app.state.reports
    start = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
    moment = [start]
    store.clock = lambda: moment[0]
    code = send(client)
    moment[0] = start + dt.timedelta(days=89)
    assert 200 == client.post(f"{REPORTS}/lookup", json={"code": code}).status_code
    # Used on day 89, so it works until day 89 + 90.
    moment[0] = start + dt.timedelta(days=178)
    assert 200 == client.post(f"{REPORTS}/lookup", json={"code": code}).status_code
    moment[0] = start + dt.timedelta(days=178 + 90)
    expired = client.post(f"{REPORTS}/lookup", json={"code": code})
    assert (404, "code_not_found") == (expired.status_code, expired.json()["error"]["code"])
    assert 404 == client.post(f"{REPORTS}/reply", json={"code": code, "text": "x"}).status_code
    assert 404 == client.post(f"{REPORTS}/withdraw", json={"code": code}).status_code
    # The report itself is still there for the team until its own retention.
    assert 1 == store.conn.execute("SELECT count(*) FROM reports").fetchone()[0]
