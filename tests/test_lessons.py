"""The presenter and print pages: served for real cards, in the chosen language and direction."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.messages import UI_MESSAGES

CARD = "knife-law-for-parents"


@pytest.mark.parametrize("page", ["present", "print"])
@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("ur", "rtl"), ("bn", "ltr")])
def test_page_has_the_language_and_direction(
    client: TestClient[Litestar], page: str, lang: str, direction: str
) -> None:
    response = client.get(f"/{page}/{CARD}", params={"lang": lang})
    assert 200 == response.status_code
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}" dir="{direction}">' in response.text
    assert lang == response.headers["content-language"]


def test_page_language_follows_accept_language(client: TestClient[Litestar]) -> None:
    response = client.get(f"/present/{CARD}", headers={"Accept-Language": "ar, en;q=0.5"})
    assert '<html lang="ar" dir="rtl">' in response.text


@pytest.mark.parametrize("page", ["present", "print"])
def test_pages_load_only_their_own_scripts_and_styles(
    client: TestClient[Litestar], page: str
) -> None:
    html = client.get(f"/{page}/{CARD}").text
    # The security policy forbids inline scripts and styles; everything comes from /lessons/.
    assert "<style" not in html
    assert "style=" not in html
    assert f'<script type="module" src="/lessons/{page}.js"></script>' in html
    assert "http://" not in html
    assert "https://" not in html


@pytest.mark.parametrize("asset", ["common.js", "present.js", "print.js", "lessons.css"])
def test_lesson_assets_are_served(client: TestClient[Litestar], asset: str) -> None:
    response = client.get(f"/lessons/{asset}")
    assert 200 == response.status_code
    assert "no-cache" == response.headers["cache-control"]


def test_unknown_card_is_404_in_the_error_shape(client: TestClient[Litestar]) -> None:
    response = client.get("/present/no-such-card")
    assert 404 == response.status_code
    assert "card_not_found" == response.json()["error"]["code"]


def test_unknown_layout_is_422(client: TestClient[Litestar]) -> None:
    response = client.get(f"/print/{CARD}", params={"layout": "poster"})
    assert 422 == response.status_code
    assert "layout" == response.json()["error"]["field"]


def test_unsupported_language_is_404(client: TestClient[Litestar]) -> None:
    response = client.get(f"/print/{CARD}", params={"lang": "xx"})
    assert 404 == response.status_code
    assert "unsupported_language" == response.json()["error"]["code"]


def test_presenter_and_print_strings_are_translatable() -> None:
    keys = {key for key in UI_MESSAGES if key.split(".")[0] in {"lessons", "present", "print"}}
    assert {"present.next", "present.previous", "present.notes_show", "print.print"} <= keys
    # Placeholders are named, so translators can move them.
    assert "{current}" in UI_MESSAGES["present.progress"]
    assert "{total}" in UI_MESSAGES["present.progress"]
