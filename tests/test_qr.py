"""QR codes: SVG from segno, only for this app's own pages, decoding to the app's address."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import segno
import zxingcpp
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image

from server.qr import MAX_PATH_LENGTH, NotAnAppPath, app_address, check_app_path, qr_svg
from tests.conftest import AppFactory, make_settings

PUBLIC_URL = "https://cards.example.org"


@pytest.fixture
def public_url_client(tmp_path: Path, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    """The app with its public address set, as it is behind a proxy in production."""
    app = make_app(make_settings(tmp_path / "data", public_url=PUBLIC_URL + "/"))
    with TestClient(app) as c:
        yield c


def decode(url: str) -> list[str]:
    """What a phone camera reads: the same code as the SVG, drawn as pixels, then decoded."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=6, border=4)
    return [result.text for result in zxingcpp.read_barcodes(Image.open(out))]


def qr_url(path: str) -> str:
    return "/api/v1/qr.svg?path=" + quote(path, safe="")


def test_qr_svg_is_an_svg_with_its_address_as_title() -> None:
    svg = qr_svg("https://cards.example.org/cards/joint-enterprise?lang=ur")
    assert svg.body.startswith(b"<svg")
    assert b'viewBox="0 0 ' in svg.body
    assert b"<title>https://cards.example.org/cards/joint-enterprise?lang=ur</title>" in svg.body
    assert svg.etag.startswith('"')


def test_code_decodes_to_the_app_address() -> None:
    url = app_address(PUBLIC_URL, "/cards/knife-law-for-parents?lang=ur")
    assert "https://cards.example.org/cards/knife-law-for-parents?lang=ur" == url
    assert [url] == decode(url)


@pytest.mark.parametrize(
    "path",
    ["/", "/cards/joint-enterprise?lang=ur", "/help?lang=bn", "/glossary#county-lines"],
)
def test_paths_of_this_app_are_accepted(path: str) -> None:
    assert path == check_app_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/cards/x",
        "//evil.example/cards/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "cards/x",
        "",
        "/cards/x\n",
        "/cards/\x00x",
        "/cards/\tx",
        "/cards/a b",
        "/cards/" + "x" * MAX_PATH_LENGTH,
    ],
)
def test_anything_but_a_path_of_this_app_is_refused(path: str) -> None:
    with pytest.raises(NotAnAppPath):
        check_app_path(path)


def test_api_makes_an_svg_for_the_configured_host(client: TestClient[Litestar]) -> None:
    response = client.get(qr_url("/cards/knife-law-for-parents?lang=ur"))
    assert 200 == response.status_code
    assert "image/svg+xml" == response.headers["content-type"]
    assert "public, max-age=86400" == response.headers["cache-control"]
    # Without a public address the code holds the host and port the server is set to listen
    # on; never the request's Host header (issue 14).
    assert b"<title>http://127.0.0.1:8000/cards/knife-law-for-parents?lang=ur</title>" in (
        response.content
    )
    assert b"testserver.local" not in response.content


def test_api_uses_the_public_url_setting(public_url_client: TestClient[Litestar]) -> None:
    response = public_url_client.get(qr_url("/help?lang=bn"))
    assert 200 == response.status_code
    assert b"<title>https://cards.example.org/help?lang=bn</title>" in response.content


def test_api_answers_304_when_the_etag_matches(client: TestClient[Litestar]) -> None:
    first = client.get(qr_url("/help"))
    again = client.get(qr_url("/help"), headers={"If-None-Match": first.headers["etag"]})
    assert 304 == again.status_code
    assert b"" == again.content


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/cards/x\r\nSet-Cookie: a=b",
        "/" + "a" * (MAX_PATH_LENGTH + 1),
    ],
)
def test_api_refuses_other_sites_with_422(client: TestClient[Litestar], path: str) -> None:
    response = client.get(qr_url(path))
    assert 422 == response.status_code
    error = response.json()["error"]
    assert "invalid_path" == error["code"]
    assert "page of this app" in error["message"] or "too long" in error["message"]


def test_api_needs_a_path(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/qr.svg")
    assert 422 == response.status_code
    assert "path" == response.json()["error"]["field"]
