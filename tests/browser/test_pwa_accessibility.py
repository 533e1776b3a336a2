"""Accessibility of every screen in English, Urdu and Polish: axe-core finds nothing, keyboard
alone works, focus is visible, and 400% zoom (320 CSS pixels wide) needs no sideways scroll."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.shell import open_screen
from tests.conftest import RunningServer

SCREENS = [
    "/",
    "/?audience=young_person",
    "/cards/carrying-for-protection",
    "/cards/signs-of-exploitation?bilingual=1",
    "/cards/lesson-plan-50-minutes",
    "/help",
    "/report",
    "/check",
    "/settings",
    "/about",
    "/glossary",
    "/more",
]
LANGUAGES = ["en", "ur", "pl", "so"]
axe = Axe()


def _with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def _violations(page: Any) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violations_on_any_screen(
    page: Any, app_server: RunningServer, lang: str
) -> None:
    found = {}
    for path in SCREENS:
        open_screen(page, app_server.base_url, _with_lang(path, lang))
        problems = _violations(page)
        if problems:
            found[path] = problems
    assert {} == found


@pytest.mark.parametrize("lang", ["en", "ur", "so"])
def test_axe_finds_no_violations_on_any_screen_in_dark_mode(
    browser: Any, app_server: RunningServer, lang: str
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme="dark")
    page = context.new_page()
    try:
        found = {}
        for path in SCREENS:
            open_screen(page, app_server.base_url, _with_lang(path, lang))
            problems = _violations(page)
            if problems:
                found[path] = problems
        assert {} == found
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violations_in_the_report_questions(
    page: Any, app_server: RunningServer, lang: str
) -> None:
    open_screen(page, app_server.base_url, _with_lang("/report", lang))
    page.locator("[data-start]").click()
    found = {}
    # What shows that each step is drawn (the address changes first).
    drawn = {
        "danger": "#danger-0",
        "category": "#category-0",
        "what": "#what",
        "where": "#area",
        "when": "#when-0",
        "check": "#send-report",
    }
    for step, question in drawn.items():
        page.wait_for_url(f"**/report?step={step}")
        page.locator(question).wait_for()
        # Each question first with its error summary, then answered.
        if step != "check":
            if step == "where":
                page.locator("#area").fill("not a postcode")  # the only way to get it wrong
            page.locator("form button[type=submit]").click()
            page.locator(".app-error-summary").wait_for()
        problems = _violations(page)
        if problems:
            found[step] = problems
        if step in ("danger", "category", "when"):
            page.locator(f"#{step}-0").check()
        elif step == "what":
            page.locator("#what").fill("Someone showed a knife.")
        elif step == "where":
            page.locator("#area").fill("")
        if step != "check":
            page.locator("form button[type=submit]").click()
    assert {} == found


def test_the_home_screen_works_by_keyboard_alone(page: Any, app_server: RunningServer) -> None:
    open_screen(page, app_server.base_url, "/?lang=en")
    page.keyboard.press("Tab")
    assert "app-skip-link" == page.evaluate("document.activeElement.className")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert "tel:999" == page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-quick-exit')")
    # Focus is visible: the focused quick exit looks different from the unfocused one.
    focused = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert focused == page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    page.evaluate("document.activeElement.blur()")
    unfocused = page.evaluate(
        "getComputedStyle(document.querySelector('[data-quick-exit]')).backgroundColor"
    )
    assert focused != unfocused
    # Choose an audience and open a card with the keyboard.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('app-choice')"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/?audience=young_person")
    page.locator(".app-card-list__link").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/cards/*")
    # The address changes first; the card is drawn (and focused) once its code and the
    # whole bundle are in.
    page.wait_for_function("() => ['H1', 'DIV'].includes(document.activeElement.tagName)")


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_400_percent_zoom_needs_no_sideways_scrolling(
    browser: Any, app_server: RunningServer, lang: str
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 256})
    page = context.new_page()
    try:
        wide = []
        for path in SCREENS:
            open_screen(page, app_server.base_url, _with_lang(path, lang))
            if page.evaluate("document.documentElement.scrollWidth > innerWidth + 1"):
                wide.append(path)
        assert [] == wide
    finally:
        context.close()


def test_the_sticky_header_never_hides_what_has_focus(page: Any, app_server: RunningServer) -> None:
    open_screen(page, app_server.base_url, "/cards/carrying-for-protection?lang=en")
    hidden = []
    for key in ["Tab"] * 40 + ["Shift+Tab"] * 40:
        page.keyboard.press(key)
        covered = page.evaluate(
            """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const r = el.getBoundingClientRect();
            const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
            const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 12), 0), innerHeight - 1);
            const top = document.elementFromPoint(x, y);
            return !(top && (top === el || el.contains(top) || top.contains(el)));
        }"""
        )
        if covered:
            hidden.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert [] == hidden
