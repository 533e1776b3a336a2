"""Importing directories: ORUK 3.0, ORUK v1 and CSV, with the mess real feeds contain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from server.cli import main
from server.content import CATEGORIES
from server.db import connect
from server.directory.importer import ImportReport, import_feed
from server.directory.models import Schedule
from server.migrations import migrate
from server.oruk import CSV_COLUMNS, FeedError, clean_text
from server.postcodes import import_postcodes
from server.settings import ROOT

SECTORS = "sector,latitude,longitude\nLU1 2,51.88010,-0.41666\n"


@pytest.fixture
def directory_db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """An empty directory with one postcode sector (LU1 2) to fall back on."""
    migrate(tmp_path / "data")
    db = connect(tmp_path / "data" / "directory.db")
    sectors = tmp_path / "sectors.csv"
    sectors.write_text(SECTORS, encoding="utf-8")
    import_postcodes(db, sectors)
    yield db
    db.conn.close()


def write_json(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def services(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    return {row["source_id"]: row for row in db.query("SELECT * FROM services")}


def locations(db: sqlite_utils.Database, source_id: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT l.* FROM locations l JOIN services s ON s.id = l.service_id "
            "WHERE s.source_id = ? ORDER BY l.id",
            [source_id],
        )
    )


V3_SERVICE = {
    "id": "42",
    "name": "  Lewsey <b>Youth</b> Boxing ",
    "status": "active",
    "description": (
        "<p>Boxing for <strong>young people</strong>.</p><script>alert('x')</script>"
        '<p><a href="javascript:alert(1)">Click me</a> or '
        '<a href="tel:01632960001">call us</a>, <a href="https://example.org/box">see more</a>'
        ' or <a href="mailto:box@example.org">email</a>.</p><img src=x onerror=alert(1)>'
    ),
    "url": "javascript:alert(1)",
    "email": "box@example.org",
    "minimum_age": 11,
    "maximum_age": 0,
    "assured_date": "2026-10-01T09:00:00Z",
    "organization": {"id": "o1", "name": "Lewsey Boxing CIC", "website": "https://example.org"},
    "attributes": [
        {"taxonomy_term": {"code": "boxing", "name": "Boxing", "taxonomy": "openactive"}},
        {"taxonomy_term": {"code": "x1", "name": "Mentoring for young people"}},
        {"taxonomy_term": {"code": "zz", "name": "Allotments"}},
    ],
    "languages": [{"name": "Urdu", "code": "ur"}, {"name": "Polish", "code": "pol"}],
    "cost_options": [{"option": "Free", "amount": 0, "currency": "gbp"}],
    "phones": [
        {"number": "01632 960001", "type": "voice"},
        {"number": "07700 900001", "type": "sms"},
    ],
    "schedules": [
        {"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "17:00:00", "closes_at": "20:00:00Z"},
        {"freq": "WEEKLY", "byday": "FR", "opens_at": "20:00", "closes_at": "01:00"},
        {"freq": "MONTHLY", "byday": "2SA", "opens_at": "10:00", "closes_at": "12:00"},
        {"freq": "WEEKLY", "byday": "SU", "opens_at": "25:00", "closes_at": "26:00"},
    ],
    "service_at_locations": [
        {
            "location": {
                "name": "Main gym",
                "latitude": 100,
                "longitude": 101,
                "addresses": [
                    {"address_1": "1 Landrace Road", "city": "Luton", "postal_code": "lu12bq"}
                ],
            }
        },
        {
            "location": {
                "name": "Old hall",
                "latitude": 40.7,
                "longitude": -74.0,
                "addresses": [{"address_1": "Somewhere", "city": "New York", "country": "US"}],
            }
        },
        {"location": {"name": "Online", "location_type": "virtual"}},
    ],
}


def test_oruk3_service_is_cleaned_mapped_and_placed(
    tmp_path: Path, directory_db: sqlite_utils.Database
) -> None:
    report = import_feed(directory_db, write_json(tmp_path, "feed.json", V3_SERVICE))
    assert (1, 0, 0) == (report.imported, report.updated, report.skipped)
    row = services(directory_db)["42"]
    assert "Lewsey Youth Boxing" == row["name"]
    assert (
        "Boxing for young people.\n\nClick me or call us (01632960001), see more "
        "(https://example.org/box) or email (box@example.org)."
    ) == row["description"]
    assert "Lewsey Boxing CIC" == row["organisation"]
    # A javascript: URL is not a website; the organisation's is used instead.
    assert "https://example.org" == row["website"]
    assert (11, None) == (row["min_age"], row["max_age"])  # maximum_age 0 means no maximum
    assert ["sport_and_boxing", "mentoring"] == json.loads(row["categories"])
    assert ["Boxing", "Mentoring for young people", "Allotments"] == json.loads(
        row["taxonomy_terms"]
    )
    assert ["ur", "pl"] == json.loads(row["languages"])
    assert 1 == row["free"]
    assert "2026-10-01" == row["last_checked"]
    assert [
        {"number": "01632 960001", "kind": "voice"},
        {"number": "07700 900001", "kind": "text"},
    ] == json.loads(row["phones"])
    schedules = json.loads(row["schedules"])
    assert [
        {"freq": "WEEKLY", "byday": ["MO", "WE"], "opens_at": "17:00", "closes_at": "20:00"},
        {"freq": "WEEKLY", "byday": ["FR"], "opens_at": "20:00", "closes_at": "01:00"},
        {"freq": "MONTHLY", "byday": ["2SA"], "opens_at": "10:00", "closes_at": "12:00"},
    ] == [{k: v for k, v in s.items() if v is not None} for s in schedules]
    # Latitude 100 falls back to the postcode's sector; the US location has no UK postcode.
    placed = locations(directory_db, "42")
    assert [("Main gym", "LU1 2BQ", 51.8801, -0.41666)] == [
        (p["name"], p["postcode"], p["lat"], p["lon"]) for p in placed
    ]
    assert [
        "service 42: removed a link that was not http(s), tel or mailto",
        "service 42: opening hours without a day, opening or closing time were left out",
        "service 42: latitude 100 is outside the UK; placed at the centroid of LU1 2",
        "service 42: latitude 40.7 is outside the UK and no postcode; dropped 'Old hall'",
    ] == report.lines


def test_oruk3_page_envelope_and_skips(tmp_path: Path, directory_db: sqlite_utils.Database) -> None:
    page = {
        "total_items": 4,
        "total_pages": 1,
        "page_number": 1,
        "size": 4,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": [
            {"id": "a", "name": "Youth club A", "status": "active"},
            {"id": "b", "name": "   ", "status": "active"},
            {"name": "No id"},
            {"id": "c", "name": "Closed club", "status": "defunct"},
        ],
    }
    report = import_feed(directory_db, write_json(tmp_path, "page.json", page))
    assert (1, 3) == (report.imported, report.skipped)
    assert [
        "service b: skipped: no name",
        "skipped: no id",
        "service c: skipped: status is defunct",
    ] == report.lines


V1_PAGE = {
    "totalElements": 2,
    "totalPages": 1,
    "number": 0,
    "size": 50,
    "first": True,
    "last": True,
    "content": [
        {
            "id": 101,
            "name": "Dallow Mentoring",
            "description": "Mentoring &amp; support<br>for teenagers",
            "status": "active",
            "fees": "No charge",
            "attending_access": "drop-in",
            "assured_date": "2025-03-04",
            "organization": {"id": 7, "name": "Dallow Trust", "url": "www.example.org/dallow"},
            "eligibilitys": [{"eligibility": "age", "minimum_age": 10, "maximum_age": 0}],
            "service_taxonomys": [
                {"taxonomy": {"id": "LGA-123", "name": "Mentoring", "vocabulary": "LGA"}},
                {"taxonomy": {"id": "OE-9", "name": "Gangs and county lines"}},
            ],
            "regular_schedules": [
                {"opens_at": "16:00", "closes_at": "19:00", "byday": "TU,TH", "freq": "WEEKLY"}
            ],
            "languages": [{"language": "Bengali"}, {"language": "English"}],
            "contacts": [{"name": "Desk", "phones": [{"number": "01632 960101"}]}],
            "service_at_locations": [
                {
                    "location": {
                        "name": "Dallow Centre",
                        "latitude": "51.8840",
                        "longitude": "-0.4380",
                        "physical_addresses": [
                            {"address_1": "Dallow Road", "city": "Luton", "postal_code": "LU1 1LZ"}
                        ],
                    }
                }
            ],
        },
        {
            "id": 102,
            "name": "Family Help Line",
            "status": "active",
            "fees": "£10 per session",
            "attending_access": "referral",
            "eligibilities": [{"minimum_age": 18}],
            "service_taxonomies": [{"taxonomy": {"id": "T1", "name": "Family support"}}],
            "service_at_locations": [
                {
                    "location": {
                        # Longitude and latitude the wrong way round, as some feeds have them.
                        "latitude": -0.4175,
                        "longitude": 51.8797,
                        "physical_addresses": [
                            {"address_1": "George Street", "postal_code": "LU1 2AA"}
                        ],
                    }
                }
            ],
        },
    ],
}


def test_oruk_v1_page_with_its_spellings(
    tmp_path: Path, directory_db: sqlite_utils.Database
) -> None:
    report = import_feed(directory_db, write_json(tmp_path, "v1.json", V1_PAGE))
    assert (2, 0) == (report.imported, report.skipped)
    rows = services(directory_db)
    mentoring, family = rows["101"], rows["102"]
    assert "Mentoring & support\nfor teenagers" == mentoring["description"]
    assert "https://www.example.org/dallow" == mentoring["website"]
    assert (10, None) == (mentoring["min_age"], mentoring["max_age"])
    assert ["mentoring", "exploitation_support"] == json.loads(mentoring["categories"])
    assert ["bn", "en"] == json.loads(mentoring["languages"])
    assert (1, 0) == (mentoring["free"], mentoring["referral_needed"])
    assert [{"number": "01632 960101", "kind": "voice"}] == json.loads(mentoring["phones"])
    assert ["TU", "TH"] == json.loads(mentoring["schedules"])[0]["byday"]
    assert [(51.884, -0.438)] == [(p["lat"], p["lon"]) for p in locations(directory_db, "101")]
    assert (0, 1, 18) == (family["free"], family["referral_needed"], family["min_age"])
    assert ["family_support"] == json.loads(family["categories"])
    assert [(51.8797, -0.4175)] == [(p["lat"], p["lon"]) for p in locations(directory_db, "102")]
    assert [
        "service 102: latitude -0.4175 and longitude 51.8797 were swapped; put them back"
    ] == report.lines


def test_outpost_style_feed_with_british_spellings_and_geojson(
    tmp_path: Path, directory_db: sqlite_utils.Database
) -> None:
    service = {
        "id": "bucks-1",
        "name": "Bucks Youth Sport",
        "organisation": {"name": "Bucks Council"},
        "min_age": 12,
        "max_age": 19,
        "taxonomies": [{"name": "Sports and leisure"}, {"name": "Youth clubs"}],
        "regular_schedules": [{"weekday": "Monday", "opens_at": "18:00", "closes_at": "20:00"}],
        "locations": [
            {
                "name": "Leisure centre",
                "postcode": "HP20 1UA",
                "geometry": {"coordinates": [-0.81, 51.82]},
            }
        ],
    }
    import_feed(directory_db, write_json(tmp_path, "outpost.json", [service]))
    row = services(directory_db)["bucks-1"]
    assert ("Bucks Council", 12, 19) == (row["organisation"], row["min_age"], row["max_age"])
    assert ["youth_club", "sport_and_boxing"] == json.loads(row["categories"])
    assert ["MO"] == json.loads(row["schedules"])[0]["byday"]
    assert [(51.82, -0.81)] == [(p["lat"], p["lon"]) for p in locations(directory_db, "bucks-1")]


CSV_FEED = "\n".join(
    [
        ",".join(CSV_COLUMNS),
        '7,Late Night Hoops,Hoops CIC,"Basketball <a href=""javascript:steal()"">here</a>",'
        "Sport; youth_club,12,0,yes,,no,en; Urdu; pol,01632 960007,07700 900007,"
        "hoops@example.org,https://example.org/hoops,Court A,Dallow Road,LU1 1LZ,51.884,-0.438,"
        '"FR,SA 20:00-01:00; Mon 17:00-19:00; Someday 10-11",2026-09-30,yes',
        "7,,,,,,,,,,,,,,,Court B,Leagrave Road,LU3 1RA,51.8865,-0.4335,,,",
        "8,,No name here,,,,,,,,,,,,,,,,,,,,",
    ]
)


def test_csv_template_one_row_per_service_at_a_location(
    tmp_path: Path, directory_db: sqlite_utils.Database
) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(CSV_FEED, encoding="utf-8")
    report = import_feed(directory_db, path)
    assert (1, 1) == (report.imported, report.skipped)
    row = services(directory_db)["7"]
    assert "Basketball here" == row["description"]
    assert ["youth_club", "sport_and_boxing"] == json.loads(row["categories"])
    assert (12, None, 1, 0, 1) == (
        row["min_age"],
        row["max_age"],
        row["free"],
        row["referral_needed"],
        row["sample"],
    )
    assert ["en", "ur", "pl"] == json.loads(row["languages"])
    assert [
        {"number": "01632 960007", "kind": "voice"},
        {"number": "07700 900007", "kind": "text"},
    ] == json.loads(row["phones"])
    assert ["Court A", "Court B"] == [p["name"] for p in locations(directory_db, "7")]
    assert [["FR", "SA"], ["MO"]] == [s["byday"] for s in json.loads(row["schedules"])]
    assert [
        "service 8: skipped: no name",
        "service 7: removed a link that was not http(s), tel or mailto",
        "service 7: could not read the opening hours 'Someday 10-11'; left out",
    ] == report.lines


def test_reimporting_updates_in_place_without_duplicates(
    tmp_path: Path, directory_db: sqlite_utils.Database
) -> None:
    path = write_json(tmp_path, "v1.json", V1_PAGE)
    import_feed(directory_db, path)
    ids = {k: v["id"] for k, v in services(directory_db).items()}
    again = import_feed(directory_db, path)
    assert (0, 0, 2) == (again.imported, again.updated, again.unchanged)
    changed = json.loads(json.dumps(V1_PAGE))
    changed["content"][0]["name"] = "Dallow Mentoring Project"
    changed["content"][0]["regular_schedules"][0]["closes_at"] = "20:00"
    path.write_text(json.dumps(changed), encoding="utf-8")
    third = import_feed(directory_db, path)
    assert (0, 1, 1) == (third.imported, third.updated, third.unchanged)
    assert [
        "service 101: updated (name, schedules)",
        # The feed still has this wrong, so each import says so again.
        "service 102: latitude -0.4175 and longitude 51.8797 were swapped; put them back",
    ] == third.lines
    after = services(directory_db)
    assert ids == {k: v["id"] for k, v in after.items()}  # same ids: updated in place
    assert 2 == directory_db.execute("SELECT count(*) FROM services").fetchone()[0]
    assert 1 == len(locations(directory_db, "101"))
    rtree = directory_db.execute("SELECT count(*) FROM locations_rtree").fetchone()[0]
    assert 2 == rtree  # the spatial index follows the locations
    fts = directory_db.execute(
        "SELECT count(*) FROM services_fts WHERE services_fts MATCH 'project'"
    ).fetchone()[0]
    assert 1 == fts  # and so does the keyword index


def test_a_service_that_becomes_inactive_leaves_and_replace_removes_the_rest(
    tmp_path: Path, directory_db: sqlite_utils.Database
) -> None:
    path = write_json(tmp_path, "v1.json", V1_PAGE)
    import_feed(directory_db, path)
    closed = json.loads(json.dumps(V1_PAGE))
    closed["content"][1]["status"] = "inactive"
    path.write_text(json.dumps(closed), encoding="utf-8")
    report = import_feed(directory_db, path)
    assert (1, 1) == (report.skipped, report.removed)
    assert {"101"} == set(services(directory_db))
    assert 1 == directory_db.execute("SELECT count(*) FROM locations_rtree").fetchone()[0]
    empty = write_json(tmp_path, "empty.json", {"contents": [], "total_pages": 0})
    with pytest.raises(FeedError, match="nothing was replaced"):
        import_feed(directory_db, empty, replace=True)
    assert {"101"} == set(services(directory_db))  # rolled back, nothing lost
    other = write_json(tmp_path, "other.json", [{"id": "x", "name": "Another"}])
    replaced = import_feed(directory_db, other, replace=True)
    assert (1, 1) == (replaced.imported, replaced.removed)
    assert {"x"} == set(services(directory_db))


def test_cli_prints_one_line_per_change_then_the_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    path = write_json(tmp_path, "v1.json", V1_PAGE)
    assert 0 == main(["services", "import", str(path), "--data-dir", data])
    out = capsys.readouterr().out.splitlines()
    assert [
        "service 102: latitude -0.4175 and longitude 51.8797 were swapped; put them back",
        "2 imported, 0 updated, 0 unchanged, 0 skipped, 0 removed",
    ] == out
    assert 0 == main(["services", "import", str(path), "--if-empty", "--data-dir", data])
    assert "already has 2 services" in capsys.readouterr().out
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert 1 == main(["services", "import", str(broken), "--data-dir", data])
    assert "not valid JSON" in capsys.readouterr().err


def test_the_demo_directory_is_a_sample_oruk3_feed_of_luton(
    directory_db: sqlite_utils.Database,
) -> None:
    demo = ROOT / "content" / "demo" / "luton.json"
    report = import_feed(directory_db, demo)
    assert report.imported >= 30
    assert [] == report.lines  # clean data: nothing to correct
    rows = list(directory_db.query("SELECT * FROM services"))
    assert all(row["sample"] == 1 for row in rows)
    used = {c for row in rows for c in json.loads(row["categories"])}
    assert set(CATEGORIES) == used
    spoken = {c for row in rows for c in json.loads(row["languages"])}
    assert {"en", "ur", "ar", "bn", "pl", "ro", "so"} <= spoken
    for place in directory_db.query("SELECT lat, lon FROM locations"):
        # In and around Luton, Dunstable and Houghton Regis.
        assert 51.84 < place["lat"] < 51.97
        assert -0.56 < place["lon"] < -0.35


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Plain text", "Plain text"),
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),
        ("<ul><li>One</li><li>Two</li></ul>", "- One\n- Two"),
        ('<a href="data:text/html,x">Data</a>', "Data"),
        ('<a href="https://example.org">https://example.org</a>', "https://example.org"),
        ("<style>p{}</style><p>Hi</p>", "Hi"),
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, text: str) -> None:
    assert text == clean_text(raw)


def test_report_summary_names_every_count() -> None:
    report = ImportReport(imported=1, updated=2, unchanged=3, skipped=4, removed=5)
    assert "1 imported, 2 updated, 3 unchanged, 4 skipped, 5 removed" == report.summary()
    assert Schedule(byday=["MO"], opens_at="09:00", closes_at="10:00").freq == "WEEKLY"
