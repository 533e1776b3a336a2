"""Listings people can trust: the published feed, "Suggest a change", and the synced sources.

A suggestion is about a listing, not a person: it holds the topic (Outpost's four), the
optional words and the day it came, and nothing about who sent it (no address, no user agent,
no time of day). Staff read them in their own queue, apart from safeguarding reports, and
mark each one done.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from server.db import ThreadLocalDatabase
from server.directory.publish import Publisher
from server.problems import NotFound
from server.ratelimit import Limit
from server.sync import Source, sources
from server.textsafe import clean_text

# Outpost's four topics for a suggested change.
Topic = Literal["out_of_date", "extra_information", "service_closed", "something_else"]
SuggestionText = Annotated[str, Meta(max_length=1000)]
PAGE_SIZE = 50


class SuggestionIn(msgspec.Struct, forbid_unknown_fields=True):
    topic: Topic
    text: SuggestionText = ""


class SuggestionReceived(msgspec.Struct, frozen=True):
    received: bool
    message: str


class Suggestion(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    service_id: int
    service_name: str
    source: str
    source_id: str
    topic: Topic
    text: str
    received_on: str
    done_at: str | None
    done_by: str | None


class SuggestionPage(msgspec.Struct, frozen=True):
    items: list[Suggestion]
    page: int
    pages: int
    total: int


_COLUMNS = (
    "id, service_id, service_name, source, source_id, topic, text, received_on, done_at, done_by"
)


class SuggestionStore:
    """The listing_suggestions table in directory.db. Like reports and content feedback, a
    suggestion is kept for the retention period (CONSEQUENCES_REPORT_RETENTION_DAYS), done or
    not: older ones are deleted whenever one arrives and whenever staff read the queue."""

    def __init__(
        self, db: ThreadLocalDatabase, retention_days: int, today: type[dt.date] = dt.date
    ) -> None:
        self.db = db
        self.retention_days = retention_days
        self._today = today

    def add(self, service_id: int, topic: Topic, text: str) -> None:
        db = self.db.get()
        row = db.execute(
            "SELECT name, source, source_id FROM services WHERE id = ?", [service_id]
        ).fetchone()
        if row is None:
            raise NotFound("service_not_found", "We could not find that service.")
        with db.atomic():
            db.execute(
                "INSERT INTO listing_suggestions (service_id, service_name, source, source_id, "
                "topic, text, received_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [service_id, row[0], row[1], row[2], topic, clean_text(text),
                 self._today.today().isoformat()],
            )  # fmt: skip
        self.purge()

    def purge(self) -> None:
        """Delete suggestions past the retention period, overwriting the space they held."""
        oldest = (self._today.today() - dt.timedelta(days=self.retention_days)).isoformat()
        db = self.db.get()
        db.execute("PRAGMA secure_delete=ON")
        try:
            with db.conn:
                db.table("listing_suggestions").delete_where("received_on < ?", [oldest])
        finally:
            db.execute("PRAGMA secure_delete=OFF")

    def page(self, done: bool, page: int) -> SuggestionPage:
        self.purge()
        db = self.db.get()
        where = "done_at IS NOT NULL" if done else "done_at IS NULL"
        total = int(
            db.execute(f"SELECT count(*) FROM listing_suggestions WHERE {where}").fetchone()[0]  # noqa: S608
        )
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM listing_suggestions WHERE {where} "  # noqa: S608 (constants)
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            [PAGE_SIZE, (page - 1) * PAGE_SIZE],
        ).fetchall()
        return SuggestionPage(
            items=[_suggestion(r) for r in rows],
            page=page,
            pages=max(1, math.ceil(total / PAGE_SIZE)),
            total=total,
        )

    def mark(self, suggestion_id: int, done: bool, username: str) -> Suggestion:
        db = self.db.get()
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds") if done else None
        with db.atomic():
            changed = db.execute(
                "UPDATE listing_suggestions SET done_at = ?, done_by = ? WHERE id = ?",
                [stamp, username if done else None, suggestion_id],
            ).rowcount
        if not changed:
            raise NotFound("suggestion_not_found", "There is no suggestion with that number.")
        row = db.execute(
            f"SELECT {_COLUMNS} FROM listing_suggestions WHERE id = ?",  # noqa: S608
            [suggestion_id],
        ).fetchone()
        return _suggestion(row)


def _suggestion(row: tuple[object, ...]) -> Suggestion:
    return msgspec.convert(dict(zip([c.strip() for c in _COLUMNS.split(",")], row, strict=True)),
                           Suggestion)  # fmt: skip


@dataclass(frozen=True)
class Listings:
    """The directory's listings for others: the ORUK feed, suggestions and synced sources."""

    publisher: Publisher
    suggestions: SuggestionStore
    suggestion_limit: Limit

    def sources(self) -> list[Source]:
        return sources(self.suggestions.db.get())
