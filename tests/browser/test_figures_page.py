"""The partnership figures page in real Chromium: charts, protected tables, CSV, updates, print."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.migrations import migrate
from server.staff import StaffService
from tests.conftest import RunningServer, make_settings
from tests.staff_helpers import give_team_key, totp_code
from tests.test_voice_staff import seed

PASSWORD = "a long staff passphrase"


@pytest.fixture(scope="module")
def figures_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The real server with one admin and a year (2025) of made-up tallies."""
    base = tmp_path_factory.mktemp("figures-page")
    migrate(base / "data")
    staff = StaffService(base / "data" / "reports.db")
    staff.add("test", "ada", PASSWORD, "admin")
    staff.close()
    give_team_key(base / "data", [("ada", PASSWORD)])
    seed(make_settings(base / "data"))
    server = RunningServer(base / "data", base / "server.log")
    yield server
    server.stop()


def test_the_figures_page(browser: Any, figures_server: RunningServer, artifacts: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    base = figures_server.base_url
    page.goto(base + "/staff")
    page.fill("#username", "ada")
    page.fill("#password", PASSWORD)
    assert figures_server.data_dir is not None
    page.fill("#totp", totp_code(figures_server.data_dir / "reports.db", "ada"))
    page.click("#login-form button[type=submit]")
    page.locator("#report-list, #inbox").first.wait_for()
    page.click("text=Partnership figures")
    page.wait_for_url("**/staff/figures.html")
    page.select_option("#year", "2025")
    page.wait_for_selector("html[data-ready]")
    page.wait_for_function(
        "() => document.querySelectorAll('#report-table td').length > 0"
        " && [...document.querySelectorAll('#charts img')].every(i => i.complete && i.naturalWidth)"
    )
    charts = page.locator("#charts img")
    assert charts.count() >= 3
    cells = page.locator("#report-table td, #place-tables td").all_inner_texts()
    assert "suppressed" in cells
    assert all(c == "suppressed" or (int(c) >= 10 and int(c) % 5 == 0) for c in cells)
    assert page.locator("#csv").get_attribute("href").endswith("year=2025&format=csv")

    page.fill(
        "#update-text", "You told us the underpass was badly lit; the council fixed the lights."
    )
    page.fill("#update-area", "LU1 2")
    page.click("#publish button[type=submit]")
    page.locator("#update-list li").first.wait_for()
    assert "LU1 2" in page.locator("#update-list").inner_text()

    page.screenshot(path=str(artifacts / "staff-figures.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "staff-figures-print.png"), full_page=True)
    assert page.locator("#publish").is_hidden()
    assert [] == csp_errors
    ctx.close()
