"""The app on a 360×740 phone: a pinned bar of at most 64 px, a bottom tab bar, the first card
above the fold in all nine languages, big tap targets, dark mode and forced colours."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.shell import open_screen
from tests.conftest import RunningServer

LANGUAGES = ["en", "ur", "ar", "bn", "pl", "pt", "ro", "so", "tr"]
SCREENS = [
    "/",
    "/?audience=young_person",
    "/cards/if-someone-is-stabbed",
    "/help",
    "/report",
    "/check",
    "/more",
    "/settings",
    "/about",
]
# Controls that are not words inside a sentence (those are exempt, as WCAG 2.5.8 says).
SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, select, input, summary')]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .filter((el) => !(el.type === 'radio' || el.type === 'checkbox'))
  .filter((el) => getComputedStyle(el).display !== 'inline')
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width < 44 || r.height < 44; })
  .map((el) => el.outerHTML.slice(0, 90))"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pinned_bar_is_at_most_64_px_and_the_first_card_is_above_the_fold(
    page: Any, app_server: RunningServer, lang: str
) -> None:
    open_screen(page, app_server.base_url, f"/?audience=young_person&lang={lang}")
    bar = page.locator(".app-header")
    assert bar.bounding_box()["height"] <= 64
    assert 1 == bar.locator('a[href="tel:999"]').count()
    assert 1 == bar.locator("[data-quick-exit]").count()
    assert 1 == bar.locator(".app-header__name").count()
    exit_box = bar.locator("[data-quick-exit]").bounding_box()
    assert exit_box["x"] >= 0 and exit_box["x"] + exit_box["width"] <= 360
    tabs = page.locator(".app-nav")
    fold = tabs.bounding_box()["y"]  # the tab bar covers the bottom of the screen
    assert fold <= 740
    first = page.locator(".app-card-list__link").first.bounding_box()
    assert first["y"] + first["height"] <= fold, lang
    # The language switch is on the first screen.
    assert page.locator("#app-language").is_visible()


def test_the_tab_bar_has_four_tabs_and_marks_the_current_one(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, "/help?lang=en")
    tabs = page.locator(".app-nav a")
    assert ["/", "/help", "/report", "/more"] == [
        tabs.nth(i).get_attribute("href") for i in range(tabs.count())
    ]
    assert ["Cards", "Find help", "Tell someone", "More"] == tabs.all_inner_texts()
    assert "page" == tabs.nth(1).get_attribute("aria-current")
    box = page.locator(".app-nav").bounding_box()
    assert 740 == round(box["y"] + box["height"])  # pinned to the bottom
    tabs.nth(3).click()
    page.wait_for_url("**/more")
    page.locator('.app-nav a[href="/more"][aria-current="page"]').wait_for()
    for link in ("/check", "/settings", "/about", "/glossary"):
        assert 1 == page.locator(f'#app-screen a[href="{link}"]').count()


@pytest.mark.parametrize("lang", ["en", "ur", "so"])
def test_every_tap_target_is_at_least_44_px(
    page: Any, app_server: RunningServer, lang: str
) -> None:
    small = {}
    for path in SCREENS:
        open_screen(page, app_server.base_url, f"{path}{'&' if '?' in path else '?'}lang={lang}")
        found = page.evaluate(SMALL_TARGETS)
        if found:
            small[path] = found
    assert {} == small


def test_the_audience_is_remembered(page: Any, app_server: RunningServer) -> None:
    base = app_server.base_url
    open_screen(page, base, "/?lang=en")
    page.locator('.app-choice[href="/?audience=parent"]').click()
    page.wait_for_selector(".app-card-list")
    open_screen(page, base, "/help")
    page.locator('.app-nav a[href="/"]').click()
    page.wait_for_selector(".app-card-list")
    assert "Cards for parents and carers" == page.locator("h1").inner_text()
    open_screen(page, base, "/")
    assert "Cards for parents and carers" == page.locator("h1").inner_text()
    # Choosing again is one tap away.
    page.locator('a[href="/?choose=1"]').click()
    page.wait_for_selector(".app-choice")
    assert "true" == page.locator('.app-choice[href="/?audience=parent"]').get_attribute(
        "aria-current"
    )


def test_the_translation_notice_shows_once_per_language_and_can_be_dismissed(
    page: Any, app_server: RunningServer
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/?lang=so")
    notice = page.locator("#notice-unreviewed")
    assert notice.is_visible()
    page.locator("[data-dismiss]").click()
    assert 0 == notice.count()
    open_screen(page, base, "/help")
    assert 0 == page.locator("#notice-unreviewed").count()
    # Still said in About.
    open_screen(page, base, "/about")
    assert page.locator("#about-unreviewed").is_visible()
    # Another language: its own notice, once; gone on the next screen.
    open_screen(page, base, "/?lang=ur")
    assert page.locator("#notice-unreviewed").is_visible()
    page.locator('.app-nav a[href="/help"]').click()
    page.wait_for_url("**/help")
    page.locator('.app-nav a[href="/help"][aria-current="page"]').wait_for()  # drawn
    assert 0 == page.locator("#notice-unreviewed").count()


def test_the_language_switch_is_on_the_first_screen_and_the_phone_language_is_followed(
    browser: Any, app_server: RunningServer
) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="ur-PK")
    page = ctx.new_page()
    open_screen(page, app_server.base_url, "/")
    assert "ur" == page.get_attribute("html", "lang")
    assert "rtl" == page.get_attribute("html", "dir")
    page.locator("#app-language option[value='so']").wait_for(state="attached")
    page.locator("#app-language").select_option("so")
    page.wait_for_function("() => document.documentElement.lang === 'so'")
    assert "ltr" == page.get_attribute("html", "dir")
    ctx.close()


def test_dark_mode_follows_the_phone(browser: Any, app_server: RunningServer) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme="dark")
    page = ctx.new_page()
    open_screen(page, app_server.base_url, "/cards/if-someone-is-stabbed?lang=en")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    text = page.evaluate("getComputedStyle(document.body).color")
    assert "rgb(18, 20, 22)" == background
    assert "rgb(243, 242, 241)" == text
    ctx.close()


def test_forced_colours_keep_every_control_visible(browser: Any, app_server: RunningServer) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, forced_colors="active")
    page = ctx.new_page()
    open_screen(page, app_server.base_url, "/?lang=en")
    boxless = page.evaluate(
        """() => [...document.querySelectorAll('.app-exit, .app-call, .app-nav a, .app-choice')]
        .filter((el) => {
          const s = getComputedStyle(el);
          return !(parseFloat(s.borderTopWidth) >= 2 && s.borderTopStyle !== 'none');
        })
        .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert [] == boxless
    ctx.close()
