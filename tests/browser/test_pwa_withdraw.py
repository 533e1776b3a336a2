"""Withdrawing a report from the app's status page: what it does is said before confirming,
then the report is gone and the code stops working."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from axe_playwright_python.sync_playwright import Axe

from tests.browser.shell import open_screen
from tests.conftest import RunningServer
from tests.staff_helpers import solved_challenge


def test_the_status_page_explains_withdrawing_then_deletes_the_report(
    page: Any, app_server: RunningServer, artifacts: Path
) -> None:
    base = app_server.base_url
    sent = httpx.post(
        base + "/api/v1/reports",
        json={
            "category": "unsafe_place",
            "what_happened": "The alley behind the chip shop after dark.",
            "when": "earlier",
            "danger_now": False,
            "lang": "en",
        },
        headers=solved_challenge(base),  # the shared server has proof of work on
    )
    code = sent.json()["code"]
    open_screen(page, base, "/check?lang=en")
    page.locator("#code").fill(code)
    page.get_by_role("button", name="Check").click()
    page.locator("#report-status").wait_for()

    panel = page.locator(".app-withdraw")
    assert "It is deleted at once with all its messages" in panel.inner_text()
    confirm = page.get_by_role("button", name="Yes, delete my report")
    assert not confirm.is_visible()  # nothing happens until the reporter asks, then confirms
    page.get_by_role("button", name="Withdraw my report").click()
    confirm.wait_for()
    results = Axe().run(page)
    assert 0 == results.violations_count, results.generate_report()
    page.screenshot(path=str(artifacts / "pwa-withdraw-confirm.png"), full_page=True)
    confirm.click()
    page.get_by_text("Your report has been deleted. Your code no longer works.").wait_for()

    gone = httpx.post(
        base + "/api/v1/reports/lookup",
        json={"code": code},
        headers=solved_challenge(base, "lookup"),
    )
    assert 404 == gone.status_code
