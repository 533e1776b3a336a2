"""The staff page's listings queue in real Chromium (issue 15): a suggested change sent from
the app's API reaches it, apart from the reports, with the synced sources, and is marked done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.cli import main
from server.migrations import migrate
from server.settings import ROOT
from server.staff import StaffService
from tests.conftest import RunningServer
from tests.staff_helpers import give_team_key, totp_code

PASSWORD = "a long staff passphrase"
TEXT = '<img src=x onerror="window.__pwned = 1"> the club moved to Leagrave'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    base = tmp_path_factory.mktemp("staff-listings")
    migrate(base / "data")
    demo = ROOT / "content" / "demo" / "luton.json"
    assert 0 == main(["services", "import", str(demo), "--data-dir", str(base / "data")])
    staff = StaffService(base / "data" / "reports.db")
    staff.add("test", "ada", PASSWORD, "admin")
    staff.close()
    give_team_key(base / "data", [("ada", PASSWORD)])
    running = RunningServer(base / "data", base / "server.log")
    yield running
    running.stop()


def test_a_suggestion_reaches_the_listings_queue(
    page: Any, server: RunningServer, artifacts: Path
) -> None:
    base = server.base_url
    nearby = httpx.get(base + "/api/v1/services/nearby", params={"lat": 51.88, "lon": -0.42})
    service = nearby.json()["results"][0]
    sent = httpx.post(
        f"{base}/api/v1/services/{service['id']}/suggestions",
        json={"topic": "out_of_date", "text": TEXT},
    )
    assert sent.status_code == 201
    page.goto(base + "/staff")
    page.fill("#username", "ada")
    page.fill("#password", PASSWORD)
    assert server.data_dir is not None
    page.fill("#totp", totp_code(server.data_dir / "reports.db", "ada"))
    page.click("#login-form button[type=submit]")
    item = page.locator("#listing-list li").first
    item.wait_for()
    assert service["name"] in item.inner_text()
    assert "Something is out of date" in item.inner_text()
    assert TEXT in item.inner_text()  # shown as text, never as HTML
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#listings h2").first.inner_text() == "Suggested changes to listings"
    page.screenshot(path=str(artifacts / "staff-listings.png"), full_page=True)
    item.get_by_role("button", name="Mark done").click()
    # Marked done, it leaves the queue.
    page.locator("#listing-list li", has_text="–").wait_for()
    assert service["name"] not in page.locator("#listing-list").inner_text()
