"""'Report a mistake': the anonymous form's API, what is kept (and not), its own rate limit,
its 422s, and the staff queue apart from the safeguarding inbox."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.db import ThreadLocalDatabase
from server.feedback import FeedbackStore, NewFeedback
from server.migrations import migrate
from server.reports.sealing import Keyring
from server.settings import Settings
from server.staff import StaffService
from tests.conftest import AppFactory, make_settings
from tests.test_errors import assert_error_shape
from tests.test_staff import REVIEWER, STAFF, add_accounts, audit_rows, send_report, sign_in

FEEDBACK = "/api/v1/feedback"
SECRET_UA = "Secret-Browser/9.9 (unique-device-4321)"
SECRET_IP = "203.0.113.77"


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "wrong_fact",
        "target": "card",
        "target_id": "your-future",
        "lang": "pl",
        "text": "The second key point looks wrong.",
        **overrides,
    }


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reports.db with the reviewer account, hashed once per module (argon2id is slow)."""
    data = tmp_path_factory.mktemp("accounts")
    migrate(data)
    service = StaffService(data / "reports.db")
    service.add("test", REVIEWER[0], REVIEWER[1], "reviewer")
    service.close()
    conn = sqlite3.connect(data / "reports.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return data / "reports.db"


@pytest.fixture
def feedback_settings(tmp_path: Path, accounts: Path) -> Settings:
    settings = make_settings(
        tmp_path / "data", feedback_per_hour=1000, trusted_proxies="testclient"
    )
    add_accounts(settings, accounts)
    migrate(settings.data_path)
    # Sealed reports (issue 14): the reviewer's key pair and the team key, so they can open
    # the inbox, which holds a report here.
    db = ThreadLocalDatabase(settings.data_path / "reports.db")
    keyring = Keyring(db, settings.secrets_path)
    keyring.current()
    keyring.enrol(REVIEWER[0], REVIEWER[1], keyring.pending_keys())
    db.close()
    return settings


@pytest.fixture
def feedback_client(
    feedback_settings: Settings, make_app: AppFactory
) -> Iterator[TestClient[Litestar]]:
    with TestClient(make_app(feedback_settings)) as client:
        yield client


def rows(settings: Settings) -> list[sqlite3.Row]:
    conn = sqlite3.connect(settings.data_path / "reports.db")
    conn.row_factory = sqlite3.Row
    found = conn.execute("SELECT * FROM content_feedback ORDER BY id").fetchall()
    conn.close()
    return found


def test_a_report_of_a_mistake_is_stored_with_its_card_and_language(
    feedback_client: TestClient[Litestar], feedback_settings: Settings
) -> None:
    response = feedback_client.post(FEEDBACK, json=body())
    assert 201 == response.status_code, response.text
    assert response.json() == {"received": True, "message": "Dziękujemy. Sprawdzimy to."}
    assert "no-store" in response.headers["cache-control"]
    assert "set-cookie" not in response.headers
    helpline = feedback_client.post(
        FEEDBACK,
        json=body(kind="out_of_date", target="helpline", target_id="childline", lang="ur", text=""),
    )
    assert 201 == helpline.status_code, helpline.text
    stored = rows(feedback_settings)
    assert [(r["kind"], r["target"], r["target_id"], r["lang"]) for r in stored] == [
        ("wrong_fact", "card", "your-future", "pl"),
        ("out_of_date", "helpline", "childline", "ur"),
    ]
    assert stored[0]["text"] == "The second key point looks wrong."
    assert stored[0]["done"] == 0


def test_nothing_about_the_sender_is_kept(
    feedback_client: TestClient[Litestar], feedback_settings: Settings
) -> None:
    response = feedback_client.post(
        FEEDBACK,
        json=body(text="Fine text"),
        headers={"User-Agent": SECRET_UA, "X-Forwarded-For": SECRET_IP},
    )
    assert 201 == response.status_code
    (row,) = rows(feedback_settings)
    # No column could hold an address, a user agent or a time finer than the day.
    assert set(row.keys()) == {
        "id",
        "kind",
        "target",
        "target_id",
        "lang",
        "text",
        "received_day",
        "done",
        "done_by",
        "done_day",
    }
    assert dt.date.fromisoformat(row["received_day"]) == dt.date.today()
    files = b"".join(p.read_bytes() for p in feedback_settings.data_path.glob("reports.db*"))
    assert SECRET_UA.encode() not in files
    assert SECRET_IP.encode() not in files
    assert b"testclient" not in files


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "rude"}, "kind"),
        ({"target": "glossary"}, "target"),
        ({"target_id": "no-such-card"}, "target_id"),
        ({"target": "helpline", "target_id": "your-future"}, "target_id"),
        ({"target_id": "../etc"}, "target_id"),
        ({"lang": "xx"}, "lang"),
        ({"text": "x" * 1001}, "text"),
        ({"name": "Sam"}, "name"),
    ],
)
def test_bad_input_is_a_422_in_the_error_shape(
    feedback_client: TestClient[Litestar],
    feedback_settings: Settings,
    overrides: dict[str, Any],
    field: str,
) -> None:
    response = feedback_client.post(FEEDBACK, json=body(**overrides))
    assert 422 == response.status_code, response.text
    error = assert_error_shape(response.json())
    assert field == error["field"]
    assert f"'{field}'" not in error["message"] and "Expected" not in error["message"]
    assert [] == rows(feedback_settings)


def test_text_of_exactly_1000_characters_is_accepted(
    feedback_client: TestClient[Litestar],
) -> None:
    assert 201 == feedback_client.post(FEEDBACK, json=body(text="y" * 1000)).status_code


def test_only_json_is_accepted(feedback_client: TestClient[Litestar]) -> None:
    response = feedback_client.post(FEEDBACK, content=b"kind=wrong_fact")
    assert 415 == response.status_code
    assert "unsupported_media_type" == response.json()["error"]["code"]


def test_feedback_has_its_own_rate_limit(tmp_path: Path, make_app: AppFactory) -> None:
    settings = make_settings(tmp_path / "data", feedback_per_hour=2)
    with TestClient(make_app(settings)) as client:
        assert 201 == client.post(FEEDBACK, json=body()).status_code
        assert 201 == client.post(FEEDBACK, json=body()).status_code
        limited = client.post(FEEDBACK, json=body(lang="en"))
        assert 429 == limited.status_code
        assert int(limited.headers["retry-after"]) > 0
        assert limited.json()["error"] == {
            "code": "too_many_requests",
            "message": "You have sent a lot of these. Please try again later.",
        }
        # In the sender's language.
        limited_pl = client.post(FEEDBACK, json=body(lang="pl"))
        assert "Spróbuj ponownie później" in limited_pl.json()["error"]["message"]
        # Its own limit: anonymous reports are still accepted from the same source.
        send_report(client)
    assert 2 == len(rows(settings))


def test_reports_do_not_use_up_the_feedback_limit(tmp_path: Path, make_app: AppFactory) -> None:
    settings = make_settings(tmp_path / "data", feedback_per_hour=1, reports_per_hour=3)
    with TestClient(make_app(settings)) as client:
        for _ in range(3):
            send_report(client)
        assert 201 == client.post(FEEDBACK, json=body()).status_code


def test_staff_see_the_queue_apart_from_reports_and_mark_items_done(
    feedback_client: TestClient[Litestar], feedback_settings: Settings
) -> None:
    feedback_client.post(FEEDBACK, json=body(kind="bad_translation", text="Unclear word"))
    send_report(feedback_client, what_happened="A report, not feedback.")
    assert 401 == feedback_client.get(f"{STAFF}/feedback").status_code

    token = sign_in(feedback_client, REVIEWER)
    queue = feedback_client.get(f"{STAFF}/feedback").json()
    assert queue["total"] == 1 and queue["page"] == 1 and queue["pages"] == 1
    (item,) = queue["items"]
    assert item["kind"] == "bad_translation"
    assert item["title"] == "Your future: how a criminal record can follow you"
    assert item["lang"] == "pl" and item["text"] == "Unclear word" and item["done"] is False
    # The safeguarding inbox does not show it.
    inbox = feedback_client.get(f"{STAFF}/reports").json()
    assert [i for i in inbox["items"] if "Unclear word" in str(i)] == []

    address = f"{STAFF}/feedback/{item['id']}"
    assert 403 == feedback_client.patch(address, json={"done": True}).status_code
    done = feedback_client.patch(address, json={"done": True}, headers={"X-CSRF-Token": token})
    assert 204 == done.status_code, done.text
    assert feedback_client.get(f"{STAFF}/feedback").json()["items"] == []
    (closed,) = feedback_client.get(f"{STAFF}/feedback?done=true").json()["items"]
    assert closed["done"] is True and closed["done_by"] == REVIEWER[0]
    assert ("rey", "feedback_done", None, f"feedback {item['id']}") in audit_rows(feedback_settings)

    missing = feedback_client.patch(
        f"{STAFF}/feedback/999", json={"done": True}, headers={"X-CSRF-Token": token}
    )
    assert 404 == missing.status_code
    assert "feedback_not_found" == missing.json()["error"]["code"]
    bad = feedback_client.patch(address, json={"done": "yes"}, headers={"X-CSRF-Token": token})
    assert 422 == bad.status_code


def test_feedback_is_deleted_after_the_retention_period(tmp_path: Path) -> None:
    migrate(tmp_path)
    db = ThreadLocalDatabase(tmp_path / "reports.db")
    store = FeedbackStore(db, retention_days=90)
    item = NewFeedback(kind="something_else", target="card", target_id="your-future", lang="en")
    today = dt.date(2026, 11, 30)
    store.add(item, "old", today - dt.timedelta(days=91))
    store.add(item, "recent", today - dt.timedelta(days=90))
    store.add(item, "new", today)
    texts = [row["text"] for row in store.page(done=False, page=1)[0]]
    assert texts == ["new", "recent"]
    # Staff opening the queue also clears what has passed the period, with no new item.
    store.purge(today + dt.timedelta(days=91))
    assert [] == store.page(done=False, page=1)[0]
    db.close()
