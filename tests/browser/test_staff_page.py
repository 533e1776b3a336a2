"""The staff page in real Chromium: sign in, triage, reply; reporter text shown only as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.migrations import migrate
from server.staff import StaffService
from tests.conftest import RunningServer

PASSWORD = "a long staff passphrase"
PAYLOAD = '<img src=x onerror="window.__pwned = 1"><b>bold?</b> knife in his bag'


@pytest.fixture(scope="module")
def staffed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The real server with one admin account and one report whose text is an HTML attack."""
    base = tmp_path_factory.mktemp("staff-page")
    migrate(base / "data")
    staff = StaffService(base / "data" / "reports.db")
    staff.add("test", "ada", PASSWORD, "admin")
    staff.close()
    server = RunningServer(base / "data", base / "server.log")
    yield server
    server.stop()


def test_staff_sign_in_triage_and_reply(
    page: Any, staffed_server: RunningServer, artifacts: Path
) -> None:
    base = staffed_server.base_url
    report = httpx.post(
        base + "/api/v1/reports",
        json={
            "category": "someone_carrying",
            "what_happened": PAYLOAD,
            "where": "<script>alert(1)</script>",
            "when": "today",
            "danger_now": True,
            "lang": "en",
        },
    )
    code = report.json()["code"]
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(base + "/staff")
    page.fill("#username", "ada")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    item = page.locator("#report-list li").first
    item.wait_for()
    assert "Danger now" in item.inner_text()
    assert PAYLOAD in item.locator(".reporter-text").inner_text()
    assert 0 == page.locator("#report-list img, #report-list b").count()

    item.locator("a").click()
    page.locator("#detail").wait_for()
    assert PAYLOAD == page.locator("#detail-what").inner_text()
    assert "<script>alert(1)</script>" in page.locator("#detail-fields").inner_text()
    assert 0 == page.locator("#detail img, #detail script").count()

    page.select_option("#status", "being_looked_at")
    page.click("#triage button[type=submit]")
    page.locator("#notice", has_text="Saved.").wait_for()
    page.fill("#reply-text", "Thank you. Which school is it?")
    page.click("#reply button[type=submit]")
    page.locator("#thread li", has_text="Which school is it?").wait_for()
    page.screenshot(path=str(artifacts / "staff-report.png"), full_page=True)

    assert page.evaluate("window.__pwned") is None
    assert [] == csp_errors
    thread = httpx.post(base + "/api/v1/reports/lookup", json={"code": code}).json()
    assert "being_looked_at" == thread["status"]
    assert ["Thank you. Which school is it?"] == [m["text"] for m in thread["messages"]]

    page.click("#logout")
    page.locator("#login").wait_for()
    assert 401 == httpx.get(base + "/api/v1/staff/reports").status_code
