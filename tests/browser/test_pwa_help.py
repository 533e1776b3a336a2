"""The help finder in the app: location only when tapped (mocked to Luton), postcodes, filters,
tap to call, the national helplines always shown, and the last results kept for offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.shell import open_screen
from tests.conftest import RunningServer

LUTON = {"latitude": 51.8787, "longitude": -0.4200}


@pytest.fixture
def luton_page(browser: Any) -> Iterator[Any]:
    """A phone in Luton that has allowed the app to use its location."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        geolocation=LUTON,
        permissions=["geolocation"],
        service_workers="allow",
    )
    yield context.new_page()
    context.close()


def _searches(page: Any) -> list[dict[str, list[str]]]:
    found: list[dict[str, list[str]]] = []

    def record(request: Any) -> None:
        if "/api/v1/services/nearby" in request.url:
            found.append(parse_qs(urlparse(request.url).query))

    page.on("request", record)
    return found


def test_use_my_location_finds_services_nearby(
    luton_page: Any, app_server: RunningServer, artifacts: Path
) -> None:
    page = luton_page
    open_screen(page, app_server.base_url, "/help?lang=en")
    searches = _searches(page)
    page.locator("#use-location").click()
    page.locator(".app-result").first.wait_for()
    # Only about 100 m of precision leaves the phone.
    assert [["51.879"], ["-0.420"]] == [searches[0]["lat"], searches[0]["lon"]]
    first = page.locator(".app-result").first
    assert first.locator("h3").inner_text()
    facts = first.locator(".app-result__facts").inner_text()
    assert re.match(r"^\d+(\.\d+)? (miles?|km)\b", facts), facts
    assert page.locator(".app-result a[href^='tel:']").count() >= 1
    assert page.locator(".app-national .app-helpline").count() >= 5
    assert "cc.last-help" in page.evaluate("Object.keys(localStorage)")
    page.locator(".app-help-results h2").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "pwa-help-results.png"))


def test_a_postcode_search_with_filters(page: Any, app_server: RunningServer) -> None:
    open_screen(page, app_server.base_url, "/help?lang=en&category=sport_and_boxing")
    searches = _searches(page)
    assert page.locator("#category-sport_and_boxing").is_checked()  # from a card's link
    page.locator("#free").check()
    page.locator("#age").fill("15")
    page.locator("#postcode").fill("LU1 1AA")
    page.get_by_role("button", name="Search").click()
    page.locator(".app-help-results h2").wait_for()
    query = searches[-1]
    assert ["LU1 1AA"] == query["postcode"]
    assert ["sport_and_boxing"] == query["category"]
    assert ["true"] == query["free"]
    assert ["15"] == query["age"]


def test_an_unknown_postcode_is_explained(page: Any, app_server: RunningServer) -> None:
    open_screen(page, app_server.base_url, "/help?lang=en")
    page.locator("#postcode").fill("ZZ99 9ZZ")
    page.get_by_role("button", name="Search").click()
    summary = page.locator(".app-error-summary")
    summary.wait_for()
    assert summary.locator("a[href='#postcode']").inner_text()
    assert "true" == page.get_attribute("#postcode", "aria-invalid")


def test_a_missing_postcode_is_explained_without_a_request(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, "/help?lang=en")
    searches = _searches(page)
    page.get_by_role("button", name="Search").click()
    summary = page.locator(".app-error-summary").inner_text()
    assert "Type a postcode, or use your location" in summary
    assert [] == searches


def test_suggest_a_change_on_a_listing(
    luton_page: Any, app_server: RunningServer, artifacts: Path
) -> None:
    """Issue 15: each result has "Suggest a change" with Outpost's four topics."""
    page = luton_page
    open_screen(page, app_server.base_url, "/help?lang=en")
    page.locator("#use-location").click()
    first = page.locator(".app-result").first
    first.wait_for()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/suggestions" in r.url else None)
    first.locator(".app-suggest summary").click()
    assert first.locator(".app-suggest input[type=radio]").count() == 4
    first.locator(".app-suggest label", has_text="The service has closed").click()
    first.locator(".app-suggest textarea").fill("The door was locked on Friday.")
    first.locator(".app-suggest button[type=submit]").click()
    first.get_by_text("Thank you. The team will check this listing.").wait_for()
    assert len(sent) == 1 and re.search(r"/api/v1/services/\d+/suggestions$", sent[0])
    first.screenshot(path=str(artifacts / "pwa-help-suggest.png"))
