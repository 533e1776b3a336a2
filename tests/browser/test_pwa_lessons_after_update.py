"""A presenter page kept offline still works after an app update: the app's library it
imports without a hash comes from the new shell, not from a stale copy whose hashed imports
the update deleted (the deck would be blank, with no quick exit)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from server.settings import ROOT
from tests.browser.shell import open_screen, wait_offline_ready
from tests.conftest import RunningServer

CARD = "carrying-a-knife-the-law"


def _serve(base: Path, pwa: Path, port: int | None = None) -> RunningServer:
    return RunningServer(
        base / "data", base / "server.log", port=port, CONSEQUENCES_PWA_DIR=str(pwa)
    )


def test_a_presenter_page_opened_before_an_update_works_offline_after_it(
    context: Any, page: Any, tmp_path: Path
) -> None:
    pwa = tmp_path / "pwa"
    shutil.copytree(ROOT / "pwa", pwa)
    server = _serve(tmp_path, pwa)
    try:
        open_screen(page, server.base_url, "/?lang=en")
        wait_offline_ready(page)
        page.goto(f"{server.base_url}/present/{CARD}?lang=en")
        page.wait_for_selector("html[data-ready]")
        open_screen(page, server.base_url, "/?lang=en")
        server.stop()

        # An update that changes store.js: every file importing it gets a new address.
        store = pwa / "assets" / "js" / "store.js"
        store.write_text(store.read_text() + "\nexport const updated = true;\n")
        server = _serve(tmp_path, pwa, port=server.port)
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        page.locator("#notice-update").wait_for()
        page.reload()
        page.wait_for_selector("html[data-ready]")

        # Weeks later the browser's HTTP cache may no longer hold the old hashed files.
        context.new_cdp_session(page).send("Network.clearBrowserCache")
        context.set_offline(True)
        page.goto(f"{server.base_url}/present/{CARD}?lang=en")
        page.wait_for_selector("html[data-ready]", timeout=10_000)
        exit_button = page.locator("[data-quick-exit]")
        assert exit_button.is_visible()
    finally:
        server.stop()
