"""Content feedback: "Report a mistake" on a card or helpline, and the staff queue for it.

Kept apart from safeguarding reports (its own table, its own rate limit, its own staff page)
but under the same anonymity rules: what was sent is kept with the card or helpline it is
about, the language and the day it arrived, and nothing about the sender: no address, no
user agent, no cookie, no time finer than the day. Items are deleted after the report
retention period.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from server import problems
from server.content import Content
from server.db import ThreadLocalDatabase
from server.i18n import Languages
from server.messages import UI_MESSAGES
from server.ratelimit import Limit, RateLimiter
from server.staff import write_audit

Kind = Literal["wrong_fact", "bad_translation", "out_of_date", "something_else"]
Target = Literal["card", "helpline"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
TARGETS: tuple[str, ...] = Target.__args__  # type: ignore[attr-defined]
MAX_TEXT = 1000
PAGE_SIZE = 50
# C0 control characters other than tab and newline, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
TOO_MANY = UI_MESSAGES["feedback.too_many"]


class NewFeedback(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the "Report a mistake" form sends; the app fills in target, id and language."""

    kind: Kind
    target: Target
    target_id: Annotated[str, Meta(min_length=1, max_length=80, pattern=r"^[a-z0-9-]+$")]
    lang: Annotated[str, Meta(min_length=2, max_length=8, pattern=r"^[a-z]{2,3}$")]
    text: Annotated[str, Meta(max_length=MAX_TEXT)] = ""


class FeedbackReceived(msgspec.Struct, frozen=True):
    received: bool
    message: str


class FeedbackItem(msgspec.Struct, frozen=True):
    """One item as staff see it."""

    id: int
    kind: Kind
    target: Target
    target_id: str
    title: str
    lang: str
    text: str
    received_day: dt.date
    done: bool
    done_by: str | None
    done_day: dt.date | None


class FeedbackStore:
    """The content_feedback table in reports.db (see the migration 0003_content_feedback)."""

    def __init__(self, db: ThreadLocalDatabase, retention_days: int) -> None:
        self.db = db
        self.retention_days = retention_days

    def _oldest(self, today: dt.date) -> str:
        return (today - dt.timedelta(days=self.retention_days)).isoformat()

    def purge(self, today: dt.date) -> None:
        """Delete items older than the retention period."""
        db = self.db.get()
        with db.conn:
            db.table("content_feedback").delete_where("received_day < ?", [self._oldest(today)])

    def add(self, item: NewFeedback, text: str, today: dt.date) -> int:
        """Store one item (and delete any older than the retention period) in one transaction."""
        db = self.db.get()
        oldest = self._oldest(today)
        with db.conn:
            table = db.table("content_feedback")
            table.insert(
                {
                    "kind": item.kind,
                    "target": item.target,
                    "target_id": item.target_id,
                    "lang": item.lang,
                    "text": text,
                    "received_day": today.isoformat(),
                }
            )
            row_id = table.last_rowid
            table.delete_where("received_day < ?", [oldest])
        assert row_id is not None  # noqa: S101 - an insert always has one
        return row_id

    def page(self, done: bool, page: int) -> tuple[list[dict[str, Any]], int]:
        """One page of open (or done) items, newest first, and how many there are in all."""
        table = self.db.get().table("content_feedback")
        total = table.count_where("done = ?", [int(done)])
        rows = table.rows_where(
            "done = ?",
            [int(done)],
            order_by="received_day DESC, id DESC",
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        return list(rows), total

    def mark(self, item_id: int, done: bool, username: str, today: dt.date) -> bool:
        """Mark an item done (or open again), with the audit log entry, in one transaction."""
        conn = self.db.get().conn
        with conn:
            cursor = conn.execute(
                "UPDATE content_feedback SET done = ?, done_by = ?, done_day = ? WHERE id = ?",
                (
                    int(done),
                    username if done else None,
                    today.isoformat() if done else None,
                    item_id,
                ),
            )
            if cursor.rowcount:
                write_audit(
                    conn,
                    username,
                    "feedback_done" if done else "feedback_reopened",
                    None,
                    f"feedback {item_id}",
                )
        return bool(cursor.rowcount)


class FeedbackService:
    """Checks and stores what the form sends, within its own rate limit; lists it for staff."""

    def __init__(
        self,
        store: FeedbackStore,
        limiter: RateLimiter,
        per_hour: int,
        content: Content,
        languages: Languages,
    ) -> None:
        self.store = store
        self.limiter = limiter
        self.limit = Limit("feedback", per_hour)
        self.content = content
        self.languages = languages

    def submit(
        self, item: NewFeedback, source: bytes, today: dt.date | None = None
    ) -> FeedbackReceived:
        if item.lang not in self.languages.info:
            raise problems.Invalid(
                "invalid_input", "Check 'lang': that language is not one of ours."
            )
        _ = self.languages.gettext(item.lang).gettext
        if self._title(item.target, item.target_id) is None:
            raise problems.Invalid(
                "unknown_target", f"Check 'target_id': there is no {item.target} like that."
            )
        self.limiter.check([(self.limit, source)], TOO_MANY, _)
        text = CONTROL.sub("", item.text).strip()
        self.store.add(item, text, today or dt.date.today())
        return FeedbackReceived(received=True, message=_(UI_MESSAGES["feedback.thanks"]))

    def _title(self, target: str, target_id: str) -> str | None:
        if target == "card":
            card = self.content.cards.get(target_id)
            return card.title if card else None
        helpline = self.content.helplines.get(target_id)
        return helpline.name if helpline else None

    def items(
        self, done: bool, page: int, today: dt.date | None = None
    ) -> tuple[list[FeedbackItem], int]:
        """A page of the queue for staff; items past the retention period are deleted first,
        so an idle queue keeps nothing longer than reports are kept."""
        self.store.purge(today or dt.date.today())
        rows, total = self.store.page(done, page)
        items = [
            msgspec.convert(
                {
                    **row,
                    "done": bool(row["done"]),
                    "title": self._title(row["target"], row["target_id"]) or row["target_id"],
                },
                FeedbackItem,
            )
            for row in rows
        ]
        return items, total

    def mark(self, item_id: int, done: bool, username: str) -> None:
        if not self.store.mark(item_id, done, username, dt.date.today()):
            raise problems.NotFound("feedback_not_found", "There is no item with that number.")

    def close(self) -> None:
        self.store.db.close()
