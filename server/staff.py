"""Staff accounts (argon2id + TOTP), sign-in with a per-account lock, sessions in reports.db.

Roles: ``lead`` (the designated safeguarding lead), ``deputy``, ``reviewer`` and ``admin``
(accounts and settings). Every sign-in needs the password and a second factor: the 6-digit
code from an authenticator app (TOTP, RFC 6238), or one of ten single-use recovery codes.
After ten failed attempts within an hour an account name is locked for fifteen minutes,
whatever the source, and an unknown name is answered exactly like a real one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import sqlite3
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol

import msgspec
import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server import problems
from server.audit import AuditEntry, write_audit
from server.db import ThreadLocalDatabase
from server.migrations import STAFF_ROLES

__all__ = ["AuditEntry", "StaffService", "write_audit"]

Role = Literal["lead", "deputy", "reviewer", "admin"]
ROLES: tuple[str, ...] = STAFF_ROLES
# Who may assign reports and decide on them: every role above reviewer.
ASSIGNERS = frozenset({"lead", "deputy", "admin"})
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 256
ISSUER = "Consequences Card"
RECOVERY_CODES = 10
MAX_FAILURES = 10
FAILURE_WINDOW = 3600
LOCK_SECONDS = 15 * 60

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
    email: str = ""
    second_factor: bool = False


class Enrolment(msgspec.Struct, frozen=True):
    """A new account, or a reset second factor: the otpauth:// URI to hand over once."""

    account: Account
    totp_uri: str


class SignIn(msgspec.Struct, frozen=True):
    """A successful sign-in: who, the session token (for the cookie), and the recovery codes
    when this sign-in completed the second factor's enrolment (shown once)."""

    user: StaffUser
    token: str
    recovery_codes: list[str] = []


class StaffError(problems.Invalid):
    """An account cannot be created or changed; the message says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__("invalid_account", message)


class WrongLogin(problems.DomainError):
    """The username, password and code do not match (the same words for every reason)."""

    def __init__(self) -> None:
        super().__init__("wrong_login", "That username and password do not match.")


class AccountLocked(problems.TooMany):
    """Too many failed sign-ins for this account name in the last hour."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "account_locked",
            "Too many failed sign-ins for this account. Try again in 15 minutes.",
            retry_after,
        )


class OwnsOpenReports(problems.Conflict):
    """An account still owns open reports; they must be reassigned first."""

    def __init__(self, username: str, report_ids: list[int]) -> None:
        numbers = ", ".join(str(i) for i in report_ids)
        super().__init__(
            "owns_open_reports",
            f"{username} still owns open reports {numbers}. Reassign them first.",
        )
        self.report_ids = report_ids


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most common passwords (from leaked password sets).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"The password must be at least {MIN_PASSWORD} characters long.")
    if len(password) > MAX_PASSWORD:
        raise StaffError(f"The password must be at most {MAX_PASSWORD} characters long.")
    if password.casefold() in _common_passwords() or len(set(password)) < 4:
        raise StaffError("That password is too common. Choose a longer, less usual one.")


def check_new_account(username: str, password: str, role: str, email: str = "") -> None:
    if not USERNAME.fullmatch(username):
        raise StaffError(
            "A username is 2 to 40 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    check_password(password)
    if role not in ROLES:
        raise StaffError("The role must be lead, deputy, reviewer or admin.")
    if email and not EMAIL.fullmatch(email):
        raise StaffError("That email address does not look right.")


def _token_hash(token: str) -> bytes:
    # Tokens are 256 random bits, so a plain SHA-256 is enough to make a stolen copy of the
    # database useless for signing in.
    return hashlib.sha256(token.encode()).digest()


def _recovery_hash(code: str) -> bytes:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).digest()


def new_recovery_code() -> str:
    raw = secrets.token_hex(5)  # 40 random bits each, single use, behind the account lock
    return f"{raw[:5]}-{raw[5:]}"


class SessionKeys(Protocol):
    """What sign-in needs of the sealed reports' keyring (server.reports.sealing.Keyring)."""

    def unlock(self, username: str, password: str) -> Any: ...

    def open_session(self, token: str, expires_at: int, team: Any) -> None: ...

    def personal_key(self, password: str, team: Any) -> Any: ...

    def store_personal_key(self, conn: sqlite3.Connection, staff_id: int, key: Any) -> None: ...


class StaffService:
    """Accounts, sign-in and sessions, shared by every worker through reports.db."""

    def __init__(
        self,
        path: Path,
        session_hours: int = 8,
        clock: Callable[[], float] = time.time,
        keyring: SessionKeys | None = None,
    ) -> None:
        self.db = ThreadLocalDatabase(path, synchronous="FULL", secure_delete=True)
        self.session_seconds = session_hours * 3600
        self.clock = clock
        # The sealed reports' keyring (server.reports.sealing.Keyring), when the server has one.
        self.keyring = keyring

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.get().conn

    def _write(self) -> sqlite3.Connection:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        return conn

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC)

    # -- accounts

    def add(
        self, actor: str, username: str, password: str, role: str, email: str = ""
    ) -> Enrolment:
        """A new account and its second factor's enrolment URI (shown once)."""
        check_new_account(username, password, role, email)
        password_hash = _hasher.hash(password)
        created_on = self._now().date().isoformat()
        secret = pyotp.random_base32()
        conn = self._write()
        try:
            conn.execute(
                "INSERT INTO staff (username, password_hash, role, created_on, email, "
                "totp_secret) VALUES (?, ?, ?, ?, ?, ?)",
                (username, password_hash, role, created_on, email, secret),
            )
            write_audit(conn, actor, "add_account", None, f"{username} ({role})", self._now())
        except sqlite3.IntegrityError:
            conn.rollback()
            raise StaffError(f"There is already an account called {username}.") from None
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        account = Account(username=username, role=role, created_on=created_on, email=email)
        return Enrolment(account=account, totp_uri=totp_uri(username, secret))

    def reset_second_factor(self, actor: str, username: str) -> Enrolment | None:
        """A new TOTP secret; old recovery codes and sign-ins end; None if no such account."""
        secret = pyotp.random_base32()
        conn = self._write()
        try:
            row = conn.execute(
                "SELECT id, username, role, created_on, email FROM staff WHERE username = ?",
                (username,),
            ).fetchone()
            if row is None:
                conn.rollback()
                return None
            conn.execute(
                "UPDATE staff SET totp_secret = ?, totp_enrolled = 0, totp_last_step = 0 "
                "WHERE id = ?",
                (secret, row[0]),
            )
            conn.execute("DELETE FROM staff_recovery_codes WHERE staff_id = ?", (row[0],))
            conn.execute("DELETE FROM staff_sessions WHERE staff_id = ?", (row[0],))
            write_audit(conn, actor, "reset_2fa", None, row[1], self._now())
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        account = Account(username=row[1], role=row[2], created_on=row[3], email=row[4])
        return Enrolment(account=account, totp_uri=totp_uri(row[1], secret))

    def open_reports_of(self, username: str) -> list[int]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM reports WHERE owner = ? COLLATE NOCASE "
                "AND status NOT IN ('passed_on', 'closed') ORDER BY id",
                (username,),
            )
        ]

    def remove(self, actor: str, username: str) -> bool:
        """Delete an account; its sessions go with it (ON DELETE CASCADE).

        OwnsOpenReports if it still owns open reports: they are reassigned first.
        """
        conn = self._write()
        try:
            owned = self.open_reports_of(username)
            if owned:
                raise OwnsOpenReports(username, owned)
            removed = conn.execute("DELETE FROM staff WHERE username = ?", (username,)).rowcount
            if removed:
                write_audit(conn, actor, "remove_account", None, username, self._now())
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        return bool(removed)

    def accounts(self) -> list[Account]:
        return [
            Account(username=r[0], role=r[1], created_on=r[2], email=r[3], second_factor=bool(r[4]))
            for r in self.conn.execute(
                "SELECT username, role, created_on, email, totp_enrolled FROM staff "
                "ORDER BY username COLLATE NOCASE"
            )
        ]

    # -- sign-in and sessions

    def sign_in(self, username: str, password: str, code: str) -> SignIn:
        """Check the password and the second factor, then start a session.

        This is the one place a staff member signs in: whatever must happen when someone
        proves who they are (such as unwrapping keys with their password) goes here, after
        the checks and before the session starts. Raises AccountLocked or WrongLogin, the
        same for an unknown username as for a real one.
        """
        now = int(self.clock())
        self._refuse_if_locked(username, now)
        row = self.conn.execute(
            "SELECT id, username, role, password_hash, totp_secret, totp_enrolled, "
            "totp_last_step FROM staff WHERE username = ?",
            (username,),
        ).fetchone()
        password_ok = _verify_password(row[3] if row else _DUMMY_HASH, password)
        step = _totp_step(row[4], code, now, row[6]) if row and password_ok else None
        recovery = (
            row is not None and password_ok and step is None and self._has_recovery(row[0], code)
        )
        if row is None or not password_ok or (step is None and not recovery):
            self._failed(username, row[1] if row else None, now)
            raise WrongLogin
        user = StaffUser(id=row[0], username=row[1], role=row[2])
        if _hasher.check_needs_rehash(row[3]):
            self.conn.execute(
                "UPDATE staff SET password_hash = ? WHERE id = ?", (_hasher.hash(password), user.id)
            )
            self.conn.commit()
        # Sealed reports (issue 14): the team key, unwrapped with the password, is kept for
        # this session only, once the session exists (its copy goes when the session does).
        team = self.keyring.unlock(user.username, password) if self.keyring else None
        token = secrets.token_urlsafe(32)
        codes: list[str] = []
        conn = self._write()
        try:
            if recovery:
                conn.execute(
                    "DELETE FROM staff_recovery_codes WHERE code_hash = ?", (_recovery_hash(code),)
                )
                write_audit(conn, user.username, "used_recovery_code", None, "", self._now())
            else:
                conn.execute("UPDATE staff SET totp_last_step = ? WHERE id = ?", (step, user.id))
            if not row[5]:
                codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
                conn.execute("UPDATE staff SET totp_enrolled = 1 WHERE id = ?", (user.id,))
                conn.executemany(
                    "INSERT INTO staff_recovery_codes (code_hash, staff_id) VALUES (?, ?)",
                    [(_recovery_hash(c), user.id) for c in codes],
                )
                write_audit(conn, user.username, "enrolled_2fa", None, "", self._now())
            conn.execute("DELETE FROM login_failures WHERE username = ?", (username,))
            conn.execute(
                "INSERT INTO staff_sessions (token_hash, staff_id, expires_at) VALUES (?, ?, ?)",
                (_token_hash(token), user.id, now + self.session_seconds),
            )
            write_audit(conn, user.username, "login", None, "", self._now())
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        if self.keyring is not None and team:
            self.keyring.open_session(token, now + self.session_seconds, team)
        return SignIn(user=user, token=token, recovery_codes=codes)

    def enrolment(self, username: str, password: str) -> str:
        """The otpauth:// URI of an account that has not finished enrolling, for the page's
        QR code at first sign-in; WrongLogin otherwise (and it counts as a failed attempt)."""
        now = int(self.clock())
        self._refuse_if_locked(username, now)
        row = self.conn.execute(
            "SELECT username, password_hash, totp_secret, totp_enrolled FROM staff "
            "WHERE username = ?",
            (username,),
        ).fetchone()
        password_ok = _verify_password(row[1] if row else _DUMMY_HASH, password)
        if row is None or not password_ok or row[3]:
            self._failed(username, row[0] if row else None, now)
            raise WrongLogin
        return totp_uri(row[0], row[2])

    def _refuse_if_locked(self, username: str, now: int) -> None:
        row = self.conn.execute(
            "SELECT until FROM login_locks WHERE username = ?", (username,)
        ).fetchone()
        if row is not None and row[0] > now:
            raise AccountLocked(row[0] - now)

    def _failed(self, typed: str, account: str | None, now: int) -> None:
        """Count a failed attempt against the name as typed; lock it at the tenth in an hour."""
        conn = self._write()
        try:
            conn.execute("DELETE FROM login_failures WHERE at <= ?", (now - FAILURE_WINDOW,))
            conn.execute("INSERT INTO login_failures (username, at) VALUES (?, ?)", (typed, now))
            (count,) = conn.execute(
                "SELECT count(*) FROM login_failures WHERE username = ?", (typed,)
            ).fetchone()
            if account is not None:
                write_audit(conn, account, "login_failed", None, "", self._now())
            if count >= MAX_FAILURES:
                conn.execute(
                    "INSERT OR REPLACE INTO login_locks (username, until) VALUES (?, ?)",
                    (typed, now + LOCK_SECONDS),
                )
                conn.execute("DELETE FROM login_failures WHERE username = ?", (typed,))
                # Unknown names are audited without the name: it may be a mistyped password.
                write_audit(
                    conn, account or "(unknown account)", "account_locked", None,
                    f"{MAX_FAILURES} failed sign-ins in an hour; locked for 15 minutes",
                    self._now(),
                )  # fmt: skip
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _has_recovery(self, staff_id: int, code: str) -> bool:
        if not code or len(code) > 20:
            return False
        return (
            self.conn.execute(
                "SELECT 1 FROM staff_recovery_codes WHERE code_hash = ? AND staff_id = ?",
                (_recovery_hash(code), staff_id),
            ).fetchone()
            is not None
        )

    def resolve(self, token: str) -> StaffUser | None:
        if not token or len(token) > 100:
            return None
        row = self.conn.execute(
            "SELECT s.id, s.username, s.role FROM staff_sessions t JOIN staff s "
            "ON s.id = t.staff_id WHERE t.token_hash = ? AND t.expires_at > ?",
            (_token_hash(token), int(self.clock())),
        ).fetchone()
        return StaffUser(id=row[0], username=row[1], role=row[2]) if row else None

    def change_password(
        self, user: StaffUser, token: str, current: str, new: str, team: Any = None
    ) -> None:
        """A signed-in member's new password; their other sign-ins end, this one stays.

        Their key pair for sealed reports is wrapped again with the new password, holding the
        team keys this session has (`team`), in the same transaction as the password: a crash
        leaves the old password and key, or the new ones, never one of each. (A session
        without the team key gets it from a colleague, as a new account does.)
        A wrong current password counts as a failed sign-in (and raises WrongLogin); a short
        or common new one raises StaffError.
        """
        now = int(self.clock())
        self._refuse_if_locked(user.username, now)
        row = self.conn.execute(
            "SELECT password_hash FROM staff WHERE id = ?", (user.id,)
        ).fetchone()
        if row is None or not _verify_password(row[0], current):
            self._failed(user.username, user.username if row else None, now)
            raise WrongLogin
        check_password(new)
        # The slow hashing is done before the write lock is taken.
        password_hash = _hasher.hash(new)
        key = self.keyring.personal_key(new, team) if self.keyring is not None else None
        conn = self._write()
        try:
            conn.execute(
                "UPDATE staff SET password_hash = ? WHERE id = ?", (password_hash, user.id)
            )
            if self.keyring is not None:
                self.keyring.store_personal_key(conn, user.id, key)
            conn.execute(
                "DELETE FROM staff_sessions WHERE staff_id = ? AND token_hash != ?",
                (user.id, _token_hash(token)),
            )
            write_audit(conn, user.username, "change_password", None, "", self._now())
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def end_session(self, token: str, user: StaffUser) -> None:
        conn = self._write()
        conn.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (_token_hash(token),))
        write_audit(conn, user.username, "logout", None, "", self._now())
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


def totp_uri(username: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _verify_password(stored: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def _totp_step(secret: str | None, code: str, now: int, last_step: int) -> int | None:
    """The time step a 6-digit code belongs to (this one or either neighbour), if it is
    right and newer than the last code used: each code signs in once."""
    if not secret or not re.fullmatch(r"\d{6}", code or ""):
        return None
    totp = pyotp.TOTP(secret)
    step_now = now // totp.interval
    for step in (step_now, step_now - 1, step_now + 1):
        if step > last_step and hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None
