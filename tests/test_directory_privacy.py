"""Privacy: a searched place or postcode appears in no log line and no file under the data dir."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.db import connect
from server.directory.importer import import_feed
from server.migrations import migrate
from server.postcodes import import_postcodes
from server.settings import ROOT
from tests.conftest import RunningServer

LAT, LON = 51.8812345, -0.4212345
POSTCODE = "LU1 3XZ"  # not in any table: it resolves through its sector
TEXT_MARKERS = ["LU1 3XZ", "LU13XZ", "lu1 3xz", "lu13xz", "ZE3 9JZ", "ZE39JZ", "QQ9 9QQ"]
NUMBER_MARKERS = [LAT, LON]


@pytest.fixture
def live_server_with_directory(tmp_path: Path) -> Iterator[RunningServer]:
    """The real server over the demo directory and a small postcode table, debug logging on."""
    data = tmp_path / "data"
    migrate(data)
    db = connect(data / "directory.db")
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("sector,latitude,longitude\nLU1 3,51.8750,-0.4200\n", encoding="utf-8")
    import_postcodes(db, sectors)
    import_feed(db, ROOT / "content" / "demo" / "luton.json")
    db.conn.close()
    server = RunningServer(data, tmp_path / "server.log", CONSEQUENCES_LOG_LEVEL="debug")
    yield server
    server.stop()


def test_a_searched_place_is_never_logged_or_stored(
    live_server_with_directory: RunningServer,
) -> None:
    server = live_server_with_directory
    api = server.base_url + "/api/v1"
    found = httpx.get(api + "/services/nearby", params={"postcode": POSTCODE, "open_now": "true"})
    assert 200 == found.status_code
    assert 200 == httpx.get(api + "/services/nearby", params={"lat": LAT, "lon": LON}).status_code
    assert 200 == httpx.get(f"{api}/postcodes/{POSTCODE}").status_code
    assert 404 == httpx.get(api + "/services/nearby", params={"postcode": "ZE3 9JZ"}).status_code
    assert 422 == httpx.get(api + "/services/nearby", params={"postcode": "QQ9 9QQ"}).status_code
    assert 422 == httpx.get(api + "/services/nearby", params={"lat": LAT}).status_code
    server.stop()

    output = server.output()
    assert "Application startup complete" in output  # the log was really captured
    for marker in TEXT_MARKERS + [repr(n) for n in NUMBER_MARKERS]:
        assert marker not in output, marker
    files = [p for p in server.data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "directory.db" for p in files)
    for path in files:
        data = path.read_bytes()
        for marker in TEXT_MARKERS + [repr(n) for n in NUMBER_MARKERS]:
            assert marker.encode() not in data, (path, marker)
        for number in NUMBER_MARKERS:
            # SQLite stores REALs as big-endian doubles.
            assert struct.pack(">d", number) not in data, (path, number)
