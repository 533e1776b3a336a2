"""What a report is: its fields and their rules, the answers given about it, and its errors.

Privacy by design: a report holds what the young person chose to tell us and nothing about
them: no address, user agent, cookie or device; the time it arrived only to the hour;
messages only to the day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from server import problems
from server.audit import AuditEntry
from server.messages import UI_MESSAGES
from server.migrations import REPORT_STATUSES
from server.textsafe import clean_text

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
MAX_REPORTER_MESSAGES = 50
IDEMPOTENCY_HOURS = 24
PAGE_SIZE = 25
# The largest report number a route accepts (JavaScript's largest safe integer): larger
# numbers name no report and would overflow SQLite's 64-bit integers.
MAX_REPORT_ID = 2**53 - 1

STATUS_TEXT: dict[str, str] = {s: UI_MESSAGES[f"report.status.{s}"] for s in REPORT_STATUSES}
THANK_YOU = UI_MESSAGES["report.thank_you"]
EMERGENCY = UI_MESSAGES["report.emergency"]
EMERGENCY_NUMBER = "999"

# At least one character that cleaning keeps and that shows: text of only spaces, controls,
# bidi marks or invisible characters (soft hyphen, zero-width space and joiners, word joiner,
# byte order mark) is refused by the schema, as the API describes it. The invisible ones stay
# inside text that has words, where Urdu, Arabic and Bengali need some of them.
READABLE = (
    "[^\x00-\x20\x7f-\xa0\xad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064"
    "\u2066-\u2069\u3000\ufeff]"
)
ReportText = Annotated[str, Meta(min_length=1, max_length=4000, pattern=READABLE)]
# A postcode district in any case and spacing (LU1, "sw1a", " m 60 "), or blank.
AREA = "^ *(?:[A-Za-z] *[A-Za-z]? *[0-9] *[A-Za-z0-9]? *)?$"
CodeText = Annotated[str, Meta(min_length=1, max_length=100)]


class NewReport(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a young person sends. Every field is checked; unknown fields are refused."""

    category: Category
    what_happened: ReportText
    when: When
    danger_now: bool
    lang: ReportLang
    where: Annotated[str, Meta(max_length=200)] | None = None
    area: Annotated[str, Meta(max_length=10, pattern=AREA)] | None = None
    # The follow-up code's kind: digits in every language; English may choose words.
    code_style: Literal["words", "digits"] | None = None


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
    # issue 13: the owner, deadlines and how late the report is (0 when on time)
    owner: str | None = None
    acknowledge_by: str | None = None
    decide_by: str | None = None
    acknowledged: bool = False
    overdue_minutes: int = 0
    overdue: Literal["acknowledge", "decide"] | None = None
    # Accepted past its source's limit: a danger report during a flood, or a write that
    # paid the hardest proof of work (issue 14). Worth a look, and maybe junk.
    over_limit: bool = False


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
    # issue 13: owner, deadlines, the decision and handover, and the report's audit trail
    owner: str | None = None
    acknowledge_by: str | None = None
    decide_by: str | None = None
    acknowledged_at: str | None = None
    decided_at: str | None = None
    overdue_minutes: int = 0
    overdue: Literal["acknowledge", "decide"] | None = None
    outcome: str | None = None
    reason: str | None = None
    destination: str | None = None
    destination_name: str | None = None
    audit: list[AuditEntry] = []
    over_limit: bool = False


class PurgeResult(msgspec.Struct, frozen=True):
    reports: int
    idempotency_keys: int
    staff_sessions: int


# -- errors: each is a domain error that server.errors answers in the one error shape


class InvalidReport(problems.Invalid):
    """A field passed the schema but not our rules; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__("invalid_input", f"Check '{field}': {message}")
        self.field = field


class IdempotencyMismatch(problems.Invalid):
    """The Idempotency-Key was used before with a different report."""

    def __init__(self) -> None:
        super().__init__(
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different report.",
        )


class ReportClosed(problems.Conflict):
    """The team has closed this report; the reporter cannot add to it."""

    def __init__(self, message: str = UI_MESSAGES["report.closed"]) -> None:
        super().__init__("report_closed", message)


class TooManyMessages(problems.Conflict):
    """The reporter has already sent the most messages one report may hold."""

    def __init__(self, message: str = UI_MESSAGES["report.too_many_messages"]) -> None:
        super().__init__("too_many_messages", message)


class CodeNotFound(problems.NotFound):
    """No report has this follow-up code (or it was purged)."""

    def __init__(self, message: str = UI_MESSAGES["report.code_not_found"]) -> None:
        super().__init__("code_not_found", message)


# -- rules msgspec cannot express


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def on_the_hour(moment: dt.datetime) -> dt.datetime:
    """The time in UTC rounded down to the hour: what is kept of when a young person did
    something."""
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def to_hour(moment: dt.datetime) -> str:
    """A time rounded down to the hour, as stored: '2027-03-01T17:00Z'."""
    return on_the_hour(moment).strftime("%Y-%m-%dT%H:%MZ")


def message_text(text: str) -> str:
    """A message's text without control characters; Invalid if nothing is left."""
    cleaned = clean_text(text)
    if not cleaned:
        raise problems.Invalid("invalid_input", "Check 'text': please write a message.")
    return cleaned


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
