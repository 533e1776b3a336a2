"""Catalogues: complete, compiled, current, really loaded; language negotiation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from litestar import Litestar
from litestar.testing import TestClient

from server.cli import extract_pot
from server.i18n import SOURCE_LANGUAGE, SUPPORTED, Languages, parse_accept_language, po_path
from server.settings import ROOT

LOCALES = ROOT / "locales"
TRANSLATED = [lang for lang in SUPPORTED if lang != SOURCE_LANGUAGE]


def test_at_least_eight_languages_besides_english() -> None:
    assert {"ur", "ar", "bn", "pl", "ro", "so", "pt", "tr"} <= set(TRANSLATED)


def _messages(pot: Path) -> list[tuple[object, ...]]:
    """What a .pot says to translators, without its header (dates, tool versions)."""
    with pot.open("rb") as f:
        catalog = read_po(f)
    return [
        (m.id, m.context, sorted(m.locations), m.auto_comments, sorted(m.flags))
        for m in catalog
        if m.id
    ]


def test_pot_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    extract_pot(fresh)
    assert _messages(LOCALES / "messages.pot") == _messages(fresh), (
        "locales/messages.pot is out of date: run `consequences i18n extract` and update"
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_is_complete_with_no_errors_or_fuzzy(lang: str) -> None:
    with po_path(LOCALES, lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    with (LOCALES / "messages.pot").open("rb") as f:
        template = read_po(f)
    template_ids = {m.id for m in template if m.id}
    messages = {m.id: m for m in catalog if m.id}
    assert template_ids == set(messages), f"{lang} is not in step with messages.pot"
    assert [] == [m.id for m in messages.values() if m.fuzzy]
    assert [] == [m.id for m in messages.values() if not m.string]
    assert [] == [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_locale_loads_its_own_catalogue(lang: str) -> None:
    languages = Languages(LOCALES)
    gettext = languages.gettext(lang).gettext
    with (LOCALES / "messages.pot").open("rb") as f:
        template = [m.id for m in read_po(f) if m.id and isinstance(m.id, str)]
    changed = [msgid for msgid in template if gettext(msgid) != msgid]
    assert template
    # Numbers and names may stay the same; nearly everything else must be translated.
    assert len(changed) >= 0.9 * len(template), f"{lang} looks like English"
    assert languages.info[lang].completeness == 1.0


def test_translations_are_marked_unreviewed_until_a_fluent_speaker_checks() -> None:
    """Review state comes from each language's reviewed.yaml, string by string; the header
    line stays in every catalogue as a note for people (tests/test_translation_reviews.py
    shows a "yes" there changes nothing)."""
    languages = Languages(LOCALES)
    for lang in TRANSLATED:
        with po_path(LOCALES, lang).open("rb") as f:
            header = read_po(f).header_comment
        assert "Fluent-Speaker-Review:" in header, lang
        assert "Fluent-Speaker-Review: no" in header, lang
        # Nothing has been reviewed by a fluent speaker yet, so no language counts as reviewed.
        assert languages.info[lang].reviewed is False
        assert languages.reviewed[lang] == frozenset()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ur-PK,ur;q=0.9,en;q=0.8", "ur"),
        ("pt-BR", "pt"),
        ("de-DE,de;q=0.9", "en"),
        ("fr;q=0.9, ar;q=0.8", "ar"),
        ("en;q=0.1, pl;q=0.9", "pl"),
        ("bn-IN", "bn"),
        ("tr-TR,tr;q=0.9", "tr"),
        ("so", "so"),
        ("ro-RO", "ro"),
        ("", "en"),
        ("*", "en"),
        ("ur;q=0, pl", "pl"),
        ("garbage;;q=x,,", "en"),
    ],
)
def test_accept_language_negotiation(
    client: TestClient[Litestar], header: str, expected: str
) -> None:
    response = client.get("/api/v1/cards", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert expected == response.json()["lang"]
    assert expected == response.headers["content-language"]
    assert "Accept-Language" in response.headers["vary"]


def test_query_lang_wins_over_accept_language(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/cards?lang=pl", headers={"Accept-Language": "ur"})
    assert "pl" == response.json()["lang"]


@pytest.mark.parametrize("path", ["/api/v1/cards", "/api/v1/services/categories", "/api/v1/bundle"])
def test_an_empty_query_lang_falls_back_to_accept_language(
    client: TestClient[Litestar], path: str
) -> None:
    response = client.get(f"{path}?lang=", headers={"Accept-Language": "ur"})
    assert 200 == response.status_code, response.text
    assert "ur" == response.headers["content-language"]


def test_unsupported_query_lang_is_404_listing_supported(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/cards?lang=xx")
    assert response.status_code == 404
    error = response.json()["error"]
    assert "unsupported_language" == error["code"]
    assert all(code in error["message"] for code in SUPPORTED)


def test_parse_accept_language_orders_by_quality() -> None:
    assert ["pl", "ur", "en"] == parse_accept_language("en;q=0.1, ur;q=0.5, pl")


@pytest.mark.parametrize(("lang", "direction"), [("ur", "rtl"), ("ar", "rtl"), ("pl", "ltr")])
def test_direction(client: TestClient[Litestar], lang: str, direction: str) -> None:
    body = client.get(f"/api/v1/cards?lang={lang}").json()
    assert direction == body["direction"]


def test_locales_endpoint(client: TestClient[Litestar]) -> None:
    locales = {item["code"]: item for item in client.get("/api/v1/locales").json()}
    assert set(SUPPORTED) == set(locales)
    assert "اردو" == locales["ur"]["native_name"]
    assert "Urdu" == locales["ur"]["name"]
    assert "rtl" == locales["ar"]["direction"]
    assert "polski" == locales["pl"]["native_name"]
    assert locales["en"]["reviewed"] is True
    assert all(item["completeness"] == 1.0 for item in locales.values())


def test_unreviewed_translation_is_flagged_in_responses(client: TestClient[Litestar]) -> None:
    assert client.get("/api/v1/cards?lang=ur").json()["translation_reviewed"] is False
    assert client.get("/api/v1/cards?lang=en").json()["translation_reviewed"] is True


def test_dates_are_formatted_for_the_locale(client: TestClient[Litestar]) -> None:
    en = client.get("/api/v1/cards/carrying-a-knife-the-law?lang=en").json()
    pl = client.get("/api/v1/cards/carrying-a-knife-the-law?lang=pl").json()
    assert en["reviewed_on_text"] != pl["reviewed_on_text"]
    year = en["reviewed_on"][:4]
    assert year in en["reviewed_on_text"]
