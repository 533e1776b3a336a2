"""ReportService: what happens when a young person sends, looks up or replies to a report.

It applies the rules, answers a retry with the answer already given (without counting it
against a limit), applies the rate limits, and answers in the reporter's language. It knows
nothing of HTTP: the caller passes the hashed source of the request (server.ratelimit) and
turns the answer or the domain error (server.problems) into a response.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable

import msgspec

from server import codes, problems
from server.i18n import Languages
from server.messages import UI_MESSAGES
from server.pow import MAX_LEVEL, ProofOfWork
from server.problems import TooMany
from server.ratelimit import TOO_MANY, Limit, RateLimiter
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
    """Per-source limits. There is no limit for everyone together: one that refuses
    everyone once it is spent lets a few hundred addresses stop every young person
    reporting. Proof of work (server.pow) makes a flood costly instead."""

    report: Limit
    lookup: Limit
    login: Limit

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            report=Limit("report", settings.reports_per_hour),
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
        self,
        store: ReportStore,
        limiter: RateLimiter,
        limits: Limits,
        languages: Languages,
        proof: ProofOfWork | None = None,
    ) -> None:
        self.store = store
        self.limiter = limiter
        self.limits = limits
        self.languages = languages
        self.proof = proof or ProofOfWork(enabled=False)

    def challenge_level(self, limit: Limit, source: bytes) -> int:
        """How hard a challenge this source gets now: harder with load, hardest once the
        source is past its own limit."""
        if self.limiter.would_wait([(limit, source)]):
            return MAX_LEVEL
        return self.proof.load.level()

    def _admit(
        self, limit: Limit, source: bytes, solved: int, translate: Translate, danger: bool = False
    ) -> bool:
        """Whether this write may go ahead within the source's limit (True) or only past it
        (False, for a danger report or a write that paid the hardest challenge); raises
        TooMany (429) otherwise. Proof of work was checked first (`solved` is its level)."""
        self.proof.load.add()
        wait = self.limiter.hit([(limit, source)])
        if not wait:
            return True
        if danger or (self.proof.enabled and solved >= MAX_LEVEL):
            return False
        raise TooMany("too_many_requests", translate(TOO_MANY), retry_after=math.ceil(wait))

    def admit(
        self, limit: Limit, source: bytes, challenge: str | None, translate: Translate
    ) -> bool:
        """Proof of work and the source's limit for an anonymous write kept beside the reports
        (an unsafe place): as _admit, after checking the X-Challenge header."""
        return self._admit(limit, source, self.proof.verify(challenge), translate)

    def prove(self, challenge: str | None) -> int:
        """Proof of work for an anonymous write with a limit of its own (content feedback,
        listing suggestions): the X-Challenge header checked, counted toward the load."""
        solved = self.proof.verify(challenge)
        self.proof.load.add()
        return solved

    def translator(self, lang: str) -> Translate:
        return self.languages.gettext(lang).gettext

    def submit(
        self,
        data: NewReport,
        key_text: str | None,
        source: bytes,
        challenge: str | None = None,
    ) -> tuple[ReportReceived, str]:
        """Store a report (once, however often it is retried); the answer and its language.

        `source` is the hashed source of the request, for the per-source limit; `challenge`
        the X-Challenge header. A report saying someone is in danger now is never refused
        for load: past the limit it is stored and marked `over_limit` for the inbox.
        """
        key = idempotency_key(key_text)
        report = clean_report(data)
        store = self.store
        translate = self.translator(report.lang)
        body_hash = fingerprint(store.secret, report) if key else b""
        # A retry of a report we already have is answered without any check or limit.
        created = store.replay(key, body_hash) if key else None
        if created is None:
            solved = self.proof.verify(challenge)
            try:
                within = self._admit(
                    self.limits.report, source, solved, translate, danger=report.danger_now
                )
            except TooMany:
                # The first copy of this retry may have been stored meanwhile.
                created = store.replay(key, body_hash) if key else None
                if created is None:
                    raise
            else:
                created, _new = store.create(report, key, body_hash, over_limit=not within)
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

    def lookup(self, code: str, lang: str, source: bytes, challenge: str | None = None) -> Thread:
        """The status and messages for a follow-up code; CodeNotFound if there is none."""
        translate = self.translator(lang)
        mistyped_code(code, translate)
        self._admit(self.limits.lookup, source, self.proof.verify(challenge), translate)
        thread = self.store.lookup(code)
        if thread is None:
            raise CodeNotFound(translate(UI_MESSAGES["report.code_not_found"]))
        return thread

    def withdraw(self, code: str, lang: str, source: bytes, challenge: str | None = None) -> str:
        """Delete a report with its code (the reporter's right); the words that say so.

        Checked like a lookup with the code: proof of work, then the lookup limit."""
        translate = self.translator(lang)
        mistyped_code(code, translate)
        self._admit(self.limits.lookup, source, self.proof.verify(challenge), translate)
        if not self.store.withdraw(code):
            raise CodeNotFound(translate(UI_MESSAGES["report.code_not_found"]))
        return str(translate(UI_MESSAGES["report.withdrawn"]))

    def reply(
        self, code: str, text: str, lang: str, source: bytes, challenge: str | None = None
    ) -> Thread:
        """Add the reporter's message to their report; the thread as it now stands."""
        translate = self.translator(lang)
        mistyped_code(code, translate)
        self._admit(self.limits.lookup, source, self.proof.verify(challenge), translate)
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
