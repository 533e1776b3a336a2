"""Online geocoding: off by default; when on, through geopy's Nominatim, limited and cached."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlite_utils
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from litestar import Litestar
from litestar.testing import TestClient

from server.db import ThreadLocalDatabase
from server.geocode import Geocoder
from server.settings import SettingsError
from tests.conftest import AppFactory, make_settings

ANSWERS = {"LU1 2BQ": [{"lat": "51.8795", "lon": "-0.4170", "display_name": "LU1 2BQ"}]}


class FakeNominatim(BaseSyncAdapter):
    """Stands in for the network: answers from ANSWERS and records every request."""

    requests: list[tuple[str, dict[str, Any]]] = []
    fail = False

    def get_json(self, url: str, *, timeout: float, headers: dict[str, Any]) -> Any:
        FakeNominatim.requests.append((url, headers))
        if FakeNominatim.fail:
            raise GeocoderServiceError("down")
        postcode = parse_qs(urlsplit(url).query)["postalcode"][0]
        return ANSWERS.get(postcode, [])

    def get_text(self, url: str, *, timeout: float, headers: dict[str, Any]) -> str:
        raise NotImplementedError


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_with_geocoding(tmp_path: Path, clock: Clock, make_app: AppFactory) -> Iterator[Litestar]:
    """The app with online geocoding on (to a stand-in Nominatim) and no postcode tables."""
    FakeNominatim.requests = []
    FakeNominatim.fail = False
    settings = make_settings(
        tmp_path / "data",
        geocoding=True,
        geocoding_user_agent="consequences-test (ops@example.org)",
    )
    app = make_app(settings)
    db = ThreadLocalDatabase(tmp_path / "data" / "directory.db")
    app.state.finder.geocoder = Geocoder(
        db,
        user_agent=settings.geocoding_user_agent,
        url="https://nominatim.example.org",
        adapter_factory=FakeNominatim,
        sleep=clock.sleep,
        clock=clock,
    )
    yield app
    db.close()


def test_geocoding_is_off_by_default(app: Litestar) -> None:
    assert app.state.finder.geocoder is None


def test_geocoding_needs_the_deployers_own_user_agent(tmp_path: Path, make_app: AppFactory) -> None:
    with pytest.raises(SettingsError, match="USER_AGENT"):
        make_app(make_settings(tmp_path / "data", geocoding=True))


def test_postcodes_missing_from_the_tables_are_geocoded_once_then_cached(
    app_with_geocoding: Litestar, clock: Clock
) -> None:
    with TestClient(app_with_geocoding) as client:
        first = client.get("/api/v1/postcodes/lu12bq")
        again = client.get("/api/v1/services/nearby", params={"postcode": "LU1 2BQ"})
        unknown = client.get("/api/v1/postcodes/LU1 2ZZ")
    assert 200 == first.status_code
    assert {
        "postcode": "LU1 2BQ",
        "lat": 51.8795,
        "lon": -0.417,
        "precision": "unit",
    } == first.json()
    assert 200 == again.status_code
    assert (51.8795, -0.417) == (again.json()["origin"]["lat"], again.json()["origin"]["lon"])
    assert 404 == unknown.status_code
    assert 2 == len(FakeNominatim.requests)  # the second LU1 2BQ came from the cache
    url, headers = FakeNominatim.requests[0]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://nominatim.example.org/search?")
    assert (["LU1 2BQ"], ["gb"]) == (query["postalcode"], query["countrycodes"])
    assert "consequences-test (ops@example.org)" == headers["User-Agent"]
    # The second request waited for its one-second slot.
    assert [1.0] == clock.slept


def test_the_cache_never_shows_which_postcodes_were_searched(
    app_with_geocoding: Litestar, tmp_path: Path
) -> None:
    """The geocoder's answers are kept in memory only: no file holds the postcode, or the
    place it is at (from which it could be found again), or when it was looked up."""
    with TestClient(app_with_geocoding) as client:
        assert 200 == client.get("/api/v1/postcodes/LU1 2BQ").status_code
        db = app_with_geocoding.state.finder.db.get()
        assert "geocode_cache" not in db.table_names()
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    place = [struct.pack(order + "d", value) for value in (51.8795, -0.417) for order in "<>"]
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"LU1 2BQ" not in data and b"LU12BQ" not in data, path
            assert not [p for p in place if p in data], path


def test_the_old_on_disk_cache_is_deleted(tmp_path: Path) -> None:
    """A directory.db from before the cache moved to memory loses the places it kept."""
    from server.migrations import directory as directory_migrations

    db = sqlite_utils.Database(tmp_path / "directory.db")
    # A database that had reached the migration before, holding a cached place.
    directory_migrations.apply(db, stop_before="0006_forget_geocode_cache")
    db["geocode_cache"].insert({"key": "k", "lat": 51.8795, "lon": -0.417, "found": 1,
                                "fetched_at": 1.0})  # fmt: skip
    assert 1 == db["geocode_cache"].count
    directory_migrations.apply(db)
    assert "geocode_cache" not in db.table_names()
    db.conn.close()


def test_a_geocoder_that_is_down_is_a_plain_503(app_with_geocoding: Litestar) -> None:
    FakeNominatim.fail = True
    with TestClient(app_with_geocoding) as client:
        response = client.get("/api/v1/services/nearby", params={"postcode": "LU1 2BQ"})
    assert 503 == response.status_code
    assert "postcode_lookup_unavailable" == response.json()["error"]["code"]
