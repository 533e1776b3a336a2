"""Listings people can trust: when each was last checked, "may be out of date" after 12 months,
"Suggest a change" reaching the staff's listings queue anonymously, and the synced sources."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.db import connect
from server.directory.importer import import_feed
from server.migrations import migrate
from server.opening_hours import LONDON
from server.settings import ROOT, Settings
from tests.conftest import AppFactory, make_settings
from tests.test_errors import assert_error_shape
from tests.test_staff import ADMIN, STAFF, accounts_template, add_accounts, sign_in  # noqa: F401

DEMO = ROOT / "content" / "demo" / "luton.json"
LISTINGS = f"{STAFF}/listings"


@pytest.fixture
def settings(tmp_path: Path, accounts_template: Path) -> Settings:  # noqa: F811
    data = tmp_path / "data"
    migrate(data)
    db = connect(data / "directory.db")
    import_feed(db, DEMO, source="demo")
    db.conn.close()
    settings = make_settings(data, suggestions_per_hour=3)
    add_accounts(settings, accounts_template)
    return settings


@pytest.fixture
def client(settings: Settings, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    with TestClient(make_app(settings)) as c:
        yield c


def first_id(settings: Settings) -> int:
    db = connect(settings.data_path / "directory.db")
    (service_id,) = db.execute(
        "SELECT id FROM services WHERE source_id = 'luton-demo-001'"
    ).fetchone()
    db.conn.close()
    return int(service_id)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + "T12:00").replace(tzinfo=LONDON)


def test_a_listing_unchecked_for_12_months_may_be_out_of_date(
    client: TestClient[Litestar], settings: Settings
) -> None:
    service_id = first_id(settings)
    finder = client.app.state.finder
    finder.clock = lambda: at("2027-10-31")
    fresh = client.get(f"/api/v1/services/{service_id}").json()
    assert (fresh["last_checked"], fresh["out_of_date"]) == ("2026-11-01", False)
    assert fresh["last_checked_text"] == "1 November 2026"
    # The next day the cached answer is dropped and the listing is marked.
    finder.clock = lambda: at("2027-11-02")
    stale = client.get(f"/api/v1/services/{service_id}").json()
    assert stale["out_of_date"] is True
    nearby = client.get("/api/v1/services/nearby", params={"lat": 51.883, "lon": -0.431}).json()
    assert all(r["out_of_date"] for r in nearby["results"])


def test_without_assured_date_the_last_changing_sync_is_last_checked(
    tmp_path: Path, make_app: AppFactory
) -> None:
    data = tmp_path / "data"
    migrate(data)
    feed = tmp_path / "feed.json"
    feed.write_text(
        '[{"id": "1", "name": "Drop-in", "service_at_locations": [{"location": '
        '{"latitude": 51.88, "longitude": -0.42}}]}]'
    )
    db = connect(data / "directory.db")
    import_feed(db, feed)
    db.conn.close()
    with TestClient(make_app(make_settings(data))) as c:
        (result,) = c.get("/api/v1/services/nearby", params={"lat": 51.88, "lon": -0.42}).json()[
            "results"
        ]
    assert result["last_checked"] == dt.date.today().isoformat()
    assert result["out_of_date"] is False


def test_a_suggestion_reaches_the_listings_queue_and_staff_mark_it_done(
    client: TestClient[Litestar], settings: Settings
) -> None:
    service_id = first_id(settings)
    sent = client.post(
        f"/api/v1/services/{service_id}/suggestions",
        json={"topic": "out_of_date", "text": "The Friday session moved to Thursday."},
        headers={"User-Agent": "Mozilla/5.0 (a phone)"},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["received"] is True
    assert "set-cookie" not in sent.headers
    token = sign_in(client)
    queue = client.get(LISTINGS).json()
    assert queue["total"] == 1
    (item,) = queue["items"]
    assert item["service_name"] == "Bury Park Youth Hub"
    assert (item["topic"], item["text"]) == ("out_of_date", "The Friday session moved to Thursday.")
    assert item["received_on"] == dt.date.today().isoformat() and item["done_at"] is None
    # Safeguarding reports stay apart.
    assert client.get(f"{STAFF}/reports").json()["total"] == 0
    done = client.patch(
        f"{LISTINGS}/{item['id']}", json={"done": True}, headers={"X-CSRF-Token": token}
    )
    assert done.status_code == 200, done.text
    assert done.json()["done_by"] == ADMIN[0] and done.json()["done_at"]
    assert client.get(LISTINGS).json()["total"] == 0
    assert client.get(LISTINGS, params={"done": True}).json()["total"] == 1
    missing = client.patch(f"{LISTINGS}/999", json={"done": True}, headers={"X-CSRF-Token": token})
    assert missing.status_code == 404
    no_csrf = client.patch(f"{LISTINGS}/{item['id']}", json={"done": False})
    assert no_csrf.status_code == 403


def test_suggestions_store_nothing_about_who_sent_them(
    client: TestClient[Litestar], settings: Settings
) -> None:
    client.post(
        f"/api/v1/services/{first_id(settings)}/suggestions",
        json={"topic": "service_closed"},
        headers={"User-Agent": "Unique-Agent/1.0", "X-Forwarded-For": "203.0.113.9"},
    )
    conn = sqlite3.connect(settings.data_path / "directory.db")
    columns = [r[1] for r in conn.execute("PRAGMA table_info(listing_suggestions)")]
    rows = conn.execute("SELECT * FROM listing_suggestions").fetchall()
    conn.close()
    assert columns == [
        "id", "service_id", "service_name", "source", "source_id", "topic", "text",
        "received_on", "done_at", "done_by",
    ]  # fmt: skip
    dump = repr(rows)
    assert "Unique-Agent" not in dump and "203.0.113" not in dump and "testclient" not in dump
    assert len(rows[0][7]) == 10  # the day only, not the time


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"topic": "rude"}, 422),
        ({"topic": "something_else", "text": "x" * 1001}, 422),
        ({"topic": "extra_information", "who": "me"}, 422),
        ({}, 422),
    ],
)
def test_bad_suggestions_are_refused_in_the_one_error_shape(
    client: TestClient[Litestar], settings: Settings, body: dict[str, object], status: int
) -> None:
    answer = client.post(f"/api/v1/services/{first_id(settings)}/suggestions", json=body)
    assert answer.status_code == status
    assert_error_shape(answer.json())


def test_suggestions_have_their_own_limit_and_plain_errors(
    client: TestClient[Litestar], settings: Settings
) -> None:
    path = f"/api/v1/services/{first_id(settings)}/suggestions"
    longest = client.post(path, json={"topic": "something_else", "text": "x" * 1000})
    assert longest.status_code == 201
    assert (
        client.post("/api/v1/services/999999/suggestions", json={"topic": "out_of_date"}).json()[
            "error"
        ]["code"]
        == "service_not_found"
    )
    not_json = client.post(path, content=b"topic=out_of_date")
    assert not_json.status_code == 415
    assert client.post(path, json={"topic": "out_of_date"}).status_code == 201
    limited = client.post(path, json={"topic": "out_of_date"})
    assert limited.status_code == 429 and "retry-after" in limited.headers


def test_the_sources_are_for_staff_only(client: TestClient[Litestar], settings: Settings) -> None:
    db = connect(settings.data_path / "directory.db")
    db.execute(
        "INSERT INTO sync_sources (name, url, last_error) "
        "VALUES ('council', 'https://x', 'HTTP 500')"
    )
    db.conn.commit()
    db.conn.close()
    assert client.get("/api/v1/services/sources").status_code == 401
    assert client.get(f"{LISTINGS}/sources").status_code == 401
    sign_in(client)
    (source,) = client.get(f"{LISTINGS}/sources").json()
    assert (source["name"], source["last_error"]) == ("council", "HTTP 500")
    # The address; the session cookie is scoped to the staff API, so it is sent by hand.
    cookie = client.cookies.get("staff_session")
    assert cookie
    answer = client.get("/api/v1/services/sources", headers={"Cookie": f"staff_session={cookie}"})
    assert answer.status_code == 200 and answer.json()[0]["name"] == "council"


def test_suggestions_are_kept_only_for_the_retention_period_and_cleaned(
    settings: Settings, make_app: AppFactory
) -> None:
    """Like reports and content feedback, a suggestion (done or not) is deleted once it is
    older than the retention period; its words lose control and bidi-override characters."""
    service = first_id(settings)
    with TestClient(make_app(settings)) as client:
        sent = client.post(
            f"/api/v1/services/{service}/suggestions",
            json={"topic": "something_else", "text": "Closed\u202e on Mondays\x07 now"},
        )
        assert sent.status_code == 201, sent.text
    conn = sqlite3.connect(settings.data_path / "directory.db")
    with conn:
        (text,) = conn.execute("SELECT text FROM listing_suggestions").fetchone()
        assert "Closed on Mondays now" == text
        # Make it older than the retention period, and add one that is just inside it.
        days = settings.report_retention_days
        old = (dt.date.today() - dt.timedelta(days=days + 1)).isoformat()
        kept = (dt.date.today() - dt.timedelta(days=days)).isoformat()
        conn.execute("UPDATE listing_suggestions SET received_on = ?", (old,))
        conn.execute(
            "INSERT INTO listing_suggestions (service_id, service_name, source, source_id, "
            "topic, text, received_on) SELECT service_id, service_name, source, source_id, "
            "topic, 'still in time', ? FROM listing_suggestions",
            (kept,),
        )
    conn.close()
    with TestClient(make_app(settings)) as client:
        sign_in(client)
        items = client.get(LISTINGS).json()["items"]
    assert ["still in time"] == [item["text"] for item in items]
    conn = sqlite3.connect(settings.data_path / "directory.db")
    assert [("still in time",)] == conn.execute("SELECT text FROM listing_suggestions").fetchall()
    conn.close()
