"""Sync the directory from a council's live Open Referral UK API (v1 or 3.0).

Every page is read (real importers have stopped at page 1), full records are fetched with
/services/{id} when the list leaves fields out, and only when the whole feed has been read is
anything stored: in one transaction, so a failed or partial sync changes nothing. Requests
carry our User-Agent (some servers refuse requests without one), time out, and are retried a
few times with growing waits when the server is busy or failing.

Sources are remembered in directory.db (sync_sources) with their last success, counts and
last error, so `consequences services sync --all` and the server's schedule re-sync them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import anyio.to_thread
import httpx
import msgspec
import sqlite_utils

from server import __version__
from server.directory.importer import ImportReport, store_records
from server.oruk import FeedError, read_service
from server.settings import Settings

log = logging.getLogger(__name__)

USER_AGENT = f"ConsequencesCard/{__version__} (Open Referral UK directory sync)"
# Status codes worth asking again for: the server is busy or briefly failing.
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SyncError(Exception):
    """The feed could not be read in full, so nothing was changed."""


@dataclass(frozen=True)
class SyncOptions:
    """How patient to be with a feed."""

    timeout_seconds: float = 30.0
    retries: int = 3  # further attempts after the first
    backoff_seconds: float = 1.0  # the first wait; each further wait doubles
    per_page: int = 100
    max_pages: int = 5000
    max_services: int = 200_000


@dataclass
class FeedRead:
    """A whole feed, read: its version, how many pages it took and every service in it."""

    version: str
    pages: int = 0
    services: list[dict[str, Any]] = field(default_factory=list)
    details_fetched: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    """What one sync did, for the command's output and the sources table."""

    source: str
    url: str
    version: str = ""
    pages: int = 0
    services: int = 0
    changes: ImportReport = field(default_factory=ImportReport)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def lines(self) -> list[str]:
        head = f"{self.source}: {self.url}" + (f" (ORUK {self.version})" if self.version else "")
        out = [head]
        if self.error:
            out.append(f"  failed, nothing changed: {self.error}")
            return out
        out.append(f"  {self.pages} pages, {self.services} services")
        out.append(f"  {self.changes.summary()}")
        out += [f"  warning: {w}" for w in self.warnings]
        return out


def base_url(url: str) -> str:
    """The API's root, whether the URL given was the root or its /services list."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SyncError(f"{url!r} is not an http(s) address")
    path = parts.path.rstrip("/")
    if path.endswith("/services"):
        path = path[: -len("/services")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def source_name(url: str) -> str:
    """A default name for a feed: its host, e.g. api.example.gov.uk."""
    return urlsplit(url.strip()).hostname or url


class FeedClient:
    """JSON over HTTP with our User-Agent, timeouts and bounded retries with backoff."""

    def __init__(
        self,
        options: SyncOptions,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options
        self.sleep = sleep
        self.requests = 0
        self._client = client or httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=httpx.Timeout(
                options.timeout_seconds, connect=min(10.0, options.timeout_seconds)
            ),
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """The decoded JSON at url; SyncError once the retries are used up or on a 4xx."""
        problem = ""
        attempts = self.options.retries + 1
        for attempt in range(attempts):
            wait = self.options.backoff_seconds * 2**attempt
            self.requests += 1
            try:
                response = self._client.get(url, params=params)
            except httpx.TimeoutException:
                problem = f"no answer within {self.options.timeout_seconds:g} seconds"
            except httpx.TransportError as exc:
                problem = f"could not connect ({type(exc).__name__})"
            else:
                if response.status_code == 200:
                    try:
                        return msgspec.json.decode(response.content)
                    except msgspec.DecodeError:
                        raise SyncError(f"{response.url}: the answer is not JSON") from None
                if response.status_code not in _RETRY_STATUSES:
                    raise SyncError(f"{response.url}: HTTP {response.status_code}")
                problem = f"HTTP {response.status_code}"
                retry_after = response.headers.get("retry-after", "")
                if retry_after.isdigit():
                    wait = max(wait, min(float(retry_after), 60.0))
            if attempt + 1 < attempts:
                self.sleep(wait)
        shown = url + (f"?{httpx.QueryParams(params)}" if params else "")
        raise SyncError(f"{shown}: {problem} (tried {attempts} times)")


def _page_of(data: Any) -> tuple[str, list[Any], int | None, int | None, bool]:
    """(shape, services, total pages, total items, whether it says it is the last page)."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return (
            "3.0",
            data["contents"],
            _whole(data.get("total_pages")),
            _whole(data.get("total_items")),
            data.get("last_page") is True,
        )
    if isinstance(data, dict) and isinstance(data.get("content"), list):
        return (
            "1.0",
            data["content"],
            _whole(data.get("totalPages")),
            _whole(data.get("totalElements")),
            data.get("last") is True,
        )
    if isinstance(data, list):
        return "1.0", data, None, None, False
    raise SyncError("the services list is neither an ORUK 3.0 page nor a v1 (Spring) page")


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Fields a full record has that list items often leave out; without any, /services/{id} is asked.
_DETAIL_FIELDS = ("service_at_locations", "locations", "schedules", "regular_schedules")


def read_feed(url: str, feed: FeedClient) -> FeedRead:
    """Every service in the feed at url, with full records; SyncError if any page fails."""
    base = base_url(url)
    options = feed.options
    version = ""
    try:
        root = feed.get(f"{base}/")
    except SyncError:
        root = None  # `/` is required by 3.0 but often missing from v1 servers
    if isinstance(root, dict) and root.get("version"):
        version = "3.0" if str(root["version"]).strip().lstrip("vV").startswith("3") else "1.0"
    read = FeedRead(version=version)
    seen: set[str] = set()
    expected: int | None = None
    page = 1
    while True:
        if page > options.max_pages:
            raise SyncError(f"more than {options.max_pages} pages; stopped")
        data = feed.get(f"{base}/services", {"page": page, "per_page": options.per_page})
        shape, items, total_pages, total_items, last = _page_of(data)
        read.version = read.version or shape
        expected = total_items if total_items is not None else expected
        if not items:
            break  # an empty page: past the end
        new = 0
        for item in items:
            item_id = str(item.get("id") or "") if isinstance(item, dict) else ""
            if item_id and item_id in seen:
                continue
            seen.add(item_id)
            new += 1
            read.services.append(item)
        if len(read.services) > options.max_services:
            raise SyncError(f"more than {options.max_services} services; stopped")
        if not new:
            read.warnings.append(
                f"page {page} repeated services already read (the server ignores paging?); "
                "stopped there"
            )
            break
        read.pages += 1
        if last or (total_pages is not None and page >= total_pages):
            break
        page += 1
    if expected is not None and expected != len(read.services):
        read.warnings.append(
            f"the feed says it has {expected} services but its pages held {len(read.services)}"
        )
    for index, item in enumerate(read.services):
        if isinstance(item, dict) and item.get("id") and not any(k in item for k in _DETAIL_FIELDS):
            try:
                full = feed.get(f"{base}/services/{quote(str(item['id']), safe='')}")
            except SyncError as exc:
                read.warnings.append(f"service {item['id']}: no full record ({exc}); used the list")
                continue
            if isinstance(full, dict) and str(full.get("id")) == str(item["id"]):
                read.services[index] = full
                read.details_fetched += 1
    return read


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def remember_source(db: sqlite_utils.Database, name: str, url: str, replace: bool) -> None:
    db.execute(
        "INSERT INTO sync_sources (name, url, replace_others) VALUES (?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET url = excluded.url, "
        "replace_others = excluded.replace_others",
        [name, url, int(replace)],
    )
    db.conn.commit()


def sync_feed(
    db: sqlite_utils.Database,
    url: str,
    *,
    source: str | None = None,
    replace: bool = False,
    options: SyncOptions | None = None,
    client: FeedClient | None = None,
) -> SyncReport:
    """Read the feed in full, then store it in one transaction; remember how it went.

    Raises nothing for a feed that fails: the report carries the error and nothing changed.
    """
    name = source or source_name(url)
    report = SyncReport(source=name, url=url)
    feed = client or FeedClient(options or SyncOptions())
    try:
        base_url(url)
        remember_source(db, name, url, replace)
        read = read_feed(url, feed)
        report.version, report.pages, report.services = read.version, read.pages, len(read.services)
        report.warnings += read.warnings
        if not read.services:
            raise SyncError("the feed has no services")
        parsed = [read_service(service) for service in read.services]
        # With several sources, --replace must not remove the other sources' services.
        report.changes = store_records(
            db, parsed, source=name, replace=replace, replace_only_source=True
        )
        report.warnings += report.changes.lines
    except (SyncError, FeedError) as exc:
        report.error = str(exc)
    finally:
        if client is None:
            feed.close()
    _record(db, report)
    return report


def _record(db: sqlite_utils.Database, report: SyncReport) -> None:
    now = _now()
    if report.error:
        db.execute(
            "UPDATE sync_sources SET last_attempt_at = ?, last_error = ? WHERE name = ?",
            [now, report.error, report.source],
        )
    else:
        changes = report.changes
        db.execute(
            "UPDATE sync_sources SET version = ?, last_attempt_at = ?, last_success_at = ?, "
            "last_error = NULL, pages = ?, services = ?, imported = ?, updated = ?, removed = ?, "
            "warnings = ? WHERE name = ?",
            [
                report.version, now, now, report.pages, report.services, changes.imported,
                changes.updated, changes.removed, len(report.warnings), report.source,
            ],
        )  # fmt: skip
    db.conn.commit()


class Source(msgspec.Struct, frozen=True, kw_only=True):
    """A remembered feed and how its last sync went (GET /api/v1/services/sources)."""

    name: str
    url: str
    version: str | None
    replace: bool
    last_attempt_at: str | None
    last_success_at: str | None
    last_error: str | None
    pages: int
    services: int
    imported: int
    updated: int
    removed: int
    warnings: int


def sources(db: sqlite_utils.Database) -> list[Source]:
    rows = db.execute(
        "SELECT name, url, version, replace_others, last_attempt_at, last_success_at, "
        "last_error, pages, services, imported, updated, removed, warnings "
        "FROM sync_sources ORDER BY name"
    ).fetchall()
    return [
        Source(
            name=r[0], url=r[1], version=r[2], replace=bool(r[3]), last_attempt_at=r[4],
            last_success_at=r[5], last_error=r[6], pages=r[7], services=r[8], imported=r[9],
            updated=r[10], removed=r[11], warnings=r[12],
        )
        for r in rows
    ]  # fmt: skip


def sync_all(
    db: sqlite_utils.Database,
    options: SyncOptions | None = None,
    due: Callable[[Source], bool] = lambda _s: True,
) -> list[SyncReport]:
    """Re-sync every remembered source (those `due` says), each in its own transaction."""
    return [
        sync_feed(db, s.url, source=s.name, replace=s.replace, options=options)
        for s in sources(db)
        if due(s)
    ]


@contextmanager
def _only_one(lock_path: Path) -> Iterator[bool]:
    """Whether this process holds the sync lock (one worker syncs; the others skip)."""
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync_due(data_dir: Path, every_hours: int, now: dt.datetime | None = None) -> list[SyncReport]:
    """The scheduled sync: every source not tried for `every_hours`, by one worker at a time."""
    from server.db import connect

    moment = now or dt.datetime.now(dt.UTC)
    cutoff = (moment - dt.timedelta(hours=every_hours)).isoformat(timespec="seconds")

    def due(source: Source) -> bool:
        return source.last_attempt_at is None or source.last_attempt_at <= cutoff

    with _only_one(data_dir / ".sync.lock") as mine:
        if not mine:
            return []
        db = connect(data_dir / "directory.db")
        try:
            reports = sync_all(db, due=due)
        finally:
            db.conn.close()
    for report in reports:
        if report.error:
            log.warning("directory sync of %s failed: %s", report.source, report.error)
        else:
            log.info("directory sync of %s: %s", report.source, report.changes.summary())
    return reports


# How often the server looks for sources that are due; each is synced every sync_every_hours.
_SCHEDULE_CHECK_SECONDS = 600.0


async def sync_forever(settings: Settings, check_seconds: float = _SCHEDULE_CHECK_SECONDS) -> None:
    """The server's schedule: sync the sources that are due, then look again in a while."""
    while True:
        try:
            await anyio.to_thread.run_sync(sync_due, settings.data_path, settings.sync_every_hours)
        except Exception:  # a bad sync must not stop the schedule
            log.exception("the scheduled directory sync failed")
        await asyncio.sleep(check_seconds)
