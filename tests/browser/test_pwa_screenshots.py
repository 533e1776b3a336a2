"""Screenshots of the app's main screens at 360×740, saved as test artefacts for review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.shell import open_screen
from tests.conftest import RunningServer

SHOTS = [
    ("home", "/?lang=en"),
    ("home-cards", "/?audience=young_person&lang=en"),
    ("card", "/cards/carrying-for-protection?lang=en"),
    ("card-urdu", "/cards/carrying-for-protection?lang=ur"),
    ("card-bilingual-urdu", "/cards/talking-to-your-child?lang=ur&bilingual=1"),
    ("help", "/help?lang=en"),
    ("report", "/report?lang=en"),
    ("check", "/check?lang=en"),
    ("settings", "/settings?lang=en"),
    ("about", "/about?lang=en"),
    ("glossary", "/glossary?lang=pl"),
]


@pytest.mark.parametrize(("name", "path"), SHOTS, ids=[name for name, _ in SHOTS])
def test_screenshot(
    page: Any, app_server: RunningServer, artifacts: Path, name: str, path: str
) -> None:
    open_screen(page, app_server.base_url, path)
    assert {"width": 360, "height": 740} == page.viewport_size
    target = artifacts / f"pwa-{name}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 1000


def test_screenshot_of_a_report_question(
    page: Any, app_server: RunningServer, artifacts: Path
) -> None:
    open_screen(page, app_server.base_url, "/report?lang=en")
    page.locator("[data-start]").click()
    page.locator("form button[type=submit]").click()
    page.locator(".app-error-summary").wait_for()
    target = artifacts / "pwa-report-question-error.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 1000
