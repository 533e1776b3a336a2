"""Unsafe places: only the postcode sector is kept, whether from a postcode or a location."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.db import connect
from server.migrations import migrate
from server.postcodes import bundled_tables, import_postcodes
from server.settings import Settings
from tests.conftest import AppFactory, make_settings
from tests.test_staff import ADMIN, accounts_template, add_accounts, sign_in  # noqa: F401

URL = "/api/v1/reports/unsafe-place"
# Somewhere inside the LU1 2 sector (its centroid is 51.88010, -0.41666).
NEAR_LU1_2 = (51.8803, -0.4170)


@pytest.fixture(scope="module")
def postcode_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("postcodes")
    migrate(data)
    db = connect(data / "directory.db")
    for table in bundled_tables(Path(make_settings(data).content_dir)):
        import_postcodes(db, table)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return data / "directory.db"


@pytest.fixture
def place_settings(tmp_path: Path, postcode_template: Path, accounts_template: Path) -> Settings:  # noqa: F811
    settings = make_settings(tmp_path / "data", reports_per_hour=1000)
    add_accounts(settings, accounts_template)
    shutil.copyfile(postcode_template, settings.data_path / "directory.db")
    return settings


@pytest.fixture
def place_client(place_settings: Settings, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    with TestClient(make_app(place_settings)) as c:
        yield c


def place(**overrides: object) -> dict[str, object]:
    return {
        "kind": "badly_lit",
        "time_of_day": "evening",
        "when": "this_week",
        "lang": "ur",
        "postcode": "lu1 2bq",
        "what_happened": "The underpass by the flats has no lights at all.",
        **overrides,
    }


def stored(settings: Settings) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = sqlite3.connect(settings.data_path / "reports.db")
    try:
        places = conn.execute("SELECT * FROM unsafe_places").fetchall()
        reports = conn.execute("SELECT * FROM reports").fetchall()
    finally:
        conn.close()
    return places, reports


def test_a_postcode_is_kept_only_as_its_sector(
    place_client: TestClient[Litestar], place_settings: Settings
) -> None:
    response = place_client.post(URL, json=place())
    assert 201 == response.status_code, response.text
    body = response.json()
    assert "LU1 2" == body["sector"]
    assert body["code"]
    places, reports = stored(place_settings)
    assert [(1, "LU1 2", "badly_lit", "evening")] == places
    # Nowhere in the report is the full postcode, in any spelling.
    flat = " ".join(str(cell) for row in reports for cell in row).upper()
    assert "LU1 2BQ" not in flat and "LU12BQ" not in flat
    raw = (place_settings.data_path / "reports.db").read_bytes()
    raw += (place_settings.data_path / "reports.db-wal").read_bytes()
    assert b"2BQ" not in raw.upper()


def test_a_location_becomes_the_nearest_sector_and_is_not_kept(
    place_client: TestClient[Litestar], place_settings: Settings
) -> None:
    lat, lon = NEAR_LU1_2
    response = place_client.post(
        URL, json=place(postcode=None, latitude=lat, longitude=lon, what_happened=None)
    )
    assert 201 == response.status_code, response.text
    assert "LU1 2" == response.json()["sector"]
    data = b"".join(p.read_bytes() for p in place_settings.data_path.glob("*.db*"))
    for text in (f"{lat}", f"{lon}", "51.8803", "-0.417"):
        assert text.encode() not in data, text


def test_the_report_reaches_the_staff_inbox_with_its_sector(
    place_client: TestClient[Litestar],
) -> None:
    assert 201 == place_client.post(URL, json=place(kind="followed_or_harassed")).status_code
    sign_in(place_client, ADMIN)
    inbox = place_client.get("/api/v1/staff/reports").json()
    (item,) = inbox["items"]
    assert "unsafe_place" == item["category"]
    assert "LU1" == item["area"]
    detail = place_client.get(f"/api/v1/staff/reports/{item['id']}").json()
    assert detail["where"].startswith("LU1 2: followed or harassed, in the evening")
    assert "underpass" in detail["what_happened"]
    extra = place_client.get(f"/api/v1/staff/unsafe-places/{item['id']}").json()
    assert {"report_id": item["id"], "sector": "LU1 2", "kind": "followed_or_harassed",
            "time_of_day": "evening"} == extra  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"postcode": "LU1"}, "invalid_postcode"),
        ({"postcode": "QQ9 9ZZ"}, "invalid_postcode"),
        ({"postcode": None}, "place_missing"),
        ({"postcode": None, "latitude": 48.85, "longitude": 2.35}, "outside_uk"),
        ({"kind": "scary"}, "invalid_input"),
        ({"time_of_day": "midnight"}, "invalid_input"),
        ({"device": "x"}, "invalid_input"),
    ],
)
def test_bad_places_are_refused_and_nothing_is_stored(
    place_client: TestClient[Litestar],
    place_settings: Settings,
    overrides: dict[str, object],
    code: str,
) -> None:
    response = place_client.post(URL, json=place(**overrides))
    assert 422 == response.status_code
    assert code == response.json()["error"]["code"]
    assert ([], []) == stored(place_settings)


def test_free_text_is_optional(place_client: TestClient[Litestar]) -> None:
    response = place_client.post(URL, json=place(what_happened=None, postcode="SW1A 1"))
    assert 201 == response.status_code
    assert "SW1A 1" == response.json()["sector"]


def test_monthly_tallies_count_every_report_and_outlive_the_purge(
    place_client: TestClient[Litestar], place_settings: Settings
) -> None:
    import datetime as dt

    for kind in ("badly_lit", "badly_lit", "groups_gathering"):
        assert 201 == place_client.post(URL, json=place(kind=kind)).status_code
    generic = {"category": "seen_a_knife", "what_happened": "In a bag.", "when": "today",
               "danger_now": False, "lang": "en"}  # fmt: skip
    assert 201 == place_client.post("/api/v1/reports", json=generic).status_code
    store = place_client.app.state.reports
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    store.purge(dt.datetime.now(dt.UTC) + dt.timedelta(days=400))
    conn = sqlite3.connect(place_settings.data_path / "reports.db")
    try:
        assert [] == conn.execute("SELECT * FROM reports").fetchall()
        assert [] == conn.execute("SELECT * FROM unsafe_places").fetchall()
        tallies = sorted(conn.execute("SELECT * FROM report_tallies").fetchall())
        places = sorted(conn.execute("SELECT * FROM unsafe_place_tallies").fetchall())
    finally:
        conn.close()
    assert [(month, "seen_a_knife", 1), (month, "unsafe_place", 3)] == tallies
    assert [(month, "LU1", "badly_lit", 2), (month, "LU1", "groups_gathering", 1)] == places


def test_the_report_and_its_sector_are_written_in_one_transaction(
    place_settings: Settings,
) -> None:
    from server.reports import NewReport, open_store

    store = open_store(place_settings)
    report = NewReport(
        category="unsafe_place", what_happened="", when="today", danger_now=False, lang="en"
    )

    def fails(conn: sqlite3.Connection, report_id: int) -> None:
        conn.execute(
            "INSERT INTO unsafe_places (report_id, sector, kind, time_of_day) "
            "VALUES (?, 'LU1 2', 'badly_lit', 'night')",
            (report_id,),
        )
        raise RuntimeError("the second write fails")

    try:
        with pytest.raises(RuntimeError):
            store.create_with(report, fails)
        # Neither the report nor its place was kept.
        assert 0 == store.conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        assert 0 == store.conn.execute("SELECT count(*) FROM unsafe_places").fetchone()[0]

        def sector(conn: sqlite3.Connection, report_id: int) -> int:
            conn.execute(
                "INSERT INTO unsafe_places (report_id, sector, kind, time_of_day) "
                "VALUES (?, 'LU1 2', 'badly_lit', 'night')",
                (report_id,),
            )
            return report_id

        created, report_id = store.create_with(report, sector)
        assert created.code
        row = store.conn.execute(
            "SELECT r.category, p.sector FROM reports r JOIN unsafe_places p "
            "ON p.report_id = r.id WHERE r.id = ?",
            (report_id,),
        ).fetchone()
        assert ("unsafe_place", "LU1 2") == tuple(row)
    finally:
        store.close()


def test_an_unsafe_places_free_text_is_sealed_like_any_report(
    place_client: TestClient[Litestar], place_settings: Settings
) -> None:
    """What a young person writes about a place is report text: sealed at rest (issue 14),
    read by signed-in staff only."""
    from tests.test_sealed import files_holding

    canary = "CANARY-unsafe-underpass-5521"
    text = f"The underpass {canary} has no lights."
    assert 201 == place_client.post(URL, json=place(what_happened=text)).status_code
    assert [] == files_holding(place_settings.data_path, canary)
    sign_in(place_client, ADMIN)
    (item,) = place_client.get("/api/v1/staff/reports").json()["items"]
    detail = place_client.get(f"/api/v1/staff/reports/{item['id']}").json()
    assert canary in detail["what_happened"]


def test_mistyped_places_use_up_none_of_the_report_limit(
    tmp_path: Path, postcode_template: Path, make_app: AppFactory
) -> None:
    """A pupil who mistypes the postcode five times can still send the report, and so can
    their classmates behind the same school address."""
    settings = make_settings(tmp_path / "data", reports_per_hour=5)
    settings.data_path.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(postcode_template, settings.data_path / "directory.db")
    with TestClient(make_app(settings)) as client:
        for _ in range(5):
            wrong = client.post(URL, json=place(postcode="LU1"))
            assert (422, "invalid_postcode") == (
                wrong.status_code,
                wrong.json()["error"]["code"],
            )
        assert 201 == client.post(URL, json=place()).status_code
        assert 201 == client.post(URL, json=place(postcode="SW1A 1")).status_code
