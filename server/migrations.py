"""Named, additive schema migrations for each database, applied at start-up."""

from __future__ import annotations

import fcntl
from pathlib import Path

from sqlite_utils import Migrations

from server.db import connect

# -- directory.db: the help finder's services, postcodes and geocoding cache.
directory = Migrations("directory")


# -- reports.db: anonymous reports, staff accounts and the audit log.
reports = Migrations("reports")


DATABASES: dict[str, Migrations] = {
    "directory.db": directory,
    "reports.db": reports,
}


def migrate(data_dir: Path) -> None:
    """Apply pending migrations to every database; a file lock keeps workers from racing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / ".migrate.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for filename, migrations in DATABASES.items():
                db = connect(data_dir / filename)
                try:
                    migrations.apply(db)
                finally:
                    db.conn.close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
