"""Every GET that sends an ETag answers 304 to a matching If-None-Match, static files too."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from server.http import matches

CARD = "carrying-a-knife-the-law"

# One address to fetch for each GET route of the app. A new route must be added here, so
# the walk below covers it too.
ADDRESSES: dict[str, str] = {
    "/api/v1/health": "/api/v1/health",
    "/api/v1/locales": "/api/v1/locales",
    "/api/v1/bundle": "/api/v1/bundle?lang=ur",
    "/api/v1/cards/{card_id:str}": f"/api/v1/cards/{CARD}?lang=pl",
    "/api/v1/cards": "/api/v1/cards?lang=en",
    "/api/v1/messages": "/api/v1/messages?lang=ar",
    "/api/v1/app-config": "/api/v1/app-config",
    "/api/v1/qr.svg": "/api/v1/qr.svg?path=" + quote("/help?lang=bn", safe=""),
    "/api/v1/staff/accounts": "/api/v1/staff/accounts",
    "/api/v1/staff/audit": "/api/v1/staff/audit",
    "/api/v1/staff/reports/export.csv": "/api/v1/staff/reports/export.csv",
    "/api/v1/staff/reports": "/api/v1/staff/reports",
    "/api/v1/staff/reports/{report_id:int}": "/api/v1/staff/reports/1",
    "/api/v1/staff/session": "/api/v1/staff/session",
    "/api/v1/staff/feedback": "/api/v1/staff/feedback",
    "/api/v1/staff/team": "/api/v1/staff/team",
    "/api/v1/staff/listings": "/api/v1/staff/listings",
    "/api/v1/staff/listings/sources": "/api/v1/staff/listings/sources",
    "/api/v1/services/sources": "/api/v1/services/sources",
    "/api/v1/services/categories": "/api/v1/services/categories?lang=so",
    "/api/v1/services/{service_id:int}": "/api/v1/services/1",
    "/api/v1/services/nearby": "/api/v1/services/nearby?lat=51.88&lon=-0.42",
    "/api/v1/helplines": "/api/v1/helplines?lang=tr",
    "/api/v1/postcodes/{postcode:str}": "/api/v1/postcodes/LU1",
    "/openreferral": "/openreferral/",
    "/openreferral/services": "/openreferral/services",
    "/openreferral/services/{service_id:str}": "/openreferral/services/x",
    "/openreferral/taxonomies": "/openreferral/taxonomies",
    "/openreferral/taxonomy_terms": "/openreferral/taxonomy_terms",
    "/openreferral/service_at_locations": "/openreferral/service_at_locations",
    # Youth voice (issue 16).
    "/api/v1/pulse/questions": f"/api/v1/pulse/questions?card={CARD}&lang=pl",
    "/api/v1/pulse/sessions/{code:str}": "/api/v1/pulse/sessions/NOSUCH",
    "/api/v1/pulse/sessions/{code:str}/results": "/api/v1/pulse/sessions/NOSUCH/results",
    "/api/v1/updates": "/api/v1/updates?lang=bn",
    "/api/v1/staff/figures": "/api/v1/staff/figures",
    "/api/v1/staff/figures/charts": "/api/v1/staff/figures/charts",
    "/api/v1/staff/figures/charts/{name:str}": "/api/v1/staff/figures/charts/reports.svg",
    "/api/v1/staff/unsafe-places/{report_id:int}": "/api/v1/staff/unsafe-places/1",
    "/api/v1/staff/updates": "/api/v1/staff/updates",
    "/api/v1/staff/updates/export.yaml": "/api/v1/staff/updates/export.yaml",
    "/pulse": "/pulse",
    "/pulse/{code:str}": "/pulse/ABC123",
    "/present/{card_id:str}": f"/present/{CARD}",
    "/print/{card_id:str}": f"/print/{CARD}",
    "/lessons/{file_path:path}": "/lessons/common.js",
    "/assets/{asset_path:path}": "/assets/js/app.js",
    "/cards/{card_id:str}": f"/cards/{CARD}",
    "/glossary": "/glossary",
    "/more": "/more?lang=ur",
    "/help": "/help",
    "/": "/",
    "/about": "/about",
    "/report": "/report",
    "/check": "/check",
    "/settings": "/settings",
    "/report/unsafe-place": "/report/unsafe-place",
    "/said-we-did": "/said-we-did",
    "/manifest.webmanifest": "/manifest.webmanifest",
    "/offline.html": "/offline.html",
    "/sw.js": "/sw.js",
    "/{file_path:path}": "/staff/staff.js",
    "/schema": "/schema",
    "/schema/openapi.json": "/schema/openapi.json",
    "/schema/{path:str}": "/schema/openapi.json",
}

# Routes that must send an ETag (so the walk cannot pass by finding none).
MUST_REVALIDATE = {
    "/api/v1/bundle",
    "/api/v1/cards/{card_id:str}",
    "/api/v1/qr.svg",
    "/api/v1/services/categories",
    "/api/v1/helplines",
    "/openreferral",
    "/openreferral/services",
    "/openreferral/taxonomy_terms",
    "/lessons/{file_path:path}",
    "/assets/{asset_path:path}",
    "/",
    "/sw.js",
    "/{file_path:path}",
}


def _get_routes(app: Litestar) -> list[str]:
    return [r.path for r in app.routes if isinstance(r, HTTPRoute) and "GET" in r.methods]


def test_the_list_covers_every_get_route(client: TestClient[Litestar]) -> None:
    routes = _get_routes(client.app)
    assert set(routes) == set(ADDRESSES), "add the new GET route to ADDRESSES"


def test_every_etagged_route_answers_304_to_a_matching_if_none_match(
    client: TestClient[Litestar],
) -> None:
    revalidated = set()
    for route in _get_routes(client.app):
        address = ADDRESSES[route]
        first = client.get(address)
        etag = first.headers.get("etag")
        if etag is None:
            continue
        assert 200 == first.status_code, address
        assert first.content, address
        again = client.get(address, headers={"If-None-Match": etag})
        assert 304 == again.status_code, f"{address} answered {again.status_code} to its ETag"
        assert b"" == again.content, address
        assert etag == again.headers["etag"], address
        assert "content-length" not in again.headers or "0" == again.headers["content-length"]
        weak = client.get(address, headers={"If-None-Match": f'"other", W/{etag}'})
        assert 304 == weak.status_code, address
        stale = client.get(address, headers={"If-None-Match": '"not-this-one"'})
        assert 200 == stale.status_code, address
        assert first.content == stale.content, address
        revalidated.add(route)
    assert MUST_REVALIDATE <= revalidated, MUST_REVALIDATE - revalidated


def test_static_lesson_and_staff_files_answer_304(client: TestClient[Litestar]) -> None:
    for address in ("/lessons/common.js", "/staff/staff.js", "/staff/"):
        first = client.get(address)
        assert 200 == first.status_code, address
        again = client.get(address, headers={"If-None-Match": first.headers["etag"]})
        assert 304 == again.status_code, address
        assert b"" == again.content, address


def test_a_head_request_revalidates_too(client: TestClient[Litestar]) -> None:
    etag = client.get("/lessons/common.js").headers["etag"]
    assert 304 == client.head("/lessons/common.js", headers={"If-None-Match": etag}).status_code


def test_errors_are_never_turned_into_304(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/cards/no-such-card", headers={"If-None-Match": "*"})
    assert 404 == response.status_code
    assert "card_not_found" == response.json()["error"]["code"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"abc"', True),
        ('W/"abc"', True),
        (' "x", "abc" ', True),
        ("*", True),
        ('"abcd"', False),
        ("", False),
        (None, False),
    ],
)
def test_if_none_match_uses_weak_comparison(header: str | None, expected: bool) -> None:
    assert expected is matches(header, '"abc"')
