"""'Report a mistake' in real Chromium: from a card, in the reader's language, to the staff
queue (and marked done there), with nothing about the sender kept."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.migrations import migrate
from server.staff import StaffService
from tests.browser.shell import open_screen
from tests.conftest import RunningServer
from tests.staff_helpers import give_team_key, totp_code

PASSWORD = "a long staff passphrase"
CARD = "your-future"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    base = tmp_path_factory.mktemp("mistake")
    migrate(base / "data")
    staff = StaffService(base / "data" / "reports.db")
    staff.add("test", "rey", PASSWORD, "reviewer")
    staff.close()
    give_team_key(base / "data", [("rey", PASSWORD)])
    running = RunningServer(base / "data", base / "server.log")
    yield running
    running.stop()


def stored(server: RunningServer) -> list[tuple[Any, ...]]:
    assert server.data_dir is not None
    conn = sqlite3.connect(server.data_dir / "reports.db")
    rows = conn.execute(
        "SELECT kind, target, target_id, lang, text, done FROM content_feedback ORDER BY id"
    ).fetchall()
    conn.close()
    return rows


def test_report_a_mistake_from_a_card_and_staff_mark_it_done(
    page: Any, server: RunningServer, artifacts: Path
) -> None:
    open_screen(page, server.base_url, f"/cards/{CARD}?lang=pl")
    card = page.locator(f"details[data-mistake='card:{CARD}']")
    # Every helpline on the card has its own link too.
    assert page.locator("details[data-mistake^='helpline:']").count() >= 3
    card.locator("summary").click()
    assert "Zgłoś błąd" == card.locator("summary").inner_text()
    form = card.locator("form")
    # Nothing is sent until the reader says what is wrong.
    form.get_by_role("button", name="Wyślij").click()
    assert [] == stored(server)
    form.get_by_label("Tłumaczenie jest błędne lub niejasne").check()
    form.locator("textarea").fill("Słowo „spent” jest niejasne.")
    form.get_by_role("button", name="Wyślij").click()
    page.get_by_text("Dziękujemy. Sprawdzimy to.").wait_for()
    card.screenshot(path=str(artifacts / "mistake-sent-pl.png"))
    assert [("bad_translation", "card", CARD, "pl", "Słowo „spent” jest niejasne.", 0)] == stored(
        server
    )

    page.goto(server.base_url + "/staff")
    page.fill("#username", "rey")
    page.fill("#password", PASSWORD)
    assert server.data_dir is not None
    page.fill("#totp", totp_code(server.data_dir / "reports.db", "rey"))
    page.click("#login-form button[type=submit]")
    page.locator("#inbox").wait_for()
    queue = page.locator("details#feedback")
    queue.locator("summary").click()
    entry = page.locator("#feedback-list li").first
    entry.wait_for()
    assert "Your future: how a criminal record can follow you" in entry.inner_text()
    assert "Słowo „spent” jest niejasne." in entry.inner_text()
    entry.get_by_role("button", name="Mark as done").click()
    page.get_by_text("Nothing to check.").wait_for()
    assert 1 == stored(server)[0][5]
