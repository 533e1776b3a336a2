"""A class session: the presenter and 12 phones answering before and after the lesson.

The projector must show nothing but the count until the 10th answer, then percentages
rounded to 5, and after the lesson the before and after side by side.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningServer

LESSON = "lesson-plan-50-minutes"
PHONES = 12
# What each phone thinks of "Carrying a knife makes you safer", before and after.
BEFORE = ["agree"] * 4 + ["not_sure"] * 3 + ["disagree"] * 5
AFTER = ["agree"] * 1 + ["not_sure"] * 2 + ["disagree"] * 9


@pytest.fixture
def projector(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    yield page
    ctx.close()


@pytest.fixture
def phones(browser: Any) -> Iterator[list[Any]]:
    """Twelve phones: each its own browser profile, so nothing is shared between them."""
    contexts = [
        browser.new_context(viewport={"width": 360, "height": 740}, locale=locale)
        for locale in ["en-GB", "ur-PK", "pl-PL", "ar", "bn", "so", "ro", "tr", "pt-PT"] * 2
    ][:PHONES]
    yield [ctx.new_page() for ctx in contexts]
    for ctx in contexts:
        ctx.close()


def current(page: Any) -> Any:
    return page.locator("section.slide:not([hidden])")


def answer_on_phone(
    phone: Any, url: str, choice: str, phase: str, screenshot: Path | None = None
) -> None:
    phone.goto(url)
    phone.wait_for_selector("html[data-ready]")
    phone.wait_for_selector("form.pulse__form")
    for fieldset in phone.locator("fieldset.pulse__question").all():
        fieldset.locator(f'input[value="{choice}"]').check()
    if screenshot:
        phone.screenshot(path=str(screenshot), full_page=True)
    phone.locator("button.pulse__send").click()
    phone.wait_for_selector(f'html[data-answered="{phase}"]')


def answered(projector: Any, phase: str) -> int:
    return int(current(projector).locator(".pulse-count").get_attribute("data-answered") or 0)


def wait_for_count(projector: Any, n: int) -> None:
    projector.wait_for_function(
        f"""() => document.querySelector('section.slide:not([hidden]) .pulse-count')
            ?.dataset.answered === '{n}'"""
    )


def shown_percent(projector: Any, phase: str, answer: str) -> int:
    cell = current(projector).locator(
        f'table.pulse-results__table >> nth=0 >> td[data-phase="{phase}"][data-answer="{answer}"]'
    )
    return int(cell.get_attribute("data-percent"))


def test_a_class_session_before_and_after(
    projector: Any, phones: list[Any], app_server: RunningServer, artifacts: Path
) -> None:
    projector.goto(f"{app_server.base_url}/present/{LESSON}?lang=en&pulse=1")
    projector.wait_for_selector("html[data-ready]")
    projector.keyboard.press("ArrowRight")
    assert "pulse-before" == current(projector).get_attribute("data-slide")
    projector.locator('[data-pulse-start="before"]').click()
    code_box = current(projector).locator("[data-pulse-code]")
    code_box.wait_for()
    code = code_box.get_attribute("data-pulse-code")
    assert code and len(code) == 6
    assert f"Code: {code}" == code_box.inner_text()
    qr = current(projector).locator("img.qr")
    assert f"/pulse/{code}" == qr.get_attribute("data-qr-path")
    url = f"{app_server.base_url}/pulse/{code}"

    for i, (phone, choice) in enumerate(zip(phones, BEFORE, strict=True)):
        # Phone 2 reads Urdu (its browser asks for it): the page is right to left.
        shot = artifacts / "pulse-phone-ur.png" if i == 1 else None
        answer_on_phone(phone, url, choice, "before", shot)
        if i == 1:
            assert "rtl" == phone.locator("html").get_attribute("dir")
        wait_for_count(projector, i + 1)
        results = current(projector).locator(".pulse-results")
        if i + 1 < 10:
            assert "false" == results.get_attribute("data-shown"), f"shown after {i + 1}"
            assert 0 == results.locator("table").count()
            assert "10 people" in results.inner_text()
        else:
            projector.wait_for_function(
                "() => document.querySelector('section.slide:not([hidden]) .pulse-results')"
                "?.dataset.shown === 'true'"
            )
        if i + 1 == 9:
            projector.screenshot(path=str(artifacts / "pulse-before-9-answers.png"))
    # 4/12 = 33% -> 35; 3/12 = 25%; 5/12 = 42% -> 40
    projector.wait_for_function(
        "() => document.querySelector('section.slide:not([hidden]) td[data-answer=\"agree\"]')"
        "?.dataset.percent === '35'"
    )
    assert 35 == shown_percent(projector, "before", "agree")
    assert 25 == shown_percent(projector, "before", "not_sure")
    assert 40 == shown_percent(projector, "before", "disagree")
    projector.screenshot(path=str(artifacts / "pulse-before-12-answers.png"))

    # A phone cannot answer the same part twice: its token is in its session storage.
    phones[0].reload()
    phones[0].wait_for_selector("html[data-ready]")
    assert 0 == phones[0].locator("form.pulse__form").count()
    assert 12 == answered(projector, "before")

    # After the lesson: the last slides before where to get help.
    projector.keyboard.press("End")
    while current(projector).get_attribute("data-slide") != "pulse-after":
        projector.keyboard.press("ArrowLeft")
    projector.locator('[data-pulse-start="after"]').click()
    current(projector).locator("[data-pulse-code]").wait_for()
    assert code == current(projector).locator("[data-pulse-code]").get_attribute("data-pulse-code")
    for i, (phone, choice) in enumerate(zip(phones, AFTER, strict=True)):
        # Each phone sees the next part open by itself (it polls), or reloads the page.
        phone.goto(url)
        answer_on_phone(phone, url, choice, "after")
        wait_for_count(projector, i + 1)
        shown = current(projector).locator(".pulse-results").get_attribute("data-shown")
        if i + 1 < 10:
            assert "false" == shown, f"after results shown after {i + 1}"
    projector.wait_for_function(
        "() => document.querySelector('section.slide:not([hidden]) .pulse-results__compare')"
    )
    compare = current(projector).locator("table.pulse-results__table--compare").first
    assert "Carrying a knife makes you safer." in compare.locator("caption").inner_text()
    assert 35 == shown_percent(projector, "before", "agree")
    # 1/12 = 8% -> 10; 9/12 = 75%
    assert 10 == shown_percent(projector, "after", "agree")
    assert 75 == shown_percent(projector, "after", "disagree")
    projector.screenshot(path=str(artifacts / "pulse-before-after.png"))

    # What was stored: counts per phase, question and answer, and nothing about a phone.
    db = sqlite3.connect(app_server.data_dir / "voice.db")
    try:
        rows = db.execute(
            "SELECT phase, answer, count FROM pulse_counts WHERE question = 'knife-makes-you-safer'"
        ).fetchall()
    finally:
        db.close()
    assert sorted(rows) == sorted(
        [("before", "agree", 4), ("before", "not_sure", 3), ("before", "disagree", 5),
         ("after", "agree", 1), ("after", "not_sure", 2), ("after", "disagree", 9)]
    )  # fmt: skip
