"""Follow-up codes: easy words and digits, at least 40 bits, any case or separators, hashed."""

from __future__ import annotations

import itertools
import re
import secrets

import pytest

from server import codes

CODE = re.compile(r"^[a-z]{3,8}-[a-z]{3,8}-[a-z]{3,8}-[0-9]{4}$")


def test_a_code_is_three_words_and_four_digits() -> None:
    for _ in range(200):
        code = codes.new_code()
        assert CODE.fullmatch(code), code
        words = code.split("-")[:3]
        assert all(word in codes.WORDS for word in words)


def test_a_code_carries_at_least_40_bits() -> None:
    assert codes.ENTROPY_BITS >= 40
    assert 1024 == len(codes.WORDS)


def test_codes_come_from_the_secrets_module(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_choice, real_randbelow = secrets.choice, secrets.randbelow
    monkeypatch.setattr(secrets, "choice", lambda seq: calls.append("choice") or real_choice(seq))
    monkeypatch.setattr(
        secrets, "randbelow", lambda n: calls.append("randbelow") or real_randbelow(n)
    )
    codes.new_code()
    assert ["choice", "choice", "choice", "randbelow"] == calls


def test_codes_do_not_repeat() -> None:
    made = {codes.new_code() for _ in range(5000)}
    assert 5000 == len(made)


def test_words_are_short_lowercase_and_unique() -> None:
    assert len(set(codes.WORDS)) == len(codes.WORDS)
    assert all(re.fullmatch(r"[a-z]{3,8}", word) for word in codes.WORDS)
    assert codes.MAX_CODE_LENGTH <= 32


def test_no_word_starts_another_so_a_code_without_separators_reads_one_way() -> None:
    words = sorted(codes.WORDS)
    clashes = [(a, b) for a, b in itertools.pairwise(words) if b.startswith(a)]
    assert [] == clashes


def test_no_weapon_or_violent_words() -> None:
    unwanted = {"knife", "gun", "blade", "stab", "kill", "dead", "blood", "axe", "sword", "cannon"}
    assert set() == unwanted & set(codes.WORDS)


@pytest.mark.parametrize(
    "typed",
    [
        "river-pencil-orbit-4821",
        "RIVER-PENCIL-ORBIT-4821",
        "River Pencil Orbit 4821",
        "river pencil orbit 4821",
        "riverpencilorbit4821",
        "river_pencil_orbit_4821",
        "river.pencil.orbit.4821",
        "  river – pencil – orbit – 4821  ",
        "river/pencil/orbit/4821",
        "riverpencilorbit٤٨٢١",  # Arabic-Indic digits
        "riverpencilorbit۴۸۲۱",  # Extended Arabic-Indic (Urdu) digits
        "riverpencilorbit４８２１",  # full-width digits
    ],
)
def test_any_case_and_any_separators_normalise_to_one_form(typed: str) -> None:
    assert "riverpencilorbit4821" == codes.normalise(typed)


def test_the_hash_is_keyed_and_ignores_case_and_separators() -> None:
    key = secrets.token_bytes(32)
    digest = codes.code_hash(key, "river-pencil-orbit-4821")
    assert digest == codes.code_hash(key, "RIVER PENCIL ORBIT 4821")
    assert digest != codes.code_hash(secrets.token_bytes(32), "river-pencil-orbit-4821")
    assert digest != codes.code_hash(key, "river-pencil-orbit-4822")
    assert 32 == len(digest)
    assert b"river" not in digest
