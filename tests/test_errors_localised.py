"""Every error the API returns is in the requested language: plain words, no field names,
the same {"error": {"code", "message"}} shape; English keeps its detailed messages."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.i18n import SUPPORTED
from server.messages import ERROR_MESSAGES

OTHER_LANGUAGES = sorted(set(SUPPORTED) - {"en"})


def _error(response: object) -> dict[str, str]:
    body = response.json()  # type: ignore[attr-defined]
    assert ["error"] == list(body)
    assert {"code", "message"} == set(body["error"])
    return dict(body["error"])


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_finder_errors_come_in_the_requested_language_without_field_names(
    client: TestClient[Litestar], lang: str
) -> None:
    english = {code: text for code, text in ERROR_MESSAGES.items() if code in ("invalid_postcode",)}
    bad = client.get("/api/v1/services/nearby", params={"postcode": "NOT A CODE", "lang": lang})
    error = _error(bad)
    assert "invalid_postcode" == error["code"]
    assert english["invalid_postcode"] != error["message"]
    assert "'postcode'" not in error["message"] and "Check '" not in error["message"]
    # A developer-style validation message ("Expected a whole number | null") is plain too.
    typed = client.get(
        "/api/v1/services/nearby", params={"postcode": "LU1", "age": "old", "lang": lang}
    )
    error = _error(typed)
    assert "invalid_input" == error["code"]
    for developer_word in ("Expected", "'age'", "null", "|"):
        assert developer_word not in error["message"]


def test_accept_language_chooses_the_error_language_too(client: TestClient[Litestar]) -> None:
    urdu = client.get(
        "/api/v1/services/nearby",
        params={"postcode": "ZZ99 9ZZ"},
        headers={"Accept-Language": "ur"},
    )
    error = _error(urdu)
    assert error["code"] in ("postcode_not_found", "invalid_postcode")
    assert any("\u0600" <= ch <= "\u06ff" for ch in error["message"])
    missing = client.get("/api/v1/services/999999?lang=so")
    assert "service_not_found" == _error(missing)["code"]
    assert "Ma helin adeeggaas." == _error(missing)["message"]


def test_english_keeps_the_detailed_message(client: TestClient[Litestar]) -> None:
    error = _error(client.get("/api/v1/services/nearby", params={"postcode": "NOT A CODE"}))
    assert "postcode" in error["message"]


def test_every_error_message_is_translated_in_every_language(
    client: TestClient[Litestar],
) -> None:
    languages = client.app.state.languages
    untranslated = [
        (lang, code)
        for lang in OTHER_LANGUAGES
        for code, text in ERROR_MESSAGES.items()
        if languages.gettext(lang).gettext(text) == text
    ]
    assert [] == untranslated
