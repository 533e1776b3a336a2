"""Cards, helplines and glossary decode, and `content check` names every broken field."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from server.content import (
    AUDIENCES,
    ReviewRefused,
    card_hash,
    check_everything,
    load_content,
    record_review,
    review_problems,
)
from server.settings import ROOT

CONTENT = ROOT / "content"


def test_shipped_content_has_no_problems() -> None:
    content = load_content(CONTENT)
    assert [] == [str(e) for e in content.errors]


def test_enough_cards_for_each_audience() -> None:
    content = load_content(CONTENT)
    by_audience = {a: [c for c in content.cards.values() if c.audience == a] for a in AUDIENCES}
    assert len(content.cards) >= 12
    assert len(by_audience["young_person"]) >= 7
    assert len(by_audience["parent"]) >= 3
    assert len(by_audience["teacher"]) >= 2


ISSUE_11_CARDS = {
    "stopped-and-searched": "young_person",
    "arrested-under-18": "young_person",
    "knives-school-college": "young_person",
    "friend-carries-knife": "young_person",
    "witness-or-victim": "young_person",
    "banned-weapons-at-home": "parent",
    "exploitation-and-county-lines": "parent",
    "knife-incident-in-school": "teacher",
    "esol-session-parents": "teacher",
}


def test_the_topics_young_people_parents_and_teachers_ask_about() -> None:
    content = load_content(CONTENT)
    assert ISSUE_11_CARDS == {
        card_id: content.cards[card_id].audience
        for card_id in ISSUE_11_CARDS
        if card_id in content.cards
    }
    esol = content.cards["esol-session-parents"]
    assert esol.duration_minutes == 60
    assert sum(s.minutes or 0 for s in esol.sections) == 60
    assert esol.learning_objectives and esol.scenarios


def test_no_adult_maximum_is_given_without_saying_it_is_for_adults() -> None:
    content = load_content(CONTENT)
    for card in content.cards.values():
        texts = [*card.key_points, *(p for s in card.sections for p in [*s.paragraphs, *s.notes])]
        for text in texts:
            for sentence in re.split(r"(?<=[.!?;])\s+", text):
                if "4 years" in sentence:
                    assert "adult" in sentence.lower(), (card.id, sentence)
        joined = " ".join(texts)
        assert "15p" not in joined, card.id
        assert "will not get in trouble for calling 999" not in joined, card.id
        assert "safe and locked" not in joined, card.id


def test_every_card_ends_with_help_and_has_sources() -> None:
    content = load_content(CONTENT)
    for card in content.cards.values():
        assert card.sources, card.id
        assert card.related_help.helplines, card.id
        assert all(s.url.startswith("https://") for s in card.sources), card.id


def test_lesson_plan_has_timings_objectives_and_safeguarding() -> None:
    content = load_content(CONTENT)
    lessons = [c for c in content.cards.values() if c.duration_minutes == 50]
    assert lessons, "a 50-minute lesson plan is required"
    lesson = lessons[0]
    assert lesson.learning_objectives
    assert lesson.scenarios
    assert all(s.minutes for s in lesson.sections)
    text = " ".join(
        [
            *lesson.key_points,
            *(p for s in lesson.sections for p in [s.heading, *s.paragraphs, *s.notes]),
        ]
    )
    assert "designated safeguarding lead" in text.lower()


def test_lesson_plans_say_which_sections_are_instructions_for_the_teacher() -> None:
    content = load_content(CONTENT)
    lessons = [c for c in content.cards.values() if c.topic == "lesson"]
    assert len(lessons) >= 3
    for lesson in lessons:
        for_teacher = [s.heading for s in lesson.sections if s.for_ == "teacher"]
        for_class = [s.heading for s in lesson.sections if s.for_ is None]
        assert for_teacher, lesson.id
        # Where to get help is for everyone in the room: it is projected.
        assert "Where to get help" == for_class[-1], lesson.id
    fifty = content.cards["lesson-plan-50-minutes"]
    law = next(s for s in fifty.sections if s.heading == "The law and what can happen")
    assert law.for_ is None  # the facts are for the class to read
    # A quiz's answers are for the teacher, never projected before the class has guessed.
    quiz = next(s for s in content.cards["tutor-time-session"].sections if "quiz" in s.heading)
    assert "teacher" == quiz.for_
    assert any("(false)" in p for p in quiz.paragraphs)


def test_legal_facts_are_stated_with_their_sources() -> None:
    content = load_content(CONTENT)
    law = content.cards["carrying-a-knife-the-law"]
    text = " ".join([*law.key_points, *(p for s in law.sections for p in s.paragraphs)])
    assert "4 years" in text
    assert "3 inches" in text
    assert "6 months" in text
    assert "4 months" in text
    urls = {s.url for s in law.sources}
    assert "https://www.legislation.gov.uk/ukpga/1988/33/section/139" in urls


# -- content check catches each kind of broken card


def _card_data() -> dict[str, object]:
    data = yaml.safe_load((CONTENT / "cards" / "carrying-a-knife-the-law.yaml").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _write(content_dir: Path, name: str, data: object) -> None:
    (content_dir / "cards" / f"{name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


BROKEN = {
    "missing source": (lambda d: d.update(sources=[]), "sources"),
    "no sources field": (lambda d: d.pop("sources"), "sources"),
    "unknown audience": (lambda d: d.update(audience="pupils"), "audience"),
    "empty key points": (lambda d: d.update(key_points=[]), "key_points"),
    "too many key points": (lambda d: d.update(key_points=["A point."] * 7), "key_points"),
    "html in text": (lambda d: d.update(summary="<b>Bold</b> claim."), "summary"),
    "misspelt field": (lambda d: d.update(sumary="typo"), "sumary"),
    "bad review date": (
        lambda d: d["review"].update(reviewed_on="yesterday"),
        "review.reviewed_on",
    ),
    "future review date": (
        lambda d: d["review"].update(reviewed_on="2999-01-01"),
        "review.reviewed_on",
    ),
    "review without a role": (lambda d: d["review"].pop("role"), "review.role"),
    "review without a hash": (lambda d: d["review"].update(hash="abc"), "review.hash"),
    "http source": (
        lambda d: d.update(sources=[{"title": "Old", "url": "http://example.org"}]),
        "sources[0].url",
    ),
    "unknown helpline": (
        lambda d: d.update(related_help={"helplines": ["ghostbusters"]}),
        "related_help.helplines",
    ),
    "no help at the end": (
        lambda d: d.update(related_help={"helplines": [], "service_categories": []}),
        "related_help",
    ),
    "wrong jurisdiction": (
        lambda d: d.update(jurisdiction={"applies_to": "france", "differences": "x"}),
        "jurisdiction.applies_to",
    ),
    "lesson minutes do not add up": (lambda d: d.update(duration_minutes=50), "duration_minutes"),
    "a young person's section for the teacher": (
        lambda d: d["sections"][0].update({"for": "teacher"}),
        "sections[0].for",
    ),
    "a section for no one we know": (
        lambda d: d["sections"][0].update({"for": "pupils"}),
        "sections[0].for",
    ),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_content_check_names_file_and_field(content_copy: Path, kind: str) -> None:
    change, field = BROKEN[kind]
    data = _card_data()
    change(data)
    _write(content_copy, "carrying-a-knife-the-law", data)
    errors = load_content(content_copy).errors
    assert [("cards/carrying-a-knife-the-law.yaml", field)] == [(e.file, e.field) for e in errors]


def test_duplicate_id_is_reported(content_copy: Path) -> None:
    _write(content_copy, "a-copy", _card_data())
    errors = load_content(content_copy).errors
    messages = [str(e) for e in errors]
    assert any("cards/a-copy.yaml: id:" in m and "match the file name" in m for m in messages)
    assert any("duplicate id 'carrying-a-knife-the-law'" in m for m in messages)


def test_invalid_yaml_is_reported(content_copy: Path) -> None:
    (content_copy / "cards" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    errors = load_content(content_copy).errors
    assert [("cards/broken.yaml", "(file)")] == [(e.file, e.field) for e in errors]


def test_cli_content_check_exits_non_zero_with_every_problem(content_copy: Path) -> None:
    data = _card_data()
    data.update(audience="pupils")
    _write(content_copy, "carrying-a-knife-the-law", data)
    other = _card_data()
    other.update(id="second", key_points=[])
    _write(content_copy, "second", other)
    result = subprocess.run(
        [sys.executable, "-m", "server", "content", "check", "--content-dir", str(content_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "carrying-a-knife-the-law.yaml: audience:" in result.stderr
    assert "second.yaml: key_points:" in result.stderr


def test_cli_content_check_passes_on_shipped_content() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server", "content", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:")


# -- reviews: a card's review holds the hash of what was checked


def test_shipped_cards_are_reviewed_as_they_are_now() -> None:
    content, problems = check_everything(CONTENT)
    assert [] == [str(p) for p in problems]
    for card in content.cards.values():
        assert card.review.role, card.id
        assert card.review.hash == content.card_hashes[card.id], card.id
        assert card.jurisdiction.applies_to == "england-wales"


def test_card_edited_after_review_fails_content_check(content_copy: Path) -> None:
    path = content_copy / "cards" / "carrying-a-knife-the-law.yaml"
    before = check_everything(content_copy)[1]
    assert [] == [str(p) for p in before]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("4 to 24 months", "4 to 36 months", 1), encoding="utf-8")
    content, problems = check_everything(content_copy)
    assert content.errors == []  # the card still loads and is served...
    assert [("cards/carrying-a-knife-the-law.yaml", "review.hash")] == [
        (p.file, p.field) for p in problems
    ]  # ...but content check fails until someone reviews it again
    assert "changed after its last review" in problems[0].message


def test_reformatting_a_card_does_not_count_as_a_change(content_copy: Path) -> None:
    path = content_copy / "cards" / "joint-enterprise.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(data, width=60, sort_keys=True), encoding="utf-8")
    assert [] == [str(p) for p in check_everything(content_copy)[1]]


def test_review_notes_are_not_part_of_the_hash() -> None:
    data = _card_data()
    with_notes = {**data, "reviewer_notes": ["Checked something else."]}
    assert card_hash(data) == card_hash(with_notes)
    assert card_hash(data) != card_hash({**data, "summary": "Something else."})


def test_marking_a_section_for_the_teacher_is_not_part_of_the_hash() -> None:
    """Who a section is for on the projector changes no word or fact: the review stands."""
    data = _card_data()
    marked = {**data, "sections": [{**s, "for": "teacher"} for s in data["sections"]]}
    assert card_hash(data) == card_hash(marked)
    reworded = [{**s, "heading": s["heading"] + "!"} for s in data["sections"]]
    assert card_hash(data) != card_hash({**data, "sections": reworded})


def test_stale_review_fails_content_check(content_copy: Path) -> None:
    content = load_content(content_copy)
    reviewed = content.cards["your-future"].review.reviewed_on
    a_year_on = reviewed.replace(year=reviewed.year + 1)
    on_time = [p for p in review_problems(content, a_year_on) if p.file.startswith("cards/")]
    assert on_time == []
    late = review_problems(content, a_year_on + dt.timedelta(days=1))
    stale = {(p.file, p.field) for p in late}
    assert ("cards/your-future.yaml", "review.reviewed_on") in stale
    assert len([f for f, field in stale if f.startswith("cards/")]) == len(content.cards)
    assert any(f == "helplines.yaml" and field.endswith("verified_on") for f, field in stale)


def test_recording_a_review_makes_an_edited_card_pass(content_copy: Path) -> None:
    path = content_copy / "cards" / "joint-enterprise.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("leave early", "leave straight away"), encoding="utf-8")
    assert check_everything(content_copy)[1]
    review = record_review(
        content_copy, "joint-enterprise", "content lead", today=dt.date(2026, 12, 1)
    )
    assert review.role == "content lead"
    assert review.reviewed_on == dt.date(2026, 12, 1)
    new_text = path.read_text(encoding="utf-8")
    assert new_text.count("review:") == 1
    assert "leave straight away" in new_text  # the rest of the file is kept as written
    content, problems = check_everything(content_copy, today=dt.date(2026, 12, 1))
    assert [] == [str(p) for p in problems]
    assert content.cards["joint-enterprise"].review == review


def test_review_needs_a_card_and_a_role(content_copy: Path) -> None:
    with pytest.raises(ReviewRefused):
        record_review(content_copy, "no-such-card", "content lead")
    with pytest.raises(ReviewRefused):
        record_review(content_copy, "../helplines", "content lead")
    with pytest.raises(ReviewRefused):
        record_review(content_copy, "joint-enterprise", "  ")


def test_cli_content_review_records_and_check_passes(content_copy: Path) -> None:
    path = content_copy / "cards" / "your-future.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("keeps more doors", "keeps many doors"),
        encoding="utf-8",
    )
    args = ["--content-dir", str(content_copy)]
    check = [sys.executable, "-m", "server", "content", "check", *args]
    failed = subprocess.run(check, capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert "your-future.yaml: review.hash:" in failed.stderr
    review = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "content",
            "review",
            "your-future",
            "--role",
            "content lead",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert review.returncode == 0, review.stderr
    passed = subprocess.run(check, capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stderr


def test_each_phone_number_is_written_one_way() -> None:
    """A number in card text is written exactly as its helpline entry writes it."""
    content = load_content(CONTENT)
    written = {h.phone.replace(" ", ""): h.phone for h in content.helplines.values() if h.phone}
    number = re.compile(r"(?<![\d])\d[\d ]{5,}\d(?![\d])")
    for card in content.cards.values():
        texts = [*card.key_points, *(p for s in card.sections for p in [*s.paragraphs, *s.notes])]
        for text in texts:
            for match in number.finditer(text):
                digits = match.group().replace(" ", "")
                if digits in written:
                    assert match.group() == written[digits], (card.id, match.group())
    for helpline in content.helplines.values():
        for text in (helpline.what_for, helpline.when_open):
            for match in number.finditer(text):
                digits = match.group().replace(" ", "")
                if digits in written:
                    assert match.group() == written[digits], (helpline.id, match.group())
