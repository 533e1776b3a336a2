"""ReportService without HTTP, and the app's lifespan: purge at start-up, close at shutdown."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.i18n import Languages
from server.messages import UI_MESSAGES
from server.migrations import migrate
from server.problems import Conflict, Invalid, NotFound, TooMany
from server.ratelimit import Limit, RateLimiter
from server.reports import Limits, NewReport, ReportService, ReportStore
from server.reports.service import Emergency
from server.settings import ROOT
from server.staff import StaffService
from tests.conftest import make_settings

LANGUAGES = Languages(ROOT / "locales")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ReportService]:
    migrate(tmp_path)
    store = ReportStore(tmp_path / "reports.db", secrets.token_bytes(32), retention_days=90)
    limits = Limits(
        report=Limit("report", 2),
        lookup=Limit("lookup", 3),
        login=Limit("login", 3),
    )
    yield ReportService(store, RateLimiter(), limits, LANGUAGES)
    store.close()


def report(**changes: object) -> NewReport:
    fields: dict[str, object] = {
        "category": "unsafe_place",
        "what_happened": "  Someone showed a knife by the shops.\x07 ",
        "when": "today",
        "danger_now": False,
        "lang": "en",
        **changes,
    }
    return NewReport(**fields)  # type: ignore[arg-type]


def test_submit_cleans_stores_and_answers_in_the_reporters_language(
    service: ReportService,
) -> None:
    answer, lang = service.submit(report(lang="pl", danger_now=True), None, b"a")
    assert "pl" == lang
    assert "received" == answer.status
    polish = LANGUAGES.gettext("pl").gettext
    assert polish(UI_MESSAGES["report.thank_you"]) == answer.message
    assert UI_MESSAGES["report.thank_you"] != answer.message
    assert Emergency(number="999", message=polish(UI_MESSAGES["report.emergency"])) == (
        answer.emergency
    )
    thread = service.lookup(answer.code, "en", b"a")
    assert "received" == thread.status
    keys = service.store.keyring.pending_keys()
    stored = service.store.get("test", 1, keys)
    assert stored is not None
    assert "Someone showed a knife by the shops." == stored.what_happened


def test_a_retry_is_answered_again_without_counting_against_the_limit(
    service: ReportService,
) -> None:
    key = str(uuid.uuid4())
    first, _ = service.submit(report(), key, b"a")
    service.submit(report(what_happened="another"), None, b"a")  # the limit (2) is now spent
    again, _ = service.submit(report(), key, b"a")
    assert first.code == again.code
    with pytest.raises(TooMany) as caught:
        service.submit(report(what_happened="a third"), None, b"a")
    assert "too_many_requests" == caught.value.code
    assert caught.value.retry_after > 0
    assert 2 == service.store.conn.execute("SELECT count(*) FROM reports").fetchone()[0]


def test_refusals_are_domain_errors_with_the_api_codes(service: ReportService) -> None:
    with pytest.raises(Invalid) as bad_key:
        service.submit(report(), "not-a-uuid", b"a")
    assert ("invalid_input", "Check 'Idempotency-Key': it must be a UUID.") == (
        bad_key.value.code,
        bad_key.value.message,
    )
    with pytest.raises(Invalid) as bad_area:
        service.submit(report(area="LU1 2BQ"), None, b"a")
    assert "invalid_input" == bad_area.value.code
    assert bad_area.value.message.startswith("Check 'area': ")
    key = str(uuid.uuid4())
    service.submit(report(), key, b"b")
    with pytest.raises(Invalid) as reused:
        service.submit(report(what_happened="different"), key, b"b")
    assert "idempotency_key_reused" == reused.value.code
    with pytest.raises(NotFound) as missing:
        service.lookup("river-pencil-orbit-4821", "en", b"c")
    assert "code_not_found" == missing.value.code


def test_a_reply_to_a_closed_report_is_a_conflict_in_the_chosen_language(
    service: ReportService,
) -> None:
    answer, _ = service.submit(report(), None, b"a")
    with pytest.raises(Invalid) as empty:
        service.reply(answer.code, " \x07 ", "en", b"a")
    assert "Check 'text': please write a message." == empty.value.message
    service.store.conn.execute("UPDATE reports SET status = 'closed'")
    service.store.conn.commit()
    with pytest.raises(Conflict) as closed:
        service.reply(answer.code, "hello", "pl", b"a")
    assert "report_closed" == closed.value.code
    assert LANGUAGES.gettext("pl").gettext(UI_MESSAGES["report.closed"]) == closed.value.message
    assert UI_MESSAGES["report.closed"] != closed.value.message


# -- the app's lifespan


def test_the_lifespan_purges_at_start_up_and_closes_every_database_at_shutdown(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path / "data")
    app = create_app(settings)
    store: ReportStore = app.state.reports
    store.create(report())
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=settings.report_retention_days + 2)
    store.conn.execute("UPDATE reports SET received_hour = ?", (old.strftime("%Y-%m-%dT%H:00Z"),))
    store.conn.commit()
    reports_db = settings.data_path / "reports.db"

    def stored() -> int:
        conn = sqlite3.connect(reports_db)
        try:
            return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
        finally:
            conn.close()

    with TestClient(app) as client:
        deadline = time.monotonic() + 10
        while stored() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert 0 == stored()
        assert 200 == client.get("/api/v1/health").status_code
        app.state.staff_service.accounts()
        app.state.directory_db.get()
        databases = (app.state.reports.db, app.state.staff_service.db, app.state.directory_db)
        assert all(database._all for database in databases)
    assert [[], [], []] == [database._all for database in databases]


def test_a_retry_racing_its_first_copy_gets_the_first_answer_not_429(
    service: ReportService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: a retry could be answered 429 although its first copy was stored. Here the
    retry's first look finds nothing (the first copy is not committed yet), the limit is then
    spent, and the first copy lands: the retry gets the first copy's answer."""
    key = str(uuid.uuid4())
    for _ in range(2):  # spend source b"a"'s limit of 2
        service.submit(report(what_happened="other"), None, b"a")
    first, _ = service.submit(report(), key, b"b")
    real_replay = service.store.replay
    calls = []

    def late_replay(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return None if len(calls) == 1 else real_replay(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service.store, "replay", late_replay)
    again, _ = service.submit(report(), key, b"a")
    assert first.code == again.code
    assert 2 == len(calls)
    with pytest.raises(TooMany):
        service.submit(report(what_happened="new"), None, b"a")


def test_when_a_report_came_in_and_was_withdrawn_is_kept_only_to_the_hour(
    tmp_path: Path,
) -> None:
    """The minute a report arrived could point to the one pupil on their phone then: no row
    in reports.db (report, audit log, queued email) keeps more than the hour, for a danger
    report with mail on and for its withdrawal."""
    migrate(tmp_path)
    moment = dt.datetime(2026, 11, 30, 10, 42, 17, tzinfo=dt.UTC)
    store = ReportStore(
        tmp_path / "reports.db", secrets.token_bytes(32), retention_days=90, clock=lambda: moment
    )
    store.notifications_on = True
    staff = StaffService(tmp_path / "reports.db")
    staff.add("admin", "lead", "the lead's long passphrase 1", "lead", "lead@example.org")
    staff.close()
    limits = Limits.from_settings(make_settings(tmp_path))
    service = ReportService(store, RateLimiter(), limits, LANGUAGES)
    answer, _ = service.submit(report(danger_now=True), None, b"a")

    def every_value() -> list[str]:
        conn = sqlite3.connect(tmp_path / "reports.db")
        try:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return [
                str(value)
                for table in tables
                for row in conn.execute(f"SELECT * FROM {table}")  # noqa: S608
                for value in row
            ]
        finally:
            conn.close()

    queued = store.conn.execute("SELECT created_at FROM notifications").fetchall()
    assert [("2026-11-30T10:00:00Z",)] == queued  # the danger email for the lead
    before = every_value()
    service.withdraw(answer.code, "en", b"a")
    after = every_value()
    audit = store.conn.execute("SELECT action, at FROM audit_log ORDER BY id").fetchall()
    store.close()
    assert [("received", "2026-11-30T10:00:00Z"), ("withdrawn", "2026-11-30T10:00:00Z")] == [
        (action, at) for action, at in audit if action in ("received", "withdrawn")
    ]
    assert "2026-11-30" in " ".join(before)  # the check can see dates where they are
    assert not [v for v in before + after if "10:42" in v or "T10:4" in v]
