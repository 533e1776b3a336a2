"""The audit log that cannot be rewritten: every staff and system step, chained by hashes.

Each row carries the hash of the row before it and its own hash over its fields and that
previous hash, so changing, removing or inserting a row anywhere breaks the chain from that
row on; `consequences audit verify` names the first broken row. SQLite triggers refuse
UPDATE and DELETE outright. The only deletion is the audit log's own retention (default two
years), which removes the oldest rows and records the last removed row's hash as the
chain's new anchor.

Rows never hold reporter text: a report's rows hold its number, the action and fixed words
(a status, a destination, a count of characters), so when the report itself is purged its
rows already keep only the report's number and what was done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import msgspec

GENESIS = "0" * 64


class AuditEntry(msgspec.Struct, frozen=True):
    id: int
    at: str
    username: str
    action: str
    report_id: int | None
    detail: str


class AuditBroken(msgspec.Struct, frozen=True):
    """The first row whose hash or link to the previous row does not match."""

    row_id: int
    reason: str


def now_text(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def row_hash(
    prev: str, row_id: int, at: str, username: str, action: str, report_id: int | None, detail: str
) -> str:
    body = json.dumps([prev, row_id, at, username, action, report_id, detail], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _last_hash(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT row_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    if row is not None:
        return str(row[0])
    anchor = conn.execute("SELECT anchor FROM audit_meta WHERE id = 1").fetchone()
    return str(anchor[0]) if anchor and anchor[0] else GENESIS


def write_audit(
    conn: sqlite3.Connection,
    username: str,
    action: str,
    report_id: int | None = None,
    detail: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Record a step in the caller's write transaction. Never pass reporter text here."""
    prev = _last_hash(conn)
    at = now_text(now)
    (next_id,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit_log").fetchone()
    conn.execute(
        "INSERT INTO audit_log (id, at, username, action, report_id, detail, prev_hash, row_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            next_id,
            at,
            username,
            action,
            report_id,
            detail,
            prev,
            row_hash(prev, next_id, at, username, action, report_id, detail),
        ),
    )


def chain_existing(conn: sqlite3.Connection) -> None:
    """Give rows written before the chain existed their hashes (run once, by a migration)."""
    prev = GENESIS
    rows = conn.execute(
        "SELECT id, at, username, action, report_id, detail FROM audit_log ORDER BY id"
    ).fetchall()
    for r in rows:
        digest = row_hash(prev, *r)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, row_hash = ? WHERE id = ?", (prev, digest, r[0])
        )
        prev = digest


def verify(conn: sqlite3.Connection) -> tuple[int, AuditBroken | None]:
    """(rows checked, the first broken row or None)."""
    anchor = conn.execute("SELECT anchor FROM audit_meta WHERE id = 1").fetchone()
    prev = anchor[0] if anchor and anchor[0] else GENESIS
    checked = 0
    for r in conn.execute(
        "SELECT id, at, username, action, report_id, detail, prev_hash, row_hash "
        "FROM audit_log ORDER BY id"
    ):
        checked += 1
        if r[6] != prev:
            return checked, AuditBroken(r[0], "it does not follow the row before it")
        if row_hash(prev, *r[:6]) != r[7]:
            return checked, AuditBroken(r[0], "its contents were changed")
        prev = r[7]
    return checked, None


def verify_file(path: Path) -> tuple[int, AuditBroken | None]:
    """Check the chain in reports.db, read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return verify(conn)
    finally:
        conn.close()


def purge_audit(conn: sqlite3.Connection, retention_days: int, now: dt.datetime) -> int:
    """Delete audit rows older than the audit retention; the chain's anchor moves on.

    Runs in the caller's write transaction; the delete trigger lets it through only while
    audit_meta.purging is set, which this function sets and clears in that transaction.
    """
    cutoff = now_text(now - dt.timedelta(days=retention_days))
    last = conn.execute(
        "SELECT id, row_hash FROM audit_log WHERE at < ? ORDER BY id DESC LIMIT 1", (cutoff,)
    ).fetchone()
    if last is None:
        return 0
    conn.execute("UPDATE audit_meta SET purging = 1, anchor = ? WHERE id = 1", (last[1],))
    removed = conn.execute("DELETE FROM audit_log WHERE id <= ?", (last[0],)).rowcount
    conn.execute("UPDATE audit_meta SET purging = 0 WHERE id = 1")
    return int(removed)


def audit_trail(conn: sqlite3.Connection, report_id: int) -> list[AuditEntry]:
    return [
        AuditEntry(*r)
        for r in conn.execute(
            "SELECT id, at, username, action, report_id, detail FROM audit_log "
            "WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
    ]
