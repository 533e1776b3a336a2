"""Languages in the app: ?lang=, the settings screen, right-to-left layout, review notices."""

from __future__ import annotations

from typing import Any

import httpx

from tests.browser.shell import open_screen
from tests.conftest import RunningServer


def _bundle(server: RunningServer, lang: str) -> dict[str, Any]:
    response = httpx.get(f"{server.base_url}/api/v1/bundle?lang={lang}")
    result: dict[str, Any] = response.json()
    return result


def test_lang_in_the_address_opens_that_language(page: Any, app_server: RunningServer) -> None:
    polish = _bundle(app_server, "pl")
    open_screen(page, app_server.base_url, "/help?lang=pl")
    assert "pl" == page.get_attribute("html", "lang")
    assert "ltr" == page.get_attribute("html", "dir")
    assert polish["messages"]["help.title"] == page.locator("h1").inner_text()
    assert polish["messages"]["nav.cards"] == page.locator(".app-nav a").first.inner_text()
    unreviewed = page.locator("#notice-unreviewed")
    if polish["translation_reviewed"]:
        assert 0 == unreviewed.count()
    else:
        text = unreviewed.locator("p").inner_text()
        assert polish["messages"]["app.translation_unreviewed"] == text


def test_switching_language_in_settings_mirrors_the_layout_and_is_remembered(
    page: Any, app_server: RunningServer
) -> None:
    base = app_server.base_url
    urdu = _bundle(app_server, "ur")
    open_screen(page, base, "/settings?lang=en")
    exit_box = page.locator("[data-quick-exit]").bounding_box()
    name_box = page.locator(".app-header__name").bounding_box()
    assert exit_box["x"] > name_box["x"]  # left to right: quick exit on the right

    page.locator("#setting-language").select_option("ur")
    page.wait_for_function("() => document.documentElement.lang === 'ur'")
    assert "rtl" == page.get_attribute("html", "dir")
    assert urdu["messages"]["settings.title"] == page.locator("h1").inner_text()
    exit_box = page.locator("[data-quick-exit]").bounding_box()
    name_box = page.locator(".app-header__name").bounding_box()
    assert exit_box["x"] < name_box["x"]  # mirrored: quick exit on the left

    open_screen(page, base, "/")
    assert "ur" == page.get_attribute("html", "lang")
    options = page.locator("#setting-language option")
    assert 0 == options.count()  # (not on this screen)
    open_screen(page, base, "/settings")
    native = page.locator("#setting-language option:checked").inner_text()
    assert "اردو" == native


def test_settings_change_text_size_and_english_alongside(
    page: Any, app_server: RunningServer
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/settings?lang=ur")
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.locator("label[for='setting-text-size-2']").click()
    larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger > size
    page.locator("label[for='setting-bilingual']").click()
    open_screen(page, base, "/cards/talking-to-your-child")
    pairs = page.locator("[data-bilingual] .app-bilingual__pair")
    assert pairs.count() >= 5
    first = pairs.nth(1)
    assert "ur" == first.locator("p").nth(0).get_attribute("lang")
    assert "rtl" == first.locator("p").nth(0).get_attribute("dir")
    assert "en" == first.locator("p").nth(1).get_attribute("lang")
    assert "ltr" == first.locator("p").nth(1).get_attribute("dir")


def test_parent_cards_link_hard_words_to_the_glossary(page: Any, app_server: RunningServer) -> None:
    base = app_server.base_url
    open_screen(page, base, "/cards/signs-of-exploitation?lang=en")
    link = page.locator("a.app-glossary-link").first
    href = link.get_attribute("href")
    assert href.startswith("/glossary#")
    link.click()
    entry_id = href.split("#", 1)[1]
    page.wait_for_function(f"() => document.activeElement?.id === '{entry_id}'")
    assert page.locator(f"#{entry_id} dd").first.inner_text()


def test_young_people_cards_link_hard_words_to_the_glossary(
    page: Any, app_server: RunningServer
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/cards/carrying-a-knife-the-law?lang=en")
    page.locator("a.app-glossary-link").first.wait_for()
    hrefs = page.locator("a.app-glossary-link").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    linked = {href.split("#", 1)[1] for href in hrefs}
    assert {
        "offensive-weapon",
        "detention-and-training-order",
        "referral-order",
        "exceptional-circumstances",
        "custody",
    } <= linked
