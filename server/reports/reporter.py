"""The reporter's side of reports.db: store a report once, look it up and reply by code.

The follow-up code is kept only as an HMAC (server.codes) whose key lives outside the
database. An Idempotency-Key is kept only as an HMAC too, with the code it was answered
with sealed under a pad only that key can make, so a retry gets the same code back.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
from nacl.public import PrivateKey, SealedBox

from server import codes
from server.reports.database import ReportsDatabase
from server.reports.model import (
    MAX_REPORTER_MESSAGES,
    Created,
    IdempotencyMismatch,
    NewReport,
    ReportClosed,
    Thread,
    TooManyMessages,
    to_hour,
)
from server.reports.sealing import new_reporter_keys, open_reporter_key, seal_to

T = TypeVar("T")


class ReporterSide(ReportsDatabase):
    """What a young person can do: send, look up, reply. Nothing here knows who they are."""

    def _key_hash(self, key: uuid.UUID) -> bytes:
        return hmac.new(self.secret, b"idempotency-key:" + key.bytes, hashlib.sha256).digest()

    def _pad(self, key: uuid.UUID) -> bytes:
        return hmac.new(self.secret, b"idempotency-pad:" + key.bytes, hashlib.sha256).digest()

    def _seal(self, key: uuid.UUID, code: str) -> bytes:
        data = code.encode().ljust(32, b"\0")
        return bytes(a ^ b for a, b in zip(data, self._pad(key), strict=True))

    def _unseal(self, key: uuid.UUID, sealed: bytes) -> str:
        return (
            bytes(a ^ b for a, b in zip(sealed, self._pad(key), strict=True)).rstrip(b"\0").decode()
        )

    def replay(
        self, key: uuid.UUID, body_hash: bytes, conn: sqlite3.Connection | None = None
    ) -> Created | None:
        """The answer already given for this Idempotency-Key, if there was one."""
        conn = conn or self.conn
        row = conn.execute(
            "SELECT i.body_hash, i.sealed_code, r.code_hash, r.lang, r.danger_now "
            "FROM idempotency_keys i JOIN reports r ON r.id = i.report_id WHERE i.key_hash = ?",
            (self._key_hash(key),),
        ).fetchone()
        if row is None:
            return None
        if not hmac.compare_digest(row[0], body_hash):
            raise IdempotencyMismatch
        code = self._unseal(key, row[1])
        # The unsealed code must hash to the stored one: a check that nothing was altered.
        if not hmac.compare_digest(codes.code_hash(self.secret, code), row[2]):
            raise IdempotencyMismatch
        return Created(code=code, lang=row[3], danger_now=bool(row[4]))

    def create(
        self,
        report: NewReport,
        key: uuid.UUID | None = None,
        body_hash: bytes = b"",
        over_limit: bool = False,
    ) -> tuple[Created, bool]:
        """Store a cleaned report; (answer, True) if new, (earlier answer, False) if a retry.

        `over_limit` marks a report accepted past its source's limit. Returns only once the
        report is committed to disk.
        """
        hour = to_hour(self.clock())
        # What the young person wrote, sealed for the team: never stored in the clear.
        sealed = self.keyring.seal(
            msgspec.json.encode({"what": report.what_happened, "where": report.where})
        )
        return self.writer.submit(
            lambda conn: self._create_in(conn, report, key, body_hash, hour, over_limit, sealed)
        )

    def create_with(
        self, report: NewReport, also: Callable[[sqlite3.Connection, int], T]
    ) -> tuple[Created, T]:
        """Store a cleaned report and, in the same transaction, what `also` writes about it
        (given the connection and the new report's id): both are kept or neither is.

        Returns only once both are committed to disk.
        """
        hour = to_hour(self.clock())
        sealed = self.keyring.seal(
            msgspec.json.encode({"what": report.what_happened, "where": report.where})
        )

        def job(conn: sqlite3.Connection) -> tuple[Created, T]:
            created, _new = self._create_in(conn, report, None, b"", hour, False, sealed)
            # Found by its code: storing a report may also write other rows (its audit trail,
            # notifications), so the last inserted row is not necessarily the report.
            digest = codes.code_hash(self.secret, created.code)
            (report_id,) = conn.execute(
                "SELECT id FROM reports WHERE code_hash = ?", (digest,)
            ).fetchone()
            return created, also(conn, report_id)

        return self.writer.submit(job)

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
        if key is not None:
            earlier = self.replay(key, body_hash, conn)
            if earlier is not None:
                return earlier, False
        key_id, text = sealed
        for _attempt in range(5):
            code = codes.new_code_for(report.lang, report.code_style)
            reporter = new_reporter_keys(self.secret, code)
            try:
                cursor = conn.execute(
                    "INSERT INTO reports (code_hash, category, what_happened, where_text, "
                    "area, when_happened, danger_now, lang, received_hour, over_limit, "
                    "key_id, sealed, reporter_public, reporter_key) "
                    "VALUES (?, ?, '', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        codes.code_hash(self.secret, code),
                        report.category,
                        report.area,
                        report.when,
                        int(report.danger_now),
                        report.lang,
                        hour,
                        int(over_limit),
                        key_id,
                        text,
                        reporter.public,
                        reporter.wrapped,
                    ),
                )
                break
            except sqlite3.IntegrityError:  # pragma: no cover - 1 in 2**43 per report
                continue
        else:  # pragma: no cover
            raise RuntimeError("could not make a unique follow-up code")
        if key is not None:
            conn.execute(
                "INSERT INTO idempotency_keys "
                "(key_hash, report_id, body_hash, sealed_code, received_hour) "
                "VALUES (?, ?, ?, ?, ?)",
                (self._key_hash(key), cursor.lastrowid, body_hash, self._seal(key, code), hour),
            )
        return Created(code=code, lang=report.lang, danger_now=report.danger_now), True

    def seal_plaintext(self) -> int:
        """Seal reports and messages stored before sealing existed; how many rows.

        Their text is sealed for the team and the clear copy overwritten (secure_delete).
        Messages of such reports get no reporter copy: their reporter's key did not exist.
        """
        conn = self.conn
        reports = conn.execute(
            "SELECT id, what_happened, where_text FROM reports WHERE sealed IS NULL"
        ).fetchall()
        messages = conn.execute(
            "SELECT id, text FROM report_messages WHERE sealed IS NULL"
        ).fetchall()
        if not reports and not messages:
            return 0
        with self.write() as conn:
            for row_id, what, where in reports:
                key_id, sealed = self.keyring.seal(
                    msgspec.json.encode({"what": what, "where": where})
                )
                conn.execute(
                    "UPDATE reports SET key_id = ?, sealed = ?, what_happened = '', "
                    "where_text = NULL WHERE id = ?",
                    (key_id, sealed, row_id),
                )
            for row_id, text in messages:
                key_id, sealed = self.keyring.seal(text.encode())
                conn.execute(
                    "UPDATE report_messages SET key_id = ?, sealed = ?, text = '' WHERE id = ?",
                    (key_id, sealed, row_id),
                )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(reports) + len(messages)

    def _reporter_opener(self, code: str, wrapped: bytes | None) -> Any:
        key = open_reporter_key(self.secret, code, wrapped) if wrapped else None
        box = SealedBox(key or PrivateKey.generate())

        def opener(row: tuple[Any, ...]) -> str:
            copy = row[6]
            return box.decrypt(bytes(copy)).decode() if copy is not None and key else ""

        return opener

    def lookup(self, code: str) -> Thread | None:
        """The status and thread for a code, or None; messages opened with the key only
        this code can make.

        A wrong code does the same work as a right one (hash, then both queries), so the
        time taken does not say how close a guess was or whether the code was well formed.
        """
        conn = self.conn
        digest = codes.code_hash(self.secret, code)
        row = conn.execute(
            "SELECT id, status, reporter_key FROM reports WHERE code_hash = ?", (digest,)
        ).fetchone()
        opener = self._reporter_opener(code, row[2] if row else None)
        messages = self._messages(conn, row[0] if row else -1, opener)
        if row is None:
            return None
        return Thread(status=row[1], messages=messages)

    def reply(self, code: str, text: str) -> Thread | None:
        """Add the reporter's message to their report's thread; returns once committed."""
        digest = codes.code_hash(self.secret, code)
        day = self.today()
        key_id, sealed = self.keyring.seal(text.encode())
        return self.writer.submit(
            lambda conn: self._reply_in(conn, code, digest, text, day, key_id, sealed)
        )

    def _reply_in(
        self,
        conn: sqlite3.Connection,
        code: str,
        digest: bytes,
        text: str,
        day: str,
        key_id: int,
        sealed: bytes,
    ) -> Thread | None:
        row = conn.execute(
            "SELECT id, status, reporter_public, reporter_key FROM reports WHERE code_hash = ?",
            (digest,),
        ).fetchone()
        if row is None:
            return None
        report_id, status = row[0], row[1]
        if status == "closed":
            raise ReportClosed
        (sent,) = conn.execute(
            "SELECT count(*) FROM report_messages WHERE report_id = ? AND sender = 'reporter'",
            (report_id,),
        ).fetchone()
        if sent >= MAX_REPORTER_MESSAGES:
            raise TooManyMessages
        copy = seal_to(bytes(row[2]), text.encode()) if row[2] is not None else None
        conn.execute(
            "INSERT INTO report_messages "
            "(report_id, sender, text, day, key_id, sealed, reporter_copy) "
            "VALUES (?, 'reporter', '', ?, ?, ?, ?)",
            (report_id, day, key_id, sealed, copy),
        )
        conn.execute("UPDATE reports SET awaiting_team = 1 WHERE id = ?", (report_id,))
        opener = self._reporter_opener(code, row[3])
        return Thread(status=status, messages=self._messages(conn, report_id, opener))
