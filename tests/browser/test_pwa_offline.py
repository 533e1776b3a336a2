"""Offline first: the worker installs on the first visit, then the app opens with no network."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.shell import open_screen, wait_offline_ready
from tests.conftest import RunningServer

URDU_CARD = "carrying-for-protection"


def test_first_visit_installs_the_worker_and_the_app_then_works_offline(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/?lang=ur")
    wait_offline_ready(page)

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert "ur" == page.get_attribute("html", "lang")
    assert "rtl" == page.get_attribute("html", "dir")
    assert 3 == page.locator(".app-choice").count()
    assert page.locator('.app-help-now a[href="tel:999"]').is_visible()

    open_screen(page, base, f"/cards/{URDU_CARD}")
    assert "rtl" == page.get_attribute("html", "dir")
    assert 1 == page.locator(f'[data-card="{URDU_CARD}"]').count()
    assert page.locator(".app-key-points li").count() >= 3
    assert page.locator(".app-related .app-helpline").count() >= 1

    open_screen(page, base, "/help")
    national = page.locator(".app-national .app-helpline")
    assert national.count() >= 5
    assert page.locator('.app-national a[href="tel:08001111"]').count() == 1

    # A page that is not part of the shell shows the offline page instead of an error.
    page.goto(base + "/present/" + URDU_CARD)
    assert "You are offline" in page.locator("h1").inner_text()


def test_the_last_help_search_opens_offline(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/help?lang=en")
    wait_offline_ready(page)
    last = {
        "label": "LU1",
        "results": [{"id": "s1", "name": "Luton Youth Boxing", "distance_text": "0.4 km"}],
    }
    page.evaluate(f"localStorage.setItem('cc.last-help', JSON.stringify({json.dumps(last)}))")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert "Luton Youth Boxing" in page.locator(".app-help-results").inner_text()
    assert page.locator(".app-help-status").inner_text().startswith("You are offline")


def test_the_worker_deletes_only_its_own_old_caches(page: Any, app_server: RunningServer) -> None:
    base = app_server.base_url
    # The offline page has no script, so no worker yet: plant an old cache and a stranger's.
    page.goto(base + "/offline.html")
    page.evaluate(
        "Promise.all([caches.open('cc-shell-0000000000000000'), caches.open('someone-elses')])"
    )
    open_screen(page, base, "/")
    wait_offline_ready(page)
    names = page.evaluate("caches.keys()")
    assert "someone-elses" in names
    assert "cc-shell-0000000000000000" not in names
    assert any(n.startswith("cc-shell-") for n in names)
    assert "cc-content-v1" in names
    # Help-finder searches and reports are never in the worker's caches.
    kept = page.evaluate(
        "caches.open('cc-content-v1').then(c => c.keys()).then(ks => ks.map(k => k.url))"
    )
    assert not [url for url in kept if "/services/" in url or "/reports" in url]
    assert any(url.endswith("/api/v1/bundle?lang=en") for url in kept)
