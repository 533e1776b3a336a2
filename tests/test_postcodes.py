"""Postcodes: GOV.UK-style reading, the offline tables, precision fallback and the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from litestar import Litestar
from litestar.testing import TestClient

from server.cli import main
from server.db import connect
from server.messages import UI_MESSAGES
from server.migrations import migrate
from server.postcodes import (
    InvalidPostcode,
    bundled_tables,
    import_postcodes,
    lookup,
    missing_tables_warning,
    parse_postcode,
)
from server.settings import ROOT
from tests.conftest import AppFactory, make_settings

# (typed, normalised, kind)
WELL_FORMED = [
    ("LU1 2BQ", "LU1 2BQ", "unit"),
    ("lu12bq", "LU1 2BQ", "unit"),
    ("  Lu1   2bQ ", "LU1 2BQ", "unit"),
    ("LU1-2BQ", "LU1 2BQ", "unit"),
    ("M1 1AE", "M1 1AE", "unit"),  # A9
    ("B33 8TH", "B33 8TH", "unit"),  # A99
    ("W1A 0AX", "W1A 0AX", "unit"),  # A9A
    ("CR2 6XH", "CR2 6XH", "unit"),  # AA9
    ("DN55 1PT", "DN55 1PT", "unit"),  # AA99
    ("EC1A 1BB", "EC1A 1BB", "unit"),  # AA9A
    ("N1P 1AA", "N1P 1AA", "unit"),  # non-geographic, wrongly rejected by some validators
    ("SE1P 5AA", "SE1P 5AA", "unit"),
    ("gir0aa", "GIR 0AA", "unit"),
    ("LU1 2", "LU1 2", "sector"),
    ("lu1  2", "LU1 2", "sector"),
    ("LU1", "LU1", "district"),
    ("w1", "W1", "district"),
    ("EC1", "EC1", "district"),
]

MALFORMED = [
    "",
    "   ",
    "LU1 2B",  # inward too short
    "QU1 2BQ",  # first letter Q
    "VX1 2BQ",  # first letters V, X
    "XA1 1AA",
    "AI1 1AA",  # second letter I
    "AJ1 1AA",  # second letter J
    "AZ1 1AA",  # second letter Z
    "A1I 1AA",  # third position (A9A) I is not allowed
    "AA1C 1AA",  # fourth position (AA9A) C is not allowed
    "LU1 2CQ",  # inward letter C
    "LU1 2BI",  # inward letter I
    "LU1 2KM",  # inward letters K, M
    "LU1 2OV",  # inward letters O, V
    "123 456",
    "LU1 2BQQ",
    "LUTON",
    "<script>",
]


@pytest.mark.parametrize(("typed", "normalised", "kind"), WELL_FORMED)
def test_well_formed_postcodes_are_normalised(typed: str, normalised: str, kind: str) -> None:
    postcode = parse_postcode(typed)
    assert normalised == postcode.text
    assert kind == postcode.kind


@pytest.mark.parametrize("typed", MALFORMED)
def test_malformed_postcodes_are_rejected(typed: str) -> None:
    with pytest.raises(InvalidPostcode):
        parse_postcode(typed)


def test_a_sector_typed_without_its_space_is_read_as_a_district_then_a_sector() -> None:
    postcode = parse_postcode("LU12")
    assert ("district", "LU12", "LU1 2") == (postcode.kind, postcode.text, postcode.alternative)


# -- The tables

DISTRICTS = """outcode,latitude,longitude,easting,northing,postcode_count
LU1,51.87436,-0.42731,508365,220700,948
W1A,51.52435,-0.11289,531015,182292,144
W1B,51.51436,-0.14096,529096,181131,299
W1C,51.51443,-0.14910,528531,181125,139
XX1,100,101,0,0,1
"""
SECTORS = """sector,latitude,longitude
LU1 2,51.88010,-0.41666
LU1 3,51.87500,-0.42000
"""
ONSPD = """pcd,pcd2,pcds,dointr,doterm,lat,long
LU1 2BQ,LU1  2BQ,LU1 2BQ,199801,,51.87950,-0.41700
LU1 9ZZ,LU1  9ZZ,LU1 9ZZ,199801,,99.999999,0.000000
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def postcode_db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """A directory database with small district, sector and unit tables."""
    data = tmp_path / "data"
    migrate(data)
    db = connect(data / "directory.db")
    for name, text in [("d.csv", DISTRICTS), ("s.csv", SECTORS), ("onspd.csv", ONSPD)]:
        import_postcodes(db, write(tmp_path, name, text))
    yield db
    db.conn.close()


PRECISION = [
    ("LU1 2BQ", "unit", "LU1 2BQ", 51.8795),  # the unit is in the table
    ("LU1 2ZZ", "sector", "LU1 2", 51.8801),  # unit unknown: its sector
    ("LU1 3AB", "sector", "LU1 3", 51.875),
    ("LU1 5AB", "district", "LU1", 51.87436),  # sector unknown: its district
    ("LU1 2", "sector", "LU1 2", 51.8801),
    ("LU1", "district", "LU1", 51.87436),
]


@pytest.mark.parametrize(("typed", "precision", "matched", "lat"), PRECISION)
def test_a_postcode_resolves_to_the_most_precise_row_held(
    postcode_db: sqlite_utils.Database, typed: str, precision: str, matched: str, lat: float
) -> None:
    place = lookup(postcode_db, parse_postcode(typed))
    assert place is not None
    assert (precision, matched) == (place.precision, place.matched)
    assert lat == pytest.approx(place.lat)


def test_central_london_short_forms_average_their_sub_districts(
    postcode_db: sqlite_utils.Database,
) -> None:
    place = lookup(postcode_db, parse_postcode("W1"))
    assert place is not None
    assert "district" == place.precision
    assert pytest.approx((51.52435 + 51.51436 + 51.51443) / 3, abs=1e-5) == place.lat
    assert pytest.approx((-0.11289 - 0.14096 - 0.14910) / 3, abs=1e-5) == place.lon


def test_unknown_postcodes_and_bad_rows_find_nothing(postcode_db: sqlite_utils.Database) -> None:
    assert lookup(postcode_db, parse_postcode("SW1A 1AA")) is None
    # Rows outside the UK (and the ONSPD's 99.999999 for "no coordinates") are not loaded.
    assert lookup(postcode_db, parse_postcode("LU1 9ZZ")) is not None  # falls back, not 99.9
    assert 51.0 < lookup(postcode_db, parse_postcode("LU1 9ZZ")).lat < 52.0  # type: ignore[union-attr]
    codes = {r[0] for r in postcode_db.execute("SELECT code FROM postcode_centroids")}
    assert "XX1" not in codes
    assert "LU1 9ZZ" not in codes


def test_importing_the_same_file_twice_is_a_no_op(tmp_path: Path) -> None:
    data = tmp_path / "data"
    migrate(data)
    db = connect(data / "directory.db")
    path = write(tmp_path, "d.csv", DISTRICTS)
    first = import_postcodes(db, path)
    second = import_postcodes(db, path)
    assert (4, 1, False) == (first.rows, first.skipped, first.unchanged)
    assert (4, True) == (second.rows, second.unchanged)
    assert 4 == db.execute("SELECT count(*) FROM postcode_centroids").fetchone()[0]
    db.conn.close()


def test_cli_imports_postcodes_and_rejects_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    assert 0 == main(
        ["postcodes", "import", str(write(tmp_path, "s.csv", SECTORS)), "--data-dir", data]
    )
    assert "s.csv: 2 sector rows imported, 0 skipped" in capsys.readouterr().out
    bad = write(tmp_path, "bad.csv", "name,x\nfoo,1\n")
    assert 1 == main(["postcodes", "import", str(bad), "--data-dir", data])
    assert "expected columns" in capsys.readouterr().err


def test_the_shipped_great_britain_tables_match_their_published_checks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    migrate(data)
    db = connect(data / "directory.db")
    for table in bundled_tables(Path(make_settings(data).content_dir)):
        import_postcodes(db, table)
    # The checks LICENSE.md gives: LU1 = 51.87436, -0.42731; SW1A = 51.50452, -0.13225.
    lu1 = lookup(db, parse_postcode("LU1"))
    sw1a = lookup(db, parse_postcode("sw1a"))
    assert lu1 is not None and sw1a is not None
    assert (51.87436, -0.42731) == (lu1.lat, lu1.lon)
    assert ("district", 51.50452, -0.13225) == (sw1a.precision, sw1a.lat, sw1a.lon)
    sector = lookup(db, parse_postcode("LU1 2BQ"))
    assert sector is not None and ("sector", "LU1 2") == (sector.precision, sector.matched)
    db.conn.close()


# -- The API


@pytest.fixture
def app_with_postcodes(
    tmp_path: Path, postcode_db: sqlite_utils.Database, make_app: AppFactory
) -> Litestar:
    """The app over a data folder whose postcode tables are loaded (and no services)."""
    return make_app(make_settings(tmp_path / "data"))


@pytest.fixture
def postcodes_client(app_with_postcodes: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app_with_postcodes) as c:
        yield c


@pytest.mark.parametrize(
    ("typed", "postcode", "precision"),
    [("lu12bq", "LU1 2BQ", "unit"), ("LU1 2XX", "LU1 2XX", "sector"), ("lu1", "LU1", "district")],
)
def test_postcode_api_answers_with_the_precision_used(
    postcodes_client: TestClient[Litestar], typed: str, postcode: str, precision: str
) -> None:
    response = postcodes_client.get(f"/api/v1/postcodes/{typed}")
    assert 200 == response.status_code
    body = response.json()
    assert (postcode, precision) == (body["postcode"], body["precision"])
    assert {"postcode", "lat", "lon", "precision"} == set(body)
    assert "no-store" == response.headers["cache-control"]


def test_postcode_api_malformed_is_422_and_unknown_is_404(
    postcodes_client: TestClient[Litestar],
) -> None:
    bad = postcodes_client.get("/api/v1/postcodes/QQ1 2BQ")
    assert 422 == bad.status_code
    assert "invalid_postcode" == bad.json()["error"]["code"]
    assert "postcode" in bad.json()["error"]["message"]
    unknown = postcodes_client.get("/api/v1/postcodes/SW1A 1AA")
    assert 404 == unknown.status_code
    assert "postcode_not_found" == unknown.json()["error"]["code"]


def test_without_postcode_tables_the_api_says_postcode_search_is_not_set_up(
    client: TestClient[Litestar],
) -> None:
    response = client.get("/api/v1/postcodes/LU1 2BQ")
    assert 501 == response.status_code
    assert "postcode_search_not_set_up" == response.json()["error"]["code"]
    assert "not set up" in response.json()["error"]["message"]
    nearby = client.get("/api/v1/services/nearby", params={"postcode": "LU1 2BQ"})
    assert 501 == nearby.status_code
    # ... while searching from a location still works.
    located = client.get("/api/v1/services/nearby", params={"lat": 51.88, "lon": -0.42})
    assert 200 == located.status_code


def test_the_shipped_tables_answer_for_england_and_northern_ireland(
    tmp_path: Path, make_app: AppFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `make run` loads: the tables in content/postcodes/, found without a path."""
    data = str(tmp_path / "data")
    assert 0 == main(["postcodes", "import", "--data-dir", data])
    first = capsys.readouterr().out
    assert "uk_postcode_sectors.csv: " in first and "rows imported" in first
    assert 0 == main(["postcodes", "import", "--data-dir", data])
    assert 3 == capsys.readouterr().out.count("already imported")
    with TestClient(make_app(make_settings(tmp_path / "data"))) as c:
        assert 200 == c.get("/api/v1/postcodes/LU1 2BQ").status_code
        for postcode in ("E8 2BT", "BT1 1AA"):
            nearby = c.get("/api/v1/services/nearby", params={"postcode": postcode})
            assert 200 == nearby.status_code, nearby.text


def test_a_data_folder_without_postcode_tables_gets_one_clear_warning(tmp_path: Path) -> None:
    data = tmp_path / "data"
    migrate(data)
    db = connect(data / "directory.db")
    warning = missing_tables_warning(db, data)
    assert warning is not None
    assert f"consequences postcodes import --data-dir {data}" in warning
    for table in bundled_tables(Path(make_settings(data).content_dir)):
        import_postcodes(db, table)
    assert missing_tables_warning(db, data) is None
    db.conn.close()


def test_the_readme_and_about_screen_carry_the_attribution_the_licence_asks_for() -> None:
    content = Path(make_settings(Path("unused")).content_dir)
    licence = (content / "postcodes" / "LICENSE.md").read_text(encoding="utf-8")
    lines = [line.strip() for line in licence.splitlines() if line.strip().startswith("Contains")]
    assert 3 == len(lines)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    about = UI_MESSAGES["about.credits_postcodes"]
    for line in lines:
        assert line in readme
        assert line.removesuffix(".") in about
    assert "GeoNames" in UI_MESSAGES["about.credits_postcodes_2"]
