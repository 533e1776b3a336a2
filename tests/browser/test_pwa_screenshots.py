"""Screenshots of the app's main screens at 360×740, saved as test artefacts for review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.cli import main
from server.settings import ROOT
from tests.browser.shell import answer_report_steps, open_screen
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


@pytest.fixture(scope="module")
def shots_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Its own server, seeded like `make run`, with room for the reports these shots send."""
    base = tmp_path_factory.mktemp("shots-server")
    data_dir = str(base / "data")
    assert 0 == main(["postcodes", "import", "--data-dir", data_dir])
    demo = ROOT / "content" / "demo" / "luton.json"
    assert 0 == main(["services", "import", str(demo), "--if-empty", "--data-dir", data_dir])
    server = RunningServer(base / "data", base / "server.log", CONSEQUENCES_REPORTS_PER_HOUR="50")
    yield server
    server.stop()


def _both(page: Any, artifacts: Path, name: str) -> list[Path]:
    """The same screen in light and dark, as the phone asks (prefers-color-scheme)."""
    saved = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        target = artifacts / "phone" / f"{name}-{scheme}.png"
        target.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(target))
        assert target.stat().st_size > 1000
        saved.append(target)
    return saved


@pytest.mark.parametrize("lang", ["en", "ur", "so"])
def test_phone_screenshots_light_and_dark(
    page: Any, shots_server: RunningServer, artifacts: Path, lang: str
) -> None:
    base = shots_server.base_url
    open_screen(page, base, f"/?audience=young_person&lang={lang}")
    assert page.locator(".app-card-list__link").first.is_visible()
    _both(page, artifacts, f"home-{lang}")
    open_screen(page, base, f"/cards/if-someone-is-stabbed?lang={lang}")
    assert page.locator(".app-call-999 a[href='tel:999']").is_visible()
    _both(page, artifacts, f"card-{lang}")
    open_screen(page, base, f"/help?lang={lang}")
    page.locator("#postcode").fill("LU1 2BQ")
    page.locator("form:has(#postcode) button[type=submit]").click()
    page.locator(".app-result").first.wait_for()
    page.locator(".app-help-results h2").scroll_into_view_if_needed()
    _both(page, artifacts, f"help-results-{lang}")
    open_screen(page, base, f"/report?lang={lang}")
    assert page.locator("[data-promise]").is_visible()
    answer_report_steps(page)
    page.locator("#send-report").click()
    page.locator(".app-code").wait_for()
    _both(page, artifacts, f"report-sent-{lang}")
