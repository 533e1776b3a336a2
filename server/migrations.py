"""Named, additive schema migrations for each database, applied at start-up."""

from __future__ import annotations

import fcntl
from pathlib import Path

from sqlite_utils import Database, Migrations

from server.db import connect, create_private, make_private
from server.directory.models import oruk_service_id

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


@directory(name="0005_sync_freshness_suggestions")
def _sync_freshness_suggestions(db: Database) -> None:
    # Issue 15. When an import or sync last saw each service change (its "last checked" when
    # the feed gives no assured_date).
    db.execute("ALTER TABLE services ADD COLUMN changed_at TEXT")
    # The id the published ORUK 3.0 feed gives each service: a UUID from (source, feed id), so
    # it stays the same however often the feed is re-imported.
    db.execute("ALTER TABLE services ADD COLUMN oruk_id TEXT")
    for row_id, source, source_id in db.execute("SELECT id, source, source_id FROM services"):
        db.execute(
            "UPDATE services SET oruk_id = ? WHERE id = ?",
            [oruk_service_id(source, source_id), row_id],
        )
    db.execute("CREATE UNIQUE INDEX services_oruk_id ON services (oruk_id)")
    # Each weekday's opening minutes, worked out at import (server.opening_hours.week_minutes),
    # so "open now" is a lookup; NULL for services whose hours need the date (is_open).
    db.execute("ALTER TABLE services ADD COLUMN opening_minutes TEXT")
    # Live ORUK APIs the directory syncs from, remembered for `services sync --all`.
    db.execute(
        """
        CREATE TABLE sync_sources (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            replace_others INTEGER NOT NULL DEFAULT 0,
            version TEXT,
            last_attempt_at TEXT,
            last_success_at TEXT,
            last_error TEXT,
            pages INTEGER NOT NULL DEFAULT 0,
            services INTEGER NOT NULL DEFAULT 0,
            imported INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            warnings INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    # "Suggest a change" on a listing: the topic and optional words, nothing about who sent
    # it (no address, no user agent). The service's name is kept in case it leaves.
    db.execute(
        """
        CREATE TABLE listing_suggestions (
            id INTEGER PRIMARY KEY,
            service_id INTEGER NOT NULL,
            service_name TEXT NOT NULL,
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            received_on TEXT NOT NULL,
            done_at TEXT,
            done_by TEXT
        )
        """
    )
    db.execute("CREATE INDEX listing_suggestions_open ON listing_suggestions (done_at, id)")


@directory(name="0006_forget_geocode_cache")
def _forget_geocode_cache(db: Database) -> None:
    # The online geocoder's cache kept each postcode's place and when it was looked up: enough
    # to tell which postcodes were searched. It now lives in memory only; what was kept on
    # disk is overwritten as it is deleted.
    db.execute("PRAGMA secure_delete=ON")
    db.execute("DROP TABLE IF EXISTS geocode_cache")
    db.execute("PRAGMA secure_delete=OFF")


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


@reports(name="0003_content_feedback")
def _reports_0003_content_feedback(db: Database) -> None:
    # "Report a mistake" on a card or helpline (server/feedback.py). Like reports: no column
    # for an address, user agent, cookie or device, and the day it arrived, no finer.
    db.execute(
        """
        CREATE TABLE content_feedback (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN
                ('wrong_fact', 'bad_translation', 'out_of_date', 'something_else')),
            target TEXT NOT NULL CHECK (target IN ('card', 'helpline')),
            target_id TEXT NOT NULL,
            lang TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            received_day TEXT NOT NULL,
            done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
            done_by TEXT,
            done_day TEXT
        )
        """
    )
    db.execute("CREATE INDEX content_feedback_queue ON content_feedback (done, received_day)")


# -- issue 13: the safeguarding inbox (roles, owners, deadlines, decisions, a chained audit
# log), and issue 14 part 2 (a second factor and a per-account lock).

STAFF_ROLES = ("lead", "deputy", "reviewer", "admin")
HANDOVER_DESTINATIONS = (
    "police",
    "crimestoppers_fearless",
    "childrens_social_care",
    "school_dsl",
    "another_service",
    "no_further_action",
)


@reports(name="0004_safeguarding_inbox")
def _reports_0004(db: Database) -> None:
    roles = ", ".join(f"'{r}'" for r in STAFF_ROLES)
    destinations = ", ".join(f"'{d}'" for d in HANDOVER_DESTINATIONS)
    # The role CHECK widens, so the staff table is rebuilt; existing admins stay admins and
    # reviewers stay reviewers. Sign-ins end: everyone enrols a second factor first.
    db.execute("DELETE FROM staff_sessions")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute(
        f"""
        CREATE TABLE staff_new (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ({roles})),
            created_on TEXT NOT NULL,
            email TEXT NOT NULL DEFAULT '',
            totp_secret TEXT,
            totp_enrolled INTEGER NOT NULL DEFAULT 0,
            totp_last_step INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute(
        "INSERT INTO staff_new (id, username, password_hash, role, created_on) "
        "SELECT id, username, password_hash, role, created_on FROM staff"
    )
    db.execute("DROP TABLE staff")
    db.execute("ALTER TABLE staff_new RENAME TO staff")
    db.execute("PRAGMA foreign_keys=ON")
    # Single-use recovery codes, kept only as SHA-256 hashes (each is 50 random bits).
    db.execute(
        """
        CREATE TABLE staff_recovery_codes (
            code_hash BLOB PRIMARY KEY,
            staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE
        ) WITHOUT ROWID
        """
    )
    # Failed sign-ins per account (whatever the source) for the per-account lock; the
    # username is kept as typed, so unknown names lock exactly like real ones.
    db.execute(
        "CREATE TABLE login_failures (username TEXT NOT NULL COLLATE NOCASE, at INTEGER NOT NULL)"
    )
    db.execute("CREATE INDEX login_failures_user ON login_failures (username, at)")
    db.execute(
        "CREATE TABLE login_locks (username TEXT PRIMARY KEY COLLATE NOCASE, "
        "until INTEGER NOT NULL) WITHOUT ROWID"
    )
    # The CSRF token each session was given at sign-in.
    db.execute("ALTER TABLE staff_sessions ADD COLUMN csrf_hash BLOB")
    # Owner, deadlines, escalation, decision and handover; the follow-up code's last use.
    for column in (
        "owner TEXT",
        "acknowledge_by TEXT",
        "acknowledge_leads_by TEXT",
        "decide_by TEXT",
        "decide_leads_by TEXT",
        "acknowledged_at TEXT",
        "decided_at TEXT",
        "alert_stage INTEGER NOT NULL DEFAULT 0",
        "outcome TEXT",
        "reason TEXT",
        f"destination TEXT CHECK (destination IS NULL OR destination IN ({destinations}))",
        "destination_name TEXT",
        "code_used_day TEXT",
    ):
        db.execute(f"ALTER TABLE reports ADD COLUMN {column}")
    db.execute("UPDATE reports SET code_used_day = substr(received_hour, 1, 10)")
    db.execute("CREATE INDEX reports_owner ON reports (owner)")
    # Notifications waiting to go or failed, with no report content: who, what kind, which.
    db.execute(
        """
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            username TEXT NOT NULL,
            report_id INTEGER,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
            error TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute("CREATE INDEX notifications_due ON notifications (state, next_try)")
    # The audit log becomes a hash chain that cannot be rewritten: each row carries the
    # previous row's hash and its own; triggers refuse UPDATE and DELETE. Only the audit
    # retention purge may delete, and then only the oldest rows (see server.audit).
    db.execute("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE audit_log ADD COLUMN row_hash TEXT NOT NULL DEFAULT ''")
    db.execute(
        "CREATE TABLE audit_meta (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "purging INTEGER NOT NULL DEFAULT 0, anchor TEXT NOT NULL DEFAULT '')"
    )
    db.execute("INSERT INTO audit_meta (id) VALUES (1)")
    from server.audit import chain_existing

    chain_existing(db.conn)
    db.executescript(
        """
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
            SELECT RAISE(ABORT, 'the audit log cannot be changed');
        END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        WHEN (SELECT purging FROM audit_meta WHERE id = 1) = 0 BEGIN
            SELECT RAISE(ABORT, 'the audit log cannot be changed');
        END;
        """
    )


@reports(name="0005_unsafe_places")
def _reports_0005_unsafe_places(db: Database) -> None:
    # Youth voice (issue 16): what makes a place feel unsafe, when, and only the postcode
    # sector ("LU1 2"), never finer. The row goes with its report when the report is purged.
    db.execute(
        """
        CREATE TABLE unsafe_places (
            report_id INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
            sector TEXT NOT NULL,
            kind TEXT NOT NULL,
            time_of_day TEXT NOT NULL
        )
        """
    )
    # Monthly tallies for the partnership figures, kept after reports are purged: counts only,
    # never linked to a report. Triggers keep them, so every way of storing a report counts.
    db.execute(
        """
        CREATE TABLE report_tallies (
            month TEXT NOT NULL,
            category TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (month, category)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE unsafe_place_tallies (
            month TEXT NOT NULL,
            district TEXT NOT NULL,
            kind TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (month, district, kind)
        ) WITHOUT ROWID
        """
    )
    db.executescript(
        """
        CREATE TRIGGER report_tally AFTER INSERT ON reports BEGIN
            INSERT INTO report_tallies (month, category, count)
            VALUES (substr(new.received_hour, 1, 7), new.category, 1)
            ON CONFLICT (month, category) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER unsafe_place_tally AFTER INSERT ON unsafe_places BEGIN
            INSERT INTO unsafe_place_tallies (month, district, kind, count)
            SELECT substr(r.received_hour, 1, 7),
                substr(new.sector, 1, instr(new.sector, ' ') - 1), new.kind, 1
            FROM reports r WHERE r.id = new.report_id
            ON CONFLICT (month, district, kind) DO UPDATE SET count = count + 1;
        END;
        """
    )


@reports(name="0006_reports_over_limit")
def _reports_0006_over_limit(db: Database) -> None:
    # Issue 14: a report that arrived past its source's limit (a danger report during a
    # flood, or one that paid the hardest proof of work) is stored and marked for the inbox.
    db.execute(
        "ALTER TABLE reports ADD COLUMN over_limit INTEGER NOT NULL DEFAULT 0 "
        "CHECK (over_limit IN (0, 1))"
    )


@reports(name="0007_sealed_reports")
def _reports_0007_sealed(db: Database) -> None:
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


# -- voice.db: class pulses (counts only), app answers and "You said, we did" updates.
voice = Migrations("voice")


@voice(name="0001_pulse")
def _voice_0001(db: Database) -> None:
    # A session is the teacher's, not a pupil's: its code, a hash of the presenter's key and
    # when it closes (two hours after it opened). Answers are only counts per session,
    # phase, question and answer: no row per pupil, no time finer than the session's day.
    db.execute(
        """
        CREATE TABLE pulse_sessions (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            key_hash BLOB NOT NULL,
            card_id TEXT NOT NULL,
            questions TEXT NOT NULL,
            phase TEXT NOT NULL CHECK (phase IN ('before', 'after')),
            day TEXT NOT NULL,
            closes_at INTEGER NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE pulse_counts (
            session_id INTEGER NOT NULL REFERENCES pulse_sessions (id) ON DELETE CASCADE,
            phase TEXT NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (session_id, phase, question, answer)
        ) WITHOUT ROWID
        """
    )
    # One answer per phone per phase: a hash of the random token the phone keeps in its
    # session storage, deleted when the session closes. Never linked to the counts.
    db.execute(
        """
        CREATE TABLE pulse_tokens (
            session_id INTEGER NOT NULL REFERENCES pulse_sessions (id) ON DELETE CASCADE,
            phase TEXT NOT NULL,
            token_hash BLOB NOT NULL,
            PRIMARY KEY (session_id, phase, token_hash)
        ) WITHOUT ROWID
        """
    )
    # The question at the end of a card in the app: counts per day, question and answer.
    db.execute(
        """
        CREATE TABLE pulse_app_counts (
            day TEXT NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (day, question, answer)
        ) WITHOUT ROWID
        """
    )
    # "You said, we did": short updates staff publish, tied to an area or a question.
    db.execute(
        """
        CREATE TABLE updates (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            area TEXT,
            question TEXT,
            text TEXT NOT NULL,
            english_only INTEGER NOT NULL CHECK (english_only IN (0, 1)),
            staff_username TEXT NOT NULL
        )
        """
    )


DATABASES: dict[str, Migrations] = {
    "directory.db": directory,
    "reports.db": reports,
    "voice.db": voice,
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
