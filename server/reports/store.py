"""ReportStore: every read and write of reports.db, one side of it per module."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import uuid

from server import codes
from server.audit import write_audit
from server.reports.deadlines import WorkingTime, iso
from server.reports.export import CsvExport
from server.reports.model import Created, NewReport, Thread, on_the_hour
from server.reports.reporter import ReporterSide
from server.reports.retention import Retention
from server.reports.team import TeamSide
from server.secrets_store import load_or_create
from server.settings import Settings

logger = logging.getLogger("server.reports")


class ReportStore(ReporterSide, TeamSide, CsvExport, Retention):
    """Every read and write of reports and their messages, on reports.db.

    The reporter's side (server.reports.reporter), the team's side (server.reports.team),
    the CSV export (server.reports.export) and retention (server.reports.retention) share
    one ReportsDatabase: its connections, its group-commit writer and its secret.

    Here the sides meet: a new report gets its deadlines and (if it says someone is in
    danger now) a notification to the leads and deputies in the transaction that stores it;
    a follow-up code stops working after `code_expiry_days` without use; and a reporter can
    withdraw their report with the code.
    """

    code_expiry_days: int = 90

    def _create_in(
        self,
        conn: sqlite3.Connection,
        report: NewReport,
        key: uuid.UUID | None,
        body_hash: bytes,
        hour: str,
        over_limit: bool,
        sealed: tuple[int, bytes],
    ) -> tuple[Created, bool]:
        created, new = super()._create_in(conn, report, key, body_hash, hour, over_limit, sealed)
        if not new:
            return created, new
        now = self.now()
        due = self.working.deadlines(now, report.danger_now)
        digest = codes.code_hash(self.secret, created.code)
        conn.execute(
            "UPDATE reports SET acknowledge_by = ?, acknowledge_leads_by = ?, decide_by = ?, "
            "decide_leads_by = ?, code_used_day = ? WHERE code_hash = ?",
            (
                due.acknowledge_by,
                due.acknowledge_leads_by,
                due.decide_by,
                due.decide_leads_by,
                now.date().isoformat(),
                digest,
            ),
        )
        (report_id,) = conn.execute(
            "SELECT id FROM reports WHERE code_hash = ?", (digest,)
        ).fetchone()
        # Like the report itself, its audit row says only the hour it came in: the minute
        # could point to the one pupil who was on their phone then.
        write_audit(
            conn,
            "system",
            "received",
            report_id,
            "danger now" if report.danger_now else "",
            on_the_hour(now),
        )
        if report.danger_now:
            # A failure to queue the email must never cost the report.
            conn.execute("SAVEPOINT notify")
            try:
                people = self._accounts_with_role(conn, "lead") + self._accounts_with_role(
                    conn, "deputy"
                )
                self.enqueue(conn, "danger", people, report_id)
            except sqlite3.Error as exc:  # pragma: no cover - a full disk, say
                conn.execute("ROLLBACK TO notify")
                logger.error("Could not queue the danger notification: %s", type(exc).__name__)
            conn.execute("RELEASE notify")
        return created, new

    # -- the follow-up code: expires unused, starts again on use

    def _code_day(self, digest: bytes) -> tuple[bool, bool]:
        """(the code works, it was already used today)."""
        row = self.conn.execute(
            "SELECT code_used_day FROM reports WHERE code_hash = ?", (digest,)
        ).fetchone()
        if row is None:
            return False, False
        today = self.now().date()
        oldest = (today - dt.timedelta(days=self.code_expiry_days)).isoformat()
        used = row[0] or today.isoformat()
        return used > oldest, used == today.isoformat()

    def _touch(self, digest: bytes, used_today: bool) -> None:
        # At most one write a day: the day is all that is kept.
        if used_today:
            return
        with self.write() as conn:
            conn.execute(
                "UPDATE reports SET code_used_day = ? WHERE code_hash = ?",
                (self.now().date().isoformat(), digest),
            )

    def lookup(self, code: str) -> Thread | None:
        digest = codes.code_hash(self.secret, code)
        live, used_today = self._code_day(digest)
        if not live:
            super().lookup(code)  # the same work as for a live code
            return None
        thread = super().lookup(code)
        if thread is not None:
            self._touch(digest, used_today)
        return thread

    def reply(self, code: str, text: str) -> Thread | None:
        digest = codes.code_hash(self.secret, code)
        live, used_today = self._code_day(digest)
        if not live:
            return None
        thread = super().reply(code, text)
        if thread is not None:
            self._touch(digest, used_today)
        return thread

    # -- withdrawal

    def withdraw(self, code: str) -> bool:
        """Delete the report now, with its thread; False if the code does not work.

        secure_delete overwrites the freed pages, and the WAL is checkpointed and truncated,
        so the text is gone from every file. The audit log records the withdrawal.
        """
        digest = codes.code_hash(self.secret, code)
        if not self._code_day(digest)[0]:
            return False
        now = self.now()

        def job(conn: sqlite3.Connection) -> bool:
            row = conn.execute("SELECT id FROM reports WHERE code_hash = ?", (digest,)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM notifications WHERE report_id = ?", (row[0],))
            conn.execute("DELETE FROM reports WHERE id = ?", (row[0],))
            write_audit(
                conn,
                "reporter",
                "withdrawn",
                row[0],
                "deleted at the reporter's request",
                on_the_hour(now),
            )
            return True

        with self._maintenance:
            withdrawn = self.writer.submit(job)
            if withdrawn:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return withdrawn


def open_store(settings: Settings) -> ReportStore:
    """The report store in the settings' data directory, keyed by the follow-up-code secret."""
    secret = load_or_create(settings.secrets_path, "follow-up-codes")
    store = ReportStore(
        settings.data_path / "reports.db",
        secret,
        settings.report_retention_days,
        secrets_dir=settings.secrets_path,
    )
    configure(store, settings)
    # Reports kept before sealing existed (issue 14) are sealed at the first start.
    store.keyring.current()
    store.seal_plaintext()
    return store


def configure(store: ReportStore, settings: Settings) -> None:
    """Give a store the settings its team side, retention and codes follow."""
    store.working = WorkingTime.from_settings(settings)
    store.notifications_on = bool(settings.smtp_host)
    store.code_expiry_days = settings.code_expiry_days
    store.audit_retention_days = settings.audit_retention_days


__all__ = ["ReportStore", "configure", "iso", "open_store"]
