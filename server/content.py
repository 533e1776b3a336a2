"""Cards, helplines and glossary: decoded from content/ YAML into msgspec Structs and checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import msgspec
import yaml
from msgspec import Meta
from msgspec.structs import replace

# libyaml's C loader when PyYAML has it (it is five times faster); the same safe subset.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Slug = Annotated[str, Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Line = Annotated[str, Meta(min_length=1, max_length=400, pattern=r"^[^<>]*$")]
Paragraph = Annotated[str, Meta(min_length=1, max_length=2000, pattern=r"^[^<>]*$")]
HttpsUrl = Annotated[str, Meta(pattern=r"^https://[^\s<>\"]+$", max_length=500)]

Audience = Literal["young_person", "parent", "teacher"]
T = TypeVar("T")
AUDIENCES: tuple[str, ...] = ("young_person", "parent", "teacher")
Topic = Literal[
    "law",
    "health",
    "family",
    "future",
    "exploitation",
    "first_aid",
    "getting_help",
    "reporting",
    "lesson",
]
Category = Literal[
    "youth_club",
    "sport_and_boxing",
    "mentoring",
    "mental_health",
    "victim_support",
    "exploitation_support",
    "family_support",
    "education_training",
    "legal_advice",
    "helpline",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]


class Base(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Shared options: content files are hand-written, so a misspelt key is an error."""


class Source(Base, frozen=True, kw_only=True):
    title: Line
    url: HttpsUrl


class Section(Base, frozen=True, kw_only=True):
    heading: Line
    paragraphs: Annotated[list[Paragraph], Meta(min_length=1)]
    minutes: Annotated[int, Meta(ge=1, le=120)] | None = None
    notes: list[Paragraph] = []
    # `for: teacher`: the paragraphs tell the teacher what to do (or hold a quiz's answers), so
    # presenter mode keeps them in the notes; otherwise they are for the class to see.
    for_: Literal["teacher"] | None = msgspec.field(default=None, name="for")


class Scenario(Base, frozen=True, kw_only=True):
    situation: Paragraph
    choices: Annotated[list[Line], Meta(min_length=2, max_length=5)]
    notes: Paragraph | None = None


class RelatedHelp(Base, frozen=True, kw_only=True):
    helplines: list[Slug] = []
    service_categories: list[Category] = []


class Jurisdiction(Base, frozen=True, kw_only=True):
    applies_to: Literal["england-wales"]
    differences: Paragraph


class Review(Base, frozen=True, kw_only=True):
    """Who checked a card, when, and exactly what they checked (a hash of its text and facts)."""

    reviewed_on: dt.date
    role: Annotated[str, Meta(min_length=2, max_length=80, pattern=r"^[^<>\n]*$")]
    hash: Annotated[str, Meta(pattern=r"^sha256:[0-9a-f]{64}$")]


class Card(Base, frozen=True, kw_only=True):
    id: Slug
    audience: Audience
    topic: Topic
    title: Line
    summary: Line
    key_points: Annotated[list[Line], Meta(min_length=3, max_length=6)]
    sections: Annotated[list[Section], Meta(min_length=1)]
    discussion_questions: list[Line] = []
    learning_objectives: list[Line] = []
    duration_minutes: Annotated[int, Meta(ge=5, le=120)] | None = None
    scenarios: list[Scenario] = []
    related_help: RelatedHelp
    jurisdiction: Jurisdiction
    sources: Annotated[list[Source], Meta(min_length=1)]
    # For reviewers only: what was and was not checked. Not translated, not served.
    reviewer_notes: list[Paragraph] = []
    review: Review


class Helpline(Base, frozen=True, kw_only=True):
    id: Slug
    name: Line
    phone: Annotated[str, Meta(pattern=r"^[0-9 ]{3,20}$")] | None = None
    text: Annotated[str, Meta(pattern=r"^[0-9 ]{3,20}$")] | None = None
    text_keyword: str | None = None
    url: HttpsUrl | None = None
    what_for: Paragraph
    when_open: Line
    free_from_mobiles: bool
    categories: list[Category] = []
    source: Source
    verified_on: dt.date
    # For reviewers only: what was and was not checked. Not translated.
    reviewer_notes: list[Paragraph] = []


class GlossaryEntry(Base, frozen=True, kw_only=True):
    id: Slug
    term: Line
    forms: list[Line] = []
    definition: Paragraph


class ContentError(msgspec.Struct, frozen=True):
    """One problem in one file, named by its field."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass
class Content:
    """Everything under content/, decoded and checked."""

    cards: dict[str, Card] = field(default_factory=dict)
    helplines: dict[str, Helpline] = field(default_factory=dict)
    glossary: dict[str, GlossaryEntry] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    # The hash of each card's text and facts as they are now (see card_hash).
    card_hashes: dict[str, str] = field(default_factory=dict)


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


# -- Which text is translatable. One walker per type, used both to translate and (with a
# recording gettext) to extract messages for translators, so the two never disagree.

Gettext = Callable[[str], str]


def translate_card(card: Card, _: Gettext) -> Card:
    return replace(
        card,
        title=_(card.title),
        summary=_(card.summary),
        key_points=[_(p) for p in card.key_points],
        sections=[
            replace(
                s,
                heading=_(s.heading),
                paragraphs=[_(p) for p in s.paragraphs],
                notes=[_(n) for n in s.notes],
            )
            for s in card.sections
        ],
        discussion_questions=[_(q) for q in card.discussion_questions],
        learning_objectives=[_(o) for o in card.learning_objectives],
        scenarios=[
            replace(
                sc,
                situation=_(sc.situation),
                choices=[_(c) for c in sc.choices],
                notes=_(sc.notes) if sc.notes else None,
            )
            for sc in card.scenarios
        ],
        jurisdiction=replace(card.jurisdiction, differences=_(card.jurisdiction.differences)),
    )


def translate_helpline(helpline: Helpline, _: Gettext) -> Helpline:
    return replace(
        helpline,
        name=_(helpline.name),
        what_for=_(helpline.what_for),
        when_open=_(helpline.when_open),
    )


def translate_glossary_entry(entry: GlossaryEntry, _: Gettext) -> GlossaryEntry:
    return replace(entry, term=_(entry.term), definition=_(entry.definition))


def translatable_strings(path: Path) -> Iterator[tuple[str, str]]:
    """(context, text) for every translatable string in one content file, in file order."""
    found: list[tuple[str, str]] = []
    for label, obj in _decode_file(path):
        record = _recorder(found, label)
        if isinstance(obj, Card):
            translate_card(obj, record)
        elif isinstance(obj, Helpline):
            translate_helpline(obj, record)
        elif isinstance(obj, GlossaryEntry):
            translate_glossary_entry(obj, record)
    yield from found


def strings_of(item: Card | Helpline | GlossaryEntry) -> list[str]:
    """Every translatable string of one card, helpline or glossary entry, in order."""
    found: list[tuple[str, str]] = []
    record = _recorder(found, "")
    if isinstance(item, Card):
        translate_card(item, record)
    elif isinstance(item, Helpline):
        translate_helpline(item, record)
    else:
        translate_glossary_entry(item, record)
    return [text for _, text in found]


def _recorder(found: list[tuple[str, str]], label: str) -> Gettext:
    def record(text: str) -> str:
        found.append((label, text))
        return text

    return record


def _decode_file(path: Path) -> list[tuple[str, Card | Helpline | GlossaryEntry]]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    if path.parent.name == "cards":
        card = msgspec.convert(data, Card)
        return [(f"card {card.id}", card)]
    if path.name == "helplines.yaml":
        return [(f"helpline {h.id}", h) for h in msgspec.convert(data, list[Helpline])]
    if path.name == "glossary.yaml":
        return [(f"glossary {g.id}", g) for g in msgspec.convert(data, list[GlossaryEntry])]
    return []


# -- Loading and checking


_NAMED_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]+)`")


def _field_of(exc: msgspec.ValidationError) -> tuple[str, str]:
    """(field path, message) from msgspec's "... - at `$.a.b`" messages."""
    message = str(exc)
    text, path = message, ""
    if " - at `$" in message:
        text, _, at = message.rpartition(" - at `")
        path = at.rstrip("`").removeprefix("$").lstrip(".")
    named = _NAMED_FIELD.search(text)
    if named:
        path = f"{path}.{named.group(1)}" if path else named.group(1)
    return path or "(top)", text


def _load_yaml(path: Path, name: str, errors: list[ContentError]) -> object | None:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        errors.append(ContentError(name, "(file)", f"not valid YAML: {exc}"))
        return None


def load_content(content_dir: Path, today: dt.date | None = None) -> Content:
    """Decode and check everything; problems are collected, not raised."""
    today = today or dt.date.today()
    content = Content()
    errors = content.errors
    cards_dir = content_dir / "cards"
    card_files = sorted(cards_dir.glob("*.yaml")) if cards_dir.is_dir() else []
    if not card_files:
        errors.append(ContentError("cards/", "(folder)", "no card files found"))
    for path in card_files:
        name = f"cards/{path.name}"
        data = _load_yaml(path, name, errors)
        if data is None:
            continue
        try:
            card = msgspec.convert(data, Card)
        except msgspec.ValidationError as exc:
            where, message = _field_of(exc)
            errors.append(ContentError(name, where, message))
            continue
        if card.id != path.stem:
            errors.append(ContentError(name, "id", f"'{card.id}' must match the file name"))
        if card.id in content.cards:
            errors.append(ContentError(name, "id", f"duplicate id '{card.id}'"))
            continue
        errors.extend(ContentError(name, f, m) for f, m in check_card(card, today))
        content.cards[card.id] = card
        content.card_hashes[card.id] = card_hash(data)

    for helpline in _load_list(content_dir, "helplines.yaml", Helpline, errors):
        if helpline.id in content.helplines:
            errors.append(ContentError("helplines.yaml", "id", f"duplicate id '{helpline.id}'"))
        content.helplines[helpline.id] = helpline
    for entry in _load_list(content_dir, "glossary.yaml", GlossaryEntry, errors):
        if entry.id in content.glossary:
            errors.append(ContentError("glossary.yaml", "id", f"duplicate id '{entry.id}'"))
        content.glossary[entry.id] = entry

    for card in content.cards.values():
        for helpline_id in card.related_help.helplines:
            if content.helplines and helpline_id not in content.helplines:
                errors.append(
                    ContentError(
                        f"cards/{card.id}.yaml",
                        "related_help.helplines",
                        f"unknown helpline '{helpline_id}'",
                    )
                )
    return content


def _load_list(
    content_dir: Path, filename: str, kind: type[T], errors: list[ContentError]
) -> list[T]:
    path = content_dir / filename
    if not path.exists():
        errors.append(ContentError(filename, "(file)", "file is missing"))
        return []
    data = _load_yaml(path, filename, errors)
    if data is None:
        return []
    try:
        return msgspec.convert(data, list[kind])  # type: ignore[valid-type]
    except msgspec.ValidationError as exc:
        where, message = _field_of(exc)
        errors.append(ContentError(filename, where, message))
        return []


def check_card(card: Card, today: dt.date | None = None) -> Iterator[tuple[str, str]]:
    """Rules that the types alone cannot say."""
    if not card.related_help.helplines and not card.related_help.service_categories:
        yield "related_help", "every card must end with where to get help"
    if len(card.sources) < 1:
        yield "sources", "every card needs at least one source"
    if card.review.reviewed_on > (today or dt.date.today()):
        yield "review.reviewed_on", "the review date is in the future"
    if card.duration_minutes is not None:
        total = sum(s.minutes or 0 for s in card.sections)
        if total != card.duration_minutes:
            yield (
                "duration_minutes",
                f"is {card.duration_minutes} but the sections' minutes add up to {total}",
            )
    if card.audience == "teacher" and not card.discussion_questions and not card.scenarios:
        yield "scenarios", "teacher cards need scenarios or discussion questions"
    for i, section in enumerate(card.sections):
        if section.for_ == "teacher" and card.audience != "teacher":
            yield f"sections[{i}].for", "only a teacher card has sections for the teacher"
    seen = set()
    for i, source in enumerate(card.sources):
        if source.url in seen:
            yield f"sources[{i}].url", "listed twice"
        seen.add(source.url)


def load_or_raise(content_dir: Path) -> Content:
    content = load_content(content_dir)
    if content.errors:
        raise ContentInvalid(content.errors)
    return content


# -- Reviews: a card's review holds the hash of what was checked, so an edit shows.

# Fields that are not the card's text or facts: the review itself and the notes for reviewers.
UNHASHED_FIELDS = frozenset({"review", "reviewer_notes"})
REVIEW_VALID_MONTHS = 12


def card_hash(data: object) -> str:
    """SHA-256 of a card's text and facts: every field as written, except the review, the notes
    and the sections' `for` markers.

    Hashes the decoded YAML (sorted JSON), so re-indenting or re-quoting changes nothing but any
    change to a word, a source, a helpline or a field does.
    """
    fields = (
        {k: v for k, v in data.items() if k not in UNHASHED_FIELDS}
        if isinstance(data, dict)
        else data
    )
    if isinstance(fields, dict) and isinstance(fields.get("sections"), list):
        # Who a section is for on the projector (`for: teacher`) is not its text or facts:
        # marking it does not undo a review.
        fields["sections"] = [
            {k: v for k, v in section.items() if k != "for"}
            if isinstance(section, dict)
            else section
            for section in fields["sections"]
        ]
    canonical = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def review_due(reviewed_on: dt.date) -> dt.date:
    """The last day a review made on `reviewed_on` still counts (12 months later)."""
    try:
        return reviewed_on.replace(year=reviewed_on.year + REVIEW_VALID_MONTHS // 12)
    except ValueError:  # 29 February
        return reviewed_on.replace(year=reviewed_on.year + REVIEW_VALID_MONTHS // 12, day=28)


def review_problems(content: Content, today: dt.date | None = None) -> list[ContentError]:
    """Cards changed since their review, and reviews or helpline checks older than 12 months.

    Kept apart from load_content's errors: the server still serves a card whose review is
    overdue (with its "last checked" date), but `content check` fails until it is reviewed.
    """
    today = today or dt.date.today()
    problems = []
    for card in content.cards.values():
        name = f"cards/{card.id}.yaml"
        if content.card_hashes.get(card.id) != card.review.hash:
            problems.append(
                ContentError(
                    name,
                    "review.hash",
                    "the card's text or facts changed after its last review; check it against "
                    f"its sources, then run: consequences content review {card.id} --role ROLE",
                )
            )
        if today > review_due(card.review.reviewed_on):
            problems.append(
                ContentError(
                    name,
                    "review.reviewed_on",
                    f"last reviewed {card.review.reviewed_on.isoformat()}, more than 12 months ago",
                )
            )
    for helpline in content.helplines.values():
        if today > review_due(helpline.verified_on):
            problems.append(
                ContentError(
                    "helplines.yaml",
                    f"{helpline.id}.verified_on",
                    f"last verified {helpline.verified_on.isoformat()}, more than 12 months ago",
                )
            )
    return problems


def check_everything(
    content_dir: Path, today: dt.date | None = None
) -> tuple[Content, list[ContentError]]:
    """What `consequences content check` reports: every load error, then every review problem."""
    content = load_content(content_dir, today)
    return content, [*content.errors, *review_problems(content, today)]


_REVIEW_BLOCK = re.compile(r"^review:[ \t]*\n(?:[ \t]+.*(?:\n|$))*", re.MULTILINE)


class ReviewRefused(Exception):
    """A review cannot be recorded: the card is missing or does not load."""


def record_review(
    content_dir: Path, card_id: str, role: str, today: dt.date | None = None
) -> Review:
    """Write the card's current hash, today's date and the reviewer's role into its file.

    Only the `review:` block at the end of the file is rewritten; the rest stays as written.
    """
    today = today or dt.date.today()
    path = content_dir / "cards" / f"{card_id}.yaml"
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", card_id) or not path.is_file():
        raise ReviewRefused(f"no card '{card_id}' in {content_dir / 'cards'}")
    role = role.strip()
    if not role or len(role) > 80 or any(c in role for c in "<>\n"):
        raise ReviewRefused("give the reviewer's role (not a name), e.g. 'content lead'")
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReviewRefused(f"{path}: not valid YAML: {exc}") from exc
    review = Review(reviewed_on=today, role=role, hash=card_hash(data))
    block = (
        "review:\n"
        f"  reviewed_on: {review.reviewed_on.isoformat()}\n"
        f"  role: {json.dumps(review.role, ensure_ascii=False)}\n"
        f"  hash: {review.hash}\n"
    )
    if _REVIEW_BLOCK.search(text):
        new_text = _REVIEW_BLOCK.sub(lambda _: block, text, count=1)
    else:
        new_text = text.rstrip("\n") + "\n" + block
    # The card must still load with the new review before the file is replaced.
    new_data = yaml.safe_load(new_text)
    try:
        card = msgspec.convert(new_data, Card)
    except msgspec.ValidationError as exc:
        raise ReviewRefused(f"{path}: {exc}") from exc
    if card.id != card_id or card_hash(new_data) != review.hash:
        raise ReviewRefused(f"{path}: the review block could not be written cleanly")
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(path)
    return review
