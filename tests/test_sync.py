"""Syncing from live ORUK APIs: a real local HTTP server serving paginated v1 and 3.0 feeds."""

from __future__ import annotations

import http.client
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from server.cli import main
from server.db import connect
from server.migrations import migrate
from server.settings import ROOT
from server.sync import USER_AGENT, FeedClient, SyncOptions, base_url, sources, sync_due, sync_feed
from tests.feed_server import FeedServer, Quirks, serve

DEMO: list[dict[str, Any]] = json.loads((ROOT / "content" / "demo" / "luton.json").read_text())[
    "contents"
]
FAST = SyncOptions(timeout_seconds=2.0, retries=2, backoff_seconds=0.01, per_page=10)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    migrate(tmp_path / "data")
    return tmp_path / "data"


@pytest.fixture
def db(data_dir: Path) -> Iterator[sqlite_utils.Database]:
    database = connect(data_dir / "directory.db")
    yield database
    database.conn.close()


def stored(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    return {r["source_id"]: r for r in db.query("SELECT * FROM services ORDER BY source_id")}


def test_a_v3_feed_is_read_page_by_page_with_full_records_and_our_user_agent(
    db: sqlite_utils.Database,
) -> None:
    feed = FeedServer(DEMO, "3.0")
    with serve(feed) as url:
        report = sync_feed(db, url, source="luton", options=FAST)
    assert report.error is None, report.error
    assert (report.version, report.pages, report.services) == ("3.0", 4, 36)
    assert report.changes.imported == 36
    rows = stored(db)
    assert len(rows) == 36
    # Lists leave locations and schedules out; the full records brought them.
    first = rows["luton-demo-001"]
    assert json.loads(first["schedules"]) and first["min_age"] == 11
    assert db.execute("SELECT count(*) FROM locations").fetchone()[0] >= 36
    assert sum(r.startswith("/api/services/") for r in feed.quirks.requests) == 36
    assert set(feed.quirks.user_agents) == {USER_AGENT}
    assert first["changed_at"] is not None


def test_a_v1_feed_with_spring_paging_reads_the_same_services(db: sqlite_utils.Database) -> None:
    feed = FeedServer(DEMO, "1.0")
    with serve(feed) as url:
        report = sync_feed(db, url, options=FAST)
    assert report.error is None, report.error
    assert (report.version, report.pages, report.services) == ("1.0", 4, 36)
    # v1 lists carry whole records, so no /services/{id} requests.
    assert not [r for r in feed.quirks.requests if r.startswith("/api/services/")]
    rows = stored(db)
    assert rows["luton-demo-001"]["min_age"] == 11
    assert json.loads(rows["luton-demo-001"]["schedules"])
    assert report.source == "127.0.0.1"


def test_a_server_refusing_requests_without_a_user_agent_still_serves_us(
    db: sqlite_utils.Database,
) -> None:
    feed = FeedServer(DEMO[:3], "3.0")
    with serve(feed) as url:
        parts = urlsplit(url)
        bare = http.client.HTTPConnection(parts.hostname or "", parts.port)
        bare.request("GET", parts.path + "/services")  # http.client sends no User-Agent
        assert bare.getresponse().status == 403
        bare.close()
        assert sync_feed(db, url, options=FAST).error is None
    assert len(stored(db)) == 3


def test_services_already_in_the_base_url_is_understood(db: sqlite_utils.Database) -> None:
    assert base_url("https://x.gov.uk/api/v1/services/") == "https://x.gov.uk/api/v1"
    assert base_url("https://x.gov.uk/") == "https://x.gov.uk"
    feed = FeedServer(DEMO[:12], "3.0", prefix="/directory")
    with serve(feed) as url:
        report = sync_feed(db, url + "/services", source="dir", options=FAST)
    assert report.error is None and report.services == 12
    assert not [r for r in feed.quirks.requests if "/services/services" in r]


def test_a_slow_page_is_waited_for_within_the_timeout(db: sqlite_utils.Database) -> None:
    feed = FeedServer(DEMO, "3.0", quirks=Quirks(slow_page=2, slow_seconds=0.5))
    with serve(feed) as url:
        report = sync_feed(db, url, options=FAST)
    assert report.error is None and report.services == 36


def test_a_page_slower_than_the_timeout_fails_the_sync_and_changes_nothing(
    db: sqlite_utils.Database,
) -> None:
    feed = FeedServer(DEMO, "3.0", quirks=Quirks(slow_page=3, slow_seconds=1.0))
    patient = SyncOptions(timeout_seconds=0.3, retries=1, backoff_seconds=0.01, per_page=10)
    with serve(feed) as url:
        report = sync_feed(db, url, source="slow", options=patient)
    assert report.error and "no answer within 0.3 seconds" in report.error
    assert "tried 2 times" in report.error
    assert stored(db) == {}


def test_a_500_on_page_2_is_retried_with_backoff(db: sqlite_utils.Database) -> None:
    waits: list[float] = []
    feed = FeedServer(DEMO, "3.0", quirks=Quirks(fail_page=2, fail_times=2))
    with serve(feed) as url:
        client = FeedClient(FAST, sleep=waits.append)
        report = sync_feed(db, url, options=FAST, client=client)
        client.close()
    assert report.error is None and report.services == 36
    assert waits == [0.01, 0.02]  # doubling each time


def test_a_500_that_persists_changes_nothing_and_is_remembered(
    db: sqlite_utils.Database,
) -> None:
    with serve(FeedServer(DEMO[:20], "3.0")) as url:
        first = sync_feed(db, url, source="council", options=FAST)
    assert first.error is None
    before = stored(db)
    changed = [dict(s, name=s["name"] + " (renamed)") for s in DEMO]
    feed = FeedServer(changed, "3.0", quirks=Quirks(fail_page=2, fail_times=math.inf))
    with serve(feed) as url:
        report = sync_feed(db, url, source="council", replace=True, options=FAST)
    assert report.error and "HTTP 500" in report.error and "page=2" in report.error
    assert stored(db) == before  # page 1 was read, but nothing was stored
    (source,) = sources(db)
    assert source.last_error == report.error
    assert source.last_success_at is not None and source.services == 20


@pytest.mark.parametrize("past_end", ["empty", "repeat"])
def test_pages_past_the_end_are_not_read_forever(db: sqlite_utils.Database, past_end: str) -> None:
    # The server never says which page is last: we stop at an empty or repeated page.
    feed = FeedServer(DEMO, "3.0", quirks=Quirks(past_end=past_end, lie_about_last=True))
    with serve(feed) as url:
        report = sync_feed(db, url, options=FAST)
    assert report.error is None and report.services == 36
    assert report.pages == 4
    page_requests = [r for r in feed.quirks.requests if r.startswith("/api/services?")]
    assert len(page_requests) == 5
    if past_end == "repeat":
        assert any("repeated services" in w for w in report.warnings)


def test_a_resync_reports_changes_and_replace_removes_what_left(
    db: sqlite_utils.Database,
) -> None:
    with serve(FeedServer(DEMO, "3.0")) as url:
        sync_feed(db, url, source="luton", options=FAST)
    changed = [dict(s, name="Renamed hub") if s["id"] == "luton-demo-002" else s for s in DEMO]
    with serve(FeedServer(changed[:30], "3.0")) as url:
        report = sync_feed(db, url, source="luton", replace=True, options=FAST)
    assert report.error is None
    assert (report.changes.imported, report.changes.updated, report.changes.removed) == (0, 1, 6)
    assert report.changes.unchanged == 29
    assert "service luton-demo-002: updated (name)" in report.warnings
    (source,) = sources(db)
    assert (source.pages, source.services, source.updated, source.removed) == (3, 30, 1, 6)
    assert source.replace is True and source.last_error is None


def test_the_command_syncs_remembers_and_resyncs_all(
    data_dir: Path, db: sqlite_utils.Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(FeedServer(DEMO[:15], "3.0")) as url:
        status = main(["services", "sync", url, "--source", "luton", "--data-dir", str(data_dir)])
        out = capsys.readouterr().out
        assert status == 0
        assert f"luton: {url} (ORUK 3.0)" in out
        assert "2 pages, 15 services" in out.replace("  ", " ") or "15 services" in out
        assert "15 imported, 0 updated" in out
        assert main(["services", "sync", "--all", "--data-dir", str(data_dir)]) == 0
        assert "0 imported, 0 updated, 15 unchanged" in capsys.readouterr().out
    # The feed has gone: --all reports the failure and exits 1.
    assert main(["services", "sync", "--all", "--data-dir", str(data_dir)]) == 1
    assert "failed, nothing changed" in capsys.readouterr().err
    assert main(["services", "sync", "--data-dir", str(data_dir)]) == 2


def test_the_schedule_syncs_due_sources_only(data_dir: Path, db: sqlite_utils.Database) -> None:
    import datetime as dt

    with serve(FeedServer(DEMO[:5], "3.0")) as url:
        sync_feed(db, url, source="luton", options=FAST)
        assert sync_due(data_dir, every_hours=24) == []  # tried just now
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
        (report,) = sync_due(data_dir, every_hours=24, now=later)
    assert report.error is None and report.changes.unchanged == 5


def test_the_server_syncs_on_a_schedule_only_when_turned_on(
    tmp_path: Path, data_dir: Path, db: sqlite_utils.Database, make_app: Any
) -> None:
    import time

    from litestar.testing import TestClient

    from server.sync import remember_source
    from tests.conftest import make_settings

    with serve(FeedServer(DEMO[:4], "3.0")) as url:
        remember_source(db, "luton", url, replace=False)
        with TestClient(make_app(make_settings(data_dir))):
            time.sleep(0.5)
        assert sources(db)[0].last_attempt_at is None  # off by default
        with TestClient(make_app(make_settings(data_dir, sync_every_hours=24))):
            deadline = time.monotonic() + 20
            while sources(db)[0].last_success_at is None and time.monotonic() < deadline:
                time.sleep(0.1)
    (source,) = sources(db)
    assert source.last_success_at is not None and source.services == 4
    assert len(stored(db)) == 4


def test_replace_keeps_other_sources_but_drops_the_demo(db: sqlite_utils.Database) -> None:
    from server.directory.importer import import_feed

    import_feed(db, ROOT / "content" / "demo" / "luton.json", source="demo")  # sample services
    real = [
        dict(s, attributes=[a for a in s["attributes"] if "sample" not in a["id"]]) for s in DEMO
    ]
    with serve(FeedServer(real[:10], "3.0")) as url:
        assert sync_feed(db, url, source="north", replace=True, options=FAST).error is None
    with serve(FeedServer(real[10:15], "3.0")) as url:
        south = sync_feed(db, url, source="south", replace=True, options=FAST)
    assert south.error is None
    counts = dict(db.execute("SELECT source, count(*) FROM services GROUP BY source").fetchall())
    assert counts == {"north": 10, "south": 5}  # the demo went; the other source stayed
    assert south.changes.removed == 0
