"""Anonymous reports: accept, look up and reply by follow-up code, triage, export and purge.

Privacy by design: a report row holds what the young person chose to tell us and nothing
about them: no address, user agent, cookie or device; the time it arrived only to the hour;
messages only to the day; the follow-up code only as an HMAC (server.codes) whose key lives
outside the database. Durability: every write commits (WAL, synchronous=FULL) before the
caller answers, so an acknowledged report survives a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import hashlib
import hmac
import io
import logging
import queue
import re
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
import anyio.to_thread
import msgspec
from litestar import Litestar
from msgspec import Meta

from server import codes
from server.db import ThreadLocalDatabase
from server.messages import UI_MESSAGES
from server.migrations import REPORT_STATUSES
from server.ratelimit import Limit, RateLimiter, parse_proxies
from server.secrets_store import load_or_create
from server.settings import Settings
from server.staff import StaffService, write_audit

logger = logging.getLogger("server.reports")

Category = Literal[
    "seen_a_knife",
    "someone_carrying",
    "threat_or_planned_violence",
    "being_pressured_or_exploited",
    "unsafe_place",
    "something_else",
]
When = Literal["now", "today", "this_week", "earlier"]
Status = Literal["received", "being_looked_at", "passed_on", "closed"]
ReportLang = Literal["en", "ar", "bn", "pl", "pt", "ro", "so", "tr", "ur"]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
assert STATUSES == REPORT_STATUSES  # noqa: S101 - the schema's CHECK must match the API

# An outward code ("postcode district"): LU1, SW1A, M60, EC1A. Never a full postcode.
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
# C0 control characters other than tab and newline, and DEL: never useful in a report.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MAX_REPORTER_MESSAGES = 50
IDEMPOTENCY_HOURS = 24
PAGE_SIZE = 25

STATUS_TEXT: dict[str, str] = {s: UI_MESSAGES[f"report.status.{s}"] for s in REPORT_STATUSES}
THANK_YOU = UI_MESSAGES["report.thank_you"]
EMERGENCY = UI_MESSAGES["report.emergency"]
EMERGENCY_NUMBER = "999"

ReportText = Annotated[str, Meta(min_length=1, max_length=4000)]
CodeText = Annotated[str, Meta(min_length=1, max_length=100)]


class NewReport(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a young person sends. Every field is checked; unknown fields are refused."""

    category: Category
    what_happened: ReportText
    when: When
    danger_now: bool
    lang: ReportLang
    where: Annotated[str, Meta(max_length=200)] | None = None
    area: Annotated[str, Meta(max_length=10)] | None = None


class Created(msgspec.Struct, frozen=True):
    code: str
    lang: str
    danger_now: bool


class ThreadMessage(msgspec.Struct, frozen=True):
    sender: Literal["reporter", "team"]
    text: str
    day: dt.date
    staff_username: str | None = None


class Thread(msgspec.Struct, frozen=True):
    status: str
    messages: list[ThreadMessage]


class InboxItem(msgspec.Struct, frozen=True):
    id: int
    category: str
    status: str
    danger_now: bool
    when: str
    received_hour: str
    awaiting_team: bool
    excerpt: str
    area: str | None


class ReportDetail(msgspec.Struct, frozen=True):
    id: int
    category: str
    what_happened: str
    where: str | None
    area: str | None
    when: str
    danger_now: bool
    lang: str
    status: str
    notes: str
    received_hour: str
    awaiting_team: bool
    messages: list[ThreadMessage]


class PurgeResult(msgspec.Struct, frozen=True):
    reports: int
    idempotency_keys: int
    staff_sessions: int


class InvalidReport(ValueError):
    """A field passed the schema but not our rules; `field` names it for the 422."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class IdempotencyMismatch(ValueError):
    """The Idempotency-Key was used before with a different report."""


class ReportClosed(ValueError):
    """The team has closed this report; the reporter cannot add to it."""


class TooManyMessages(ValueError):
    """The reporter has already sent the most messages one report may hold."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_hour(moment: dt.datetime) -> str:
    """A time rounded down to the hour, as stored: '2027-03-01T17:00Z'."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:00Z")


def clean_text(text: str) -> str:
    return CONTROL.sub("", text).strip()


def clean_report(report: NewReport) -> NewReport:
    """Apply the rules msgspec cannot express; raise InvalidReport naming the field."""
    what = clean_text(report.what_happened)
    if not what:
        raise InvalidReport("what_happened", "Please tell us what happened.")
    where = clean_text(report.where) if report.where else None
    area = None
    if report.area and report.area.strip():
        area = re.sub(r"\s+", "", report.area).upper()
        if not DISTRICT.fullmatch(area):
            raise InvalidReport("area", "Give only the first part of a postcode, like LU1 or SW1A.")
    return msgspec.structs.replace(report, what_happened=what, where=where or None, area=area)


def fingerprint(secret: bytes, report: NewReport) -> bytes:
    """A keyed hash of the report as decoded, to spot a reused Idempotency-Key."""
    body = msgspec.json.encode(report)
    return hmac.new(secret, b"idempotency-body:" + body, hashlib.sha256).digest()


T = TypeVar("T")


class GroupCommit:
    """One writer thread that commits the reports arriving together in one transaction.

    With synchronous=FULL every commit waits for the disk (an fsync), which caps one-at-a-time
    commits at the disk's fsync rate (about 270 a second on the development machine). Jobs
    that queue up while one commit is in flight are committed together by the next, so many
    reports share one fsync. Each job runs inside its own SAVEPOINT, so one job's error
    leaves the others in the batch untouched, and each caller's answer is released only
    after the COMMIT has returned: nothing is acknowledged before it is on disk.
    """

    MAX_BATCH = 256

    def __init__(self, connect: Callable[[], Any]) -> None:
        self._connect = connect
        self._queue: queue.SimpleQueue[
            tuple[Callable[[sqlite3.Connection], Any], Future[Any]] | None
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0

    def submit(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """Run `job` in the next write transaction; its result once committed."""
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="reports-writer", daemon=True
                    )
                    self._thread.start()
        future: Future[T] = Future()
        self._queue.put((job, future))
        return future.result()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        conn: sqlite3.Connection = self._connect().conn
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            stop = False
            while len(batch) < self.MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._commit(conn, batch)
            if stop:
                return

    def _commit(
        self,
        conn: sqlite3.Connection,
        batch: list[tuple[Callable[[sqlite3.Connection], Any], Future[Any]]],
    ) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job, future in batch:
                conn.execute("SAVEPOINT job")
                try:
                    outcomes.append((future, job(conn), None))
                except Exception as exc:
                    conn.execute("ROLLBACK TO job")
                    outcomes.append((future, None, exc))
                conn.execute("RELEASE job")
            conn.commit()
        except BaseException as exc:
            if conn.in_transaction:
                conn.rollback()
            for _job, future in batch:
                future.set_exception(exc)
            return
        self.batches += 1
        for future, value, error in outcomes:
            if error is None:
                future.set_result(value)
            else:
                future.set_exception(error)


class ReportStore:
    """Every read and write of reports and their messages, on reports.db."""

    def __init__(
        self,
        path: Path,
        secret: bytes,
        retention_days: int,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.db = ThreadLocalDatabase(path, synchronous="FULL", secure_delete=True)
        self.secret = secret
        self.retention_days = retention_days
        self.clock = clock
        # Held by purge() and close(): closing must wait for a purge running in a thread.
        self._maintenance = threading.Lock()
        self.writer = GroupCommit(self.db.get)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.get().conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so check-then-insert cannot race."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    # -- the reporter's side

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
        self, report: NewReport, key: uuid.UUID | None = None, body_hash: bytes = b""
    ) -> tuple[Created, bool]:
        """Store a cleaned report; (answer, True) if new, (earlier answer, False) if a retry.

        Returns only once the report is committed to disk.
        """
        hour = to_hour(self.clock())
        return self.writer.submit(lambda conn: self._create_in(conn, report, key, body_hash, hour))

    def _create_in(
        self,
        conn: sqlite3.Connection,
        report: NewReport,
        key: uuid.UUID | None,
        body_hash: bytes,
        hour: str,
    ) -> tuple[Created, bool]:
        if key is not None:
            earlier = self.replay(key, body_hash, conn)
            if earlier is not None:
                return earlier, False
        for _attempt in range(5):
            code = codes.new_code()
            try:
                cursor = conn.execute(
                    "INSERT INTO reports (code_hash, category, what_happened, where_text, "
                    "area, when_happened, danger_now, lang, received_hour) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        codes.code_hash(self.secret, code),
                        report.category,
                        report.what_happened,
                        report.where,
                        report.area,
                        report.when,
                        int(report.danger_now),
                        report.lang,
                        hour,
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

    def _messages(self, conn: sqlite3.Connection, report_id: int) -> list[ThreadMessage]:
        return [
            ThreadMessage(
                sender=r[0], text=r[1], day=dt.date.fromisoformat(r[2]), staff_username=r[3]
            )
            for r in conn.execute(
                "SELECT sender, text, day, staff_username FROM report_messages "
                "WHERE report_id = ? ORDER BY id",
                (report_id,),
            )
        ]

    def lookup(self, code: str) -> Thread | None:
        """The status and thread for a code, or None.

        A wrong code does the same work as a right one (hash, then both queries), so the
        time taken does not say how close a guess was or whether the code was well formed.
        """
        conn = self.conn
        digest = codes.code_hash(self.secret, code)
        row = conn.execute(
            "SELECT id, status FROM reports WHERE code_hash = ?", (digest,)
        ).fetchone()
        messages = self._messages(conn, row[0] if row else -1)
        if row is None:
            return None
        return Thread(status=row[1], messages=messages)

    def reply(self, code: str, text: str) -> Thread | None:
        """Add the reporter's message to their report's thread; returns once committed."""
        digest = codes.code_hash(self.secret, code)
        day = self.clock().astimezone(dt.UTC).date().isoformat()
        return self.writer.submit(lambda conn: self._reply_in(conn, digest, text, day))

    def _reply_in(
        self, conn: sqlite3.Connection, digest: bytes, text: str, day: str
    ) -> Thread | None:
        row = conn.execute(
            "SELECT id, status FROM reports WHERE code_hash = ?", (digest,)
        ).fetchone()
        if row is None:
            return None
        report_id, status = row
        if status == "closed":
            raise ReportClosed
        (sent,) = conn.execute(
            "SELECT count(*) FROM report_messages WHERE report_id = ? AND sender = 'reporter'",
            (report_id,),
        ).fetchone()
        if sent >= MAX_REPORTER_MESSAGES:
            raise TooManyMessages
        conn.execute(
            "INSERT INTO report_messages (report_id, sender, text, day) "
            "VALUES (?, 'reporter', ?, ?)",
            (report_id, text, day),
        )
        conn.execute("UPDATE reports SET awaiting_team = 1 WHERE id = ?", (report_id,))
        return Thread(status=status, messages=self._messages(conn, report_id))

    # -- the team's side (each call names the staff member, for the audit log)

    @staticmethod
    def _filters(
        status: str | None, category: str | None, ids: list[int] | None = None
    ) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if status:
            clauses.append("status = ?")
            params.append(status)
        if category:
            clauses.append("category = ?")
            params.append(category)
        if ids:
            clauses.append(f"id IN ({', '.join('?' * len(ids))})")
            params.extend(ids)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def inbox(
        self, actor: str, status: str | None, category: str | None, page: int
    ) -> tuple[list[InboxItem], int]:
        """One page of reports, danger_now first, then newest first; and the total."""
        where, params = self._filters(status, category)
        with self.write() as conn:
            (total,) = conn.execute(f"SELECT count(*) FROM reports{where}", params).fetchone()  # noqa: S608
            rows = conn.execute(
                "SELECT id, category, status, danger_now, when_happened, received_hour, "  # noqa: S608
                f"awaiting_team, substr(what_happened, 1, 160), area FROM reports{where} "
                "ORDER BY danger_now DESC, received_hour DESC, id DESC LIMIT ? OFFSET ?",
                [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE],
            ).fetchall()
            detail = f"status={status or 'any'} category={category or 'any'} page={page}"
            write_audit(conn, actor, "view_inbox", None, detail)
        items = [
            InboxItem(
                id=r[0],
                category=r[1],
                status=r[2],
                danger_now=bool(r[3]),
                when=r[4],
                received_hour=r[5],
                awaiting_team=bool(r[6]),
                excerpt=r[7],
                area=r[8],
            )
            for r in rows
        ]
        return items, total

    def _detail(self, conn: sqlite3.Connection, report_id: int) -> ReportDetail | None:
        r = conn.execute(
            "SELECT id, category, what_happened, where_text, area, when_happened, danger_now, "
            "lang, status, notes, received_hour, awaiting_team FROM reports WHERE id = ?",
            (report_id,),
        ).fetchone()
        if r is None:
            return None
        return ReportDetail(
            id=r[0],
            category=r[1],
            what_happened=r[2],
            where=r[3],
            area=r[4],
            when=r[5],
            danger_now=bool(r[6]),
            lang=r[7],
            status=r[8],
            notes=r[9],
            received_hour=r[10],
            awaiting_team=bool(r[11]),
            messages=self._messages(conn, report_id),
        )

    def get(self, actor: str, report_id: int) -> ReportDetail | None:
        with self.write() as conn:
            detail = self._detail(conn, report_id)
            if detail is not None:
                write_audit(conn, actor, "view_report", report_id)
        return detail

    def update(
        self, actor: str, report_id: int, status: str | None, notes: str | None
    ) -> ReportDetail | None:
        with self.write() as conn:
            before = self._detail(conn, report_id)
            if before is None:
                return None
            if status is not None and status != before.status:
                conn.execute("UPDATE reports SET status = ? WHERE id = ?", (status, report_id))
                write_audit(conn, actor, "change_status", report_id, f"{before.status} -> {status}")
            if notes is not None and notes != before.notes:
                conn.execute("UPDATE reports SET notes = ? WHERE id = ?", (notes, report_id))
                # The notes themselves stay out of the audit log: it outlives the report.
                write_audit(conn, actor, "edit_notes", report_id, f"{len(notes)} characters")
            return self._detail(conn, report_id)

    def add_team_message(self, actor: str, report_id: int, text: str) -> ReportDetail | None:
        day = self.clock().astimezone(dt.UTC).date().isoformat()
        with self.write() as conn:
            if conn.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
                return None
            conn.execute(
                "INSERT INTO report_messages (report_id, sender, staff_username, text, day) "
                "VALUES (?, 'team', ?, ?, ?)",
                (report_id, actor, text, day),
            )
            conn.execute("UPDATE reports SET awaiting_team = 0 WHERE id = ?", (report_id,))
            write_audit(conn, actor, "send_message", report_id, f"{len(text)} characters")
            return self._detail(conn, report_id)

    def export_csv(
        self, actor: str, status: str | None, category: str | None, ids: list[int] | None
    ) -> tuple[str, int]:
        """Reports as CSV for the police or Crimestoppers; cells cannot run as formulas."""
        where, params = self._filters(status, category, ids)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "report",
                "received (UTC, to the hour)",
                "category",
                "when",
                "danger now",
                "where",
                "area",
                "what happened",
                "status",
                "language",
                "further messages from the reporter",
            ]
        )
        with self.write() as conn:
            rows = conn.execute(
                "SELECT id, received_hour, category, when_happened, danger_now, where_text, "  # noqa: S608
                f"area, what_happened, status, lang FROM reports{where} "
                "ORDER BY danger_now DESC, received_hour DESC, id DESC",
                params,
            ).fetchall()
            for r in rows:
                followups = " | ".join(
                    f"{m.day.isoformat()}: {m.text}"
                    for m in self._messages(conn, r[0])
                    if m.sender == "reporter"
                )
                cells = [*r[:4], "yes" if r[4] else "no", *r[5:], followups]
                writer.writerow([_safe_cell(c) for c in cells])
            ids_text = ",".join(str(r[0]) for r in rows)
            write_audit(conn, actor, "export_csv", None, f"{len(rows)} report(s): {ids_text}")
        return out.getvalue(), len(rows)

    # -- retention

    def purge(self, now: dt.datetime | None = None) -> PurgeResult:
        """Delete reports past the retention period, old idempotency keys, expired sessions.

        secure_delete overwrites the freed pages, and the WAL is then checkpointed and
        truncated, so the deleted text is gone from every file, not merely unlinked.
        """
        with self._maintenance:
            return self._purge(now or self.clock())

    def _purge(self, now: dt.datetime) -> PurgeResult:
        cutoff = to_hour(now - dt.timedelta(days=self.retention_days))
        key_cutoff = to_hour(now - dt.timedelta(hours=IDEMPOTENCY_HOURS))
        with self.write() as conn:
            reports = conn.execute(
                "DELETE FROM reports WHERE received_hour < ?", (cutoff,)
            ).rowcount
            keys = conn.execute(
                "DELETE FROM idempotency_keys WHERE received_hour < ?", (key_cutoff,)
            ).rowcount
            sessions = conn.execute(
                "DELETE FROM staff_sessions WHERE expires_at < ?", (int(now.timestamp()),)
            ).rowcount
            if reports:
                write_audit(conn, "system", "purge", None, f"{reports} report(s) past retention")
        if reports or keys or sessions:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return PurgeResult(reports=reports, idempotency_keys=keys, staff_sessions=sessions)

    def close(self) -> None:
        with self._maintenance:
            self.writer.close()
            self.db.close()


def _safe_cell(value: object) -> str:
    """Text a spreadsheet will show as text: a leading =, +, -, @, tab or CR would run as a
    formula (CSV injection), so such cells start with an apostrophe."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


# -- wiring: the services create_app() puts in the app's state


class Limits(msgspec.Struct, frozen=True):
    report: Limit
    report_global: Limit
    lookup: Limit
    login: Limit


def build_reporting(settings: Settings) -> dict[str, Any]:
    """The report store, staff service, rate limiter and limits, from the settings."""
    path = settings.data_path / "reports.db"
    secret = load_or_create(settings.secrets_path, "follow-up-codes")
    return {
        "reports": ReportStore(path, secret, settings.report_retention_days),
        "staff": StaffService(path, settings.staff_session_hours),
        "limiter": RateLimiter(trusted_proxies=parse_proxies(settings.trusted_proxies)),
        "limits": Limits(
            report=Limit("report", settings.reports_per_hour),
            report_global=Limit("report_global", settings.reports_per_hour_global),
            lookup=Limit("lookup", settings.lookups_per_hour),
            login=Limit("login", settings.logins_per_hour),
        ),
    }


PURGE_EVERY_SECONDS = 3600


@asynccontextmanager
async def purge_hourly(app: Litestar) -> AsyncIterator[None]:
    """Delete reports past the retention period at start-up and then every hour."""
    store: ReportStore = app.state.reports

    async def loop() -> None:
        while True:
            try:
                await anyio.to_thread.run_sync(store.purge)
            except Exception as exc:  # keep purging next hour even if this run failed
                logger.error("Retention purge failed: %s", type(exc).__name__)
            await anyio.sleep(PURGE_EVERY_SECONDS)

    task = asyncio.get_running_loop().create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        store.close()
        app.state.staff.close()
