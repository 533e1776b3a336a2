"""Print layouts through Chromium's own print to PDF: A4 pages, page counts, the card's text."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from pypdf import PdfReader

from tests.conftest import RunningServer

CARD = "knife-law-for-parents"
LANGS = ["en", "ur", "bn"]
# A4 in PostScript points; Chromium rounds the page to whole device pixels.
A4 = (595.3, 841.9)
TOLERANCE = 2.0
# (fewest, most) pages. Pocket cards are exactly one sheet of fronts and one of backs; the
# handouts grow with the language (Nastaliq script needs taller lines) and the layout.
SCRIPTS = {"ur": (0x0600, 0x06FF), "bn": (0x0980, 0x09FF)}  # Unicode blocks
PAGES = {"pocket": (2, 2), "handout": (1, 4), "bilingual": (1, 8)}


def api_card(server: RunningServer, lang: str) -> dict[str, Any]:
    response = httpx.get(f"{server.base_url}/api/v1/cards/{CARD}", params={"lang": lang})
    response.raise_for_status()
    return dict(response.json())


def help_numbers(server: RunningServer, lang: str, card: dict[str, Any]) -> list[str]:
    bundle = httpx.get(f"{server.base_url}/api/v1/bundle", params={"lang": lang}).json()
    wanted = {"emergency", *card["related_help"]["helplines"]}
    return [h["phone"] for h in bundle["helplines"] if h["id"] in wanted and h["phone"]]


def open_print(page: Any, server: RunningServer, layout: str, lang: str) -> None:
    page.goto(f"{server.base_url}/print/{CARD}?lang={lang}&layout={layout}")
    page.wait_for_selector("html[data-ready]")
    page.emulate_media(media="print")


def squash(text: str) -> str:
    """Text as compared: compatibility forms folded (Arabic presentation forms to letters),
    and no whitespace, since PDF extraction breaks and spaces lines its own way."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", ["pocket", "handout", "bilingual"])
def test_print_to_pdf(page: Any, app_server: RunningServer, layout: str, lang: str) -> None:
    card = api_card(app_server, lang)
    open_print(page, app_server, layout, lang)
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))

    fewest, most = PAGES[layout]
    assert fewest <= len(pdf.pages) <= most, f"{len(pdf.pages)} pages"
    for number, pdf_page in enumerate(pdf.pages, start=1):
        size = (float(pdf_page.mediabox.width), float(pdf_page.mediabox.height))
        assert abs(A4[0] - size[0]) <= TOLERANCE, f"page {number} is {size}, not A4"
        assert abs(A4[1] - size[1]) <= TOLERANCE, f"page {number} is {size}, not A4"

    text = squash("\n".join(p.extract_text() for p in pdf.pages))
    # Help numbers are digits in every language, and must be right on every printout.
    for number in help_numbers(app_server, lang, card):
        assert squash(number) in text, f"{number} missing"
    if lang == "en":
        for point in card["key_points"]:
            assert squash(point) in text, f"key point missing: {point}"
    else:
        # Shaped scripts come back out of a PDF only in part (Nastaliq worst), so check that
        # the script is there in quantity and that most of the title's letters came through.
        low, high = SCRIPTS[lang]
        assert sum(low <= ord(ch) <= high for ch in text) >= 100
        letters = {ch for ch in squash(card["title"]) if low <= ord(ch) <= high}
        assert len(letters & set(text)) >= len(letters) / 2
    # The page itself holds the exact text the PDF was printed from.
    assert card["title"] in page.locator("main").inner_text()
    if layout == "bilingual":
        for point in api_card(app_server, "en")["key_points"]:
            assert squash(point) in text, f"English key point missing: {point}"


@pytest.mark.parametrize("lang", LANGS)
def test_pocket_cards_fit_and_are_four_to_a_sheet(
    page: Any, app_server: RunningServer, lang: str
) -> None:
    card = api_card(app_server, lang)
    open_print(page, app_server, "pocket", lang)
    fronts = page.locator('[data-side="front"] .pocket')
    backs = page.locator('[data-side="back"] .pocket')
    assert 4 == fronts.count()
    assert 4 == backs.count()
    for i in range(4):
        assert card["key_points"] == fronts.nth(i).locator("li").all_inner_texts()
        assert 1 == backs.nth(i).locator("img.qr").count()
    # Nothing is cut off: each card's text fits its A6 box, Urdu's tall script included.
    overflows = page.locator(".pocket__content").evaluate_all(
        "boxes => boxes.map(b => b.scrollHeight - b.clientHeight)"
    )
    assert all(overflow <= 1 for overflow in overflows), overflows
    sizes = fronts.evaluate_all("cells => cells.map(c => [c.offsetWidth, c.offsetHeight])")
    # 105 x 148.5 mm at 96 CSS pixels to the inch.
    for width, height in sizes:
        assert abs(105 / 25.4 * 96 - width) <= 1
        assert abs(148.5 / 25.4 * 96 - height) <= 1


@pytest.fixture
def printer_page(browser: Any) -> Iterator[Any]:
    """A page rendered at about 380 dpi, as a printer puts the 26 mm code on paper."""
    ctx = browser.new_context(viewport={"width": 900, "height": 1200}, device_scale_factor=4)
    page = ctx.new_page()
    yield page
    ctx.close()


def test_pocket_card_qr_opens_the_card_in_its_language(
    printer_page: Any, app_server: RunningServer, artifacts: Path
) -> None:
    page = printer_page
    open_print(page, app_server, "pocket", "ur")
    code = page.locator('[data-side="back"] img.qr').first
    image = Image.open(io.BytesIO(code.screenshot(scale="device")))
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    assert [f"{app_server.base_url}/cards/{CARD}?lang=ur"] == decoded
    page.locator('[data-side="back"]').screenshot(path=str(artifacts / "print-pocket-back-ur.png"))


def test_printed_pocket_card_screenshot(
    page: Any, app_server: RunningServer, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    open_print(page, app_server, "pocket", "en")
    assert page.locator(".print-toolbar").is_hidden()  # print media: no toolbar on paper
    front = page.locator('[data-side="front"]')
    front.screenshot(path=str(artifacts / "print-pocket-front-en.png"))
    assert (artifacts / "print-pocket-front-en.png").stat().st_size > 10_000


def test_toolbar_offers_print_and_every_layout_on_screen(
    page: Any, app_server: RunningServer
) -> None:
    page.goto(f"{app_server.base_url}/print/{CARD}?lang=en&layout=handout")
    page.wait_for_selector("html[data-ready]")
    assert page.get_by_role("button", name="Print").is_visible()
    links = page.locator("[data-layouts] a")
    assert ["Pocket cards, 4 on A4", "Handout, A4", "Two languages, A4"] == links.all_inner_texts()
    assert "page" == links.nth(1).get_attribute("aria-current")
    links.nth(2).click()
    page.wait_for_selector("html[data-ready]")
    assert page.url.endswith("layout=bilingual")


def test_handout_leaves_teacher_notes_out(page: Any, app_server: RunningServer) -> None:
    page.goto(f"{app_server.base_url}/print/lesson-plan-50-minutes?lang=en&layout=handout")
    page.wait_for_selector("html[data-ready]")
    lesson = httpx.get(f"{app_server.base_url}/api/v1/cards/lesson-plan-50-minutes").json()
    text = page.locator("main").inner_text()
    assert lesson["sections"][0]["paragraphs"][0] in text
    assert lesson["sections"][0]["notes"][0] not in text
    assert lesson["scenarios"][0]["choices"] == (
        page.locator(".doc__scenario").first.locator("li").all_inner_texts()
    )


@pytest.mark.parametrize(
    ("layout", "lang"), [("pocket", "en"), ("handout", "bn"), ("bilingual", "ur")]
)
def test_print_pages_pass_axe(page: Any, app_server: RunningServer, layout: str, lang: str) -> None:
    page.goto(f"{app_server.base_url}/print/{CARD}?lang={lang}&layout={layout}")
    page.wait_for_selector("html[data-ready]")
    results = Axe().run(page)
    assert 0 == results.violations_count, results.generate_report()
