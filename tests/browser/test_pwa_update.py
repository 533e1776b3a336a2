"""A new version of the app is announced while it is open and used from the next reload."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from server.settings import ROOT
from tests.browser.shell import open_screen, wait_offline_ready
from tests.conftest import RunningServer


def _serve(base: Path, pwa: Path, port: int | None = None) -> RunningServer:
    # Given a port, the same origin again, so the browser sees an update, not a new app.
    return RunningServer(
        base / "data", base / "server.log", port=port, CONSEQUENCES_PWA_DIR=str(pwa)
    )


def _open_a_copy(page: Any, tmp_path: Path) -> tuple[Path, RunningServer]:
    """The app served from a copy of pwa/ (to change as an update would), opened and ready
    offline."""
    pwa = tmp_path / "pwa"
    shutil.copytree(ROOT / "pwa", pwa)
    server = _serve(tmp_path, pwa)
    open_screen(page, server.base_url, "/?lang=en")
    wait_offline_ready(page)
    return pwa, server


def test_a_new_version_is_announced_and_applied_on_reload(page: Any, tmp_path: Path) -> None:
    pwa, server = _open_a_copy(page, tmp_path)
    try:
        old_css = page.get_attribute("link[rel=stylesheet]", "href")
        server.stop()

        css = pwa / "assets" / "app.css"
        css.write_text(css.read_text() + "\n.app-new-version { display: block; }\n")
        server = _serve(tmp_path, pwa, port=server.port)
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        notice = page.locator("#notice-update")
        notice.wait_for()
        assert "new version" in notice.inner_text()
        # The open page keeps running as it is until the reload.
        assert old_css == page.get_attribute("link[rel=stylesheet]", "href")

        page.reload()
        page.wait_for_selector("html[data-ready]")
        new_css = page.get_attribute("link[rel=stylesheet]", "href")
        assert old_css != new_css
        names = page.evaluate("caches.keys()")
        assert 1 == len([n for n in names if n.startswith("cc-shell-")])
    finally:
        server.stop()


def _main_frame_loads(page: Any) -> list[str]:
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    return loads


def _open_a_card(page: Any) -> None:
    page.locator('.app-choice[href="/?audience=young_person"]').click()
    page.locator(".app-card-list__link").first.click()
    page.wait_for_function("() => location.pathname.startsWith('/cards/')")


def test_a_page_opened_before_an_update_still_opens_a_card(page: Any, tmp_path: Path) -> None:
    """The new worker takes over at once and deletes the old shell, so the open page's
    card screen code, at its old address, is gone: the page reloads once and shows the card."""
    pwa, server = _open_a_copy(page, tmp_path)
    try:
        server.stop()

        card = pwa / "assets" / "js" / "card.js"
        card.write_text(card.read_text() + "\nexport const updated = true;\n")
        server = _serve(tmp_path, pwa, port=server.port)
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        page.locator("#notice-update").wait_for()  # the old shell's cache is gone now
        # The browser's own cache may still hold the old files (the old worker fetched them
        # to precache them); on a phone short of space they are long gone.
        page.context.new_cdp_session(page).send("Network.clearBrowserCache")
        page.evaluate("window.beforeTheUpdate = true")
        loads = _main_frame_loads(page)

        _open_a_card(page)
        page.wait_for_selector("[data-card] h1")
        assert page.locator("[data-card] h1").inner_text()
        assert [page.url] == loads  # reloaded once, at the card's address
        assert page.evaluate("window.beforeTheUpdate") is None
        assert "/cards/" in page.url
    finally:
        server.stop()


def test_a_screen_whose_code_never_loads_reloads_the_page_only_once(
    browser: Any, app_server: RunningServer
) -> None:
    # No worker, so every request reaches Playwright: the card screen's code is always 404.
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    page = ctx.new_page()
    asked: list[str] = []

    def missing(route: Any) -> None:
        asked.append(route.request.url)
        route.fulfill(status=404, body="")

    page.route("**/assets/js/card.js?v=*", missing)
    open_screen(page, app_server.base_url, "/?lang=en")
    loads = _main_frame_loads(page)
    _open_a_card(page)
    page.wait_for_function("() => performance.getEntriesByType('navigation')[0].type === 'reload'")
    page.wait_for_timeout(2000)  # time for a second reload, which must not come
    assert 1 == len(loads)
    assert asked
    assert "/cards/" in page.url
    ctx.close()
