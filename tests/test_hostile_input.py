"""No 500 from any input (issue 14, part 4): every finding of the audit gets a 4xx in the one
error shape and writes no traceback to the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.textsafe import clean_text
from tests.conftest import AppFactory, make_settings
from tests.test_errors import assert_error_shape
from tests.test_nearby import TOWN_CENTRE
from tests.test_nearby import app_with_demo_directory as app_with_demo_directory
from tests.test_reports import report_body
from tests.test_staff import accounts_template, add_accounts, sign_in  # noqa: F401

REPORTS = "/api/v1/reports"


@pytest.fixture
def quiet_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record logged while the test runs; the test checks none is a fault."""
    with caplog.at_level(logging.DEBUG):
        yield caplog
    faults = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert [] == faults


@pytest.mark.parametrize(
    "q",
    [
        '"',
        'q="',
        "a\x00b",
        "\x00",
        "*",
        "NEAR(",
        "^boxing",
        "-boxing",
        "OR",
        "AND OR NOT",
        "boxing OR",
        "🔪🙂",
        "box*",
        "(",
        "')--",
        "col:boxing",
        "{a b}",
    ],
)
def test_finder_keywords_are_searched_as_words(
    app_with_demo_directory: Litestar, quiet_log: pytest.LogCaptureFixture, q: str
) -> None:
    with TestClient(app_with_demo_directory) as client:
        response = client.get("/api/v1/services/nearby", params={**TOWN_CENTRE, "q": q})
    assert 200 == response.status_code, response.text
    assert isinstance(response.json()["results"], list)


def test_finder_keywords_still_find_words_among_syntax(
    app_with_demo_directory: Litestar, quiet_log: pytest.LogCaptureFixture
) -> None:
    with TestClient(app_with_demo_directory) as client:
        plain = client.get(
            "/api/v1/services/nearby", params={**TOWN_CENTRE, "radius_km": 50, "q": "boxing"}
        ).json()["results"]
        noisy = client.get(
            "/api/v1/services/nearby",
            params={**TOWN_CENTRE, "radius_km": 50, "q": '"boxing* ^ 🔪'},
        ).json()["results"]
    assert plain
    assert [r["id"] for r in plain] == [r["id"] for r in noisy]


@pytest.mark.parametrize("path", [REPORTS, f"{REPORTS}/lookup", "/api/v1/staff/login"])
def test_deeply_nested_json_is_refused_before_decoding(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture, path: str
) -> None:
    body = b"[" * 30_000
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert 400 == response.status_code
    assert "too_deeply_nested" == assert_error_shape(response.json())["code"]


def test_brackets_inside_strings_do_not_count_as_nesting(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture
) -> None:
    report = {
        "category": "something_else",
        "what_happened": "[" * 3000 + "{" * 500,
        "when": "today",
        "danger_now": False,
        "lang": "en",
    }
    assert 201 == client.post(REPORTS, json=report).status_code


def test_a_huge_json_body_is_refused(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture
) -> None:
    body = b'{"code": "' + b"a" * 400_000 + b'"}'
    response = client.post(
        f"{REPORTS}/lookup", content=body, headers={"Content-Type": "application/json"}
    )
    assert 413 == response.status_code
    assert_error_shape(response.json())


@pytest.mark.parametrize(
    "path", ["/staff/%00", "/staff/%00.html", "/sw.js/x", "/index.html/x", "/%01", "/staff/a%00b"]
)
def test_impossible_file_paths_are_404(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture, path: str
) -> None:
    response = client.get(path)
    assert 404 == response.status_code
    assert "not_found" == assert_error_shape(response.json())["code"]


def test_a_20_digit_report_number_is_422(
    tmp_path: Path,
    accounts_template: Path,  # noqa: F811
    make_app: AppFactory,
    quiet_log: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(tmp_path / "data")
    add_accounts(settings, accounts_template)
    with TestClient(make_app(settings)) as client:
        csrf = sign_in(client)
        for method, extra in [("GET", {}), ("PATCH", {"json": {"status": "closed"}})]:
            response = client.request(
                method,
                "/api/v1/staff/reports/12345678901234567890",
                headers={"X-CSRF-Token": csrf},
                **extra,  # type: ignore[arg-type]
            )
            assert 422 == response.status_code, response.text
            assert "invalid_input" == assert_error_shape(response.json())["code"]
        response = client.post(
            "/api/v1/staff/reports/99999999999999999999/messages",
            json={"text": "hello"},
            headers={"X-CSRF-Token": csrf},
        )
        assert 422 == response.status_code


def test_report_text_loses_bidi_overrides_isolates_and_c1_controls() -> None:
    tricky = "Meet at\u202e kcab eht\u202c gate\u2066 x\u2069 at 5\x85\x9b[31m pm\x00"
    assert "Meet at kcab eht gate x at 5[31m pm" == clean_text(tricky)
    # Right-to-left text and its marks stay readable.
    assert "سكين في المدرسة\u200f" == clean_text(" سكين في المدرسة\u200f ")


def test_a_reply_is_kept_without_bidi_controls(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture
) -> None:
    report = {
        "category": "something_else",
        "what_happened": "abc\u202edef\u0085",
        "where": "\u2067park\u2069",
        "when": "today",
        "danger_now": False,
        "lang": "en",
    }
    code = client.post(REPORTS, json=report).json()["code"]
    thread = client.post(f"{REPORTS}/reply", json={"code": code, "text": "see\u202e\u009b you"})
    assert 201 == thread.status_code, thread.text
    assert ["see you"] == [m["text"] for m in thread.json()["messages"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        # A report of nothing but bidi and C1 controls says nothing once they are stripped.
        ("what_happened", "\u202e\u2066\x85"),
        ("what_happened", "\x00\x9f"),
        # Nor does one of only invisible characters: it would look blank in the inbox.
        ("what_happened", "\u200b"),
        ("what_happened", "\u00ad\u200c\u200d\u2060\ufeff\u200f \u180e"),
        # As /schema/openapi.json says: danger_now is true or false, not 0, 1 or "true".
        *[("danger_now", value) for value in (0, 1, "true", "false", None)],
    ],
)
def test_a_report_field_that_cannot_be_right_is_refused(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture, field: str, value: object
) -> None:
    response = client.post(REPORTS, json=report_body(**{field: value}))
    assert 422 == response.status_code
    error = assert_error_shape(response.json())
    assert field == error["field"]  # named for programs, never in the words people read
    assert field not in error["message"]


def test_qr_codes_never_use_the_host_header(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture
) -> None:
    response = client.get(
        "/api/v1/qr.svg", params={"path": "/help"}, headers={"Host": "evil.example"}
    )
    assert 200 == response.status_code
    assert b"evil.example" not in response.content
    assert b"<title>http://127.0.0.1:8000/help</title>" in response.content


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])  # noqa: S104
def test_qr_codes_are_422_when_the_server_does_not_know_its_address(
    tmp_path: Path, make_app: AppFactory, quiet_log: pytest.LogCaptureFixture, host: str
) -> None:
    with TestClient(make_app(make_settings(tmp_path / "data", host=host))) as client:
        response = client.get(
            "/api/v1/qr.svg", params={"path": "/help"}, headers={"Host": "evil.example"}
        )
    assert 422 == response.status_code
    error = assert_error_shape(response.json())
    assert "no_public_url" == error["code"]
    assert "CONSEQUENCES_PUBLIC_URL" in error["message"]


@pytest.mark.parametrize("body", [b"{", b'{"a" 1}', b"\xff\xfe"])
def test_a_body_that_is_not_json_is_400(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture, body: bytes
) -> None:
    response = client.post(REPORTS, content=body, headers={"Content-Type": "application/json"})
    assert 400 == response.status_code
    assert_error_shape(response.json())


def test_options_lists_every_method_of_the_path(client: TestClient[Litestar]) -> None:
    allow = client.options("/api/v1/staff/reports/3").headers["allow"]
    assert {"GET", "PATCH", "OPTIONS"} == {m.strip() for m in allow.split(",")}


def test_a_strictly_refused_body_is_answered_in_the_readers_language(
    client: TestClient[Litestar], quiet_log: pytest.LogCaptureFixture
) -> None:
    """The body check runs before the handler, and still answers in plain, translated words."""
    response = client.post(
        REPORTS, json=report_body(danger_now=1), headers={"Accept-Language": "ur"}
    )
    assert 422 == response.status_code
    error = assert_error_shape(response.json())
    assert "danger_now" == error["field"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in error["message"])
    deep = client.post(
        REPORTS,
        content=b"[" * 40 + b"]" * 40,
        headers={"Content-Type": "application/json", "Accept-Language": "ur"},
    )
    assert 400 == deep.status_code
    error = assert_error_shape(deep.json())
    assert "too_deeply_nested" == error["code"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in error["message"])
