"""ReportService: what happens when a young person sends, looks up or replies to a report.

It applies the rules, answers a retry with the answer already given (without counting it
against a limit), applies the rate limits, and answers in the reporter's language. It knows
nothing of HTTP: the caller passes the hashed source of the request (server.ratelimit) and
turns the answer or the domain error (server.problems) into a response.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import msgspec

from server import codes, problems
from server.i18n import Languages
from server.messages import UI_MESSAGES
from server.ratelimit import Limit, RateLimiter
from server.reports.model import (
    EMERGENCY,
    EMERGENCY_NUMBER,
    THANK_YOU,
    CodeNotFound,
    NewReport,
    ReportClosed,
    Thread,
    TooManyMessages,
    clean_report,
    fingerprint,
    message_text,
)
from server.reports.store import ReportStore
from server.settings import Settings

Translate = Callable[[str], str]


class Limits(msgspec.Struct, frozen=True):
    report: Limit
    report_global: Limit
    lookup: Limit
    login: Limit

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            report=Limit("report", settings.reports_per_hour),
            report_global=Limit("report_global", settings.reports_per_hour_global),
            lookup=Limit("lookup", settings.lookups_per_hour),
            login=Limit("login", settings.logins_per_hour),
        )


class Emergency(msgspec.Struct, frozen=True):
    number: str
    message: str


class ReportReceived(msgspec.Struct, frozen=True, omit_defaults=True):
    code: str
    status: str
    message: str
    emergency: Emergency | None = None


def idempotency_key(value: str | None) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise problems.Invalid(
            "invalid_input", "Check 'Idempotency-Key': it must be a UUID."
        ) from None


def mistyped_code(code: str, translate: Callable[[str], str]) -> None:
    """A digit code whose check digit is wrong is a typing mistake: said before any lookup."""
    if codes.mistyped(code):
        raise problems.Invalid("code_mistyped", translate(UI_MESSAGES["report.code_mistyped"]))


class ReportService:
    """The reporter's side of reporting, from a decoded request to the answer to send."""

    def __init__(
        self, store: ReportStore, limiter: RateLimiter, limits: Limits, languages: Languages
    ) -> None:
        self.store = store
        self.limiter = limiter
        self.limits = limits
        self.languages = languages

    def translator(self, lang: str) -> Translate:
        return self.languages.gettext(lang).gettext

    def submit(
        self, data: NewReport, key_text: str | None, source: bytes
    ) -> tuple[ReportReceived, str]:
        """Store a report (once, however often it is retried); the answer and its language.

        `source` is the hashed source of the request, for the per-source limit.
        """
        key = idempotency_key(key_text)
        report = clean_report(data)
        store = self.store
        body_hash = fingerprint(store.secret, report) if key else b""
        # A retry of a report we already have is answered without counting against limits.
        created = store.replay(key, body_hash) if key else None
        if created is None:
            self.limiter.check(
                [(self.limits.report, source), (self.limits.report_global, b"")],
                lang_gettext=self.translator(report.lang),
            )
            created, _new = store.create(report, key, body_hash)
        translate = self.translator(created.lang)
        answer = ReportReceived(
            code=created.code,
            status="received",
            message=translate(THANK_YOU),
            emergency=Emergency(number=EMERGENCY_NUMBER, message=translate(EMERGENCY))
            if created.danger_now
            else None,
        )
        return answer, created.lang

    def lookup(self, code: str, lang: str, source: bytes) -> Thread:
        """The status and messages for a follow-up code; CodeNotFound if there is none."""
        translate = self.translator(lang)
        mistyped_code(code, translate)
        self.limiter.check([(self.limits.lookup, source)], lang_gettext=translate)
        thread = self.store.lookup(code)
        if thread is None:
            raise CodeNotFound(translate(UI_MESSAGES["report.code_not_found"]))
        return thread

    def reply(self, code: str, text: str, lang: str, source: bytes) -> Thread:
        """Add the reporter's message to their report; the thread as it now stands."""
        translate = self.translator(lang)
        mistyped_code(code, translate)
        self.limiter.check([(self.limits.lookup, source)], lang_gettext=translate)
        cleaned = message_text(text)
        try:
            thread = self.store.reply(code, cleaned)
        except ReportClosed:
            raise ReportClosed(translate(UI_MESSAGES["report.closed"])) from None
        except TooManyMessages:
            raise TooManyMessages(translate(UI_MESSAGES["report.too_many_messages"])) from None
        if thread is None:
            raise CodeNotFound(translate(UI_MESSAGES["report.code_not_found"]))
        return thread
