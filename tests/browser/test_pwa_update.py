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


def test_a_new_version_is_announced_and_applied_on_reload(page: Any, tmp_path: Path) -> None:
    pwa = tmp_path / "pwa"
    shutil.copytree(ROOT / "pwa", pwa)
    server = _serve(tmp_path, pwa)
    try:
        open_screen(page, server.base_url, "/?lang=en")
        wait_offline_ready(page)
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
