"""Sealed reports: report text, place and every thread message encrypted at rest.

Whoever gets the disk or a backup reads nothing of what young people wrote. The scheme
(libsodium through PyNaCl, as GlobaLeaks and SecureDrop encrypt submissions):

- The **team key**: an X25519 key pair. Its public half seals each report's text and place,
  and the team's copy of each message, in libsodium sealed boxes (anyone can seal; only the
  private key opens). Its private half is never stored in the clear.
- Each **staff member** has their own key pair; its private half is stored encrypted
  (XSalsa20-Poly1305) with a key derived from their password by argon2id. The team private
  key is sealed to each staff member's public key (a "grant"). Anyone holding the team key
  can grant it, so adding a staff member needs no other password: the next sign-in of
  someone who holds it seals it for them.
- **Sign-in** unwraps it: password -> personal key -> team key. For that session only, it is
  kept encrypted under a key derived from the session cookie's token (which the server
  stores only as a hash), so every worker can use it while the session lasts and a copy of
  the database cannot. Sign-out and expiry delete it.
- A **recovery key**, printed once when the first admin is added (``consequences staff add``),
  also opens the team key: the break-glass if every staff password is lost.
- Before the first admin exists, the team private key waits sealed under a key in the
  secrets folder ("pending"); the first admin takes it over and that key is deleted.
- The **reporter** gets a key pair per report, its private half encrypted with a key derived
  from the follow-up code (keyed with the server's code secret), so their lookup shows the
  thread: every message is sealed to the team and to the reporter.
- ``consequences keys rotate`` makes a new team key, re-seals everything, grants the new key
  to every staff member and prints a new recovery key.

Category, status, danger, dates, area (a postcode district) and the counts stay in the clear,
so danger-first triage, deadlines and counts work without decrypting. Staff notes are not
sealed.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nacl.exceptions
import nacl.pwhash
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from server import codes, problems
from server.db import ThreadLocalDatabase
from server.secrets_store import load_or_create

PENDING_SECRET = "team-key-pending"  # noqa: S105 - the name of a file, not a secret
# argon2id for the personal keys: libsodium's interactive limits (64 MiB, 2 passes).
OPS = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
MEM = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE


class ReportsLocked(problems.Forbidden):
    """The session holds no team key, so sealed reports cannot be opened (403)."""

    def __init__(self) -> None:
        super().__init__(
            "reports_locked",
            "Reports are sealed and this sign-in has no key to open them yet. Sign out and "
            "in again after a colleague who can read reports has signed in, or ask an admin.",
        )


@dataclass(frozen=True)
class TeamKeys:
    """The team's private keys a signed-in session holds, by key id."""

    keys: dict[int, PrivateKey] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def open(self, key_id: int, sealed: bytes) -> bytes:
        key = self.keys.get(key_id)
        if key is None:
            raise ReportsLocked
        return SealedBox(key).decrypt(sealed)

    def text(self, key_id: int, sealed: bytes | None) -> str:
        return self.open(key_id, sealed).decode() if sealed is not None else ""

    def to_bytes(self) -> bytes:
        return b"".join(k.to_bytes(8, "big") + bytes(v) for k, v in sorted(self.keys.items()))

    @classmethod
    def from_bytes(cls, data: bytes) -> TeamKeys:
        keys = {}
        for i in range(0, len(data), 40):
            keys[int.from_bytes(data[i : i + 8], "big")] = PrivateKey(data[i + 8 : i + 40])
        return cls(keys)


NO_KEYS = TeamKeys()


def _password_key(password: str, salt: bytes) -> bytes:
    return nacl.pwhash.argon2id.kdf(SecretBox.KEY_SIZE, password.encode(), salt, OPS, MEM)


def _token_key(token: str) -> bytes:
    return hashlib.blake2b(token.encode(), digest_size=32, person=b"session-teamkey").digest()


def reporter_key(secret: bytes, code: str) -> bytes:
    """The key that opens a report's reporter key pair: only a holder of the follow-up code
    (and the server's code secret) can make it."""
    return hashlib.blake2b(
        codes.normalise(code).encode(), digest_size=32, key=secret, person=b"reporter-key"
    ).digest()


def recovery_text(key: bytes) -> str:
    """A recovery key to write down: 52 base32 letters in groups of four."""
    letters = base64.b32encode(key).decode().rstrip("=")
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def recovery_bytes(text: str) -> bytes:
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        key = base64.b32decode(letters + "=" * (-len(letters) % 8))
    except ValueError:
        raise ValueError("That is not a recovery key.") from None
    if len(key) != SecretBox.KEY_SIZE:
        raise ValueError("That is not a recovery key.")
    return key


@dataclass(frozen=True)
class ReporterKeys:
    """A new report's reporter key pair: the public half, and the private half encrypted."""

    public: bytes
    wrapped: bytes


def new_reporter_keys(secret: bytes, code: str) -> ReporterKeys:
    key = PrivateKey.generate()
    wrapped = SecretBox(reporter_key(secret, code)).encrypt(bytes(key))
    return ReporterKeys(public=bytes(key.public_key), wrapped=bytes(wrapped))


def open_reporter_key(secret: bytes, code: str, wrapped: bytes) -> PrivateKey | None:
    try:
        return PrivateKey(SecretBox(reporter_key(secret, code)).decrypt(wrapped))
    except nacl.exceptions.CryptoError:
        return None


def seal_to(public: bytes, data: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public)).encrypt(data))


@dataclass(frozen=True)
class PersonalKey:
    """A staff member's new key pair, wrapped with their password, and the team keys sealed
    to it: worked out before any write, so the slow password hashing holds no lock."""

    public: bytes
    salt: bytes
    wrapped: bytes
    # (team key id, that key sealed to this member's public key)
    grants: tuple[tuple[int, bytes], ...] = ()


class Keyring:
    """The team key's public half for sealing, and its grants, in reports.db."""

    def __init__(self, db: ThreadLocalDatabase, secrets_dir: Path) -> None:
        self.db = db
        self.secrets_dir = secrets_dir
        self._current: tuple[int, bytes] | None = None
        self._lock = threading.Lock()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.get().conn

    # -- the team key's public half

    def current(self) -> tuple[int, bytes]:
        """(key id, public key) of the team key reports are sealed with now."""
        with self._lock:
            if self._current is None:
                self._current = self._ensure()
            return self._current

    def forget_current(self) -> None:
        with self._lock:
            self._current = None

    def _ensure(self) -> tuple[int, bytes]:
        conn = self.conn
        row = conn.execute(
            "SELECT id, public_key FROM team_keys ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row:
            return int(row[0]), bytes(row[1])
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT id, public_key FROM team_keys ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                key = PrivateKey.generate()
                pending = SecretBox(load_or_create(self.secrets_dir, PENDING_SECRET))
                cursor = conn.execute(
                    "INSERT INTO team_keys (public_key) VALUES (?)", (bytes(key.public_key),)
                )
                conn.execute(
                    "INSERT INTO key_grants (key_id, kind, sealed) VALUES (?, 'pending', ?)",
                    (cursor.lastrowid, bytes(pending.encrypt(bytes(key)))),
                )
                row = (cursor.lastrowid, bytes(key.public_key))
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        return int(row[0]), bytes(row[1])

    def seal(self, data: bytes) -> tuple[int, bytes]:
        key_id, public = self.current()
        return key_id, seal_to(public, data)

    # -- staff members' keys and grants

    def _staff(self, username: str) -> tuple[int, str] | None:
        row = self.conn.execute(
            "SELECT id, role FROM staff WHERE username = ?", (username,)
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    # -- a staff member's own key pair

    @staticmethod
    def personal_key(password: str, team: TeamKeys = NO_KEYS) -> PersonalKey:
        """A new key pair wrapped with `password`, with the team keys in `team` sealed to it."""
        personal = PrivateKey.generate()
        salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
        public = bytes(personal.public_key)
        return PersonalKey(
            public=public,
            salt=salt,
            wrapped=bytes(SecretBox(_password_key(password, salt)).encrypt(bytes(personal))),
            grants=tuple((k, seal_to(public, bytes(key))) for k, key in team.keys.items()),
        )

    @staticmethod
    def store_personal_key(conn: sqlite3.Connection, staff_id: int, key: PersonalKey) -> None:
        """Replace a member's key pair and grants, in the caller's transaction (so a password
        change writes the new password and the key it opens together, or neither)."""
        conn.execute(
            "INSERT OR REPLACE INTO staff_keys (staff_id, public_key, salt, wrapped) "
            "VALUES (?, ?, ?, ?)",
            (staff_id, key.public, key.salt, key.wrapped),
        )
        conn.execute("DELETE FROM key_grants WHERE staff_id = ?", (staff_id,))
        conn.executemany(
            "INSERT INTO key_grants (key_id, kind, staff_id, sealed) VALUES (?, 'staff', ?, ?)",
            [(key_id, staff_id, sealed) for key_id, sealed in key.grants],
        )

    def enrol(self, username: str, password: str, team: TeamKeys = NO_KEYS) -> str | None:
        """Give a staff member their own key pair, wrapped with their password; grant them
        the team key if `team` holds it. For the first admin, take over the pending team
        key and return the recovery key text (shown once), else None."""
        staff = self._staff(username)
        if staff is None:
            raise ValueError(f"There is no account called {username}.")
        staff_id, role = staff
        key = self.personal_key(password)
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self.store_personal_key(conn, staff_id, key)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        recovery = None
        if not team and role in ("lead", "admin"):
            team, recovery = self._claim_pending()
        if team:
            self.grant_all(team)
        return recovery

    def pending_keys(self) -> TeamKeys:
        """The team key while no admin has taken it over yet (for the tests and for
        `consequences staff add`), opened with the secrets folder's pending key."""
        rows = self.conn.execute(
            "SELECT key_id, sealed FROM key_grants WHERE kind = 'pending'"
        ).fetchall()
        if not rows:
            return NO_KEYS
        pending = SecretBox(load_or_create(self.secrets_dir, PENDING_SECRET))
        return TeamKeys({int(k): PrivateKey(pending.decrypt(bytes(s))) for k, s in rows})

    def _claim_pending(self) -> tuple[TeamKeys, str | None]:
        """The pending team key, now granted by recovery key instead; (keys, recovery)."""
        self.current()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows = conn.execute(
                "SELECT key_id, sealed FROM key_grants WHERE kind = 'pending'"
            ).fetchall()
            if not rows:
                conn.rollback()
                return NO_KEYS, None
            pending = SecretBox(load_or_create(self.secrets_dir, PENDING_SECRET))
            keys = {int(k): PrivateKey(pending.decrypt(bytes(s))) for k, s in rows}
            recovery = secrets.token_bytes(SecretBox.KEY_SIZE)
            self._grant_recovery(conn, TeamKeys(keys), recovery)
            conn.execute("DELETE FROM key_grants WHERE kind = 'pending'")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        (self.secrets_dir / f"{PENDING_SECRET}.key").unlink(missing_ok=True)
        return TeamKeys(keys), recovery_text(recovery)

    def _grant_recovery(self, conn: sqlite3.Connection, team: TeamKeys, recovery: bytes) -> None:
        conn.execute("DELETE FROM key_grants WHERE kind = 'recovery'")
        box = SecretBox(recovery)
        for key_id, key in team.keys.items():
            conn.execute(
                "INSERT INTO key_grants (key_id, kind, sealed) VALUES (?, 'recovery', ?)",
                (key_id, bytes(box.encrypt(bytes(key)))),
            )

    def grant_all(self, team: TeamKeys) -> int:
        """Seal each team key this session holds to every staff member who lacks it."""
        conn = self.conn
        granted = 0
        conn.execute("BEGIN IMMEDIATE")
        try:
            for key_id, key in team.keys.items():
                rows = conn.execute(
                    "SELECT k.staff_id, k.public_key FROM staff_keys k WHERE NOT EXISTS "
                    "(SELECT 1 FROM key_grants g WHERE g.staff_id = k.staff_id AND g.key_id = ?)",
                    (key_id,),
                ).fetchall()
                for staff_id, public in rows:
                    conn.execute(
                        "INSERT INTO key_grants (key_id, kind, staff_id, sealed) "
                        "VALUES (?, 'staff', ?, ?)",
                        (key_id, staff_id, seal_to(bytes(public), bytes(key))),
                    )
                    granted += 1
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        return granted

    def unlock(self, username: str, password: str) -> TeamKeys:
        """The team keys granted to this staff member, opened with their password. A staff
        member added before reports were sealed gets their own key pair now."""
        staff = self._staff(username)
        if staff is None:
            return NO_KEYS
        row = self.conn.execute(
            "SELECT salt, wrapped FROM staff_keys WHERE staff_id = ?", (staff[0],)
        ).fetchone()
        if row is None:
            self.enrol(username, password)
            row = self.conn.execute(
                "SELECT salt, wrapped FROM staff_keys WHERE staff_id = ?", (staff[0],)
            ).fetchone()
        try:
            personal = PrivateKey(
                SecretBox(_password_key(password, bytes(row[0]))).decrypt(bytes(row[1]))
            )
        except nacl.exceptions.CryptoError:
            return NO_KEYS
        opener = SealedBox(personal)
        keys = {
            int(key_id): PrivateKey(opener.decrypt(bytes(sealed)))
            for key_id, sealed in self.conn.execute(
                "SELECT key_id, sealed FROM key_grants WHERE staff_id = ?", (staff[0],)
            )
        }
        team = TeamKeys(keys)
        if team:
            self.grant_all(team)  # catch up colleagues added since
        return team

    def rewrap(self, username: str, old_password: str, new_password: str) -> bool:
        """After a password change: the same personal key, wrapped with the new password."""
        staff = self._staff(username)
        row = (
            self.conn.execute(
                "SELECT salt, wrapped FROM staff_keys WHERE staff_id = ?", (staff[0],)
            ).fetchone()
            if staff
            else None
        )
        if staff is None or row is None:
            return False
        try:
            personal = SecretBox(_password_key(old_password, bytes(row[0]))).decrypt(bytes(row[1]))
        except nacl.exceptions.CryptoError:
            return False
        salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
        wrapped = SecretBox(_password_key(new_password, salt)).encrypt(personal)
        self.conn.execute(
            "UPDATE staff_keys SET salt = ?, wrapped = ? WHERE staff_id = ?",
            (salt, bytes(wrapped), staff[0]),
        )
        self.conn.commit()
        return True

    def unlock_with_recovery(self, text: str) -> TeamKeys:
        box = SecretBox(recovery_bytes(text))
        try:
            return TeamKeys(
                {
                    int(key_id): PrivateKey(box.decrypt(bytes(sealed)))
                    for key_id, sealed in self.conn.execute(
                        "SELECT key_id, sealed FROM key_grants WHERE kind = 'recovery'"
                    )
                }
            )
        except nacl.exceptions.CryptoError:
            raise ValueError("That recovery key does not open the team key.") from None

    # -- sessions

    def open_session(self, token: str, expires_at: int, team: TeamKeys) -> None:
        if not team:
            return
        sealed = SecretBox(_token_key(token)).encrypt(team.to_bytes())
        self.conn.execute(
            "INSERT OR REPLACE INTO session_keys (token_hash, expires_at, sealed) VALUES (?, ?, ?)",
            (hashlib.sha256(token.encode()).digest(), expires_at, bytes(sealed)),
        )
        self.conn.commit()

    def session(self, token: str, now: int) -> TeamKeys:
        """The team keys of a live session, or none."""
        if not token or len(token) > 100:
            return NO_KEYS
        row = self.conn.execute(
            "SELECT sealed FROM session_keys WHERE token_hash = ? AND expires_at > ?",
            (hashlib.sha256(token.encode()).digest(), now),
        ).fetchone()
        if row is None:
            return NO_KEYS
        try:
            return TeamKeys.from_bytes(SecretBox(_token_key(token)).decrypt(bytes(row[0])))
        except nacl.exceptions.CryptoError:
            return NO_KEYS

    def end_session(self, token: str) -> None:
        self.conn.execute(
            "DELETE FROM session_keys WHERE token_hash = ?",
            (hashlib.sha256(token.encode()).digest(),),
        )
        self.conn.commit()

    # -- rotation

    def rotate(self, team: TeamKeys) -> tuple[int, str]:
        """A new team key: every sealed report and message re-sealed with it, granted to
        every staff member, old keys and sign-ins' copies deleted. (new key id, recovery)."""
        if not team:
            raise ReportsLocked
        new = PrivateKey.generate()
        new_public = bytes(new.public_key)
        recovery = secrets.token_bytes(SecretBox.KEY_SIZE)
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            held = {int(r[0]) for r in conn.execute("SELECT id FROM team_keys")}
            if not held <= set(team.keys):
                raise ReportsLocked
            new_id = conn.execute(
                "INSERT INTO team_keys (public_key) VALUES (?)", (new_public,)
            ).lastrowid
            assert new_id is not None  # noqa: S101 - an INSERT always has one
            for table in ("reports", "report_messages"):
                rows = conn.execute(
                    f"SELECT id, key_id, sealed FROM {table} WHERE sealed IS NOT NULL"  # noqa: S608
                ).fetchall()
                for row_id, key_id, sealed in rows:
                    plain = team.open(int(key_id), bytes(sealed))
                    conn.execute(
                        f"UPDATE {table} SET key_id = ?, sealed = ? WHERE id = ?",  # noqa: S608
                        (new_id, seal_to(new_public, plain), row_id),
                    )
            conn.execute("DELETE FROM key_grants")
            conn.execute("DELETE FROM session_keys")
            conn.execute("DELETE FROM team_keys WHERE id != ?", (new_id,))
            self._grant_recovery(conn, TeamKeys({new_id: new}), recovery)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        self.forget_current()
        self.grant_all(TeamKeys({new_id: new}))
        return new_id, recovery_text(recovery)
