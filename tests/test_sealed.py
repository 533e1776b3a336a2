"""Sealed reports (issue 14, part 1): what young people write is encrypted at rest with the
team key, opened only by signed-in staff; the reporter's own lookup still shows their thread."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.cli import main as cli_main
from server.db import ThreadLocalDatabase
from server.migrations import migrate
from server.reports import ReportStore
from server.reports.sealing import NO_KEYS, Keyring, ReportsLocked
from server.settings import Settings
from tests.conftest import AppFactory, make_settings
from tests.test_staff import ADMIN, STAFF, run_cli, sign_in
from tests.test_staff import accounts_template as accounts_template
from tests.test_staff import staffed_client as staffed_client
from tests.test_staff import staffed_settings as staffed_settings

REPORTS = "/api/v1/reports"
CANARY = "CANARY-purple-giraffe-7731"


def report_body(n: int, **changes: Any) -> dict[str, Any]:
    return {
        "category": "someone_carrying",
        "what_happened": f"Report {n}: {CANARY} showed a knife behind the sports hall.",
        "where": f"{CANARY} bus stop on Hitchin Road",
        "when": "today",
        "danger_now": n % 7 == 0,
        "lang": "en",
        **changes,
    }


def files_holding(folder: Path, needle: str) -> list[Path]:
    """Every file under `folder` whose bytes hold `needle` (as UTF-8 or UTF-16)."""
    forms = [needle.encode(), needle.encode("utf-16-le"), needle.lower().encode()]
    return [
        path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and any(form in path.read_bytes() for form in forms)
    ]


def test_the_canary_is_in_no_file_under_the_data_folder(
    staffed_client: TestClient[Litestar], staffed_settings: Settings
) -> None:
    """100 reports, replies and a team message holding a canary phrase; then a backup into
    the data folder. The phrase is in no file there (databases, WAL, secrets, backup), and a
    signed-in staff member reads every report."""
    codes = [staffed_client.post(REPORTS, json=report_body(n)).json()["code"] for n in range(100)]
    for code in codes[:10]:
        reply = {"code": code, "text": f"More from me: {CANARY} again."}
        assert 201 == staffed_client.post(f"{REPORTS}/reply", json=reply).status_code
    csrf = sign_in(staffed_client)
    team_message = {"text": f"Thank you. Was {CANARY} near the gate?"}
    response = staffed_client.post(
        f"{STAFF}/reports/1/messages", json=team_message, headers={"X-CSRF-Token": csrf}
    )
    assert 201 == response.status_code, response.text

    data = staffed_settings.data_path
    assert 0 == cli_main(["backup", str(data / "backups" / "today"), "--data-dir", str(data)])
    assert (data / "backups" / "today" / "reports.db").exists()
    assert [] == files_holding(data, CANARY)
    assert [] == files_holding(data, "Hitchin Road")
    # The test's own check works: the phrase is found where it is in the clear.
    (data / "plain.txt").write_text(f"x {CANARY} y")
    assert [data / "plain.txt"] == files_holding(data, CANARY)

    # A signed-in staff member reads them all: inbox excerpts, one report, its thread.
    pages = [
        staffed_client.get(f"{STAFF}/reports", params={"page": p}).json() for p in (1, 2, 3, 4)
    ]
    items = [item for page in pages for item in page["items"]]
    assert 100 == pages[0]["total"] == len(items)
    assert all(CANARY in item["excerpt"] for item in items)
    detail = staffed_client.get(f"{STAFF}/reports/1").json()
    assert f"Report 0: {CANARY} showed a knife behind the sports hall." == detail["what_happened"]
    assert f"{CANARY} bus stop on Hitchin Road" == detail["where"]
    assert [f"More from me: {CANARY} again.", team_message["text"]] == [
        m["text"] for m in detail["messages"]
    ]
    export = staffed_client.get(f"{STAFF}/reports/export.csv").text
    assert 100 == export.count("behind the sports hall")


def test_the_reporter_reads_their_thread_with_their_code(
    staffed_client: TestClient[Litestar],
) -> None:
    code = staffed_client.post(REPORTS, json=report_body(1)).json()["code"]
    staffed_client.post(f"{REPORTS}/reply", json={"code": code, "text": "It was a red bag."})
    csrf = sign_in(staffed_client)
    staffed_client.post(
        f"{STAFF}/reports/1/messages",
        json={"text": "Thank you, we are looking into it."},
        headers={"X-CSRF-Token": csrf},
    )
    thread = staffed_client.post(f"{REPORTS}/lookup", json={"code": code.upper()}).json()
    assert ["It was a red bag.", "Thank you, we are looking into it."] == [
        m["text"] for m in thread["messages"]
    ]
    other = staffed_client.post(REPORTS, json=report_body(2)).json()["code"]
    other_thread = staffed_client.post(f"{REPORTS}/lookup", json={"code": other}).json()
    assert [] == other_thread["messages"]


def test_a_database_copied_elsewhere_cannot_be_read_without_a_password(
    staffed_client: TestClient[Litestar], staffed_settings: Settings, tmp_path: Path
) -> None:
    for n in range(3):
        staffed_client.post(REPORTS, json=report_body(n))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    conn = sqlite3.connect(staffed_settings.data_path / "reports.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copyfile(staffed_settings.data_path / "reports.db", elsewhere / "reports.db")
    # Even with the secrets folder copied too.
    shutil.copytree(staffed_settings.secrets_path, elsewhere / "secrets")
    migrate(elsewhere)
    secret = (elsewhere / "secrets" / "follow-up-codes.key").read_bytes()
    store = ReportStore(elsewhere / "reports.db", secret, 90)
    try:
        assert NO_KEYS == store.keyring.pending_keys()
        assert NO_KEYS == store.keyring.unlock(ADMIN[0], "a wrong password, guessed")
        with pytest.raises(ReportsLocked):
            store.get("thief", 1, NO_KEYS)
        # With the password, the same copy opens: it is the password that is missing.
        detail = store.get("ada", 1, store.keyring.unlock(*ADMIN))
        assert detail is not None
        assert CANARY in detail.what_happened
    finally:
        store.close()
    assert [] == files_holding(elsewhere, CANARY)


def test_signing_out_drops_the_key(
    staffed_client: TestClient[Litestar], staffed_settings: Settings
) -> None:
    staffed_client.post(REPORTS, json=report_body(1))
    csrf = sign_in(staffed_client)
    cookie = staffed_client.cookies.get("staff_session")
    assert 200 == staffed_client.get(f"{STAFF}/reports/1").status_code
    assert 1 == _count(staffed_settings, "session_keys")
    staffed_client.post(f"{STAFF}/logout", headers={"X-CSRF-Token": csrf})
    assert 0 == _count(staffed_settings, "session_keys")
    staffed_client.cookies.set("staff_session", str(cookie), path="/api/v1/staff")
    assert 401 == staffed_client.get(f"{STAFF}/reports/1").status_code


def test_a_new_colleague_added_by_an_admin_reads_reports_at_once(
    staffed_client: TestClient[Litestar],
) -> None:
    staffed_client.post(REPORTS, json=report_body(1))
    csrf = sign_in(staffed_client)
    account = {"username": "nia", "password": "nia's long passphrase 3", "role": "reviewer"}
    assert (
        201
        == staffed_client.post(
            f"{STAFF}/accounts", json=account, headers={"X-CSRF-Token": csrf}
        ).status_code
    )
    staffed_client.post(f"{STAFF}/logout", headers={"X-CSRF-Token": csrf})
    sign_in(staffed_client, ("nia", account["password"]))
    assert CANARY in staffed_client.get(f"{STAFF}/reports/1").json()["what_happened"]


def test_triage_order_and_counts_need_no_key(
    staffed_client: TestClient[Litestar], staffed_settings: Settings
) -> None:
    """Danger-first order, deadlines (the hour received) and counts come from columns in
    the clear: a query without any key gives them."""
    for n in range(1, 15):
        staffed_client.post(REPORTS, json=report_body(n))
    conn = sqlite3.connect(staffed_settings.data_path / "reports.db")
    rows = conn.execute(
        "SELECT id, danger_now, received_hour FROM reports "
        "ORDER BY danger_now DESC, received_hour DESC, id DESC"
    ).fetchall()
    counts = dict(conn.execute("SELECT status, count(*) FROM reports GROUP BY status"))
    conn.close()
    assert [7, 14] == sorted(r[0] for r in rows[:2])  # the two danger reports first
    assert {"received": 14} == counts
    assert all(r[2].endswith(":00Z") for r in rows)


def test_keys_rotate_reseals_everything_with_a_new_recovery_key(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path / "data")
    data = str(settings.data_path)
    code, out, _ = run_cli(
        monkeypatch,
        ["staff", "add", "sam", "--role", "admin", "--data-dir", data],
        "sam's pw 123456\n",
    )
    assert 0 == code
    # The recovery key's line (the account's otpauth:// enrolment comes last).
    (recovery,) = re.findall(r"^(?:[A-Z2-7]{4}-){12}[A-Z2-7]{4}$", out, re.MULTILINE)
    with TestClient(make_app(settings)) as client:
        reporter_code = client.post(REPORTS, json=report_body(1)).json()["code"]
        client.post(f"{REPORTS}/reply", json={"code": reporter_code, "text": "red bag"})
    code, out, err = run_cli(
        monkeypatch, ["keys", "rotate", "--recovery", "--data-dir", data], recovery + "\n"
    )
    assert 0 == code, err
    new_recovery = out.strip().splitlines()[-1]
    assert new_recovery != recovery
    assert 1 == _count(settings, "team_keys")
    # The old recovery key no longer opens anything; the new one does.
    code, _, err = run_cli(
        monkeypatch, ["keys", "rotate", "--recovery", "--data-dir", data], recovery + "\n"
    )
    assert 1 == code
    with TestClient(make_app(settings)) as client:
        sign_in(client, ("sam", "sam's pw 123456"))
        detail = client.get(f"{STAFF}/reports/1").json()
        assert CANARY in detail["what_happened"]
        assert ["red bag"] == [m["text"] for m in detail["messages"]]
        thread = client.post(f"{REPORTS}/lookup", json={"code": reporter_code}).json()
        assert ["red bag"] == [m["text"] for m in thread["messages"]]
    code, _, err = run_cli(
        monkeypatch, ["keys", "rotate", "--recovery", "--data-dir", data], new_recovery + "\n"
    )
    assert 0 == code, err


def _count(settings: Settings, table: str) -> int:
    conn = sqlite3.connect(settings.data_path / "reports.db")
    (n,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    conn.close()
    return int(n)


def test_reports_stored_before_sealing_are_sealed_at_start(
    tmp_path: Path, make_app: AppFactory
) -> None:
    settings = make_settings(tmp_path / "data")
    migrate(settings.data_path)
    conn = sqlite3.connect(settings.data_path / "reports.db")
    conn.execute(
        "INSERT INTO reports (code_hash, category, what_happened, where_text, when_happened, "
        "danger_now, lang, received_hour) VALUES (x'00', 'something_else', ?, ?, 'today', 0, "
        "'en', '2026-11-30T01:00Z')",
        (f"old {CANARY}", f"old place {CANARY}"),
    )
    conn.execute(
        "INSERT INTO report_messages (report_id, sender, text, day) "
        "VALUES (1, 'reporter', ?, '2026-11-30')",
        (f"old message {CANARY}",),
    )
    conn.commit()
    conn.close()
    with TestClient(make_app(settings)):
        assert [] == files_holding(settings.data_path, CANARY)
    store = ReportStore(settings.data_path / "reports.db", b"k" * 32, 90)
    try:
        detail = store.get("test", 1, store.keyring.pending_keys())
    finally:
        store.close()
    assert detail is not None
    assert (f"old {CANARY}", f"old place {CANARY}") == (detail.what_happened, detail.where)
    assert [f"old message {CANARY}"] == [m.text for m in detail.messages]


def test_changing_a_password_wraps_the_key_again_and_ends_other_sign_ins(
    staffed_settings: Settings, make_app: AppFactory
) -> None:
    with (
        TestClient(make_app(staffed_settings)) as phone,
        TestClient(make_app(staffed_settings)) as laptop,
    ):
        laptop.post(REPORTS, json=report_body(1))
        sign_in(phone)
        csrf = sign_in(laptop)
        new = "ada's new and longer passphrase 2"
        change = f"{STAFF}/password"
        headers = {"X-CSRF-Token": csrf}

        wrong = laptop.post(
            change, json={"current_password": "not it", "new_password": new}, headers=headers
        )
        assert (403, "wrong_password") == (wrong.status_code, wrong.json()["error"]["code"])
        weak = laptop.post(
            change,
            json={"current_password": ADMIN[1], "new_password": "password"},
            headers=headers,
        )
        assert 422 == weak.status_code
        assert 200 == phone.get(f"{STAFF}/reports/1").status_code  # nothing changed yet

        done = laptop.post(
            change, json={"current_password": ADMIN[1], "new_password": new}, headers=headers
        )
        assert 204 == done.status_code, done.text
        # This sign-in goes on and still reads reports; the other one has ended.
        assert CANARY in laptop.get(f"{STAFF}/reports/1").json()["what_happened"]
        assert 401 == phone.get(f"{STAFF}/reports/1").status_code
        laptop.post(f"{STAFF}/logout", headers=headers)

        # The old password no longer signs in.
        token = laptop.get(f"{STAFF}/session").json()["csrf_token"]
        old = laptop.post(
            f"{STAFF}/login",
            json={"username": ADMIN[0], "password": ADMIN[1], "totp": "000000"},
            headers={"X-CSRF-Token": token},
        )
        assert 401 == old.status_code
    # The team key opens with the new password, and no longer with the old one.
    db = ThreadLocalDatabase(staffed_settings.data_path / "reports.db")
    try:
        keyring = Keyring(db, staffed_settings.secrets_path)
        assert keyring.unlock(ADMIN[0], new)
        assert not keyring.unlock(ADMIN[0], ADMIN[1])
        actions = [row[0] for row in db.get().execute("SELECT action FROM audit_log")]
        assert "change_password" in actions
    finally:
        db.close()


def test_a_password_change_that_fails_part_way_keeps_the_old_password_and_key(
    staffed_settings: Settings, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new password and the key it opens are written in one transaction: when writing
    the key fails after the password row was changed, both stay as they were."""
    written = []

    def fail_after_writing(conn: sqlite3.Connection, staff_id: int, key: Any) -> None:
        Keyring.store_personal_key(conn, staff_id, key)
        written.append(staff_id)
        raise sqlite3.OperationalError("disk I/O error")

    with TestClient(make_app(staffed_settings)) as laptop:
        laptop.post(REPORTS, json=report_body(1))
        csrf = sign_in(laptop)
        keyring = laptop.app.state.reports.keyring
        monkeypatch.setattr(keyring, "store_personal_key", fail_after_writing)
        new = "ada's new and longer passphrase 3"
        response = laptop.post(
            f"{STAFF}/password",
            json={"current_password": ADMIN[1], "new_password": new},
            headers={"X-CSRF-Token": csrf},
        )
        assert 500 == response.status_code
        assert written  # the key was written, then the transaction failed
        # This sign-in still reads reports.
        assert CANARY in laptop.get(f"{STAFF}/reports/1").json()["what_happened"]
    db = ThreadLocalDatabase(staffed_settings.data_path / "reports.db")
    try:
        keyring = Keyring(db, staffed_settings.secrets_path)
        assert keyring.unlock(ADMIN[0], ADMIN[1])  # the old password opens the team key
        assert not keyring.unlock(ADMIN[0], new)
        actions = [row[0] for row in db.get().execute("SELECT action FROM audit_log")]
        assert "change_password" not in actions
    finally:
        db.close()
    # And the old password still signs in.
    with TestClient(make_app(staffed_settings)) as phone:
        sign_in(phone)
        assert CANARY in phone.get(f"{STAFF}/reports/1").json()["what_happened"]
