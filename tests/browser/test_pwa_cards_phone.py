"""Cards on a phone: tap-to-call numbers, a big Call 999 before first-aid steps, Next card,
Share with a copy-link fallback, and card search that works offline."""

from __future__ import annotations

from typing import Any

from tests.browser.shell import open_screen, wait_offline_ready
from tests.conftest import RunningServer


def test_first_aid_card_has_a_big_call_999_before_its_steps_and_numbers_are_links(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, "/cards/if-someone-is-stabbed?lang=en")
    call = page.locator(".app-call-999 a[href='tel:999']")
    assert call.is_visible()
    box = call.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # big: the screen's width
    steps = page.locator(".app-key-points").bounding_box()
    assert box["y"] < steps["y"]
    # Every phone number in the card's text is a tap-to-call link.
    numbers = page.locator("article [data-speak] a[href^='tel:']").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    assert {"tel:999", "tel:08001111", "tel:08081689111"} <= set(numbers)
    # Another card has no such button.
    open_screen(page, app_server.base_url, "/cards/carrying-a-knife-the-law?lang=en")
    assert 0 == page.locator(".app-call-999").count()


def test_next_card_and_share_with_a_copy_link_fallback(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    base = app_server.base_url
    open_screen(page, base, "/?audience=young_person&lang=en")
    titles = page.locator(".app-card-list__link").all_inner_texts()
    page.locator(".app-card-list__link").first.click()
    page.wait_for_selector("[data-card]")
    page.locator("[data-next-card]").click()
    page.wait_for_function(f"() => document.querySelector('h1').innerText === {titles[1]!r}")
    card_id = page.locator("[data-card]").get_attribute("data-card")
    page.evaluate("delete Navigator.prototype.share")  # a browser without the share sheet
    page.locator("[data-share]").click()
    page.get_by_text("Link copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"{base}/cards/{card_id}?lang=en" == copied


def test_cards_can_be_searched_offline(context: Any, page: Any, app_server: RunningServer) -> None:
    base = app_server.base_url
    open_screen(page, base, "/?audience=young_person&lang=en")
    wait_offline_ready(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.locator("#card-search").fill("stabbed")
    visible = page.locator(".app-card-list__item:visible .app-card-list__link")
    assert 1 == visible.count()
    assert "stabbed" in visible.inner_text()
    page.locator("#card-search").fill("zzzz nothing")
    assert 0 == page.locator(".app-card-list__item:visible").count()
    assert page.get_by_text("No card has those words.").is_visible()


def test_present_and_print_work_offline_once_opened(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/cards/carrying-a-knife-the-law?lang=ur")
    wait_offline_ready(page)
    for kind in ("present", "print"):
        page.goto(f"{base}/{kind}/carrying-a-knife-the-law?lang=ur")
        page.wait_for_selector("html[data-ready]")
    context.set_offline(True)
    for kind in ("present", "print"):
        page.goto(f"{base}/{kind}/carrying-a-knife-the-law?lang=ur")
        page.wait_for_selector("html[data-ready]")
        assert "ur" == page.get_attribute("html", "lang")
        assert page.locator("[data-quick-exit]").is_visible()
