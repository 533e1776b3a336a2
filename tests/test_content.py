"""Cards, helplines and glossary decode, and `content check` names every broken field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from server.content import AUDIENCES, load_content
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
    "bad review date": (lambda d: d.update(reviewed_on="yesterday"), "reviewed_on"),
    "future review date": (lambda d: d.update(reviewed_on="2999-01-01"), "reviewed_on"),
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
