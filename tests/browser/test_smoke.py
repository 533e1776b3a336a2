"""The shell loads in real Chromium from the real server."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningServer


def test_home_page_loads(page: Any, app_server: RunningServer) -> None:
    page.goto(app_server.base_url + "/")
    assert page.locator("h1").first.inner_text()
    assert page.locator('a[href="tel:999"]').count() >= 1
