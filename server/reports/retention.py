"""Retention: reports past the retention period, old Idempotency-Keys and expired staff
sessions are deleted at start-up and then every hour, leaving no trace in any file."""

from __future__ import annotations

import datetime as dt
import logging

import anyio
import anyio.to_thread

from server.audit import purge_audit, write_audit
from server.reports.database import ReportsDatabase
from server.reports.model import IDEMPOTENCY_HOURS, PurgeResult, to_hour

logger = logging.getLogger("server.reports")

PURGE_EVERY_SECONDS = 3600


class Retention(ReportsDatabase):
    # Set by open_store(): the audit log's own retention, longer than the reports'.
    audit_retention_days: int = 730

    def purge(self, now: dt.datetime | None = None) -> PurgeResult:
        """Delete reports past the retention period, old idempotency keys, expired sessions.

        secure_delete overwrites the freed pages, and the WAL is then checkpointed and
        truncated, so the deleted text is gone from every file, not merely unlinked.
        """
        with self._maintenance:
            return self._purge(now or self.clock())

    def _purge(self, now: dt.datetime) -> PurgeResult:
        cutoff = to_hour(now - dt.timedelta(days=self.retention_days))
        key_cutoff = to_hour(now - dt.timedelta(hours=IDEMPOTENCY_HOURS))
        with self.write() as conn:
            reports = conn.execute(
                "DELETE FROM reports WHERE received_hour < ?", (cutoff,)
            ).rowcount
            keys = conn.execute(
                "DELETE FROM idempotency_keys WHERE received_hour < ?", (key_cutoff,)
            ).rowcount
            sessions = conn.execute(
                "DELETE FROM staff_sessions WHERE expires_at < ?", (int(now.timestamp()),)
            ).rowcount
            # Sign-in failures older than the lock's hour, and locks that have ended.
            conn.execute("DELETE FROM login_failures WHERE at < ?", (int(now.timestamp()) - 3600,))
            conn.execute("DELETE FROM login_locks WHERE until < ?", (int(now.timestamp()),))
            if reports:
                write_audit(
                    conn, "system", "purge", None, f"{reports} report(s) past retention", now
                )
            # Old audit rows go after their own, longer, retention; a report's rows never
            # held its text, so until then they keep only its number and what was done.
            audit_rows = purge_audit(conn, self.audit_retention_days, now)
            if audit_rows:
                write_audit(conn, "system", "purge_audit", None, f"{audit_rows} audit row(s)", now)
        if reports or keys or sessions:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return PurgeResult(reports=reports, idempotency_keys=keys, staff_sessions=sessions)


async def purge_forever(store: Retention, every: float = PURGE_EVERY_SECONDS) -> None:
    """Purge now and then every `every` seconds, until cancelled; a failed run is logged
    (its kind only) and the next one still happens."""
    while True:
        try:
            await anyio.to_thread.run_sync(store.purge)
        except Exception as exc:  # keep purging next hour even if this run failed
            logger.error("Retention purge failed: %s", type(exc).__name__)
        await anyio.sleep(every)
