"""The safeguarding inbox: roles and owners, deadlines in working hours, escalation, decisions.

The clock is moved, never slept on: the store, the staff service and the notifier all read
an injected clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.db import ThreadLocalDatabase
from server.migrations import migrate
from server.notify import Notifier
from server.reports import NewReport, ReportStore, open_store
from server.reports.deadlines import WorkingTime
from server.reports.sealing import Keyring
from server.reports.team import Decision, NotAllowed
from server.settings import Settings
from server.staff import OwnsOpenReports, StaffService
from tests.conftest import AppFactory, make_settings
from tests.staff_helpers import totp_code

STAFF = "/api/v1/staff"
PASSWORD = "a long staff passphrase"
ACCOUNTS = [
    ("lee", "lead"),
    ("lou", "lead"),
    ("dee", "deputy"),
    ("rey", "reviewer"),
    ("ada", "admin"),
]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.moment = start

    def __call__(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

    def timestamp(self) -> float:
        return self.moment.timestamp()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def team_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """reports.db with two leads, a deputy and a reviewer, each with an email address."""
    data = tmp_path_factory.mktemp("team")
    migrate(data)
    service = StaffService(data / "reports.db")
    for name, role in ACCOUNTS:
        service.add("test", name, PASSWORD, role, f"{name}@school.example")
    service.close()
    conn = sqlite3.connect(data / "reports.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return data / "reports.db"


def team_settings(tmp_path: Path, template: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"smtp_host": "127.0.0.1", "smtp_port": 9, **overrides}
    settings = make_settings(tmp_path / "data", **values)
    settings.data_path.mkdir(parents=True, exist_ok=True)
    (settings.data_path / "reports.db").write_bytes(template.read_bytes())
    migrate(settings.data_path)
    # Sealed reports (issue 14): every account gets its key pair and the team key, as
    # `consequences staff add` and an admin's sign-in leave them.
    db = ThreadLocalDatabase(settings.data_path / "reports.db")
    keyring = Keyring(db, settings.secrets_path)
    keyring.current()
    team = keyring.pending_keys()
    for name, _role in ACCOUNTS:
        keyring.enrol(name, PASSWORD, team)
    db.close()
    return settings


@pytest.fixture
def clock() -> Clock:
    return Clock(at("2027-03-01T09:00:00"))  # a Monday in March (GMT)


@pytest.fixture
def store(tmp_path: Path, team_template: Path, clock: Clock) -> Iterator[ReportStore]:
    settings = team_settings(tmp_path, team_template)
    store = open_store(settings)
    store.clock = clock
    yield store
    store.close()


def new_report(store: ReportStore, danger: bool = False, text: str = "a knife") -> int:
    store.create(
        NewReport(
            category="someone_carrying",
            what_happened=text,
            when="today",
            danger_now=danger,
            lang="en",
        )
    )
    (rid,) = store.conn.execute("SELECT max(id) FROM reports").fetchone()
    return int(rid)


def escalations(store: ReportStore) -> list[tuple[int, str]]:
    return [(e.stage, ",".join(e.notify)) for e in store.escalate()]


def audit(store: ReportStore, report_id: int) -> list[tuple[str, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in store.conn.execute(
            "SELECT username, action, detail FROM audit_log WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
    ]


def queued(store: ReportStore) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in store.conn.execute("SELECT kind, username FROM notifications ORDER BY id")
    ]


# -- deadlines in working hours


def test_a_report_acknowledged_late_goes_to_the_deputy_then_every_lead(
    store: ReportStore, clock: Clock
) -> None:
    rid = new_report(store)
    row = store.conn.execute(
        "SELECT acknowledge_by, acknowledge_leads_by, decide_by, decide_leads_by "
        "FROM reports WHERE id = ?",
        (rid,),
    ).fetchone()
    # 4 working hours from Monday 09:00; twice that; one working day (10 hours); two.
    assert (
        "2027-03-01T13:00:00Z",
        "2027-03-01T17:00:00Z",
        "2027-03-02T09:00:00Z",
        "2027-03-03T09:00:00Z",
    ) == row

    clock.set(at("2027-03-01T12:59:00"))
    assert [] == escalations(store)
    assert 0 == store.inbox_filtered("rey", _overdue(), 1, store.keyring.pending_keys())[1]

    clock.set(at("2027-03-01T13:00:00"))
    assert [(1, "dee")] == escalations(store)
    clock.set(at("2027-03-01T13:30:00"))
    assert [] == escalations(store)  # each step once
    items, total = store.inbox_filtered("rey", _overdue(), 1, store.keyring.pending_keys())
    assert (1, 30, "acknowledge") == (total, items[0].overdue_minutes, items[0].overdue)

    clock.set(at("2027-03-01T17:00:00"))
    assert [(2, "lee,lou")] == escalations(store)

    clock.set(at("2027-03-01T17:30:00"))
    store.update("rey", rid, "being_looked_at", None, store.keyring.pending_keys())
    assert [
        ("system", "received", ""),
        ("system", "escalate", "acknowledge deadline missed; told the deputy"),
        ("system", "escalate", "acknowledge deadline missed; told every lead"),
        ("rey", "change_status", "received -> being_looked_at"),
        ("rey", "acknowledge", "270 minute(s) late"),
    ] == audit(store, rid)
    assert [("escalation", "dee"), ("escalation", "lee"), ("escalation", "lou")] == queued(store)
    # Acknowledged: no longer overdue until the decision is due.
    assert 0 == store.inbox_filtered("rey", _overdue(), 1, store.keyring.pending_keys())[1]
    clock.set(at("2027-03-02T09:00:00"))
    assert [(3, "dee")] == escalations(store)
    clock.set(at("2027-03-03T09:00:00"))
    assert [(4, "lee,lou")] == escalations(store)
    store.decide(
        "lee",
        "lead",
        rid,
        Decision(outcome="concern_confirmed", reason="Police told.", destination="police"),
        store.keyring.pending_keys(),
    )
    clock.set(at("2027-03-10T09:00:00"))
    assert [] == escalations(store)  # a closed report never escalates again
    assert 0 == store.inbox_filtered("rey", _overdue(), 1, store.keyring.pending_keys())[1]


def _overdue() -> Any:
    from server.reports.team import InboxFilter

    return InboxFilter(overdue=True)


def test_a_bank_holiday_is_not_a_working_day() -> None:
    # Christmas Eve 2026 is a Thursday; Christmas Day (Friday) and Boxing Day observed
    # (Monday 28th) are bank holidays in England and Wales, so 4 working hours from
    # Thursday 16:00 are 2 hours that day and 2 on Tuesday 29th.
    received = at("2026-12-24T16:00:00")
    with_holidays = WorkingTime().deadlines(received, danger=False)
    assert "2026-12-29T10:00:00Z" == with_holidays.acknowledge_by
    without = WorkingTime(bank_holidays="").deadlines(received, danger=False)
    assert "2026-12-25T10:00:00Z" == without.acknowledge_by
    # Scotland keeps 2 January; England does not.
    new_year = at("2027-01-01T12:00:00")
    assert "2027-01-04T12:00:00Z" == WorkingTime().deadlines(new_year, False).acknowledge_by
    assert (
        "2027-01-05T12:00:00Z"
        == WorkingTime(bank_holidays="GB-SCT").deadlines(new_year, False).acknowledge_by
    )


def test_a_bank_holiday_holds_the_deadline_in_the_running_store(
    store: ReportStore, clock: Clock
) -> None:
    clock.set(at("2027-05-28T15:00:00"))  # Friday before the spring bank holiday (BST)
    rid = new_report(store)
    (acknowledge_by,) = store.conn.execute(
        "SELECT acknowledge_by FROM reports WHERE id = ?", (rid,)
    ).fetchone()
    # 16:00-18:00 London on Friday is 2 hours; Monday 31 May is a bank holiday; so
    # Tuesday 08:00 + 2 hours London = 09:00 UTC.
    assert "2027-06-01T09:00:00Z" == acknowledge_by
    clock.set(at("2027-05-31T12:00:00"))
    assert [] == escalations(store)
    clock.set(at("2027-06-01T09:00:00"))
    assert [(1, "dee")] == escalations(store)


def test_a_danger_report_at_two_on_a_sunday_morning_escalates_at_once(
    store: ReportStore, clock: Clock
) -> None:
    clock.set(at("2027-03-07T02:00:00"))  # Sunday
    rid = new_report(store, danger=True)
    row = store.conn.execute(
        "SELECT acknowledge_by, acknowledge_leads_by, decide_by FROM reports WHERE id = ?",
        (rid,),
    ).fetchone()
    assert ("2027-03-07T03:00:00Z", "2027-03-07T04:00:00Z", "2027-03-08T18:00:00Z") == row
    # The leads and the deputy are told at once, in the night.
    assert [("danger", "lee"), ("danger", "lou"), ("danger", "dee")] == queued(store)
    clock.set(at("2027-03-07T03:00:00"))
    assert [(1, "dee")] == escalations(store)
    clock.set(at("2027-03-07T04:00:00"))
    assert [(2, "lee,lou")] == escalations(store)
    items, _ = store.inbox_filtered("dee", _overdue(), 1, store.keyring.pending_keys())
    assert [(rid, 60, True)] == [(i.id, i.overdue_minutes, i.danger_now) for i in items]


def test_the_notifier_escalates_on_its_rounds(store: ReportStore, clock: Clock) -> None:
    settings = make_settings(store.db.path.parent)  # no mail server: nothing is sent
    notifier = Notifier(store, _NoMail(), settings)
    rid = new_report(store)
    clock.set(at("2027-03-01T13:05:00"))
    notifier.run_once()
    assert ("system", "escalate", "acknowledge deadline missed; told the deputy") in audit(
        store, rid
    )


class _NoMail:
    on = False

    def send(self, to: str, body: str) -> None:  # pragma: no cover - never called
        raise AssertionError("no mail when there is no mail server")


# -- ownership, assignment and removal


def test_assignment_is_recorded_and_only_above_reviewer(store: ReportStore) -> None:
    rid = new_report(store)
    with pytest.raises(NotAllowed):
        store.assign("rey", "reviewer", rid, "rey", store.keyring.pending_keys())
    detail = store.assign("dee", "deputy", rid, "rey", store.keyring.pending_keys())
    assert detail is not None and "rey" == detail.owner
    store.assign("lee", "lead", rid, None, store.keyring.pending_keys())
    assert [
        ("dee", "assign", "the leads -> rey"),
        ("dee", "acknowledge", "on time"),
        ("lee", "assign", "rey -> the leads"),
    ] == [a for a in audit(store, rid) if a[0] != "system"]
    assert ("assigned", "rey") in queued(store)


def test_an_account_with_open_reports_cannot_be_removed(store: ReportStore, tmp_path: Path) -> None:
    first, second, closed = new_report(store), new_report(store), new_report(store)
    for rid in (first, second, closed):
        store.assign("lee", "lead", rid, "rey", store.keyring.pending_keys())
    store.decide(
        "lee",
        "lead",
        closed,
        Decision(outcome="duplicate", reason="Same as another.", destination="no_further_action"),
        store.keyring.pending_keys(),
    )
    staff = StaffService(store.db.path)
    with pytest.raises(OwnsOpenReports) as refused:
        staff.remove("lee", "rey")
    assert f"rey still owns open reports {first}, {second}. Reassign them first." == str(
        refused.value
    )
    store.assign("lee", "lead", first, "dee", store.keyring.pending_keys())
    store.assign("lee", "lead", second, None, store.keyring.pending_keys())
    assert staff.remove("lee", "rey")
    staff.close()


def test_the_command_line_says_which_reports_block_a_removal(
    store: ReportStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_staff import run_cli

    rid = new_report(store)
    store.assign("lee", "lead", rid, "dee", store.keyring.pending_keys())
    code, _, err = run_cli(
        monkeypatch, ["staff", "remove", "dee", "--data-dir", str(store.db.path.parent)]
    )
    assert 1 == code
    assert f"dee still owns open reports {rid}" in err


# -- the API: filters, overdue first, decisions, CSV


@pytest.fixture
def client(
    tmp_path: Path, team_template: Path, make_app: AppFactory, clock: Clock
) -> Iterator[TestClient[Litestar]]:
    settings = team_settings(tmp_path, team_template)
    app = make_app(settings)
    app.state.reports.clock = clock
    with TestClient(app) as c:
        yield c


def sign_in(client: TestClient[Litestar], name: str) -> dict[str, str]:
    settings: Settings = client.app.state.settings
    token = client.get(f"{STAFF}/session").json()["csrf_token"]
    answer = client.post(
        f"{STAFF}/login",
        json={
            "username": name,
            "password": PASSWORD,
            "totp": totp_code(settings.data_path / "reports.db", name),
        },
        headers={"X-CSRF-Token": token},
    )
    assert 200 == answer.status_code, answer.text
    return {"X-CSRF-Token": answer.json()["csrf_token"]}


def test_overdue_reports_come_first_with_how_late_and_filter(
    client: TestClient[Litestar], clock: Clock
) -> None:
    store: ReportStore = client.app.state.reports
    calm = new_report(store, text="calm and on time")
    clock.set(at("2027-03-01T10:00:00"))
    danger = new_report(store, danger=True, text="danger")
    clock.set(at("2027-03-01T13:20:00"))
    later = new_report(store, text="later")
    headers = sign_in(client, "lee")
    client.post(f"{STAFF}/reports/{later}/assign", json={"owner": "lee"}, headers=headers)
    inbox = client.get(f"{STAFF}/reports").json()
    # The danger report is 2h20 late (due 11:00), the first calm one 20 minutes (due 13:00).
    assert [(danger, 140), (calm, 20), (later, 0)] == [
        (i["id"], i["overdue_minutes"]) for i in inbox["items"]
    ]
    overdue = client.get(f"{STAFF}/reports?overdue=true").json()
    assert [danger, calm] == [i["id"] for i in overdue["items"]]
    assert [later] == [i["id"] for i in client.get(f"{STAFF}/reports?mine=true").json()["items"]]
    unassigned = client.get(f"{STAFF}/reports?unassigned=true").json()
    assert {danger, calm} == {i["id"] for i in unassigned["items"]}
    assert [danger] == [i["id"] for i in client.get(f"{STAFF}/reports?danger=true").json()["items"]]


def test_closing_needs_an_outcome_a_reason_and_a_destination(
    client: TestClient[Litestar],
) -> None:
    store: ReportStore = client.app.state.reports
    code_report = client.post(
        "/api/v1/reports",
        json={
            "category": "seen_a_knife",
            "what_happened": "at the bus stop",
            "when": "today",
            "danger_now": False,
            "lang": "pl",
        },
    ).json()["code"]
    rid = store.conn.execute("SELECT max(id) FROM reports").fetchone()[0]
    headers = sign_in(client, "dee")
    refused = client.patch(f"{STAFF}/reports/{rid}", json={"status": "closed"}, headers=headers)
    assert (422, "decision_needed") == (refused.status_code, refused.json()["error"]["code"])
    too_long = client.post(
        f"{STAFF}/reports/{rid}/decision",
        json={"outcome": "concern_confirmed", "reason": "x" * 2001, "destination": "police"},
        headers=headers,
    )
    assert 422 == too_long.status_code
    unnamed = client.post(
        f"{STAFF}/reports/{rid}/decision",
        json={"outcome": "concern_confirmed", "reason": "ok", "destination": "another_service"},
        headers=headers,
    )
    assert "destination_name" == unnamed.json()["error"]["field"]
    decided = client.post(
        f"{STAFF}/reports/{rid}/decision",
        json={
            "outcome": "concern_confirmed",
            "reason": "A youth worker there knows the group.",
            "destination": "another_service",
            "destination_name": "Luton Youth Service",
        },
        headers=headers,
    )
    assert 200 == decided.status_code
    body = decided.json()
    assert ("passed_on", "another_service", "Luton Youth Service") == (
        body["status"],
        body["destination"],
        body["destination_name"],
    )
    assert "decide" in [e["action"] for e in body["audit"]]
    # The reporter sees only a plain summary, in their language.
    seen = client.post("/api/v1/reports/lookup?lang=pl", json={"code": code_report}).json()
    assert "passed_on" == seen["status"]
    assert "Luton" not in str(seen) and "youth worker" not in str(seen)
    # The CSV carries owner, deadlines, outcome and destination.
    rows = list(csv.reader(io.StringIO(client.get(f"{STAFF}/reports/export.csv").text)))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert "2027-03-01T13:00:00Z" == row["acknowledge by (UTC)"]
    assert "2027-03-02T09:00:00Z" == row["decide by (UTC)"]
    assert ("concern_confirmed", "another_service", "Luton Youth Service") == (
        row["outcome"],
        row["handed over to"],
        row["service named"],
    )
    assert "" == row["owner"]


def test_without_a_deputy_the_first_escalation_goes_to_the_leads(
    store: ReportStore, clock: Clock
) -> None:
    staff = StaffService(store.db.path)
    assert staff.remove("lee", "dee")
    staff.close()
    new_report(store)
    clock.set(at("2027-03-01T13:00:00"))
    assert [(1, "lee,lou")] == escalations(store)


def test_the_api_says_which_reports_block_a_removal(client: TestClient[Litestar]) -> None:
    store: ReportStore = client.app.state.reports
    rid = new_report(store)
    store.assign("lee", "lead", rid, "rey", store.keyring.pending_keys())
    headers = sign_in(client, "ada")
    refused = client.delete(f"{STAFF}/accounts/rey", headers=headers)
    assert 409 == refused.status_code
    assert {
        "code": "owns_open_reports",
        "message": f"rey still owns open reports {rid}. Reassign them first.",
    } == refused.json()["error"]
    moved = client.post(f"{STAFF}/reports/{rid}/assign", json={"owner": "dee"}, headers=headers)
    assert "dee" == moved.json()["owner"]
    assert 204 == client.delete(f"{STAFF}/accounts/rey", headers=headers).status_code
