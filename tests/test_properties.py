"""Hypothesis property tests for the parsers and cleaners that take text from strangers:
the report text cleaner, the postcode parser, the follow-up code parser and the finder's
FTS5 query builder. Whatever they are given, they answer or refuse in the documented way."""

from __future__ import annotations

import sqlite3
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from server import codes
from server.http import MAX_JSON_DEPTH
from server.postcodes import INWARD_LETTERS, OUTWARD, InvalidPostcode, Postcode, parse_postcode
from server.textsafe import UNSAFE, clean_text, fts_query, fts_words, json_depth

# Every kind of character: control, bidi, surrogate-free Unicode of all scripts, emoji.
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=200)
UNSAFE_CHARS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n"]
UNSAFE_CHARS += [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


@settings(deadline=None)
@given(ANY_TEXT)
def test_clean_text_leaves_no_unsafe_character_and_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert UNSAFE.search(cleaned) is None
    assert cleaned == clean_text(cleaned)
    assert cleaned == cleaned.strip()


@settings(deadline=None)
@given(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=50), st.data())
def test_clean_text_keeps_every_letter_and_digit_in_order(text: str, data: st.DataObject) -> None:
    noise = st.text(st.sampled_from(UNSAFE_CHARS), max_size=3)
    mixed = "".join(ch + data.draw(noise) for ch in text)
    assert text == clean_text(mixed)


UNIT_POSTCODE = st.from_regex(rf"\A{OUTWARD} [0-9]{INWARD_LETTERS}{{2}}\Z")


@settings(deadline=None)
@given(UNIT_POSTCODE, st.sampled_from(["", " ", "  ", "-", "."]), st.booleans())
def test_any_spacing_and_case_of_a_postcode_parses_to_the_same_unit(
    postcode: str, separator: str, lower: bool
) -> None:
    outward, inward = postcode.split(" ")
    typed = outward + separator + inward
    parsed = parse_postcode(typed.lower() if lower else typed)
    assert Postcode(postcode, "unit", outward) == parsed


@settings(deadline=None)
@given(ANY_TEXT)
def test_the_postcode_parser_answers_or_refuses_anything(raw: str) -> None:
    try:
        parsed = parse_postcode(raw)
    except InvalidPostcode:
        return
    assert parsed.kind in ("unit", "sector", "district")
    assert parsed.text == parsed.text.upper().strip()
    assert parsed.text.startswith(parsed.outward)
    # Parsing its own answer gives it back: the normal form is stable.
    assert parsed.text == parse_postcode(parsed.text).text


WORD = st.sampled_from(codes.WORDS)


@settings(deadline=None)
@given(st.lists(WORD, min_size=3, max_size=3), st.integers(0, 9999), st.data())
def test_a_code_typed_any_way_hashes_like_the_code(
    words: list[str], number: int, data: st.DataObject
) -> None:
    code = "-".join([*words, f"{number:04d}"])
    separator = data.draw(st.sampled_from(["", " ", "-", "_", ".", " - "]))
    digits = f"{number:04d}"
    if data.draw(st.booleans()):  # Arabic-Indic digits, as an Arabic keyboard types them
        digits = "".join(chr(0x660 + int(d)) for d in digits)
    typed = separator.join([*(w.upper() if data.draw(st.booleans()) else w for w in words)])
    typed = typed + separator + digits
    secret = b"k" * 32
    assert codes.code_hash(secret, code) == codes.code_hash(secret, typed)


@settings(deadline=None)
@given(ANY_TEXT)
def test_the_code_parser_keeps_only_ascii_letters_and_digits(raw: str) -> None:
    normal = codes.normalise(raw)
    assert set(normal) <= set(string.ascii_lowercase + string.digits)
    assert normal == codes.normalise(normal)


def fts_table() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    conn.executemany(
        "INSERT INTO t (body) VALUES (?)",
        [("Boxing club for young people",), ("Mentors and youth workers",), ("café ☕ 24",)],
    )
    return conn


FTS = fts_table()


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_typed_text_is_a_valid_fts5_query(text: str) -> None:
    query = fts_query(text)
    if query is None:
        assert [] == fts_words(text)
        return
    # Never a syntax error, whatever was typed.
    FTS.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(["boxing", "Boxing", "BOXING", "club", "young"]), min_size=1),
    # Punctuation FTS5 reads as syntax; "NEAR" and "OR" are searched as plain words.
    st.lists(st.sampled_from(['"', "*", "^", "-", "\x00", "🔪", "(", ")", ":", "+", "{", "}"])),
)
def test_syntax_among_the_words_does_not_change_what_is_found(
    words: list[str], syntax: list[str]
) -> None:
    plain = FTS.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts_query(" ".join(words)),))
    noisy_text = " ".join(w + "".join(syntax) for w in words)
    noisy = FTS.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts_query(noisy_text),))
    assert [(1,)] == plain.fetchall() == noisy.fetchall()


@settings(deadline=None)
@given(st.recursive(st.none() | st.integers() | st.text(), lambda inner: st.lists(inner)))
def test_json_depth_counts_nesting_like_a_decoder(value: object) -> None:
    import json

    def depth(v: object) -> int:
        return 1 + max(map(depth, v), default=0) if isinstance(v, list) else 0

    body = json.dumps(value).encode()
    assert min(depth(value), MAX_JSON_DEPTH + 1) == json_depth(body, MAX_JSON_DEPTH)
