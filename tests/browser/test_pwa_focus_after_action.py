"""Keyboard focus after a control removes itself: it goes to the status that replaced it or
to the nearest heading, never to <body> (a screen reader would start again from the top)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.shell import (
    answer_report_steps,
    open_screen,
    send_a_report_offline,
)
from tests.conftest import RunningServer

IN_SCREEN = "() => document.getElementById('app-screen').contains(document.activeElement)"


def _press(locator: Any) -> None:
    """Operate a control by keyboard alone: focus it, then Enter."""
    locator.focus()
    locator.press("Enter")


def _focused(page: Any) -> dict[str, str]:
    result: dict[str, str] = page.evaluate(
        """() => {
          const el = document.activeElement;
          return {
            tag: el.tagName,
            role: el.getAttribute("role") || "",
            cls: el.className || "",
            text: el.textContent.trim(),
          };
        }"""
    )
    return result


def _card_question(page: Any, app_server: RunningServer) -> Any:
    """A card with its question, drawn."""
    open_screen(page, app_server.base_url, "/cards/telling-someone-anonymously?lang=en")
    box = page.locator(".app-pulse")
    box.wait_for()
    return box


def test_skipping_the_card_question_by_keyboard_focuses_a_heading(
    page: Any, app_server: RunningServer
) -> None:
    box = _card_question(page, app_server)
    _press(box.locator("[data-pulse-skip]"))
    page.wait_for_function("() => !document.querySelector('.app-pulse form')")
    page.wait_for_function("() => document.activeElement !== document.body")
    focused = _focused(page)
    assert focused["tag"] in {"H1", "H2"}, focused
    assert page.evaluate("() => !!document.activeElement.closest('article.app-card')")


def test_sending_the_card_question_by_keyboard_focuses_its_thanks(
    page: Any, app_server: RunningServer
) -> None:
    box = _card_question(page, app_server)
    first = box.locator("input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")
    _press(box.locator("button[type=submit]"))
    page.wait_for_selector(".app-pulse [role=status]")
    page.wait_for_function("() => document.activeElement !== document.body")
    focused = _focused(page)
    assert "status" == focused["role"], focused
    assert focused["text"], focused


def test_keeping_the_code_by_keyboard_focuses_what_happened(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, "/report?lang=en")
    answer_report_steps(page, area="lu1")
    page.locator("#send-report").click()
    page.locator(".app-code").wait_for()
    _press(page.get_by_role("button", name="Keep the code on this phone"))
    page.wait_for_function("() => document.activeElement !== document.body")
    focused = _focused(page)
    assert "app-status" in focused["cls"], focused
    assert focused["text"].startswith("The code is saved on this phone"), focused


def test_deleting_the_waiting_report_by_keyboard_focuses_the_heading(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    send_a_report_offline(context, page, app_server.base_url)
    page.locator("[data-consent]").click()
    page.wait_for_selector("[data-discard]")
    # Opened again later, still offline: the first screen offers to delete it.
    page.goto(f"{app_server.base_url}/report")
    page.wait_for_selector("html[data-ready]")
    delete = page.get_by_role("button", name="Delete the waiting report")
    delete.wait_for()
    _press(delete)
    page.wait_for_function(
        "() => !document.querySelector('#app-screen .app-inset button')"
        " && document.activeElement !== document.body"
    )
    focused = _focused(page)
    assert "H1" == focused["tag"], focused
    assert page.evaluate(IN_SCREEN)


def _unreviewed_language(server: RunningServer) -> str:
    for lang in ("pl", "ro", "pt", "tr", "so", "bn", "ar", "ur"):
        bundle = httpx.get(f"{server.base_url}/api/v1/bundle?lang={lang}").json()
        if bundle["lang"] == lang and not bundle["translation_reviewed"]:
            return lang
    pytest.skip("every translation is reviewed: no notice to dismiss")


def test_hiding_the_notice_by_keyboard_focuses_the_screens_heading(
    page: Any, app_server: RunningServer
) -> None:
    lang = _unreviewed_language(app_server)
    open_screen(page, app_server.base_url, f"/help?lang={lang}")
    _press(page.locator("#notice-unreviewed [data-dismiss]"))
    page.wait_for_function("() => !document.getElementById('notice-unreviewed')")
    page.wait_for_function("() => document.activeElement !== document.body")
    assert "H1" == _focused(page)["tag"]
    assert page.evaluate(IN_SCREEN)


def test_the_english_offline_screen_is_marked_english_in_a_right_to_left_page(
    page: Any, app_server: RunningServer
) -> None:
    # No bundle can be fetched (and none is kept): the app says it is offline, in English.
    page.route("**/api/v1/bundle**", lambda route: route.abort())
    page.goto(f"{app_server.base_url}/help?lang=ur")
    heading = page.locator("#app-screen h1")
    heading.wait_for()
    assert "You are offline" == heading.inner_text()
    assert "rtl" == page.get_attribute("html", "dir")
    marked = page.evaluate(
        """() => {
          const h1 = document.querySelector("#app-screen h1");
          const p = document.querySelector("#app-screen p");
          return [h1.closest("[lang]").lang, h1.closest("[dir]").dir, p.closest("[lang]").lang];
        }"""
    )
    assert ["en", "ltr", "en"] == marked
