"""ESOL reading support in real Chromium: bilingual reading, glossary links, read aloud.

Two groups of tests:
- the bilingual print handout;
- the app's card screen: the bilingual view (`[data-bilingual]` with
  `.app-bilingual__pair`), glossary links (`a.app-glossary-link[href^="/glossary#"]`), the
  `/glossary` screen and the `[data-read-aloud]` button.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import RunningServer

CARD = "knife-law-for-parents"
LONG_PAIR = 200  # as in pwa/lessons/print.js


def api(server: RunningServer, path: str, lang: str = "en") -> Any:
    response = httpx.get(f"{server.base_url}/api/v1/{path}", params={"lang": lang})
    response.raise_for_status()
    return response.json()


def words_in(card: dict[str, Any], glossary: list[dict[str, Any]]) -> list[str]:
    """Glossary ids whose English forms appear, as whole words, in the English card."""
    parts = [card["title"], card["summary"], *card["key_points"]]
    for section in card["sections"]:
        parts += [section["heading"], *section["paragraphs"]]
    text = "\n".join(parts)
    return [
        g["id"]
        for g in glossary
        if any(
            re.search(rf"(?<![^\W_]){re.escape(form)}(?![^\W_])", text, re.IGNORECASE)
            for form in [g["term"], *g["forms"]]
        )
    ]


def open_bilingual(page: Any, server: RunningServer, lang: str) -> None:
    page.set_viewport_size({"width": 900, "height": 1200})
    page.goto(f"{server.base_url}/print/{CARD}?lang={lang}&layout=bilingual")
    page.wait_for_selector("html[data-ready]")


# -- the bilingual print handout


def test_bilingual_handout_pairs_urdu_with_english(
    page: Any, app_server: RunningServer, artifacts: Path
) -> None:
    urdu = api(app_server, f"cards/{CARD}", "ur")
    english = api(app_server, f"cards/{CARD}")
    open_bilingual(page, app_server, "ur")
    assert "rtl" == page.locator("html").get_attribute("dir")
    pairs = page.locator(".doc__key-points .pair:has(> p)")
    assert len(english["key_points"]) == pairs.count()
    for i in range(pairs.count()):
        pair = pairs.nth(i)
        assert urdu["key_points"][i] == pair.locator('p[lang="ur"][dir="rtl"]').inner_text()
        assert english["key_points"][i] == pair.locator('p[lang="en"][dir="ltr"]').inner_text()
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "print-bilingual-ur.png"))


def test_bilingual_handout_puts_urdu_on_the_right_and_long_text_underneath(
    page: Any, app_server: RunningServer
) -> None:
    open_bilingual(page, app_server, "ur")
    side_by_side = page.locator(".pair:not(.pair--stacked):has(> p)").first
    ur_box = side_by_side.locator('[lang="ur"]').bounding_box()
    en_box = side_by_side.locator('[lang="en"]').bounding_box()
    assert ur_box["x"] > en_box["x"]  # reading right to left, Urdu comes first
    assert abs(ur_box["y"] - en_box["y"]) < 2

    for pair in page.locator(".pair").all():
        longest = max(len(t) for t in pair.locator(":scope > *").all_inner_texts())
        stacked = "pair--stacked" in (pair.get_attribute("class") or "")
        assert (longest > LONG_PAIR) == stacked


def test_bilingual_handout_in_english_is_english_once(page: Any, app_server: RunningServer) -> None:
    english = api(app_server, f"cards/{CARD}")
    open_bilingual(page, app_server, "en")
    assert 0 == page.locator(".pair:not(.pair--single)").count()
    texts = page.locator(".doc__key-points .pair p").all_inner_texts()
    assert english["key_points"] == texts


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_bilingual_handout_explains_the_hard_words_in_the_card(
    page: Any, app_server: RunningServer, lang: str
) -> None:
    english = api(app_server, f"cards/{CARD}")
    glossary = api(app_server, "bundle")["glossary"]
    expected = words_in(english, glossary)
    assert expected, "the parents' law card uses glossary words"
    open_bilingual(page, app_server, lang)
    shown = [
        i.removeprefix("word-")
        for i in page.locator(".doc__word").evaluate_all("els => els.map(e => e.id)")
    ]
    assert expected == shown
    first = next(g for g in glossary if g["id"] == expected[0])
    assert first["definition"] in page.locator(f"#word-{expected[0]}").inner_text()


# -- the app's card screen (issue 5 hooks)


def test_app_bilingual_view_in_urdu(page: Any, app_server: RunningServer) -> None:
    urdu = api(app_server, f"cards/{CARD}", "ur")
    english = api(app_server, f"cards/{CARD}")
    page.goto(f"{app_server.base_url}/cards/{CARD}?lang=ur&bilingual=1")
    pairs = page.locator("[data-bilingual] .app-bilingual__pair")
    pairs.first.wait_for()
    assert pairs.count() >= len(english["key_points"])
    ur_texts = pairs.locator('p[lang="ur"]').all_inner_texts()
    en_texts = pairs.locator('p[lang="en"]').all_inner_texts()
    for ur_point, en_point in zip(urdu["key_points"], english["key_points"], strict=True):
        assert ur_point in ur_texts
        assert en_point in en_texts
    assert "rtl" == page.locator('[data-bilingual] p[lang="ur"]').first.evaluate(
        "p => getComputedStyle(p).direction"
    )


def test_app_bilingual_view_in_english_shows_english_once(
    page: Any, app_server: RunningServer
) -> None:
    english = api(app_server, f"cards/{CARD}")
    page.goto(f"{app_server.base_url}/cards/{CARD}?lang=en&bilingual=1")
    page.get_by_text(english["key_points"][0]).first.wait_for()
    assert 0 == page.locator(".app-bilingual__pair").count()
    assert 1 == page.get_by_text(english["key_points"][0], exact=True).count()


def test_app_glossary_links_open_the_glossary_entry(page: Any, app_server: RunningServer) -> None:
    english = api(app_server, f"cards/{CARD}")
    glossary = api(app_server, "bundle")["glossary"]
    page.goto(f"{app_server.base_url}/cards/{CARD}?lang=en")
    links = page.locator('a.app-glossary-link[href^="/glossary#"]')
    links.first.wait_for()
    linked = {h.split("#", 1)[1] for h in links.evaluate_all("as => as.map(a => a.href)")}
    assert linked <= set(words_in(english, glossary))
    assert linked, "a parent card links its hard words"
    target = links.first.get_attribute("href").split("#", 1)[1]
    links.first.click()
    page.wait_for_url(f"**/glossary#{target}")
    entry = page.locator(f'[id="{target}"]')
    entry.wait_for()
    definition = next(g["definition"] for g in glossary if g["id"] == target)
    assert definition in entry.inner_text()


def test_app_read_aloud_is_hidden_without_a_voice(page: Any, app_server: RunningServer) -> None:
    page.goto(f"{app_server.base_url}/cards/{CARD}?lang=ur")
    page.locator("h1").first.wait_for()
    voices = page.evaluate("speechSynthesis.getVoices().filter(v => v.lang.startsWith('ur'))")
    button = page.locator("[data-read-aloud]")
    if not voices:
        assert 0 == button.count() or button.first.is_hidden()
    else:  # pragma: no cover - headless Chromium on CI has no voices
        assert button.first.is_visible()
