"""Partnership figures (JSON, CSV, SVG) and "You said, we did" updates, for signed-in staff."""

from __future__ import annotations

import csv
import io
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.reports import CATEGORIES
from server.settings import ROOT, Settings
from server.voice.places import KINDS
from tests.conftest import AppFactory
from tests.test_staff import (  # noqa: F401
    ADMIN,
    REVIEWER,
    accounts_template,
    sign_in,
    staffed_client,
    staffed_settings,
)

STAFF = "/api/v1/staff"
ARTIFACTS = ROOT / "test-artifacts"
DISTRICTS = ["LU1", "LU2", "LU3", "LU4", "LU5", "MK40"]


def seed(settings: Settings, year: int = 2025, seed_value: int = 16) -> None:
    """A year of made-up tallies and pulse counts, as the stores would have kept them."""
    rng = random.Random(seed_value)
    reports = sqlite3.connect(settings.data_path / "reports.db")
    voice = sqlite3.connect(settings.data_path / "voice.db")
    try:
        for month in range(1, 13):
            m = f"{year}-{month:02d}"
            places = 0
            for district in DISTRICTS:
                for kind in KINDS:
                    n = rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 20])
                    if n:
                        places += n
                        reports.execute(
                            "INSERT INTO unsafe_place_tallies VALUES (?, ?, ?, ?)",
                            (m, district, kind, n),
                        )
            for category in CATEGORIES:
                n = places + rng.randint(0, 4) if category == "unsafe_place" else rng.randint(0, 40)
                reports.execute("INSERT INTO report_tallies VALUES (?, ?, ?)", (m, category, n))
            cursor = voice.execute(
                "INSERT INTO pulse_sessions (code, key_hash, card_id, questions, phase, day, "
                "closes_at) VALUES (?, x'00', 'lesson-plan-50-minutes', '[]', 'after', ?, 0)",
                (f"S{month:05d}", f"{m}-10"),
            )
            for phase, shares in (("before", (8, 6, 16)), ("after", (2, 5, 23))):
                for answer, n in zip(("agree", "not_sure", "disagree"), shares, strict=True):
                    voice.execute(
                        "INSERT INTO pulse_counts VALUES (?, ?, 'knife-makes-you-safer', ?, ?)",
                        (cursor.lastrowid, phase, answer, n + rng.randint(0, 6)),
                    )
        reports.commit()
        voice.commit()
    finally:
        reports.close()
        voice.close()


@pytest.fixture
def seeded(staffed_settings: Settings, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:  # noqa: F811
    app = make_app(staffed_settings)  # migrates
    seed(staffed_settings)
    with TestClient(app) as c:
        yield c


def test_figures_need_a_sign_in(staffed_client: TestClient[Litestar]) -> None:  # noqa: F811
    response = staffed_client.get(f"{STAFF}/figures")
    assert 401 == response.status_code
    assert "not_signed_in" == response.json()["error"]["code"]


def test_figures_are_suppressed_and_rounded(seeded: TestClient[Litestar]) -> None:
    sign_in(seeded, REVIEWER)
    figures = seeded.get(f"{STAFF}/figures", params={"year": 2025}).json()
    assert figures["complete_year"] is True
    assert 12 == len(figures["months"])
    counts = [r["count"] for r in figures["unsafe_places"] + figures["reports"]]
    counts += [r["answered"] for r in figures["pulse"]]
    counts += [c for r in figures["pulse"] for c in r["counts"].values()]
    shown = [c for c in counts if c is not None]
    assert shown and None in counts
    assert all(c % 5 == 0 and c >= 10 for c in shown)
    # The class pulse before and after, per month, as rounded percentages.
    question = "knife-makes-you-safer"
    before = next(
        r
        for r in figures["pulse"]
        if r["month"] == "2025-03" and r["phase"] == "before" and r["question"] == question
    )
    assert before["answered"] is not None
    assert all(p is None or p % 5 == 0 for p in before["percent"].values())


def test_figures_for_this_year_hold_only_complete_months_and_no_year_total(
    seeded: TestClient[Litestar],
) -> None:
    sign_in(seeded, REVIEWER)
    figures = seeded.get(f"{STAFF}/figures").json()
    assert figures["complete_year"] is False
    assert all(r["month"] != "year" for r in figures["reports"])


def test_csv_export(seeded: TestClient[Litestar]) -> None:
    sign_in(seeded, REVIEWER)
    response = seeded.get(f"{STAFF}/figures", params={"year": 2025, "format": "csv"})
    assert 200 == response.status_code
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="figures-2025.csv"' in response.headers["content-disposition"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "figures-2025.csv").write_text(response.text, encoding="utf-8")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert ["table", "month", "question or district", "phase", "answer or category", "count",
            "percent"] == rows[0]  # fmt: skip
    cells = [r for r in rows[1:] if len(r) == 7]
    assert {"pulse", "unsafe_places", "reports"} == {r[0] for r in cells}
    values = [r[5] for r in cells]
    assert "suppressed" in values
    assert all(v == "suppressed" or (int(v) >= 10 and int(v) % 5 == 0) for v in values)
    by_accept = seeded.get(
        f"{STAFF}/figures", params={"year": 2025}, headers={"Accept": "text/csv"}
    )
    assert by_accept.text == response.text


def test_charts_are_svg_without_scripts(seeded: TestClient[Litestar]) -> None:
    sign_in(seeded, REVIEWER)
    names = seeded.get(f"{STAFF}/figures/charts", params={"year": 2025}).json()
    assert {"reports.svg", "unsafe-places.svg", "pulse-knife-makes-you-safer.svg"} <= set(names)
    for name in names:
        response = seeded.get(f"{STAFF}/figures/charts/{name}", params={"year": 2025})
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.text.startswith("<svg")
        assert "<script" not in response.text and "http" not in response.text.replace(
            "http://www.w3.org/2000/svg", ""
        )
    missing = seeded.get(f"{STAFF}/figures/charts/nothing.svg")
    assert "chart_not_found" == missing.json()["error"]["code"]


def test_viewing_figures_is_audited(seeded: TestClient[Litestar]) -> None:
    sign_in(seeded, ADMIN)
    seeded.get(f"{STAFF}/figures", params={"year": 2025})
    entries = seeded.get(f"{STAFF}/audit").json()["entries"]
    assert ("view_figures", "year=2025") in [(e["action"], e["detail"]) for e in entries]


def test_updates_are_published_shown_offline_and_exported(
    staffed_client: TestClient[Litestar],  # noqa: F811
) -> None:
    token = sign_in(staffed_client, REVIEWER)
    csrf = {"X-CSRF-Token": token}
    text = (
        "You told us the Gilpin Square underpass was badly lit; the council has fixed the lights."
    )
    refused = staffed_client.post(f"{STAFF}/updates", json={"text": text, "area": "LU1"})
    assert 403 == refused.status_code  # no CSRF token
    first = staffed_client.post(
        f"{STAFF}/updates", json={"text": text, "area": "lu1 2"}, headers=csrf
    )
    assert 201 == first.status_code, first.text
    assert "LU1 2" == first.json()["area"]
    second = staffed_client.post(
        f"{STAFF}/updates",
        json={"text": "Youth club opening hours now include Fridays.", "question":
              "know-where-to-get-help", "english_only": True},
        headers=csrf,
    )  # fmt: skip
    assert 201 == second.status_code
    for bad in (
        {"text": text},
        {"text": text, "area": "LU1 2BQ"},
        {"text": text, "question": "no-such-question"},
        {"text": "<b>bold</b>", "area": "LU1"},
    ):
        response = staffed_client.post(f"{STAFF}/updates", json=bad, headers=csrf)
        assert 422 == response.status_code, bad

    shown = staffed_client.get("/api/v1/updates", params={"lang": "pl"}).json()
    assert {first.json()["id"], second.json()["id"]} == {u["id"] for u in shown}
    by_id = {u["id"]: u for u in shown}
    # Not yet in the catalogue: shown in English, and said to be.
    assert "en" == by_id[first.json()["id"]]["lang"]
    assert by_id[second.json()["id"]]["english_only"] is True
    assert by_id[second.json()["id"]]["question_text"] != "I know where to get help near me."

    exported = staffed_client.get(f"{STAFF}/updates/export.yaml").text
    assert "Gilpin Square" in exported and "Fridays" not in exported

    withdraw = staffed_client.delete(f"{STAFF}/updates/{first.json()['id']}", headers=csrf)
    assert 403 == withdraw.status_code  # reviewers cannot withdraw


def test_exported_updates_reach_the_catalogue_through_extraction(tmp_path: Path) -> None:
    from server.babel_extract import extract_content

    path = tmp_path / "updates.yaml"
    path.write_text("- id: 3\n  text: The council has fixed the lights.\n", encoding="utf-8")
    with path.open("rb") as f:
        found = list(extract_content(f, {}, [], {}))
    assert [(2, None, "The council has fixed the lights.", ["update 3"])] == found
