"""Cards, messages and the offline bundle over HTTP: content, ETags, 304s and 404s."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from server.messages import UI_MESSAGES

CARD = "carrying-a-knife-the-law"


def test_list_cards_by_audience(client: TestClient[Litestar]) -> None:
    body = client.get("/api/v1/cards?audience=parent&lang=en").json()
    assert {"lang", "direction", "translation_reviewed", "cards"} == set(body)
    assert len(body["cards"]) >= 3
    assert {"parent"} == {c["audience"] for c in body["cards"]}
    assert {"id", "audience", "topic", "title", "summary"} == set(body["cards"][0])


def test_unknown_audience_is_422(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/cards?audience=aliens")
    assert response.status_code == 422
    assert "audience" == response.json()["error"]["field"]


def test_card_in_urdu_is_translated_and_rtl(client: TestClient[Litestar]) -> None:
    en = client.get(f"/api/v1/cards/{CARD}?lang=en").json()
    ur = client.get(f"/api/v1/cards/{CARD}?lang=ur").json()
    assert "rtl" == ur["direction"]
    assert "ur" == ur["lang"]
    assert en["title"] != ur["title"]
    assert en["key_points"] != ur["key_points"]
    assert en["sources"] == ur["sources"]
    assert en["reviewed_on"] == ur["reviewed_on"]


def test_unknown_card_is_404(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/cards/no-such-card")
    assert response.status_code == 404
    assert "card_not_found" == response.json()["error"]["code"]


def test_etag_and_304(client: TestClient[Litestar]) -> None:
    first = client.get(f"/api/v1/cards/{CARD}?lang=ur")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert "max-age" in first.headers["cache-control"]
    again = client.get(f"/api/v1/cards/{CARD}?lang=ur", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert b"" == again.content
    assert etag == again.headers["etag"]
    other_lang = client.get(f"/api/v1/cards/{CARD}?lang=pl", headers={"If-None-Match": etag})
    assert other_lang.status_code == 200
    assert etag != other_lang.headers["etag"]


def test_response_bodies_are_encoded_once(client: TestClient[Litestar]) -> None:
    service = client.app.state.cards
    first = service.card_detail(CARD, "ur")
    client.get(f"/api/v1/cards/{CARD}?lang=ur")
    assert first is service.card_detail(CARD, "ur")


def test_messages_in_every_language(client: TestClient[Litestar]) -> None:
    en = client.get("/api/v1/messages?lang=en").json()["messages"]
    assert UI_MESSAGES == en
    bn = client.get("/api/v1/messages?lang=bn").json()
    assert set(UI_MESSAGES) == set(bn["messages"])
    assert bn["messages"]["home.who"] != en["home.who"]


def test_bundle_has_every_card_helpline_and_string(client: TestClient[Litestar]) -> None:
    bundle = client.get("/api/v1/bundle?lang=ar").json()
    listed = client.get("/api/v1/cards?lang=ar").json()["cards"]
    assert {c["id"] for c in listed} == {c["id"] for c in bundle["cards"]}
    assert "rtl" == bundle["direction"]
    assert bundle["helplines"]
    assert set(UI_MESSAGES) == set(bundle["messages"])
    full = next(c for c in bundle["cards"] if c["id"] == CARD)
    assert full["sections"] and full["sources"]


def test_compressed_when_asked(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/bundle?lang=en", headers={"Accept-Encoding": "gzip"})
    assert "gzip" == response.headers["content-encoding"]


def test_card_shows_last_checked_from_its_review(client: TestClient[Litestar]) -> None:
    content = client.app.state.cards.content
    review = content.cards[CARD].review
    for lang in ("en", "ur"):
        card = client.get(f"/api/v1/cards/{CARD}?lang={lang}").json()
        assert card["reviewed_on"] == review.reviewed_on.isoformat()
        assert card["reviewed_by"] == review.role
        assert card["review"]["hash"] == review.hash
        assert card["review_current"] is True
        assert review.reviewed_on.strftime("%Y") in card["reviewed_on_text"]
        assert card["jurisdiction"]["applies_to"] == "england-wales"
        assert card["reviewer_notes"] == []  # notes are for reviewers, not served
    bundle = client.get("/api/v1/bundle?lang=en").json()
    assert all(c["reviewed_on"] and c["reviewed_by"] for c in bundle["cards"])


def test_the_start_of_the_bundle_is_what_home_needs_and_a_fraction_of_the_bytes(
    client: TestClient[Litestar],
) -> None:
    for lang in ("en", "ur"):
        whole = client.get(f"/api/v1/bundle?lang={lang}", headers={"Accept-Encoding": "gzip"})
        start = client.get(
            f"/api/v1/bundle?lang={lang}&part=start", headers={"Accept-Encoding": "gzip"}
        )
        body, everything = start.json(), whole.json()
        assert body["start"] is True and "start" not in everything
        assert (body["lang"], body["direction"]) == (everything["lang"], everything["direction"])
        assert body["screens"] == everything["screens"]
        # Each card's title and summary, for the home screen's list and search; no more.
        assert [
            {k: c[k] for k in ("id", "audience", "topic", "title", "summary")}
            for c in everything["cards"]
        ] == body["cards"]
        # Its strings are the whole bundle's, for home and the shell around it.
        assert body["messages"].items() <= everything["messages"].items()
        for key in ("app.name", "home.who", "cards.search", "nav.help", "report.call_999"):
            assert body["messages"][key] == everything["messages"][key]
        assert "staff.title" not in body["messages"]
        sent = int(start.headers["content-length"]) * 5
        assert sent < int(whole.headers["content-length"]), lang
