"""Every error the API returns is in the requested language, English too: plain words, no
field names or types, in the one {"error": {"code", "message", "field"?}} shape."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.i18n import SUPPORTED
from server.messages import ERROR_MESSAGES, FIELD_MESSAGES
from tests.test_errors import assert_error_shape

OTHER_LANGUAGES = sorted(set(SUPPORTED) - {"en"})


def _error(response: object) -> dict[str, str]:
    return assert_error_shape(response.json())  # type: ignore[attr-defined]


DEVELOPER_WORDS = ("Expected", "null", "|", "Check '", "enum", "`", "$.", ">=", "<=", "got str")
BAD_FINDER_INPUT = [
    ({"postcode": "NOT A CODE"}, "invalid_postcode", "postcode"),
    ({"postcode": "LU1", "age": "old"}, "invalid_input", "age"),
    ({"postcode": "LU1", "age": "200"}, "invalid_input", "age"),
    ({"postcode": "LU1", "page": "0"}, "invalid_input", "page"),
    ({"postcode": "LU1", "page": "two"}, "invalid_input", "page"),
    ({"lat": "north", "lon": "0"}, "invalid_input", "lat"),
    ({}, "invalid_input", "postcode"),
]


def client_english_messages() -> set[str]:
    return set(ERROR_MESSAGES.values()) | set(FIELD_MESSAGES.values())


@pytest.mark.parametrize("lang", ["en", "ur", "so"])
@pytest.mark.parametrize(("params", "code", "field"), BAD_FINDER_INPUT)
def test_bad_finder_input_gets_a_plain_sentence_in_the_asked_language(
    client: TestClient[Litestar], lang: str, params: dict[str, str], code: str, field: str
) -> None:
    response = client.get("/api/v1/services/nearby", params={**params, "lang": lang})
    assert 422 == response.status_code
    error = _error(response)
    assert code == error["code"]
    # The input at fault is named for programs, apart from the words people read.
    assert field == error["field"]
    message = error["message"]
    assert f"'{field}'" not in message and f"{field}:" not in message
    for developer_word in DEVELOPER_WORDS:
        assert developer_word not in message, message
    assert message.endswith((".", "۔")), message
    english = _error(client.get("/api/v1/services/nearby", params=params))["message"]
    if lang == "en":
        assert english == message
    else:
        assert english != message
    if lang == "ur":
        assert any("\u0600" <= ch <= "\u06ff" for ch in message)


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_finder_errors_come_in_the_requested_language_without_field_names(
    client: TestClient[Litestar], lang: str
) -> None:
    bad = client.get("/api/v1/services/nearby", params={"postcode": "NOT A CODE", "lang": lang})
    error = _error(bad)
    assert "invalid_postcode" == error["code"]
    assert ERROR_MESSAGES["invalid_postcode"] != error["message"]
    for params in ({"age": "old"}, {"page": "0"}, {"lat": "x", "lon": "0"}):
        typed = client.get(
            "/api/v1/services/nearby", params={"postcode": "LU1", **params, "lang": lang}
        )
        error = _error(typed)
        assert "invalid_input" == error["code"]
        assert error["message"] not in client_english_messages()
        for developer_word in DEVELOPER_WORDS:
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


def test_english_domain_errors_lose_the_field_name_but_keep_their_detail(
    client: TestClient[Litestar],
) -> None:
    both = client.get(
        "/api/v1/services/nearby", params={"postcode": "LU1", "lat": "51", "lon": "0"}
    )
    error = _error(both)
    assert "Use your location or a postcode, not both." == error["message"]
    assert "postcode" == error["field"]


def test_every_error_message_is_translated_in_every_language(
    client: TestClient[Litestar],
) -> None:
    languages = client.app.state.languages
    untranslated = [
        (lang, text)
        for lang in OTHER_LANGUAGES
        for text in client_english_messages()
        if languages.gettext(lang).gettext(text) == text
    ]
    assert [] == untranslated
