"""Pulse questions: short statements in content/pulse/*.yaml, sourced and translated like cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import yaml
from msgspec import Meta
from msgspec.structs import replace

from server.content import Base, Gettext, Line, Paragraph, SafeLoader, Slug, Source

Scale = Literal["agree", "five"]
# The answers each scale offers, in the order they are shown; their labels are UI strings
# ("pulse.answer.agree"...), and 2 to 4 are shown as numbers.
ANSWERS: dict[str, tuple[str, ...]] = {
    "agree": ("agree", "not_sure", "disagree"),
    "five": ("1", "2", "3", "4", "5"),
}


class PulseQuestion(Base, frozen=True, kw_only=True):
    id: Slug
    statement: Line
    scale: Scale
    cards: Annotated[list[Slug], Meta(min_length=1)]
    why: Paragraph
    sources: Annotated[list[Source], Meta(min_length=1)]
    reviewed_on: dt.date

    @property
    def answers(self) -> tuple[str, ...]:
        return ANSWERS[self.scale]


def translate_question(question: PulseQuestion, _: Gettext) -> PulseQuestion:
    """Only the statement reaches pupils; the reasons and sources are for staff, in English."""
    return replace(question, statement=_(question.statement))


class PulseContentError(ValueError):
    """A pulse file is malformed; the message names the file and field."""


@dataclass
class PulseQuestions:
    """Every question by id, and the questions each card asks, in file order."""

    by_id: dict[str, PulseQuestion] = field(default_factory=dict)

    def for_card(self, card_id: str) -> list[PulseQuestion]:
        return [q for q in self.by_id.values() if card_id in q.cards]


def decode(path: Path) -> PulseQuestion:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    try:
        question = msgspec.convert(data, PulseQuestion)
    except msgspec.ValidationError as exc:
        raise PulseContentError(f"pulse/{path.name}: {exc}") from None
    if question.id != path.stem:
        raise PulseContentError(f"pulse/{path.name}: id: '{question.id}' must match the file name")
    return question


def load_questions(content_dir: Path, card_ids: set[str] | None = None) -> PulseQuestions:
    """Every file in content/pulse/; a question naming an unknown card is an error."""
    questions = PulseQuestions()
    for path in sorted((content_dir / "pulse").glob("*.yaml")):
        question = decode(path)
        unknown = sorted(set(question.cards) - card_ids) if card_ids is not None else []
        if unknown:
            raise PulseContentError(f"pulse/{path.name}: cards: unknown card(s) {unknown}")
        if question.reviewed_on > dt.date.today():
            raise PulseContentError(f"pulse/{path.name}: reviewed_on: the date is in the future")
        questions.by_id[question.id] = question
    return questions


def translatable_strings(path: Path) -> Iterator[tuple[str, str]]:
    """(context, text) for the babel extractor."""
    found: list[tuple[str, str]] = []
    question = decode(path)

    def record(text: str) -> str:
        found.append((f"pulse {question.id}", text))
        return text

    translate_question(question, record)
    yield from found
