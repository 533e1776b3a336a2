"""reports.db: its connections, its writer and the reads both sides share.

Durability: every write commits (WAL, synchronous=FULL) before the caller answers, so an
acknowledged report survives a crash. secure_delete overwrites what is deleted.

Sealing: report text, place and messages are stored only sealed (server.reports.sealing);
`keyring` seals with the team's public key, and each read opens with the keys it is given.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from server.db import ThreadLocalDatabase, immediate
from server.reports.model import ThreadMessage, utc_now
from server.reports.sealing import Keyring
from server.reports.writer import GroupCommit

# How to read one message row (sender, text, day, staff, key_id, sealed, reporter_copy)
MessageOpener = Callable[[tuple[Any, ...]], str]


class ReportsDatabase:
    """The connections to reports.db that the reporter's side, the team's side and retention
    share; `secret` keys the follow-up codes' and Idempotency-Keys' HMACs."""

    def __init__(
        self,
        path: Path,
        secret: bytes,
        retention_days: int,
        clock: Callable[[], dt.datetime] = utc_now,
        secrets_dir: Path | None = None,
    ) -> None:
        self.db = ThreadLocalDatabase(path, synchronous="FULL", secure_delete=True)
        self.keyring = Keyring(self.db, secrets_dir or path.parent / "secrets")
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

    def _messages(
        self, conn: sqlite3.Connection, report_id: int, opener: MessageOpener
    ) -> list[ThreadMessage]:
        """A report's thread, each message's text opened by `opener` (the team's keys or
        the reporter's)."""
        return [
            ThreadMessage(
                sender=r[0], text=opener(r), day=dt.date.fromisoformat(r[2]), staff_username=r[3]
            )
            for r in conn.execute(
                "SELECT sender, text, day, staff_username, key_id, sealed, reporter_copy "
                "FROM report_messages WHERE report_id = ? ORDER BY id",
                (report_id,),
            )
        ]

    def close(self) -> None:
        with self._maintenance:
            self.writer.close()
            self.db.close()
