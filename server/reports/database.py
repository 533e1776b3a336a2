"""reports.db: its connections, its writer and the reads both sides share.

Durability: every write commits (WAL, synchronous=FULL) before the caller answers, so an
acknowledged report survives a crash. secure_delete overwrites what is deleted.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from server.db import ThreadLocalDatabase, immediate
from server.reports.model import ThreadMessage, utc_now
from server.reports.writer import GroupCommit


class ReportsDatabase:
    """The connections to reports.db that the reporter's side, the team's side and retention
    share; `secret` keys the follow-up codes' and Idempotency-Keys' HMACs."""

    def __init__(
        self,
        path: Path,
        secret: bytes,
        retention_days: int,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.db = ThreadLocalDatabase(path, synchronous="FULL", secure_delete=True)
        self.secret = secret
        self.retention_days = retention_days
        self.clock = clock
        # Held by purge() and close(): closing must wait for a purge running in a thread.
        self._maintenance = threading.Lock()
        self.writer = GroupCommit(self.db.get)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.get().conn

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction, taken at once so check-then-insert cannot race."""
        return immediate(self.conn)

    def today(self) -> str:
        """Today's date (UTC), the only time a message is stored with."""
        return self.clock().astimezone(dt.UTC).date().isoformat()

    def _messages(self, conn: sqlite3.Connection, report_id: int) -> list[ThreadMessage]:
        return [
            ThreadMessage(
                sender=r[0], text=r[1], day=dt.date.fromisoformat(r[2]), staff_username=r[3]
            )
            for r in conn.execute(
                "SELECT sender, text, day, staff_username FROM report_messages "
                "WHERE report_id = ? ORDER BY id",
                (report_id,),
            )
        ]

    def close(self) -> None:
        with self._maintenance:
            self.writer.close()
            self.db.close()
