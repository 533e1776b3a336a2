"""Named, additive schema migrations for each database, applied at start-up."""

from __future__ import annotations

import fcntl
from pathlib import Path

from sqlite_utils import Database, Migrations

from server.db import connect, create_private, make_private

# -- directory.db: the help finder's services, postcodes and geocoding cache.
directory = Migrations("directory")


@directory(name="0001_postcodes")
def _postcodes(db: Database) -> None:
    # Centroids of units ("LU1 2BQ"), sectors ("LU1 2") and districts ("LU1"); the code's
    # shape tells them apart, so one table keyed by the normalised code holds all three.
    db.table("postcode_centroids").create(
        {"code": str, "precision": str, "lat": float, "lon": float}, pk="code"
    )
    db.table("postcode_centroids").create_index(["precision", "code"])
    # Which files are loaded, so `make run` can import the same file again cheaply.
    db.table("postcode_imports").create(
        {"fingerprint": str, "file": str, "rows": int}, pk="fingerprint"
    )


@directory(name="0002_services")
def _services(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE services (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            name TEXT NOT NULL,
            organisation TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL DEFAULT '[]',
            taxonomy_terms TEXT NOT NULL DEFAULT '[]',
            keywords TEXT NOT NULL DEFAULT '',
            min_age INTEGER,
            max_age INTEGER,
            free INTEGER,
            cost TEXT NOT NULL DEFAULT '',
            referral_needed INTEGER,
            languages TEXT NOT NULL DEFAULT '[]',
            phones TEXT NOT NULL DEFAULT '[]',
            email TEXT NOT NULL DEFAULT '',
            website TEXT NOT NULL DEFAULT '',
            schedules TEXT NOT NULL DEFAULT '[]',
            last_checked TEXT,
            sample INTEGER NOT NULL DEFAULT 0,
            fingerprint TEXT NOT NULL,
            UNIQUE (source, source_id)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE locations (
            id INTEGER PRIMARY KEY,
            service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
            name TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            postcode TEXT NOT NULL DEFAULT '',
            lat REAL NOT NULL,
            lon REAL NOT NULL
        )
        """
    )
    db.table("locations").create_index(["service_id"])
    # The R*Tree answers "which locations are in this box" without a scan; triggers keep
    # it in step with the locations table.
    db.execute(
        "CREATE VIRTUAL TABLE locations_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon)"
    )
    db.executescript(
        """
        CREATE TRIGGER locations_rtree_insert AFTER INSERT ON locations BEGIN
            INSERT INTO locations_rtree VALUES (new.id, new.lat, new.lat, new.lon, new.lon);
        END;
        CREATE TRIGGER locations_rtree_update AFTER UPDATE OF lat, lon ON locations BEGIN
            UPDATE locations_rtree SET min_lat = new.lat, max_lat = new.lat,
                min_lon = new.lon, max_lon = new.lon WHERE id = new.id;
        END;
        CREATE TRIGGER locations_rtree_delete AFTER DELETE ON locations BEGIN
            DELETE FROM locations_rtree WHERE id = old.id;
        END;
        """
    )
    db.table("services").enable_fts(
        ["name", "organisation", "description", "keywords"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="porter",
    )


@directory(name="0003_geocode_cache")
def _geocode_cache(db: Database) -> None:
    # Keyed by an HMAC whose key lives only in the server's memory, so the file never
    # says which postcodes people searched for; `reserved_at` spaces requests to the
    # online geocoder one second apart across every worker.
    db.table("geocode_cache").create(
        {"key": str, "lat": float, "lon": float, "found": int, "fetched_at": float}, pk="key"
    )
    db.table("geocode_rate").create({"id": int, "reserved_at": float}, pk="id")


@directory(name="0004_directory_meta")
def _directory_meta(db: Database) -> None:
    # Bumped by every import, so running servers know to drop the answers they keep.
    db.table("directory_meta").create({"id": int, "generation": int}, pk="id")


# -- reports.db: anonymous reports, staff accounts and the audit log.
reports = Migrations("reports")

REPORT_STATUSES = ("received", "being_looked_at", "passed_on", "closed")


@reports(name="0001_reports")
def _reports_0001(db: Database) -> None:
    # No column for an address, user agent, cookie or device; the time a report arrived is
    # kept only to the hour, and messages only to the day. The follow-up code is kept only
    # as an HMAC whose key lives outside this database.
    statuses = ", ".join(f"'{s}'" for s in REPORT_STATUSES)
    db.execute(
        f"""
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            code_hash BLOB NOT NULL UNIQUE,
            category TEXT NOT NULL,
            what_happened TEXT NOT NULL,
            where_text TEXT,
            area TEXT,
            when_happened TEXT NOT NULL,
            danger_now INTEGER NOT NULL CHECK (danger_now IN (0, 1)),
            lang TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ({statuses})),
            notes TEXT NOT NULL DEFAULT '',
            received_hour TEXT NOT NULL,
            awaiting_team INTEGER NOT NULL DEFAULT 1 CHECK (awaiting_team IN (0, 1))
        )
        """
    )
    db.execute("CREATE INDEX reports_inbox ON reports (danger_now DESC, received_hour DESC, id)")
    db.execute("CREATE INDEX reports_received ON reports (received_hour)")
    db.execute(
        """
        CREATE TABLE report_messages (
            id INTEGER PRIMARY KEY,
            report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
            sender TEXT NOT NULL CHECK (sender IN ('reporter', 'team')),
            staff_username TEXT,
            text TEXT NOT NULL,
            day TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX report_messages_report ON report_messages (report_id, id)")
    # A retried POST with the same Idempotency-Key gets the same code back. The code is kept
    # only sealed with a pad derived from the key, which the server never stores.
    db.execute(
        """
        CREATE TABLE idempotency_keys (
            key_hash BLOB PRIMARY KEY,
            report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
            body_hash BLOB NOT NULL,
            sealed_code BLOB NOT NULL,
            received_hour TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )


@reports(name="0002_staff")
def _reports_0002(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE staff (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
            created_on TEXT NOT NULL
        )
        """
    )
    # Only a SHA-256 of each session token, so a copy of the database cannot sign anyone in.
    db.execute(
        """
        CREATE TABLE staff_sessions (
            token_hash BLOB PRIMARY KEY,
            staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at)")
    # Who did what, when: staff by name; reporters never.
    db.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            username TEXT NOT NULL,
            action TEXT NOT NULL,
            report_id INTEGER,
            detail TEXT NOT NULL DEFAULT ''
        )
        """
    )


@reports(name="0003_reports_over_limit")
def _reports_0003(db: Database) -> None:
    # Issue 14: a report that arrived past its source's limit (a danger report during a
    # flood, or one that paid the hardest proof of work) is stored and marked for the inbox.
    db.execute(
        "ALTER TABLE reports ADD COLUMN over_limit INTEGER NOT NULL DEFAULT 0 "
        "CHECK (over_limit IN (0, 1))"
    )


@reports(name="0004_sealed_reports")
def _reports_0004(db: Database) -> None:
    # Issue 14: report text, place and messages sealed at rest (server.reports.sealing).
    # The plain columns stay for the rows' shape and are written empty.
    db.execute(
        """
        CREATE TABLE team_keys (
            id INTEGER PRIMARY KEY,
            public_key BLOB NOT NULL
        )
        """
    )
    # Each staff member's own key pair, the private half wrapped with their password.
    db.execute(
        """
        CREATE TABLE staff_keys (
            staff_id INTEGER PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
            public_key BLOB NOT NULL,
            salt BLOB NOT NULL,
            wrapped BLOB NOT NULL
        )
        """
    )
    # The team private key, sealed to a staff member, to the recovery key, or pending.
    db.execute(
        """
        CREATE TABLE key_grants (
            id INTEGER PRIMARY KEY,
            key_id INTEGER NOT NULL REFERENCES team_keys (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('staff', 'recovery', 'pending')),
            staff_id INTEGER REFERENCES staff (id) ON DELETE CASCADE,
            sealed BLOB NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX key_grants_staff ON key_grants (staff_id)")
    # A signed-in session's copy of the team key, under a key only its cookie can make.
    db.execute(
        """
        CREATE TABLE session_keys (
            token_hash BLOB PRIMARY KEY
                REFERENCES staff_sessions (token_hash) ON DELETE CASCADE,
            expires_at INTEGER NOT NULL,
            sealed BLOB NOT NULL
        ) WITHOUT ROWID
        """
    )
    for table, columns in {
        "reports": ["key_id INTEGER", "sealed BLOB", "reporter_public BLOB", "reporter_key BLOB"],
        "report_messages": ["key_id INTEGER", "sealed BLOB", "reporter_copy BLOB"],
    }.items():
        for column in columns:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


DATABASES: dict[str, Migrations] = {
    "directory.db": directory,
    "reports.db": reports,
}


def migrate(data_dir: Path) -> None:
    """Apply pending migrations to every database; a file lock keeps workers from racing."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(data_dir)
    create_private(data_dir / ".migrate.lock")
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
