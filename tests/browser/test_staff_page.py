"""The staff inbox in real Chromium: sign in with a second factor, the list with filters and
deadline badges, a report with its thread, assign, reply, decide and hand over, the audit
trail, keyboard shortcuts; reporter text shown only as text; axe finds nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe

from server.migrations import migrate
from server.staff import StaffService
from tests.conftest import RunningServer
from tests.staff_helpers import give_team_key, totp_code

PASSWORD = "a long staff passphrase"
PAYLOAD = '<img src=x onerror="window.__pwned = 1"><b>bold?</b> knife in his bag'


@pytest.fixture(scope="module")
def staffed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The real server with an admin, a lead and a deputy (reports arrive for tests)."""
    base = tmp_path_factory.mktemp("staff-page")
    migrate(base / "data")
    staff = StaffService(base / "data" / "reports.db")
    staff.add("test", "ada", PASSWORD, "admin")
    staff.add("test", "lee", PASSWORD, "lead")
    staff.add("test", "dee", PASSWORD, "deputy")
    staff.close()
    give_team_key(base / "data", [(name, PASSWORD) for name in ("ada", "lee", "dee")])
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
    sign_in(page, staffed_server, "ada")
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


def sign_in(page: Any, server: RunningServer, username: str) -> None:
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#totp", totp_code(server.data_dir / "reports.db", username))
    page.click("#login-form button[type=submit]")


def send(base: str, text: str, danger: bool) -> int:
    answer = httpx.post(
        base + "/api/v1/reports",
        json={
            "category": "threat_or_planned_violence" if danger else "unsafe_place",
            "what_happened": text,
            "when": "now" if danger else "earlier",
            "danger_now": danger,
            "lang": "en",
        },
    )
    assert 201 == answer.status_code
    return int(answer.json()["code"] and 0) or 0


def make_overdue(server: RunningServer, text: str, minutes_late: int) -> int:
    """Move a report's deadlines into the past, as time passing would (no sleeping)."""
    conn = sqlite3.connect(server.data_dir / "reports.db")
    # The text is sealed (issue 14): the report is the newest, just sent with this text.
    (rid,) = conn.execute("SELECT max(id) FROM reports").fetchone()
    conn.execute(
        "UPDATE reports SET acknowledge_by = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?), "
        "received_hour = strftime('%Y-%m-%dT%H:00Z', 'now', '-3 hours') WHERE id = ?",
        (f"-{minutes_late} minutes", rid),
    )
    conn.commit()
    conn.close()
    return int(rid)


def test_the_inbox_flow_with_an_overdue_danger_report(
    browser: Any, staffed_server: RunningServer, artifacts: Path
) -> None:
    base = staffed_server.base_url
    send(base, "A calm report about a dark underpass", danger=False)
    send(base, "They are waiting outside the gates with a knife", danger=True)
    danger_id = make_overdue(staffed_server, "They are waiting outside the gates with a knife", 95)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/staff")
    sign_in(page, staffed_server, "lee")
    page.locator("#recovery-codes li").first.wait_for()
    assert 10 == page.locator("#recovery-codes li").count()

    # The overdue danger report comes first, with how late it is.
    first = page.locator("#report-list li").first
    first.wait_for()
    assert str(danger_id) == first.get_attribute("data-report-id")
    assert "Overdue by 1 h 35 min" in first.inner_text()
    assert "Danger now" in first.inner_text()
    page.screenshot(path=str(artifacts / "staff-inbox-overdue-danger.png"), full_page=True)
    results = Axe().run(page)
    assert 0 == results.violations_count, results.generate_report()

    # Filters: overdue only.
    everything = page.locator("#count").inner_text()
    page.check("#filter-overdue")
    page.locator("#count", has_text="Reports: 1").wait_for()
    assert [str(danger_id)] == [
        li.get_attribute("data-report-id") for li in page.locator("#report-list li").all()
    ]
    page.uncheck("#filter-overdue")
    page.locator("#count", has_text=everything).wait_for()

    # Keyboard: j/k move, o opens, a/r/d jump to the forms, u goes back.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("o")
    page.locator("#detail-what", has_text="waiting outside the gates").wait_for()
    assert "Overdue by" in page.locator("#detail-badges").inner_text()

    page.keyboard.press("a")
    assert "owner" == page.evaluate("document.activeElement.id")
    page.select_option("#owner", "dee")
    page.click("#assign button[type=submit]")
    page.locator("#detail-fields", has_text="dee").wait_for()
    page.locator("#detail-title").focus()
    page.keyboard.press("r")
    assert "reply-text" == page.evaluate("document.activeElement.id")
    page.fill("#reply-text", "Are you safe now? Call 999 if you are in danger.")
    page.click("#reply button[type=submit]")
    page.locator("#thread li", has_text="Are you safe now?").wait_for()
    results = Axe().run(page)
    assert 0 == results.violations_count, results.generate_report()

    page.locator("#detail-title").focus()
    page.keyboard.press("d")
    assert "outcome" == page.evaluate("document.activeElement.id")
    page.select_option("#outcome", "concern_confirmed")
    page.select_option("#destination", "another_service")
    page.fill("#destination-name", "Luton Youth Service")
    page.fill("#reason", "Police were told by phone; the youth service knows the group.")
    page.click("#decide button[type=submit]")
    page.locator("#decided", has_text="Luton Youth Service").wait_for()
    trail = page.locator("#trail").inner_text()
    for action in ("received", "assign", "send message", "decide"):
        assert action in trail, action
    assert "Police were told" not in trail  # the reason stays with the report
    page.screenshot(path=str(artifacts / "staff-report-decided.png"), full_page=True)
    results = Axe().run(page)
    assert 0 == results.violations_count, results.generate_report()

    page.locator("#detail-title").focus()
    page.keyboard.press("u")
    page.locator("#detail").wait_for(state="hidden")
    row = page.locator(f"#report-list li[data-report-id='{danger_id}']")
    row.filter(has_text="Passed on").wait_for(timeout=5000)
    assert "Passed on" in row.inner_text()
    context.close()


def test_a_staff_member_changes_their_password_on_the_page(
    page: Any, staffed_server: RunningServer
) -> None:
    new = "dee's new and much longer passphrase"
    page.goto(staffed_server.base_url + "/staff")
    sign_in(page, staffed_server, "dee")
    page.locator("#who").wait_for()
    page.locator("#password-box summary").click()
    page.fill("#current-password", PASSWORD)
    page.fill("#new-password", new)
    results = Axe().run(page)
    assert 0 == results.violations_count, results.generate_report()
    page.click("#password-form button[type=submit]")
    page.locator("#notice", has_text="Your password is changed.").wait_for()
    assert "" == page.locator("#new-password").input_value()  # not left in the form
    page.click("#logout")
    page.locator("#login").wait_for()
    page.fill("#username", "dee")
    page.fill("#password", new)
    page.fill("#totp", totp_code(staffed_server.data_dir / "reports.db", "dee"))
    page.click("#login-form button[type=submit]")
    page.locator("#who").wait_for()
    assert "dee" in page.locator("#who-name").inner_text()
