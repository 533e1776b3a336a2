"""The audit log cannot be rewritten: triggers refuse it, and a hash chain shows any edit."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from server.audit import verify_file, write_audit
from server.migrations import migrate
from server.reports import NewReport, open_store
from server.settings import Settings
from tests.conftest import make_settings
from tests.test_staff import run_cli


def filled(tmp_path: Path, **overrides: object) -> Settings:
    """A data folder whose audit log has a few rows about a report."""
    settings = make_settings(tmp_path / "data", **overrides)
    migrate(settings.data_path)
    store = open_store(settings)
    store.create(
        NewReport(
            category="unsafe_place",
            what_happened="the underpass",
            when="earlier",
            danger_now=False,
            lang="en",
        )
    )
    store.get("ada", 1, store.keyring.pending_keys())
    store.update("ada", 1, "being_looked_at", "UNIQUE-NOTE-TEXT", store.keyring.pending_keys())
    store.close()
    conn = sqlite3.connect(settings.data_path / "reports.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return settings


def test_sqlite_refuses_to_update_or_delete_audit_rows(tmp_path: Path) -> None:
    settings = filled(tmp_path)
    conn = sqlite3.connect(settings.data_path / "reports.db")
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        conn.execute("UPDATE audit_log SET username = 'someone else' WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        conn.execute("DELETE FROM audit_log WHERE id = 2")
    conn.rollback()
    (count,) = conn.execute("SELECT count(*) FROM audit_log").fetchone()
    conn.close()
    assert count >= 4


def test_verify_passes_a_whole_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = filled(tmp_path)
    code, out, _ = run_cli(monkeypatch, ["audit", "verify", "--data-dir", settings.data_dir])
    assert 0 == code
    assert out.startswith("The audit log is whole:")


def test_editing_the_file_underneath_is_caught_at_the_first_broken_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = filled(tmp_path)
    db = settings.data_path / "reports.db"
    conn = sqlite3.connect(db)
    (row_id,) = conn.execute("SELECT id FROM audit_log WHERE action = 'change_status'").fetchone()
    conn.close()
    # Edit the bytes of the file itself, past SQLite and its triggers: the same length, so
    # the page still reads, but the record now says something else happened.
    raw = db.read_bytes()
    before = b"received -> being_looked_at"
    after = b"received -> being_looked_up"
    assert 1 == raw.count(before)
    db.write_bytes(raw.replace(before, after))
    code, _, err = run_cli(monkeypatch, ["audit", "verify", "--data-dir", settings.data_dir])
    assert 1 == code
    assert f"The audit log is broken at row {row_id}: its contents were changed." in err


def test_removing_a_row_breaks_the_chain_at_the_next(tmp_path: Path) -> None:
    settings = filled(tmp_path)
    db = settings.data_path / "reports.db"
    conn = sqlite3.connect(db)
    # Someone with the file drops the trigger first, then deletes a row.
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = 2")
    conn.commit()
    conn.close()
    _checked, broken = verify_file(db)
    assert broken is not None
    assert (3, "it does not follow the row before it") == (broken.row_id, broken.reason)


def test_audit_rows_hold_no_report_text_and_outlive_the_report(tmp_path: Path) -> None:
    settings = filled(tmp_path, report_retention_days=30, audit_retention_days=730)
    store = open_store(settings)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    assert 1 == store.purge(later).reports
    rows = store.conn.execute(
        "SELECT username, action, report_id, detail FROM audit_log WHERE report_id = 1"
    ).fetchall()
    # Only the report's number and what was done; no text, now the report is gone.
    assert ["received", "view_report", "change_status", "acknowledge", "edit_notes"] == [
        r[1] for r in rows
    ]
    assert all("underpass" not in str(r) and "UNIQUE-NOTE" not in str(r) for r in rows)
    # Past the audit log's own retention, old rows go, and the chain still verifies.
    much_later = dt.datetime.now(dt.UTC) + dt.timedelta(days=800)
    store.purge(much_later)
    (left,) = store.conn.execute("SELECT count(*) FROM audit_log WHERE report_id = 1").fetchone()
    with store.write() as conn:
        write_audit(conn, "ada", "view_inbox")
    store.close()
    assert 0 == left
    _checked, broken = verify_file(settings.data_path / "reports.db")
    assert broken is None
