"""Backups that restore: a consistent copy of every database while the server keeps running.

SQLite's online backup API copies each database as one snapshot, so reports written during
the backup are either wholly in it or not at all. The secrets (the follow-up code key and the
CSRF key) live apart from the databases; they are copied only when asked, because whoever has
both reports.db and the secrets can check guessed follow-up codes.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from server.db import create_private
from server.migrations import DATABASES


class BackupError(RuntimeError):
    """The backup or restore cannot go ahead; the message says why."""


@dataclass
class Copied:
    databases: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)


SECRETS_FOLDER = "secrets"


def _copy_database(source: Path, target: Path) -> None:
    create_private(target)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        src.backup(dst)  # all pages in one step: one consistent snapshot
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{target.name}: integrity check failed after copying: {check}")
        # A standalone file: no -wal beside it, so the copy is complete by itself.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)


def _copy_secrets(source: Path, target: Path) -> list[str]:
    if not source.is_dir():
        return []
    _private_folder(target)
    names = []
    for key in sorted(source.glob("*.key")):
        create_private(target / key.name)
        shutil.copyfile(key, target / key.name)
        names.append(key.name)
    return names


def backup(data_dir: Path, secrets_dir: Path, dest: Path, *, with_secrets: bool) -> Copied:
    """Copy every database in ``data_dir`` (and the secrets, if asked) into ``dest``."""
    if not data_dir.is_dir():
        raise BackupError(f"{data_dir} is not a data folder")
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: back up into a new folder")
    _private_folder(dest)
    copied = Copied()
    for name in DATABASES:
        if (data_dir / name).exists():
            _copy_database(data_dir / name, dest / name)
            copied.databases.append(name)
    if with_secrets:
        copied.secrets = _copy_secrets(secrets_dir, dest / SECRETS_FOLDER)
    return copied


def restore(src: Path, data_dir: Path, secrets_dir: Path, *, force: bool) -> Copied:
    """Put a backup made by ``backup`` into ``data_dir`` (refusing a non-empty one)."""
    found = [name for name in DATABASES if (src / name).is_file()]
    if not found:
        raise BackupError(f"{src} holds no backup: none of {', '.join(DATABASES)} is in it")
    if data_dir.exists() and any(data_dir.iterdir()) and not force:
        raise BackupError(
            f"{data_dir} is not empty: restore into a new folder, or add --force to replace "
            "its databases"
        )
    _private_folder(data_dir)
    copied = Copied()
    for name in found:
        for leftover in (data_dir / f"{name}-wal", data_dir / f"{name}-shm"):
            leftover.unlink(missing_ok=True)
        (data_dir / name).unlink(missing_ok=True)
        _copy_database(src / name, data_dir / name)
        copied.databases.append(name)
    copied.secrets = _copy_secrets(src / SECRETS_FOLDER, secrets_dir)
    return copied
