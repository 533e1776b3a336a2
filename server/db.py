"""SQLite connections: one file per concern under the data directory, opened with safe pragmas."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import sqlite_utils

Synchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]


def connect(
    path: Path, *, synchronous: Synchronous = "NORMAL", secure_delete: bool = False
) -> sqlite_utils.Database:
    """A connection in WAL mode, so several workers can read while one writes.

    A new database file is created readable by its owner only (0600); SQLite gives its
    -wal and -shm files the same mode.
    """
    create_private(path)
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    if secure_delete:
        conn.execute("PRAGMA secure_delete=ON")
    return sqlite_utils.Database(conn)


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (BEGIN IMMEDIATE) so check-then-insert cannot race;
    rolled back if anything inside fails."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def create_private(path: Path) -> None:
    """Create ``path`` as an empty file only its owner can read and write, unless it exists."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def make_private(data_dir: Path) -> None:
    """Tighten a data folder made by an older version: the folder 0700, database files 0600."""
    data_dir.chmod(0o700)
    for path in data_dir.glob("*.db*"):
        path.chmod(0o600)


class ThreadLocalDatabase:
    """One connection per thread to the same file, opened on first use."""

    def __init__(
        self, path: Path, *, synchronous: Synchronous = "NORMAL", secure_delete: bool = False
    ) -> None:
        self.path = path
        self.synchronous: Synchronous = synchronous
        self.secure_delete = secure_delete
        self._local = threading.local()
        self._all: list[sqlite_utils.Database] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.path, synchronous=self.synchronous, secure_delete=self.secure_delete)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.conn.close()
            self._all.clear()
        self._local = threading.local()
