"""Staff accounts (argon2id), server-side sessions in reports.db, and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server import problems
from server.db import ThreadLocalDatabase

Role = Literal["reviewer", "admin"]
ROLES: tuple[str, ...] = ("reviewer", "admin")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 256

# argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile).
_hasher = PasswordHasher()
# Checked against when the username does not exist, so that a wrong username takes as long
# as a wrong password and sign-in does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class StaffUser(msgspec.Struct, frozen=True):
    id: int
    username: str
    role: str


class Account(msgspec.Struct, frozen=True):
    username: str
    role: str
    created_on: str


class AuditEntry(msgspec.Struct, frozen=True):
    id: int
    at: str
    username: str
    action: str
    report_id: int | None
    detail: str


class StaffError(problems.Invalid):
    """An account cannot be created or changed; the message says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__("invalid_account", message)


def write_audit(
    conn: sqlite3.Connection,
    username: str,
    action: str,
    report_id: int | None = None,
    detail: str = "",
) -> None:
    """Record a staff action in the caller's transaction. Never pass reporter text here."""
    conn.execute(
        "INSERT INTO audit_log (at, username, action, report_id, detail) VALUES (?, ?, ?, ?, ?)",
        (
            dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            username,
            action,
            report_id,
            detail,
        ),
    )


def check_new_account(username: str, password: str, role: str) -> None:
    if not USERNAME.fullmatch(username):
        raise StaffError(
            "A username is 2 to 40 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"The password must be at least {MIN_PASSWORD} characters long.")
    if len(password) > MAX_PASSWORD:
        raise StaffError(f"The password must be at most {MAX_PASSWORD} characters long.")
    if role not in ROLES:
        raise StaffError("The role must be reviewer or admin.")


def _token_hash(token: str) -> bytes:
    # Tokens are 256 random bits, so a plain SHA-256 is enough to make a stolen copy of the
    # database useless for signing in.
    return hashlib.sha256(token.encode()).digest()


class StaffService:
    """Accounts, sign-in and sessions, shared by every worker through reports.db."""

    def __init__(
        self,
        path: Path,
        session_hours: int = 8,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = ThreadLocalDatabase(path, synchronous="FULL", secure_delete=True)
        self.session_seconds = session_hours * 3600
        self.clock = clock

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.get().conn

    def _write(self) -> sqlite3.Connection:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        return conn

    # -- accounts

    def add(self, actor: str, username: str, password: str, role: str) -> Account:
        check_new_account(username, password, role)
        password_hash = _hasher.hash(password)
        created_on = dt.datetime.now(dt.UTC).date().isoformat()
        conn = self._write()
        try:
            conn.execute(
                "INSERT INTO staff (username, password_hash, role, created_on) VALUES (?, ?, ?, ?)",
                (username, password_hash, role, created_on),
            )
            write_audit(conn, actor, "add_account", None, f"{username} ({role})")
        except sqlite3.IntegrityError:
            conn.rollback()
            raise StaffError(f"There is already an account called {username}.") from None
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        return Account(username=username, role=role, created_on=created_on)

    def remove(self, actor: str, username: str) -> bool:
        """Delete an account; its sessions go with it (ON DELETE CASCADE)."""
        conn = self._write()
        try:
            removed = conn.execute("DELETE FROM staff WHERE username = ?", (username,)).rowcount
            if removed:
                write_audit(conn, actor, "remove_account", None, username)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        return bool(removed)

    def accounts(self) -> list[Account]:
        return [
            Account(username=r[0], role=r[1], created_on=r[2])
            for r in self.conn.execute(
                "SELECT username, role, created_on FROM staff ORDER BY username COLLATE NOCASE"
            )
        ]

    # -- sign-in and sessions

    def authenticate(self, username: str, password: str) -> StaffUser | None:
        """The account if the password is right; None otherwise, in about the same time."""
        row = self.conn.execute(
            "SELECT id, username, role, password_hash FROM staff WHERE username = ?", (username,)
        ).fetchone()
        try:
            _hasher.verify(row[3] if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            if row is not None:
                conn = self._write()
                write_audit(conn, row[1], "login_failed")
                conn.commit()
            return None
        if row is None:  # pragma: no cover - the dummy's password is never guessed
            return None
        user = StaffUser(id=row[0], username=row[1], role=row[2])
        if _hasher.check_needs_rehash(row[3]):
            self.conn.execute(
                "UPDATE staff SET password_hash = ? WHERE id = ?", (_hasher.hash(password), user.id)
            )
            self.conn.commit()
        return user

    def start_session(self, user: StaffUser) -> str:
        token = secrets.token_urlsafe(32)
        conn = self._write()
        conn.execute(
            "INSERT INTO staff_sessions (token_hash, staff_id, expires_at) VALUES (?, ?, ?)",
            (_token_hash(token), user.id, int(self.clock()) + self.session_seconds),
        )
        write_audit(conn, user.username, "login")
        conn.commit()
        return token

    def resolve(self, token: str) -> StaffUser | None:
        if not token or len(token) > 100:
            return None
        row = self.conn.execute(
            "SELECT s.id, s.username, s.role FROM staff_sessions t JOIN staff s "
            "ON s.id = t.staff_id WHERE t.token_hash = ? AND t.expires_at > ?",
            (_token_hash(token), int(self.clock())),
        ).fetchone()
        return StaffUser(id=row[0], username=row[1], role=row[2]) if row else None

    def end_session(self, token: str, user: StaffUser) -> None:
        conn = self._write()
        conn.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (_token_hash(token),))
        write_audit(conn, user.username, "logout")
        conn.commit()

    # -- the audit log

    def audit_log(self, page: int, page_size: int = 100) -> tuple[list[AuditEntry], int]:
        (total,) = self.conn.execute("SELECT count(*) FROM audit_log").fetchone()
        rows = self.conn.execute(
            "SELECT id, at, username, action, report_id, detail FROM audit_log "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            (page_size, (page - 1) * page_size),
        ).fetchall()
        return [AuditEntry(*r) for r in rows], total

    def close(self) -> None:
        self.db.close()
