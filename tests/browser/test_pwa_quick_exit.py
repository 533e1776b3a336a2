"""Quick exit: by button and by Shift three times, to the neutral site, forgetting the story."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.shell import STORY_KEYS, open_screen, stored_keys
from tests.conftest import RunningServer

NEUTRAL = "https://www.bbc.co.uk/weather"


@pytest.fixture
def neutral_site(context: Any) -> Iterator[list[str]]:
    """Stands in for the neutral site (there is no internet here) and records its visits."""
    visits: list[str] = []

    def answer(route: Any) -> None:
        visits.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Weather</title>")

    context.route("https://www.bbc.co.uk/**", answer)
    yield visits


def _leave_a_story(page: Any) -> None:
    page.evaluate(
        """() => {
        const waiting = [{key: 'k', report: {what_happened: 'x'}}];
        localStorage.setItem('cc.queue', JSON.stringify(waiting));
        localStorage.setItem('cc.last-help', JSON.stringify({label: 'LU1', results: []}));
        localStorage.setItem('cc.codes', JSON.stringify(['ABCD-1234']));
        sessionStorage.setItem('draft', 'typed text');
    }"""
    )


def _app_storage_after_exit(context: Any, base: str) -> tuple[list[str], int]:
    check = context.new_page()
    check.goto(base + "/offline.html")  # the app's origin, without running the app
    keys = list(check.evaluate("Object.keys(localStorage)"))
    session = int(check.evaluate("sessionStorage.length"))
    check.close()
    return keys, session


def test_the_quick_exit_button_leaves_at_once_and_forgets(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str]
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/report")
    _leave_a_story(page)
    assert set(STORY_KEYS) <= set(stored_keys(page))
    button = page.locator("[data-quick-exit]")
    assert "Quick exit, leave this app now" == button.evaluate("el => el.textContent")
    button.click()
    page.wait_for_url(NEUTRAL)
    assert [NEUTRAL] == neutral_site
    keys, _ = _app_storage_after_exit(context, base)
    assert not set(STORY_KEYS) & set(keys)
    # location.replace: Back does not return to the app.
    page.go_back()
    assert not page.url.startswith(base)


def test_shift_three_times_leaves_and_forgets(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str]
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/help")
    page.evaluate("localStorage.setItem('cc.last-help', JSON.stringify({label: 'LU1'}))")
    page.locator("#postcode").fill("LU1 2AB")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL)
    keys, session = _app_storage_after_exit(context, base)
    assert "cc.last-help" not in keys
    assert 0 == session
    page.go_back()
    assert not page.url.startswith(base)


def test_shift_with_other_keys_between_does_not_leave(
    page: Any, app_server: RunningServer, neutral_site: list[str]
) -> None:
    open_screen(page, app_server.base_url, "/help")
    page.locator("#postcode").click()
    # Typing capitals uses Shift too; only three Shift presses in a row leave.
    page.keyboard.press("Shift")
    page.keyboard.type("LU")
    page.keyboard.press("Shift")
    page.keyboard.type("1")
    page.keyboard.press("Shift")
    assert page.url.startswith(app_server.base_url)
    assert [] == neutral_site
