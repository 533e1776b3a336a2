"""Follow-up codes in digits: sixteen, in groups, with a check digit, for every language but
English (which may choose); lookup takes Eastern Arabic and Bengali digits, spaces, dashes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server import codes
from tests.conftest import AppFactory, make_settings
from tests.test_reports import REPORTS, report_body

DIGIT_CODE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{4}$")
WORD_CODE = re.compile(r"^[a-z]+-[a-z]+-[a-z]+-\d{4}$")
EASTERN_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


@pytest.fixture
def client(tmp_path: Path, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    settings = make_settings(
        tmp_path / "data",
        reports_per_hour=10_000,
        lookups_per_hour=10_000,
    )
    with TestClient(make_app(settings)) as c:
        yield c


def test_a_digit_code_has_sixteen_digits_and_a_check_digit() -> None:
    code = codes.new_digit_code()
    assert DIGIT_CODE.match(code)
    plain = code.replace("-", "")
    assert 0 == codes.damm(plain)
    assert not codes.mistyped(code)
    assert codes.DIGIT_ENTROPY_BITS > 49
    # Every single wrong digit, and every swap of two different neighbours, is caught.
    for i, digit in enumerate(plain):
        for other in "0123456789":
            if other != digit:
                assert codes.mistyped(plain[:i] + other + plain[i + 1 :])
        if i + 1 < len(plain) and plain[i] != plain[i + 1]:
            swapped = plain[:i] + plain[i + 1] + plain[i] + plain[i + 2 :]
            assert codes.mistyped(swapped)
    assert codes.mistyped(plain[:-1])  # a digit missed out
    assert not codes.mistyped("river-pencil-orbit-4821")  # word codes go to the lookup
    assert not codes.mistyped("1234")  # nor do short numbers: not a digit code at all


@pytest.mark.parametrize("lang", ["ur", "so", "bn", "ar", "pl", "pt", "ro", "tr"])
def test_reporters_in_other_languages_get_digit_codes(
    client: TestClient[Litestar], lang: str
) -> None:
    response = client.post(REPORTS, json=report_body(lang=lang))
    assert 201 == response.status_code
    assert DIGIT_CODE.match(response.json()["code"])


def test_english_reporters_choose_words_or_digits(client: TestClient[Litestar]) -> None:
    assert WORD_CODE.match(client.post(REPORTS, json=report_body()).json()["code"])
    words = client.post(REPORTS, json=report_body(code_style="words")).json()["code"]
    assert WORD_CODE.match(words)
    digits = client.post(REPORTS, json=report_body(code_style="digits")).json()["code"]
    assert DIGIT_CODE.match(digits)
    bad = client.post(REPORTS, json=report_body(code_style="emoji"))
    assert 422 == bad.status_code


def test_lookup_takes_other_digit_scripts_spaces_and_dashes(client: TestClient[Litestar]) -> None:
    code = client.post(REPORTS, json=report_body(lang="ur")).json()["code"]
    for typed in (
        code.translate(EASTERN_ARABIC),
        code.translate(BENGALI).replace("-", " "),
        code.replace("-", ""),
        " " + code.replace("-", " - ") + " ",
    ):
        response = client.post(f"{REPORTS}/lookup?lang=ur", json={"code": typed})
        assert 200 == response.status_code, typed


def test_a_mistyped_digit_code_is_caught_before_the_lookup(
    tmp_path: Path, make_app: AppFactory
) -> None:
    settings = make_settings(tmp_path / "data", lookups_per_hour=1)
    with TestClient(make_app(settings)) as client:
        code = client.post(REPORTS, json=report_body(lang="so")).json()["code"]
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
        for _ in range(3):  # not counted as lookups: the limit of one is never reached
            response = client.post(f"{REPORTS}/lookup?lang=so", json={"code": wrong})
            assert 422 == response.status_code
            error = response.json()["error"]
            assert "code_mistyped" == error["code"]
            assert "That code has a mistake in it." not in error["message"]  # in Somali
        assert 200 == client.post(f"{REPORTS}/lookup?lang=so", json={"code": code}).status_code
