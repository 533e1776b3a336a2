"""Presenter mode in real Chromium: keyboard and clicker navigation, notes, no report UI, QR."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from tests.conftest import RunningServer

LESSON = "lesson-plan-50-minutes"


@pytest.fixture
def projector(browser: Any) -> Iterator[Any]:
    """A page the size of a classroom projector (16:9)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    yield page
    ctx.close()


def card(server: RunningServer, card_id: str = LESSON, lang: str = "en") -> dict[str, Any]:
    response = httpx.get(f"{server.base_url}/api/v1/cards/{card_id}", params={"lang": lang})
    response.raise_for_status()
    return dict(response.json())


def expected_slides(c: dict[str, Any]) -> int:
    return (
        1  # title
        + (1 if c["learning_objectives"] else 0)
        + (0 if c["audience"] == "teacher" else 1)  # key points (a teacher's are notes)
        + len(c["sections"])
        + len(c["scenarios"])
        + len(c["discussion_questions"])
        + 1  # where to get help
        + 1  # closing slide with the QR codes
    )


def open_deck(page: Any, server: RunningServer, card_id: str = LESSON, lang: str = "en") -> None:
    page.goto(f"{server.base_url}/present/{card_id}?lang={lang}")
    page.wait_for_selector("html[data-ready]")


def current(page: Any) -> Any:
    return page.locator("section.slide:not([hidden])")


def slide_number(page: Any) -> int:
    return int(page.locator("body").get_attribute("data-slide"))


def test_keyboard_and_clicker_keys_move_between_slides(
    projector: Any, app_server: RunningServer
) -> None:
    lesson = card(app_server)
    total = expected_slides(lesson)
    open_deck(projector, app_server)
    assert 1 == current(projector).count()
    assert lesson["title"] == current(projector).locator("h1").inner_text()
    assert f"Slide 1 of {total}" == projector.locator("[data-progress-text]").inner_text()

    for key, expected in [
        ("ArrowRight", 2),
        ("PageDown", 3),  # what most presentation clickers send
        ("Space", 4),
        ("ArrowDown", 5),
        ("ArrowLeft", 4),
        ("PageUp", 3),
        ("Shift+Space", 2),
        ("End", total),
        ("PageDown", total),  # stays on the last slide
        ("Home", 1),
        ("ArrowLeft", 1),  # stays on the first
    ]:
        projector.keyboard.press(key)
        assert expected == slide_number(projector), f"after {key}"
        assert 1 == current(projector).count()

    projector.keyboard.press("ArrowRight")
    projector.keyboard.press("ArrowRight")
    assert lesson["sections"][0]["heading"] == current(projector).locator("h2").inner_text()
    assert 3 == projector.locator("[data-progress]").evaluate("p => p.value")
    assert f"Slide 3 of {total}" == projector.locator("[data-progress-text]").inner_text()


def test_buttons_move_and_the_position_survives_a_reload(
    projector: Any, app_server: RunningServer
) -> None:
    open_deck(projector, app_server)
    projector.get_by_role("button", name="Next slide").click()
    projector.get_by_role("button", name="Next slide").click()
    projector.get_by_role("button", name="Previous slide").click()
    assert 2 == slide_number(projector)
    projector.reload()
    projector.wait_for_selector("html[data-ready]")
    assert 2 == slide_number(projector)


def open_presenter_view(page: Any, projector: Any) -> Any:
    """Press N on the projected deck; the presenter view opens in a second window."""
    with page.context.expect_page() as opened:
        projector.keyboard.press("n")
    view = opened.value
    view.wait_for_selector("html[data-ready]")
    return view


def test_the_projected_deck_never_shows_notes_the_presenter_view_does(
    projector: Any, app_server: RunningServer, artifacts: Path
) -> None:
    lesson = card(app_server)
    first_note = lesson["sections"][0]["notes"][0]
    open_deck(projector, app_server)
    # Title, objectives, then the first section, which has notes.
    for _ in range(2):
        projector.keyboard.press("PageDown")
    notes = current(projector).locator("[data-notes]")
    assert 1 == notes.count()
    assert notes.is_hidden()
    button = projector.locator('[data-action="notes"]')
    assert "Open presenter view" == button.inner_text()

    view = open_presenter_view(projector, projector)
    assert "presenter" in (view.locator("body").get_attribute("class") or "")
    view_notes = current(view).locator("[data-notes]")
    assert view_notes.is_visible()
    assert first_note in view_notes.inner_text()
    # A lesson plan's instructions for the teacher are notes too, not on the projected slide.
    instruction = lesson["sections"][0]["paragraphs"][0]
    assert instruction in view_notes.inner_text()
    assert instruction not in current(projector).inner_text()
    assert notes.is_hidden()  # still hidden on the projector
    # Both windows start on the same slide, and stay in step either way.
    assert slide_number(projector) == slide_number(view)
    view.keyboard.press("PageDown")
    projector.wait_for_function(f"() => document.body.dataset.slide === '{slide_number(view)}'")
    projector.keyboard.press("PageDown")
    view.wait_for_function(f"() => document.body.dataset.slide === '{slide_number(projector)}'")
    # The next slide and a running timer.
    assert view.locator("[data-next-slide] h2").inner_text()
    assert view.locator("[data-next-slide] [data-notes]").count() == 0
    assert view.locator("[data-timer]").inner_text().startswith("0:0")
    view.screenshot(path=str(artifacts / "present-presenter-view.png"))
    projector.screenshot(path=str(artifacts / "present-projected.png"))
    view.close()


def test_a_lesson_projects_what_the_class_reads_and_keeps_instructions_in_the_notes(
    projector: Any, app_server: RunningServer
) -> None:
    lesson = card(app_server)
    kinds = [section["for"] for section in lesson["sections"]]
    assert "teacher" in kinds and None in kinds
    open_deck(projector, app_server)
    projector.keyboard.press("PageDown")  # past the title, to the objectives
    for section in lesson["sections"]:
        projector.keyboard.press("PageDown")
        slide = current(projector)
        assert section["heading"] == slide.locator("h2").inner_text()
        projected = slide.inner_text()  # the notes are hidden, so not in it
        notes = slide.locator("[data-notes]").text_content() if section["notes"] else ""
        for paragraph in section["paragraphs"]:
            if section["for"] == "teacher":
                assert paragraph not in projected and paragraph in notes
            else:
                assert paragraph in projected and paragraph not in notes
        for note in section["notes"]:
            assert note not in projected and note in notes


def test_a_teacher_cards_key_points_are_notes_not_a_slide(
    projector: Any, app_server: RunningServer
) -> None:
    lesson = card(app_server)
    open_deck(projector, app_server)
    assert 0 == projector.locator('section[data-slide="key-points"]').count()
    notes = current(projector).locator("[data-notes]")
    assert notes.is_hidden()
    view = open_presenter_view(projector, projector)
    view_notes = current(view).locator("[data-notes]")
    assert lesson["key_points"] == view_notes.locator("li").all_inner_texts()
    view.close()


def test_slides_can_be_swiped(browser: Any, app_server: RunningServer) -> None:
    ctx = browser.new_context(viewport={"width": 800, "height": 450}, has_touch=True)
    page = ctx.new_page()
    open_deck(page, app_server)
    deck = page.locator("#deck")

    def swipe(dx: int) -> None:
        deck.evaluate(
            """(el, dx) => {
            const touch = (x) => new Touch({identifier: 1, target: el, clientX: x, clientY: 200});
            el.dispatchEvent(new TouchEvent('touchstart', {changedTouches: [touch(400)]}));
            el.dispatchEvent(new TouchEvent('touchend', {changedTouches: [touch(400 + dx)]}));
        }""",
            dx,
        )

    swipe(-200)
    assert 2 == slide_number(page)
    swipe(200)
    assert 1 == slide_number(page)
    ctx.close()


def test_a_parent_card_shows_its_key_points_and_has_no_notes_button(
    projector: Any, app_server: RunningServer
) -> None:
    parents = card(app_server, "knife-law-for-parents")
    open_deck(projector, app_server, "knife-law-for-parents")
    key_points = projector.locator('section[data-slide="key-points"] li')
    assert parents["key_points"] == key_points.all_inner_texts()
    assert projector.locator('[data-action="notes"]').is_hidden()


def test_scenarios_are_choices_to_discuss_with_no_scores(
    projector: Any, app_server: RunningServer
) -> None:
    lesson = card(app_server)
    open_deck(projector, app_server)
    scenarios = projector.locator('section[data-slide="scenario"]')
    assert len(lesson["scenarios"]) == scenarios.count()
    for i, scenario in enumerate(lesson["scenarios"]):
        slide = scenarios.nth(i)
        assert "What would you do?" == slide.locator("h2").inner_text()
        assert scenario["situation"] == slide.locator(".slide__situation").inner_text()
        assert scenario["choices"] == slide.locator(".slide__choices li").all_inner_texts()
        # Choices are for talking about: nothing to click, nothing marked right or wrong.
        assert 0 == slide.locator("button, input, [data-correct], [data-score]").count()
        assert "score" not in slide.inner_text().lower()


def test_each_discussion_question_has_its_own_slide(
    projector: Any, app_server: RunningServer
) -> None:
    lesson = card(app_server)
    open_deck(projector, app_server)
    questions = projector.locator('section[data-slide="question"] .slide__question')
    assert lesson["discussion_questions"] == questions.all_inner_texts()


def test_presenter_mode_has_no_report_form_and_nothing_personal(
    projector: Any, app_server: RunningServer
) -> None:
    open_deck(projector, app_server)
    assert 0 == projector.locator("form, input, textarea, select").count()
    assert 0 == projector.locator('a[href*="/report"], a[href*="/check"]').count()
    text = projector.locator("body").inner_text().lower()
    assert "follow-up" not in text
    assert "tell someone" not in text
    # Nothing is stored about the class or the teacher.
    assert "" == projector.evaluate("document.cookie")
    assert 0 == projector.evaluate("localStorage.length + sessionStorage.length")


def decode_image(element: Any) -> list[str]:
    image = Image.open(io.BytesIO(element.screenshot()))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_closing_slide_qr_codes_open_the_card_and_help_in_the_lesson_language(
    projector: Any, app_server: RunningServer, artifacts: Path
) -> None:
    open_deck(projector, app_server, lang="ur")
    assert "rtl" == projector.locator("html").get_attribute("dir")
    assert "ur" == projector.locator("html").get_attribute("lang")
    projector.keyboard.press("End")
    closing = current(projector)
    assert "closing" == closing.get_attribute("data-slide")
    codes = closing.locator("img.qr")
    assert 2 == codes.count()
    assert [f"{app_server.base_url}/cards/{LESSON}?lang=ur"] == decode_image(codes.nth(0))
    assert [f"{app_server.base_url}/help?lang=ur"] == decode_image(codes.nth(1))
    projector.screenshot(path=str(artifacts / "present-closing-qr-ur.png"))


def test_slides_fit_the_screen_in_every_layout_language(
    projector: Any, app_server: RunningServer, artifacts: Path
) -> None:
    for lang in ("en", "ur", "bn"):
        open_deck(projector, app_server, lang=lang)
        total = expected_slides(card(app_server, lang=lang))
        for _ in range(total):
            overflow = current(projector).evaluate("s => s.scrollHeight - s.clientHeight")
            assert overflow <= 1, f"{lang} slide {slide_number(projector)} overflows"
            projector.keyboard.press("PageDown")
    open_deck(projector, app_server, "knife-law-for-parents")
    projector.keyboard.press("PageDown")
    projector.screenshot(path=str(artifacts / "present-slide.png"))


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_presenter_passes_axe(projector: Any, app_server: RunningServer, lang: str) -> None:
    open_deck(projector, app_server, lang=lang)
    projector.keyboard.press("n")
    results = Axe().run(projector)
    assert 0 == results.violations_count, results.generate_report()
