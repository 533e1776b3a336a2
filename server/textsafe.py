"""Text from strangers made safe to store, show and search.

- ``clean_text``: what a young person typed, without the characters that can hide or reorder
  what the team sees (C0 and C1 controls, bidi overrides, embeddings and isolates), so a
  report reads the same on the staff page and in the CSV export as it was written.
- ``fts_query``: any text typed into the finder's keywords as an FTS5 query that can only
  ever mean "these words": quotes, ``*``, ``NEAR(``, ``^``, ``-``, ``OR``, NUL and emoji
  cannot change its meaning or make SQLite refuse it.
- ``json_depth``: how deeply a JSON document nests, counted without decoding it.
"""

from __future__ import annotations

import re

# C0 controls other than tab and newline, DEL, and the C1 controls (U+0080-U+009F).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidi embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069): they make text
# display in another order than it was written ("Trojan source"). Also the line and paragraph
# separators, which some viewers treat as line breaks and others do not.
_BIDI = "\u202a-\u202e\u2066-\u2069\u2028\u2029"
UNSAFE = re.compile(f"[{_CONTROLS}{_BIDI}]")
# Words as FTS5's unicode61 tokenizer sees them: letters and digits of any script.
_WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 16


def clean_text(text: str) -> str:
    """The text without control, bidi-override or isolate characters, trimmed.

    Everything readable stays: letters of every script, emoji, tabs and newlines, and the
    left-to-right and right-to-left marks (U+200E, U+200F) that Arabic and Urdu text needs.
    """
    return UNSAFE.sub("", text).strip()


def fts_words(text: str) -> list[str]:
    """The words in what someone typed, at most MAX_QUERY_WORDS of them."""
    return _WORD.findall(text)[:MAX_QUERY_WORDS]


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for every word in `text` (all must match), or None if it
    holds no words. Each word is a quoted string, so nothing typed is read as syntax."""
    words = fts_words(text)
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words)


_JSON_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


def json_depth(body: bytes, limit: int) -> int:
    """How deeply `body` nests arrays and objects, counted up to `limit + 1` (then it stops).

    Strings are skipped whole, so brackets inside them do not count. The body need not be
    valid JSON: this only bounds the work a decoder would do.
    """
    depth = deepest = 0
    for match in _JSON_STRUCTURE.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif token in (b"]", b"}"):
            depth = max(depth - 1, 0)
    return deepest
