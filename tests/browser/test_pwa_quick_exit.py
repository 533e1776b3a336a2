"""Quick exit: by button and by Shift three times, to the neutral site, forgetting the story."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.shell import STORY_KEYS, open_screen, stored_keys, wait_offline_ready
from tests.conftest import RunningServer

NEUTRAL = "https://www.bbc.co.uk/weather"


@pytest.fixture
def neutral_site(context: Any) -> Iterator[list[str]]:
    """Stands in for the neutral site (there is no internet here) and records its visits."""
    visits: list[str] = []

    def answer(route: Any) -> None:
        visits.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Weather</title>")

    context.route("https://www.bbc.co.uk/**", answer)
    yield visits


def _leave_a_story(page: Any) -> None:
    page.evaluate(
        """() => {
        const waiting = [{key: 'k', report: {what_happened: 'x'}}];
        localStorage.setItem('cc.queue', JSON.stringify(waiting));
        localStorage.setItem('cc.last-help', JSON.stringify({label: 'LU1', results: []}));
        localStorage.setItem('cc.codes', JSON.stringify(['ABCD-1234']));
        sessionStorage.setItem('draft', 'typed text');
    }"""
    )


def _app_storage_after_exit(context: Any, base: str) -> tuple[list[str], int]:
    check = context.new_page()
    check.goto(base + "/offline.html")  # the app's origin, without running the app
    keys = list(check.evaluate("Object.keys(localStorage)"))
    session = int(check.evaluate("sessionStorage.length"))
    check.close()
    return keys, session


def test_the_quick_exit_button_leaves_at_once_and_forgets(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str]
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/report")
    _leave_a_story(page)
    assert set(STORY_KEYS) <= set(stored_keys(page))
    button = page.locator("[data-quick-exit]")
    assert "Quick exit, leave this app now" == button.evaluate("el => el.textContent")
    button.click()
    page.wait_for_url(NEUTRAL)
    assert [NEUTRAL] == neutral_site
    keys, _ = _app_storage_after_exit(context, base)
    assert not set(STORY_KEYS) & set(keys)
    # location.replace: Back does not return to the app.
    page.go_back()
    assert not page.url.startswith(base)


def test_shift_three_times_leaves_and_forgets(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str]
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/help")
    page.evaluate("localStorage.setItem('cc.last-help', JSON.stringify({label: 'LU1'}))")
    page.locator("#postcode").fill("LU1 2AB")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL)
    keys, session = _app_storage_after_exit(context, base)
    assert "cc.last-help" not in keys
    assert 0 == session
    page.go_back()
    assert not page.url.startswith(base)


def test_shift_with_other_keys_between_does_not_leave(
    page: Any, app_server: RunningServer, neutral_site: list[str]
) -> None:
    open_screen(page, app_server.base_url, "/help")
    page.locator("#postcode").click()
    # Typing capitals uses Shift too; only three Shift presses in a row leave.
    page.keyboard.press("Shift")
    page.keyboard.type("LU")
    page.keyboard.press("Shift")
    page.keyboard.type("1")
    page.keyboard.press("Shift")
    assert page.url.startswith(app_server.base_url)
    assert [] == neutral_site


NEUTRAL_TITLE = "Consequences Card"
# A speech engine that records what it is asked (headless Chromium has no voices).
FAKE_SPEECH = """
(() => {
  const log = { spoken: [], cancels: 0, pauses: 0 };
  window.__speech = log;
  class FakeUtterance { constructor(text) { this.text = text; } }
  const synth = {
    speaking: false,
    onvoiceschanged: null,
    getVoices: () => [{ lang: "en-GB", name: "Test" }, { lang: "ur-PK", name: "Test ur" }],
    speak(u) {
      log.spoken.push(u.text); this.speaking = true; log.current = u;
      setTimeout(() => u.onstart && u.onstart(), 0);
    },
    cancel() { log.cancels += 1; this.speaking = false; },
    pause() { log.pauses += 1; },
    resume() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = FakeUtterance;
})();
"""


def _history(page: Any) -> tuple[int, str]:
    return int(page.evaluate("history.length")), str(page.evaluate("document.title"))


def _tab(page: Any, href: str) -> None:
    page.locator(f'.app-nav a[href="{href}"]').click()
    page.wait_for_function(f"() => location.pathname === '{href}'")


@pytest.mark.parametrize("how", ["button", "shift"])
def test_after_any_path_through_the_app_back_does_not_show_it(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str], how: str
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/?lang=en")
    start = _history(page)
    assert NEUTRAL_TITLE == start[1]
    page.locator('.app-choice[href="/?audience=young_person"]').click()
    page.locator(".app-card-list__link").first.click()
    page.wait_for_selector("[data-card]")
    assert start == _history(page)  # a card: still one entry, still a neutral title
    _tab(page, "/help")
    assert start == _history(page)
    _tab(page, "/report")
    assert start == _history(page)
    page.locator("[data-start]").click()
    page.wait_for_url("**/report?step=danger")
    assert start == _history(page)
    # The app's own back link walks back through the screens without touching history.
    page.locator(".app-back-link").click()
    page.wait_for_function("() => location.pathname === '/report' && !location.search")
    page.locator("[data-app-back]").click()
    page.wait_for_function("() => location.pathname === '/help'")
    assert start == _history(page)
    if how == "button":
        page.locator("[data-quick-exit]").click()
    else:
        page.locator("body").click(position={"x": 5, "y": 300})
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL)
    page.go_back()
    assert not page.url.startswith(base)
    assert "Weather" != page.title() or page.url == "about:blank"


def test_quick_exit_stops_speech_and_leaving_a_card_stops_it_too(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str]
) -> None:
    context.add_init_script(FAKE_SPEECH)
    base = app_server.base_url
    open_screen(page, base, "/cards/if-someone-is-stabbed?lang=en")
    page.locator("[data-read-aloud]").click()
    # Sentence by sentence: the first thing said is the title, on its own.
    page.wait_for_function("() => window.__speech.spoken.length === 1")
    first = page.evaluate("window.__speech.spoken[0]")
    assert first == page.locator("h1").inner_text()
    page.wait_for_selector("h1.app-speaking")
    # The next utterance is the summary's first sentence, and it is now the highlighted one.
    page.evaluate("window.__speech.current.onend()")
    page.wait_for_function("() => window.__speech.spoken.length === 2")
    assert (
        page.locator(".app-lead")
        .inner_text()
        .startswith(page.evaluate("window.__speech.spoken[1]"))
    )
    assert 1 == page.locator(".app-speaking").count()
    page.locator("[data-pause-reading]").click()
    assert 1 == page.evaluate("window.__speech.pauses")
    before = page.evaluate("window.__speech.cancels")
    _tab(page, "/help")
    assert page.evaluate("window.__speech.cancels") > before  # a new screen: silence
    open_screen(page, base, "/cards/if-someone-is-stabbed?lang=en")
    page.locator("[data-read-aloud]").click()
    page.wait_for_function("() => window.__speech.spoken.length === 1")
    page.locator("[data-stop-reading]").click()
    assert page.locator("[data-read-aloud]").is_visible()  # stopped: Read aloud again
    page.locator("[data-read-aloud]").click()
    # Mark the moment speech is cancelled, in storage the quick exit does not clear.
    page.evaluate(
        "() => { const c = speechSynthesis.cancel.bind(speechSynthesis);"
        " speechSynthesis.cancel = () => { c(); localStorage.setItem('x-exit-cancel', '1'); }; }"
    )
    page.locator("[data-quick-exit]").click()
    page.wait_for_url(NEUTRAL)
    check = context.new_page()
    check.goto(base + "/offline.html")
    # The quick exit cancelled speech before it forgot anything (the marker shows it ran).
    assert "1" == check.evaluate("localStorage.getItem('x-exit-cancel')")
    check.close()


def test_quick_exit_forgets_the_draft_report(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str]
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/report?lang=en")
    page.locator("[data-start]").click()
    page.locator("label[for='danger-1']").click()
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/report?step=category")
    page.evaluate(
        "document.addEventListener('app:quick-exit', () => "
        "localStorage.setItem('x-draft-cleared', '1'))"
    )
    page.locator("[data-quick-exit]").click()
    page.wait_for_url(NEUTRAL)
    keys, session = _app_storage_after_exit(context, base)
    assert not set(STORY_KEYS) & set(keys)
    assert 0 == session
    # Back in the app later: no half-made report to find.
    again = context.new_page()
    open_screen(again, base, "/report?step=category&lang=en")
    assert 1 == again.locator("[data-start]").count()
    again.close()


@pytest.mark.parametrize("kind", ["present", "print"])
def test_presenter_and_print_pages_have_the_quick_exit(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str], kind: str
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/cards/if-someone-is-stabbed?lang=ur")
    page.locator(f'a[href^="/{kind}/"]').click()
    page.wait_for_selector("html[data-ready]")
    assert NEUTRAL_TITLE == page.title()
    button = page.locator("[data-quick-exit]")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert "Consequences Card" != button.inner_text()
    assert "ur" == page.get_attribute("html", "lang")
    if kind == "present":
        button.click()
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL)
    page.go_back()
    assert not page.url.startswith(base)


@pytest.mark.parametrize(
    "path", ["/cards/if-someone-is-stabbed?lang=so", "/help?lang=ur", "/about"]
)
def test_at_200_percent_zoom_the_quick_exit_stays_in_reach(
    browser: Any, app_server: RunningServer, path: str
) -> None:
    # 200% zoom on a 360×740 phone leaves 180×370 CSS pixels.
    ctx = browser.new_context(viewport={"width": 180, "height": 370}, device_scale_factor=2)
    page = ctx.new_page()
    open_screen(page, app_server.base_url, path)
    for where in ("0", "document.body.scrollHeight / 2", "document.body.scrollHeight"):
        page.evaluate(f"window.scrollTo(0, {where})")
        box = page.locator("[data-quick-exit]").bounding_box()
        assert box is not None
        assert 0 <= box["y"] and box["y"] + box["height"] <= 370
        assert 0 <= box["x"] and box["x"] + box["width"] <= 180
    ctx.close()


def _hold(page: Any, held: dict[str, Any], name: str) -> None:
    """Wait (letting Playwright run its handlers) until the request `name` is being held."""
    for _ in range(200):
        if name in held:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{name} was never asked for")


@pytest.mark.parametrize("answer", ["search", "card question"])
def test_an_answer_that_arrives_after_the_quick_exit_is_not_kept(
    context: Any, page: Any, app_server: RunningServer, answer: str
) -> None:
    """A slow signal: the search (or the card question's answer) is still on its way when
    Quick exit is pressed, and the neutral site is slow to open too. What arrives in the
    meantime must not write back the place searched or the card read."""
    base = app_server.base_url
    held: dict[str, Any] = {}
    context.route("https://www.bbc.co.uk/**", lambda route: held.setdefault("exit", route))
    if answer == "search":
        page.route("**/api/v1/services/nearby?*", lambda route: held.setdefault("answer", route))
        open_screen(page, base, "/help?lang=en")
        page.locator("#postcode").fill("LU1 1AA")
        page.get_by_role("button", name="Search").click()
    else:
        page.route("**/api/v1/pulse/answers", lambda route: held.setdefault("answer", route))
        open_screen(page, base, "/cards/telling-someone-anonymously?lang=en")
        page.locator("#pulse-answer-0").check()
        page.locator(".app-pulse button[type=submit]").click()
    _hold(page, held, "answer")
    # Tapped from the page itself: Playwright's click would wait for the held navigation.
    page.evaluate("document.querySelector('[data-quick-exit]').click()")
    # Leaving, but the old page runs on until the neutral site answers (Playwright cannot
    # evaluate in it meanwhile, so what it stored is checked afterwards).
    _hold(page, held, "exit")
    with page.expect_event("requestfinished", lambda r: r.url == held["answer"].request.url):
        held["answer"].continue_()
    page.wait_for_timeout(500)  # time enough for the old page to store what came back
    held["exit"].fulfill(status=200, content_type="text/html", body="<title>Weather</title>")
    page.wait_for_url(NEUTRAL)
    # Back on the app's origin in the same tab (its session storage too): nothing came back.
    page.goto(base + "/offline.html")
    written = "Object.keys(localStorage).filter((k) => k !== 'cc.settings')"
    assert [] == page.evaluate(written)
    assert 0 == page.evaluate("sessionStorage.length")


PAGES_CACHE_URLS = (
    "caches.open('cc-pages-v1').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
)


@pytest.mark.parametrize("kind", ["present", "print"])
def test_quick_exit_forgets_the_presenter_and_print_pages_the_worker_kept(
    context: Any, page: Any, app_server: RunningServer, neutral_site: list[str], kind: str
) -> None:
    base = app_server.base_url
    open_screen(page, base, "/?lang=en")
    wait_offline_ready(page)
    page.goto(f"{base}/{kind}/if-someone-is-stabbed?lang=en")
    page.wait_for_selector("html[data-ready]")
    kept = page.evaluate(PAGES_CACHE_URLS)
    assert f"{base}/{kind}/if-someone-is-stabbed?lang=en" in kept
    assert any("qr.svg?path=%2Fcards%2Fif-someone-is-stabbed" in url for url in kept), kept
    page.locator("[data-quick-exit]").click()
    page.wait_for_url(NEUTRAL)
    check = context.new_page()
    check.goto(base + "/offline.html")
    check.wait_for_function("() => caches.keys().then((names) => names.length > 0)")
    names = check.evaluate("caches.keys()")
    assert "cc-pages-v1" not in names
    assert [] == check.evaluate(PAGES_CACHE_URLS)
    # The app itself still opens offline: only the pages that name a card went.
    assert any(name.startswith("cc-shell-") for name in names)
    check.close()


@pytest.mark.parametrize("how", ["button", "shift"])
def test_the_pupils_pulse_page_has_the_quick_exit(
    browser: Any, app_server: RunningServer, how: str
) -> None:
    base = app_server.base_url
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="ur-PK")
    visits: list[str] = []

    def answer(route: Any) -> None:
        visits.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Weather</title>")

    ctx.route("https://www.bbc.co.uk/**", answer)
    page = ctx.new_page()
    opened = page.request.post(
        base + "/api/v1/pulse/sessions", data={"card_id": "lesson-plan-50-minutes"}
    )
    assert opened.ok
    code = opened.json()["code"]
    page.goto(f"{base}/pulse/{code}")
    page.wait_for_selector("form.pulse__form")
    # What answering keeps in this tab (not sent here: the class session test counts every
    # answer to this card's question on the shared server).
    page.evaluate(f"sessionStorage.setItem('pulse-done-{code}-before', '1')")
    button = page.locator("[data-quick-exit]")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    # In the phone's language, and it does not cover the page's title.
    words = page.request.get(base + "/api/v1/messages?lang=ur").json()["messages"]
    assert words["quick_exit.label"] == button.locator("[data-msg='quick_exit.label']").inner_text()
    title = page.locator(".pulse__title").bounding_box()
    assert title["y"] >= box["y"] + box["height"]
    if how == "button":
        button.click()
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL)
    assert [NEUTRAL] == visits
    page.go_back()
    assert not page.url.startswith(base)
    page.goto(base + "/offline.html")  # the same tab, back on the origin: nothing kept
    assert 0 == page.evaluate("sessionStorage.length")
    ctx.close()
