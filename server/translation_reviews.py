"""Which strings are safety-critical, and recording a fluent speaker's review of strings.

The one rule for "safety-critical" is `safety_critical()`: every UI string of the quick exit
and of "Get help now", every string of the "if someone is stabbed" card and of the 999 and
Childline helplines, and any other string that names 999, Childline or its number. The rule
marks those strings for translators in messages.pot (an extracted "SAFETY-CRITICAL" comment,
which `consequences i18n update` copies into every catalogue), and `consequences i18n stats`
shows their review state first.

Reviews are kept per string in locales/<lang>/reviewed.yaml (see server.i18n): a string counts
as reviewed while its English source and its translation are what the reviewer checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import msgspec
import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from server.content import Card, Content, GlossaryEntry, Helpline, strings_of
from server.i18n import (
    SOURCE_LANGUAGE,
    SUPPORTED,
    ReviewFile,
    StringReview,
    po_path,
    read_reviews,
    review_path,
    reviewed_msgids,
    text_hash,
)
from server.messages import UI_MESSAGES

# The rule, in one place.
SAFETY_UI_PREFIXES = ("help_now.", "quick_exit.")
SAFETY_CARDS = frozenset({"if-someone-is-stabbed"})
SAFETY_HELPLINES = frozenset({"emergency", "childline"})
SAFETY_WORDS = re.compile(r"\b999\b|Childline|0800 1111")
# One line in the .pot (babel wraps comments at 100 characters).
SAFETY_COMMENT = (
    "SAFETY-CRITICAL (999, Childline, first aid, quick exit): a fluent speaker checks it first."
)


def safety_critical(content: Content) -> frozenset[str]:
    """The English text of every safety-critical string (see the module's docstring)."""
    found = {
        text
        for key, text in UI_MESSAGES.items()
        if key.startswith(SAFETY_UI_PREFIXES) or SAFETY_WORDS.search(text)
    }
    items: list[tuple[bool, Card | Helpline | GlossaryEntry]] = [
        *((card.id in SAFETY_CARDS, card) for card in content.cards.values()),
        *((h.id in SAFETY_HELPLINES, h) for h in content.helplines.values()),
        *((False, g) for g in content.glossary.values()),
    ]
    for whole, item in items:
        found.update(text for text in strings_of(item) if whole or SAFETY_WORDS.search(text))
    return frozenset(found)


def mark_template(pot: Path, critical: frozenset[str]) -> None:
    """Add the SAFETY-CRITICAL comment to those strings in a freshly extracted .pot file."""
    with pot.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id in critical and SAFETY_COMMENT not in message.auto_comments:
            message.auto_comments.append(SAFETY_COMMENT)
    with pot.open("wb") as f:
        write_po(f, catalog, width=100)


@dataclass(frozen=True)
class ReviewState:
    """One language: how many strings, and safety-critical strings, are reviewed."""

    lang: str
    total: int
    reviewed: int
    critical_total: int
    critical_reviewed: int


def _catalog(locales_dir: Path, lang: str) -> Catalog:
    with po_path(locales_dir, lang).open("rb") as f:
        return read_po(f, locale=lang)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if isinstance(m.id, str) and m.id]


def review_states(locales_dir: Path, content: Content) -> list[ReviewState]:
    critical = safety_critical(content)
    states = []
    for lang in SUPPORTED:
        if lang == SOURCE_LANGUAGE:
            continue
        messages = _messages(_catalog(locales_dir, lang))
        done = reviewed_msgids(messages, read_reviews(locales_dir, lang))
        ids = [m.id for m in messages]
        states.append(
            ReviewState(
                lang=lang,
                total=len(ids),
                reviewed=sum(1 for i in ids if i in done),
                critical_total=sum(1 for i in ids if i in critical),
                critical_reviewed=sum(1 for i in ids if i in critical and i in done),
            )
        )
    return states


class ReviewNotRecorded(Exception):
    """The review cannot be recorded; the message says why in plain words."""


def select_strings(
    content: Content,
    *,
    card_id: str | None = None,
    safety: bool = False,
    everything: bool = False,
) -> frozenset[str] | None:
    """The English strings a review covers; None means every string in the catalogue."""
    if sum((card_id is not None, safety, everything)) != 1:
        raise ReviewNotRecorded("choose exactly one of --card ID, --safety-critical or --all")
    if everything:
        return None
    if safety:
        return safety_critical(content)
    card = content.cards.get(card_id or "")
    if card is None:
        raise ReviewNotRecorded(f"no card '{card_id}'")
    return frozenset(strings_of(card))


def record_string_reviews(
    locales_dir: Path,
    lang: str,
    role: str,
    selection: frozenset[str] | None,
    today: dt.date | None = None,
) -> tuple[int, int]:
    """Record that a fluent speaker checked the selected strings of `lang`, as they are now.

    Only translated strings are recorded; returns (recorded, left out as untranslated).
    """
    if lang == SOURCE_LANGUAGE or lang not in SUPPORTED:
        raise ReviewNotRecorded(f"'{lang}' is not a translated language of the app")
    role = role.strip()
    if not role or len(role) > 80 or any(c in role for c in "<>\n"):
        raise ReviewNotRecorded("give the reviewer's role (not a name), e.g. 'fluent speaker'")
    today = today or dt.date.today()
    messages = [
        m for m in _messages(_catalog(locales_dir, lang)) if selection is None or m.id in selection
    ]
    translated = [m for m in messages if isinstance(m.string, str) and m.string and not m.fuzzy]
    reviews = read_reviews(locales_dir, lang)
    fresh = {text_hash(str(m.id)): m for m in translated}
    kept = [r for r in reviews.reviews if r.source_hash not in fresh]
    added = [
        StringReview(
            source_hash=source_hash,
            translation_hash=text_hash(str(m.string)),
            reviewed_on=today,
            role=role,
            source=str(m.id),
        )
        for source_hash, m in fresh.items()
    ]
    write_reviews(locales_dir, lang, ReviewFile(reviews=_sorted([*kept, *added])))
    return len(added), len(messages) - len(translated)


def _sorted(reviews: Iterable[StringReview]) -> list[StringReview]:
    return sorted(reviews, key=lambda r: r.source_hash)


HEADER = """\
# Strings of this language that a fluent speaker has checked, one entry per string:
# hashes of the English source and of the translation checked, the date and the reviewer's
# role (never a name). Written by `consequences i18n review`; do not add entries by hand,
# and record only a review that really happened. An entry stops counting when either text
# changes.
"""


def write_reviews(locales_dir: Path, lang: str, reviews: ReviewFile) -> Path:
    path = review_path(locales_dir, lang)
    data = msgspec.to_builtins(reviews)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(HEADER + body, encoding="utf-8")
    tmp.replace(path)
    return path
