"""Helpers for the app shell's browser tests: open a screen and wait until it is drawn."""

from __future__ import annotations

from typing import Any

STORY_KEYS = ("cc.queue", "cc.last-help", "cc.codes")


def open_screen(page: Any, base_url: str, path: str) -> None:
    """Go to a screen and wait until the app has drawn it in its language."""
    page.goto(base_url + path)
    page.wait_for_selector("html[data-ready]")


def wait_offline_ready(page: Any) -> None:
    """Wait until the worker has precached the shell and kept this language's bundle."""
    page.wait_for_selector("html[data-offline-ready]", state="attached", timeout=30_000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def stored_keys(page: Any) -> list[str]:
    return list(page.evaluate("Object.keys(localStorage)"))


def answer_report_steps(page: Any, *, danger: bool = False, area: str = "") -> None:
    """From the report start screen, answer every question in any language (someone is
    carrying a knife, today), and wait for the screen that sends it."""
    submit = page.locator("form button[type=submit]")
    page.locator("[data-start]").click()
    page.locator(f"#danger-{0 if danger else 1}").check()
    submit.click()
    page.locator("#category-1").check()  # someone is carrying a knife
    submit.click()
    page.locator("#what").fill("A boy in year 10 showed a knife at the bus stop after school.")
    submit.click()
    page.locator("#area").fill(area)  # also waits for the step to be drawn
    submit.click()
    page.locator("#when-1").check()  # today
    submit.click()
    page.locator("#send-report").wait_for()


def send_a_report_offline(context: Any, page: Any, base_url: str) -> None:
    """Write a report with the worker ready, go offline and press Send: the app asks whether
    it may keep the report on the phone until it can be sent."""
    open_screen(page, base_url, "/report?lang=en")
    wait_offline_ready(page)
    answer_report_steps(page, area="lu1")
    context.set_offline(True)
    page.locator("#send-report").click()
    page.wait_for_selector("[data-consent]")
