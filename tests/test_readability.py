"""Parents' key points stay in plain English (about CEFR B1), measured with textstat.

The thresholds come from the content as first written (Flesch reading ease 79 to 100 per card,
8 to 11 words a sentence, longest sentence 14 words), with a small margin. If a test fails,
shorten the sentence or use a more common word rather than moving the threshold.
"""

from __future__ import annotations

import re

import pytest
import textstat

from server.content import Card, Content, GlossaryEntry, load_content
from server.settings import ROOT

CONTENT: Content = load_content(ROOT / "content")
PARENT_CARDS: list[Card] = [c for c in CONTENT.cards.values() if c.audience == "parent"]
YOUNG_PERSON_CARDS: list[Card] = [c for c in CONTENT.cards.values() if c.audience == "young_person"]

MIN_READING_EASE = 70.0  # Flesch reading ease: 60-70 is "plain English", 80+ "easy"
MAX_WORDS_PER_SENTENCE = 13.0
MAX_SENTENCE_WORDS = 18
MAX_YOUNG_PERSON_SENTENCE_WORDS = 20  # issue 11: no sentence longer than 20 words
MIN_YOUNG_PERSON_READING_EASE = 60.0  # content/README.md
MIN_GLOSSARY_READING_EASE = 50.0
MAX_GLOSSARY_WORDS_PER_SENTENCE = 26.0

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def test_there_are_parent_cards_to_measure() -> None:
    assert len(PARENT_CARDS) >= 3


@pytest.mark.parametrize("card", PARENT_CARDS, ids=lambda c: c.id)
def test_parent_key_points_are_easy_to_read(card: Card) -> None:
    text = " ".join(card.key_points)
    assert textstat.flesch_reading_ease(text) >= MIN_READING_EASE, (
        f"{card.id}: key points are harder to read than plain English (Flesch "
        f"{textstat.flesch_reading_ease(text):.0f} < {MIN_READING_EASE:.0f})"
    )


@pytest.mark.parametrize("card", PARENT_CARDS, ids=lambda c: c.id)
def test_parent_key_points_have_short_sentences(card: Card) -> None:
    text = " ".join(card.key_points)
    assert textstat.words_per_sentence(text) <= MAX_WORDS_PER_SENTENCE
    longest = max(sentences(text), key=textstat.lexicon_count)
    assert textstat.lexicon_count(longest) <= MAX_SENTENCE_WORDS, f"too long: {longest!r}"


def young_person_text(card: Card) -> list[str]:
    """Everything a young person reads on the card."""
    parts = [card.title, card.summary, *card.key_points]
    for section in card.sections:
        parts += [section.heading, *section.paragraphs]
    for scenario in card.scenarios:
        parts += [scenario.situation, *scenario.choices]
    parts += [*card.discussion_questions, card.jurisdiction.differences]
    return parts


@pytest.mark.parametrize("card", YOUNG_PERSON_CARDS, ids=lambda c: c.id)
def test_young_person_sentences_are_at_most_20_words(card: Card) -> None:
    too_long = [
        sentence
        for text in young_person_text(card)
        for sentence in sentences(text)
        if textstat.lexicon_count(sentence) > MAX_YOUNG_PERSON_SENTENCE_WORDS
    ]
    assert too_long == [], f"{card.id}: sentences over 20 words: {too_long}"


@pytest.mark.parametrize("card", YOUNG_PERSON_CARDS, ids=lambda c: c.id)
def test_young_person_cards_are_plain_english(card: Card) -> None:
    text = " ".join([*card.key_points, *(p for s in card.sections for p in s.paragraphs)])
    assert textstat.flesch_reading_ease(text) >= MIN_YOUNG_PERSON_READING_EASE, card.id


def test_the_sentence_limit_catches_a_long_sentence() -> None:
    long = " ".join(["word"] * 21) + "."
    short = "Call 999 if someone is in danger now. " + " ".join(["word"] * 19) + "."
    assert max(textstat.lexicon_count(s) for s in sentences(long)) > 20
    assert max(textstat.lexicon_count(s) for s in sentences(short)) <= 20


@pytest.mark.parametrize("entry", list(CONTENT.glossary.values()), ids=lambda e: e.id)
def test_glossary_definitions_are_simple_english(entry: GlossaryEntry) -> None:
    definition = entry.definition
    # Definitions must use the hard word itself, so their scores are lower than key points'.
    assert textstat.flesch_reading_ease(definition) >= MIN_GLOSSARY_READING_EASE
    assert textstat.words_per_sentence(definition) <= MAX_GLOSSARY_WORDS_PER_SENTENCE


def test_the_measure_tells_hard_text_from_easy_text() -> None:
    easy = "Stay calm. Listen to your child. Call 999 if someone is in danger now."
    hard = (
        "Notwithstanding the aforementioned legislative considerations, practitioners should "
        "contemporaneously document safeguarding concerns, facilitating multidisciplinary "
        "intervention through appropriate institutional mechanisms."
    )
    assert textstat.flesch_reading_ease(easy) >= MIN_READING_EASE
    assert textstat.flesch_reading_ease(hard) < MIN_READING_EASE
    assert textstat.words_per_sentence(hard) > MAX_WORDS_PER_SENTENCE
