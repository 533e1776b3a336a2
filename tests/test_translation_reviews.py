"""Fluent speakers' reviews, string by string: the review files, the safety-critical rule,
`consequences i18n review` and `stats`, and what the API says per card and per language."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po, write_po
from litestar import Litestar
from litestar.testing import TestClient

from server.cli import main
from server.content import Content, strings_of
from server.i18n import Languages, po_path, read_reviews, review_path, text_hash
from server.messages import UI_MESSAGES
from server.settings import ROOT
from server.translation_reviews import (
    SAFETY_COMMENT,
    ReviewNotRecorded,
    record_string_reviews,
    review_states,
    safety_critical,
    select_strings,
)
from tests.conftest import AppFactory, make_settings

LOCALES = ROOT / "locales"
TRANSLATED = ("ur", "ar", "bn", "pl", "pt", "ro", "so", "tr")
CARD = "your-future"
OTHER_CARD = "carrying-a-knife-the-law"


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """A copy of the shipped catalogues and review files, to record reviews in."""
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES, copy, ignore=shutil.ignore_patterns("*.mo"))
    return copy


@contextmanager
def app_client(
    tmp_path: Path, make_app: AppFactory, locales: Path
) -> Iterator[TestClient[Litestar]]:
    """The app serving these catalogues and review files (read at start-up)."""
    settings = make_settings(tmp_path / "data", locales_dir=str(locales))
    with TestClient(make_app(settings)) as client:
        yield client


def test_no_string_has_been_reviewed_by_a_fluent_speaker_yet() -> None:
    """The review files start empty: a review is recorded only when it really happened."""
    for lang in TRANSLATED:
        path = review_path(LOCALES, lang)
        assert path.is_file(), lang
        assert {"reviews": []} == yaml.safe_load(path.read_text(encoding="utf-8")), lang
        assert [] == read_reviews(LOCALES, lang).reviews


def test_the_safety_critical_rule_covers_999_childline_first_aid_and_quick_exit(
    content: Content,
) -> None:
    critical = safety_critical(content)
    assert UI_MESSAGES["quick_exit.label"] in critical
    assert UI_MESSAGES["quick_exit.hint"] in critical
    assert UI_MESSAGES["help_now.emergency"] in critical
    assert UI_MESSAGES["help_now.childline"] in critical
    assert set(strings_of(content.cards["if-someone-is-stabbed"])) <= critical
    assert set(strings_of(content.helplines["emergency"])) <= critical
    assert set(strings_of(content.helplines["childline"])) <= critical
    # Not everything: an ordinary title is not safety-critical.
    assert content.cards["banned-weapons-at-home"].title not in critical
    assert UI_MESSAGES["nav.settings"] not in critical


def test_translators_see_the_mark_in_the_template_and_every_catalogue(content: Content) -> None:
    critical = safety_critical(content)
    for path in [LOCALES / "messages.pot", *(po_path(LOCALES, lang) for lang in TRANSLATED)]:
        with path.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id:
                continue
            marked = SAFETY_COMMENT in message.auto_comments
            assert marked == (message.id in critical), (path, message.id)


def test_a_card_review_makes_that_card_reviewed_in_that_language_only(
    locales: Path, content: Content, tmp_path: Path, make_app: AppFactory
) -> None:
    selection = select_strings(content, card_id=CARD)
    recorded, untranslated = record_string_reviews(locales, "pl", "fluent speaker", selection)
    assert recorded == len(set(strings_of(content.cards[CARD])))
    assert untranslated == 0
    entries = read_reviews(locales, "pl").reviews
    assert {e.role for e in entries} == {"fluent speaker"}
    assert {e.source_hash for e in entries} == {
        text_hash(s) for s in strings_of(content.cards[CARD])
    }

    with app_client(tmp_path, make_app, locales) as client:
        assert client.get(f"/api/v1/cards/{CARD}?lang=pl").json()["translation_reviewed"] is True
        assert (
            client.get(f"/api/v1/cards/{OTHER_CARD}?lang=pl").json()["translation_reviewed"]
            is False
        )
        assert client.get(f"/api/v1/cards/{CARD}?lang=ur").json()["translation_reviewed"] is False
        assert client.get(f"/api/v1/cards/{CARD}?lang=en").json()["translation_reviewed"] is True
        bundle = {c["id"]: c for c in client.get("/api/v1/bundle?lang=pl").json()["cards"]}
        assert bundle[CARD]["translation_reviewed"] is True
        assert bundle[OTHER_CARD]["translation_reviewed"] is False
        # The language as a whole is not reviewed until every one of its strings is.
        locales_api = {x["code"]: x for x in client.get("/api/v1/locales").json()}
        assert locales_api["pl"]["reviewed"] is False


def test_a_changed_english_string_or_translation_is_unreviewed_again(
    locales: Path, content: Content
) -> None:
    record_string_reviews(locales, "pl", "fluent speaker", select_strings(content, card_id=CARD))
    strings = strings_of(content.cards[CARD])
    assert all(s in Languages(locales).reviewed["pl"] for s in strings)

    path = po_path(locales, "pl")
    with path.open("rb") as f:
        catalog = read_po(f, locale="pl")
    english, translated = strings[0], strings[1]
    old = catalog[english]
    catalog.delete(english)
    catalog.add(english + " (changed)", old.string)  # the English source changed
    catalog[translated].string = catalog[translated].string + " (zmienione)"
    with path.open("wb") as f:
        write_po(f, catalog, width=100)

    reviewed = Languages(locales).reviewed["pl"]
    assert english + " (changed)" not in reviewed
    assert translated not in reviewed
    assert all(s in reviewed for s in strings[2:])


def test_reviewing_every_string_makes_the_language_reviewed(
    locales: Path, content: Content, tmp_path: Path, make_app: AppFactory
) -> None:
    record_string_reviews(locales, "tr", "fluent speaker", select_strings(content, everything=True))
    languages = Languages(locales)
    assert languages.info["tr"].reviewed is True
    assert languages.info["pl"].reviewed is False
    with app_client(tmp_path, make_app, locales) as client:
        assert client.get("/api/v1/cards?lang=tr").json()["translation_reviewed"] is True
        assert client.get("/api/v1/messages?lang=pl").json()["translation_reviewed"] is False


def test_the_header_line_is_only_a_note(locales: Path) -> None:
    path = po_path(locales, "ro")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "Fluent-Speaker-Review: no", "Fluent-Speaker-Review: yes, A. Name, 2026-11-30"
        ),
        encoding="utf-8",
    )
    assert Languages(locales).info["ro"].reviewed is False


def test_review_refuses_english_a_missing_card_or_two_selections(
    locales: Path, content: Content
) -> None:
    with pytest.raises(ReviewNotRecorded, match="not a translated language"):
        record_string_reviews(locales, "en", "fluent speaker", None)
    with pytest.raises(ReviewNotRecorded, match="role"):
        record_string_reviews(locales, "pl", "  ", None)
    with pytest.raises(ReviewNotRecorded, match="no card"):
        select_strings(content, card_id="no-such-card")
    with pytest.raises(ReviewNotRecorded, match="exactly one"):
        select_strings(content, card_id=CARD, everything=True)
    with pytest.raises(ReviewNotRecorded, match="exactly one"):
        select_strings(content)
    assert [] == read_reviews(locales, "pl").reviews


def test_the_review_command_records_and_stats_show_safety_critical_first(
    locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--role", "fluent speaker", "--locales-dir", str(locales)]
    assert 0 == main(["i18n", "review", "bn", "--safety-critical", *args])
    out = capsys.readouterr().out
    assert "Recorded:" in out and "'bn'" in out
    assert 2 == main(["i18n", "review", "bn", "--card", CARD, "--all", *args])
    assert "exactly one" in capsys.readouterr().err
    assert 2 == main(["i18n", "review", "en", "--all", *args])
    capsys.readouterr()

    assert 0 == main(["i18n", "stats", "--locales-dir", str(locales)])
    out = capsys.readouterr().out
    assert out.index("Safety-critical strings") < out.index("translated")
    critical_line = next(line for line in out.splitlines() if line.strip().startswith("bn"))
    assert critical_line.rstrip().endswith("yes")
    pl_line = next(line for line in out.splitlines() if line.strip().startswith("pl"))
    assert pl_line.rstrip().endswith("NO")


def test_review_states_count_strings(locales: Path, content: Content) -> None:
    record_string_reviews(locales, "so", "fluent speaker", select_strings(content, safety=True))
    states = {s.lang: s for s in review_states(locales, content)}
    assert states["so"].critical_reviewed == states["so"].critical_total > 0
    assert states["so"].reviewed == states["so"].critical_total
    assert states["ar"].reviewed == 0
    assert states["ar"].total == states["so"].total
