"""Reporting from the app: one question per step, 999 first when someone is in danger, error
summaries, and reports made offline sent later only with consent, then gone from the phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.shell import (
    answer_report_steps,
    open_screen,
    send_a_report_offline,
    stored_keys,
    wait_offline_ready,
)
from tests.conftest import RunningServer


def test_each_question_is_its_own_step_with_an_error_summary(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, "/report?lang=en")
    assert page.locator(".app-panel--emergency a[href='tel:999']").is_visible()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/report?step=danger")
    page.locator("h1", has_text="Is someone in danger right now?").wait_for()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".app-error-summary")
    assert summary.is_visible()
    assert summary.evaluate("el => el === document.activeElement")
    summary.locator("a").click()
    assert "danger-0" == page.evaluate("document.activeElement.id")
    assert "true" == page.get_attribute("#danger-0", "aria-invalid")


def test_someone_in_danger_shows_999_before_anything_else(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, "/report?lang=en")
    page.get_by_role("button", name="Start").click()
    page.locator("#danger-0").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/report?step=category")
    page.locator("#category-0").wait_for()  # the step is drawn
    first = page.locator("#app-screen > *").first
    assert "app-panel--emergency" in (first.get_attribute("class") or "")
    assert first.locator("a[href='tel:999']").is_visible()


def test_before_sending_it_says_what_anonymous_means(page: Any, app_server: RunningServer) -> None:
    open_screen(page, app_server.base_url, "/report?lang=en")
    answer_report_steps(page, area="lu1")
    text = page.locator("#app-screen").inner_text()
    assert "What anonymous means here" in text
    assert "call 999" in text
    assert "browser's history" in text
    assert "LU1" in page.locator(".app-summary-list").inner_text()
    # Nothing typed is kept on the phone while the report is being written.
    assert [] == [k for k in stored_keys(page) if k != "cc.settings"]
    assert 0 == page.evaluate("sessionStorage.length")


def test_an_offline_report_waits_only_with_consent_and_can_be_discarded(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    send_a_report_offline(context, page, app_server.base_url)
    assert "cc.queue" not in stored_keys(page)  # nothing kept until the user agrees
    page.locator("[data-consent]").click()
    page.wait_for_selector("[data-discard]")
    assert "cc.queue" in stored_keys(page)
    page.locator("[data-discard]").click()
    assert "cc.queue" not in stored_keys(page)


def test_an_offline_report_is_sent_when_back_online_then_deleted(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    sent: list[Any] = []
    page.on(
        "request",
        lambda r: sent.append(r) if r.method == "POST" and r.url.endswith("/reports") else None,
    )
    open_screen(page, app_server.base_url, "/report?lang=en")
    wait_offline_ready(page)
    answer_report_steps(page, danger=True, area="lu1")
    context.set_offline(True)
    page.locator("#send-report").click()
    page.locator("[data-consent]").click()
    page.wait_for_selector("[data-discard]")
    assert "cc.queue" in stored_keys(page)

    context.set_offline(False)
    # The "waiting" screen becomes the "sent" one: no "still waiting", no live "Delete it".
    sent_screen = page.locator("#app-screen")
    sent_screen.locator(".app-code").wait_for()
    code = sent_screen.locator(".app-code").inner_text()
    assert code.strip()
    assert "Your report has been sent" == page.locator("h1").inner_text()
    assert 0 == page.locator("[data-discard]").count()
    assert "waiting" not in sent_screen.inner_text()
    assert 0 == page.locator("#notice-report-sent").count()  # said once, not twice
    assert "cc.queue" not in stored_keys(page)
    assert code not in str(page.evaluate("JSON.stringify(localStorage)"))
    keys = {r.headers.get("idempotency-key") for r in sent}
    assert 1 == len(keys) and None not in keys  # retries reuse one Idempotency-Key


def test_a_report_sent_online_shows_its_code_once_and_can_be_checked(
    page: Any, app_server: RunningServer, artifacts: Path
) -> None:
    open_screen(page, app_server.base_url, "/report?lang=en")
    answer_report_steps(page, area="lu1")
    challenges: list[str] = []
    page.on("request", lambda r: challenges.append(r.headers.get("x-challenge", "")))
    page.locator("#send-report").click()
    code = page.locator(".app-code")
    code.wait_for()
    follow_up = code.inner_text().strip()
    assert follow_up
    # The server's proof of work is on (the default): the app solved the puzzle before
    # sending. How long that takes is measured in bench/report_send.py, not here.
    assert any(challenges), "the report was sent without a solved challenge"
    page.screenshot(path=str(artifacts / "pwa-report-sent.png"))
    assert page.locator(".app-panel--confirmation").get_by_text("Write it down").is_visible()
    # Never kept on the phone unless the user asks.
    assert follow_up not in str(page.evaluate("JSON.stringify(localStorage)"))
    page.get_by_role("button", name="Keep the code on this phone").click()
    assert follow_up in str(page.evaluate("localStorage.getItem('cc.codes')"))

    open_screen(page, app_server.base_url, "/check")
    assert follow_up == page.locator("#code").input_value()  # the kept code, filled in
    page.get_by_role("button", name="Check").click()
    status = page.locator("#report-status")
    status.wait_for()
    assert page.locator(".app-thread .app-panel").inner_text()
    page.locator("#reply").fill("It was near the leisure centre.")
    page.get_by_role("button", name="Send reply").click()
    page.locator(".app-thread__message--reporter").wait_for()
    assert "leisure centre" in page.locator(".app-thread__messages").inner_text()


def test_an_unknown_code_is_explained(page: Any, app_server: RunningServer) -> None:
    open_screen(page, app_server.base_url, "/check?lang=en")
    page.locator("#code").fill("nothing-here-at-all-0000")
    page.get_by_role("button", name="Check").click()
    summary = page.locator(".app-error-summary")
    summary.wait_for()
    assert summary.locator("a[href='#code']").inner_text()


def test_a_report_refused_for_now_can_be_kept_and_is_sent_later_by_itself(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    busy = {"on": True}

    def refuse(route: Any) -> None:
        if busy["on"] and route.request.method == "POST":
            route.fulfill(
                status=429,
                content_type="application/json",
                headers={"Retry-After": "60"},
                body='{"error": {"code": "too_many_requests", "message": "Please wait."}}',
            )
        else:
            route.continue_()

    page.route("**/api/v1/reports", refuse)
    open_screen(page, app_server.base_url, "/report?lang=en")
    answer_report_steps(page, area="lu1")
    page.locator("#send-report").click()
    page.wait_for_selector("[data-consent]")
    assert "Your report cannot be sent just now" == page.locator("h1").inner_text()
    assert "Please wait." in page.locator("#app-screen").inner_text()
    assert "cc.queue" not in stored_keys(page)  # nothing kept without the same consent
    page.locator("[data-consent]").click()
    page.wait_for_selector("[data-discard]")
    assert "cc.queue" in stored_keys(page)
    busy["on"] = False
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#app-screen .app-code").wait_for()
    assert "cc.queue" not in stored_keys(page)
    assert 0 == page.locator("[data-discard]").count()


def test_an_urdu_report_gets_a_digit_code_that_checks_in_eastern_digits(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, "/report?lang=ur")
    assert page.locator("[data-promise]").is_visible()
    answer_report_steps(page)
    assert 0 == page.locator("input[name='code-style']").count()  # digits, no choice
    page.locator("#send-report").click()
    code = page.locator(".app-code").inner_text().strip()
    assert re.match(r"^\d{4}-\d{4}-\d{4}-\d{4}$", code), code
    lookups: list[str] = []
    page.on("request", lambda r: lookups.append(r.url) if "/lookup" in r.url else None)
    open_screen(page, app_server.base_url, "/check?lang=ur")
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    page.locator("#code").fill(wrong)
    page.locator("form button[type=submit]").click()
    page.locator(".app-error-summary").wait_for()
    assert [] == lookups  # caught before any lookup
    page.locator("#code").fill(code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    page.locator("form button[type=submit]").click()
    page.locator("#report-status").wait_for()
    assert 1 == len(lookups)
