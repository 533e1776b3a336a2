"""The glossary of hard words in parent cards: present, used, served in every language."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.content import Content, GlossaryEntry, load_content, translatable_strings
from server.i18n import SUPPORTED
from server.settings import ROOT

GLOSSARY_FILE = ROOT / "content" / "glossary.yaml"
CONTENT: Content = load_content(ROOT / "content")
ENTRIES: list[GlossaryEntry] = list(CONTENT.glossary.values())
# The words the issue names: ESOL parents meet them in the parent cards.
REQUIRED_TERMS = {
    "exploitation",
    "county lines",
    "grooming",
    "joint enterprise",
    "criminal record",
    "safeguarding",
}

# Issue 11: on young people's cards the glossary links every hard term.
YOUNG_PERSON_HARD_TERMS = {
    "offensive weapon",
    "custody",
    "detention and training order",
    "exceptional circumstances",
    "appropriate adult",
    "referral order",
}

pytestmark = pytest.mark.skipif(
    not GLOSSARY_FILE.exists(), reason="content/glossary.yaml is not written yet"
)


def parent_text() -> str:
    parts: list[str] = []
    for card in CONTENT.cards.values():
        if card.audience != "parent":
            continue
        parts += [card.title, card.summary, *card.key_points]
        for section in card.sections:
            parts += [section.heading, *section.paragraphs]
    return "\n".join(parts)


def mentions(text: str, entry: GlossaryEntry) -> bool:
    """Whole words, any case: how the app finds a glossary word to link."""
    return any(
        re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE)
        for form in [entry.term, *entry.forms]
    )


def test_glossary_has_the_hard_words_from_the_issue() -> None:
    terms = {entry.term.lower() for entry in ENTRIES}
    assert REQUIRED_TERMS <= terms, f"missing: {sorted(REQUIRED_TERMS - terms)}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_each_word_is_in_a_parent_card(entry: GlossaryEntry) -> None:
    # An entry no parent card uses would never be linked; a card that drops a word should
    # drop the entry too (or keep it for a card that still uses it).
    assert mentions(parent_text(), entry), f"'{entry.term}' is in no parent card"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_forms_include_the_term(entry: GlossaryEntry) -> None:
    assert entry.term.lower() in {form.lower() for form in entry.forms}


def test_terms_and_definitions_go_to_translators() -> None:
    strings = {text for _, text in translatable_strings(GLOSSARY_FILE)}
    for entry in ENTRIES:
        assert entry.term in strings
        assert entry.definition in strings


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_language_serves_every_entry(client: TestClient[Litestar], lang: str) -> None:
    glossary = client.get("/api/v1/bundle", params={"lang": lang}).json()["glossary"]
    assert [e.id for e in ENTRIES] == [g["id"] for g in glossary]
    assert all(g["term"] and g["definition"] for g in glossary)


def young_person_text() -> str:
    parts: list[str] = []
    for card in CONTENT.cards.values():
        if card.audience != "young_person":
            continue
        parts += [card.title, card.summary, *card.key_points]
        for section in card.sections:
            parts += [section.heading, *section.paragraphs]
    return "\n".join(parts)


@pytest.mark.parametrize("term", sorted(YOUNG_PERSON_HARD_TERMS))
def test_young_people_cards_use_and_link_each_hard_term(term: str) -> None:
    text = young_person_text()
    assert re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE), (
        f"'{term}' is on no young person's card"
    )
    matching = [e for e in ENTRIES if term in {f.lower() for f in [e.term, *e.forms]}]
    assert matching, f"'{term}' has no glossary entry to link to"
    assert all(mentions(text, entry) for entry in matching)


def test_joint_enterprise_is_defined_as_helping_or_encouraging() -> None:
    entry = CONTENT.glossary["joint-enterprise"]
    assert "charged for the same crime" not in entry.definition
    assert "helped or encouraged" in entry.definition
    assert "someone else" in entry.definition
