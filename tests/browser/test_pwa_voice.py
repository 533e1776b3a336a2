"""Youth voice in the app: the card's optional question, an unsafe place, You said, we did."""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx

from tests.browser.shell import open_screen, wait_offline_ready
from tests.conftest import RunningServer
from tests.staff_helpers import totp_code

CARD = "carrying-for-protection"


def test_a_card_asks_its_question_at_the_end_and_it_can_be_skipped(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, f"/cards/{CARD}?lang=pl")
    box = page.locator(".app-pulse")
    box.wait_for()
    assert "Noszenie noża sprawia, że jesteś bezpieczniejszy." in box.inner_text()
    page.locator("#pulse-answer-2").check()  # disagree
    box.locator("button[type=submit]").click()
    page.wait_for_selector(".app-pulse [role=status]")
    db = sqlite3.connect(app_server.data_dir / "voice.db")
    try:
        counted = db.execute(
            "SELECT count FROM pulse_app_counts WHERE question = 'knife-makes-you-safer' "
            "AND answer = 'disagree'"
        ).fetchone()
    finally:
        db.close()
    assert counted and counted[0] >= 1
    # Asked once on this phone: the next visit does not ask again.
    open_screen(page, app_server.base_url, f"/cards/{CARD}?lang=pl")
    page.wait_for_timeout(500)
    assert 0 == page.locator(".app-pulse").count()


def test_skipping_stores_nothing(page: Any, app_server: RunningServer) -> None:
    open_screen(page, app_server.base_url, "/cards/telling-someone-anonymously")
    box = page.locator(".app-pulse")
    box.wait_for()
    box.locator("[data-pulse-skip]").click()
    assert 0 == page.locator(".app-pulse form").count()


def test_an_unsafe_place_is_sent_and_only_its_sector_is_shown_back(
    page: Any, app_server: RunningServer
) -> None:
    open_screen(page, app_server.base_url, "/report")
    page.click('a[href="/report/unsafe-place"]')
    page.wait_for_selector("#unsafe-postcode")
    page.locator("label[for=kind-0]").click()
    page.locator("label[for=time_of_day-3]").click()
    page.locator("label[for=when-2]").click()
    page.fill("#unsafe-postcode", "lu1 2bq")
    page.fill("#unsafe-more", "No lights under the bridge.")
    page.click("form button[type=submit]")
    sector = page.locator("[data-sector]")
    sector.wait_for()
    assert "LU1 2" == sector.get_attribute("data-sector")
    assert "2BQ" not in page.locator("main").inner_text().upper()


def test_you_said_we_did_opens_offline(context: Any, page: Any, app_server: RunningServer) -> None:
    base = app_server.base_url
    # Staff publish an update (signed in as the server's test admin through the API).
    from server.staff import StaffService

    staff = StaffService(app_server.data_dir / "reports.db")
    staff.add("test", "ula", "a long staff passphrase", "reviewer")
    staff.close()
    assert app_server.data_dir is not None
    with httpx.Client(base_url=base, timeout=60) as client:  # sign-in runs argon2id
        token = client.get("/api/v1/staff/session").json()["csrf_token"]
        signed_in = client.post(
            "/api/v1/staff/login",
            json={
                "username": "ula",
                "password": "a long staff passphrase",
                "totp": totp_code(app_server.data_dir / "reports.db", "ula"),
            },
            headers={"X-CSRF-Token": token},
        )
        signed_in.raise_for_status()
        token = signed_in.json()["csrf_token"]  # rotated at sign-in, bound to the session
        client.post(
            "/api/v1/staff/updates",
            json={"text": "The park gates now stay lit until 10pm.", "area": "LU2"},
            headers={"X-CSRF-Token": token},
        ).raise_for_status()
    open_screen(page, base, "/?lang=ur")
    wait_offline_ready(page)
    page.wait_for_function(
        "async () => !!(await (await caches.open('cc-content-v1'))"
        ".match('/api/v1/updates?lang=ur'))"
    )
    context.set_offline(True)
    open_screen(page, base, "/said-we-did")
    item = page.locator(".app-updates__item").first
    item.wait_for()
    assert "The park gates now stay lit until 10pm." in item.inner_text()
    # Not yet translated into Urdu: shown in English, marked as English, left to right.
    assert "en" == item.locator("p[lang]").get_attribute("lang")


def test_the_tabs_reach_the_voice_screens_and_quick_exit_forgets_the_asked_questions(
    context: Any, page: Any, app_server: RunningServer
) -> None:
    base = app_server.base_url
    context.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Weather</p>"),
    )
    open_screen(page, base, "/")
    page.click('.app-nav a[href="/more"]')
    page.click('.app-more a[href="/said-we-did"]')
    page.wait_for_url(base + "/said-we-did")
    assert "page" == page.locator('.app-nav a[href="/more"]').get_attribute("aria-current")
    page.click('.app-nav a[href="/report"]')
    page.click('a[href="/report/unsafe-place"]')
    page.wait_for_selector("#unsafe-postcode")
    assert "page" == page.locator('.app-nav a[href="/report"]').get_attribute("aria-current")
    # Skipping a card's question leaves a flag that says which card was read ...
    open_screen(page, base, "/cards/telling-someone-anonymously")
    page.locator(".app-pulse [data-pulse-skip]").click()
    asked = "Object.keys(localStorage).filter((k) => k.startsWith('cc-pulse-asked-'))"
    assert page.evaluate(asked)
    # ... and the quick exit removes it with the rest of the story.
    page.locator("[data-quick-exit]").click()
    page.wait_for_url("https://www.bbc.co.uk/weather")
    check = context.new_page()
    check.goto(base + "/offline.html")
    assert [] == check.evaluate(asked)
    check.close()
