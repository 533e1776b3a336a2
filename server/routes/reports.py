"""The reporter's side: send a report, look it up by follow-up code, reply. No cookies, ever."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.params import HeaderParameter, JSONBody, QueryParameter

from server.errors import ApiError
from server.i18n import format_long_date
from server.pow import MAX_HEADER
from server.reports import (
    STATUS_TEXT,
    CodeText,
    NewReport,
    ReportReceived,
    ReportService,
    ReportText,
    Thread,
)
from server.routes.deps import provide_lang, request_source

MAX_BODY = 64 * 1024


class CodeIn(msgspec.Struct, forbid_unknown_fields=True):
    code: CodeText


class ReplyIn(msgspec.Struct, forbid_unknown_fields=True):
    code: CodeText
    text: ReportText


class MessageOut(msgspec.Struct, frozen=True):
    sender: Literal["reporter", "team"]
    text: str
    date: str
    date_text: str


class ThreadOut(msgspec.Struct, frozen=True):
    status: str
    status_text: str
    lang: str
    messages: list[MessageOut]


IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        max_length=64,
        description="A UUID made by the app for each report: resending it returns the same "
        "answer and stores nothing new.",
    ),
]


ChallengeHeader = Annotated[
    str | None,
    HeaderParameter(
        name="X-Challenge",
        required=False,
        max_length=MAX_HEADER,
        description="The solved challenge from GET /api/v1/challenge (ALTCHA's base64 "
        "payload). Required unless proof of work is off; missing gives 428, wrong, expired "
        "or used before gives 403.",
    ),
]


def require_json(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """415 for anything but JSON and 413 for an oversized body, before the body is read."""
    length = connection.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        raise ApiError(413, "too_large", "That is too long to send. Please make it shorter.")
    media_type = connection.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Please send JSON (application/json).")


def thread_out(thread: Thread, lang: str, translate: Any) -> ThreadOut:
    return ThreadOut(
        status=thread.status,
        status_text=translate(STATUS_TEXT[thread.status]),
        lang=lang,
        messages=[
            MessageOut(
                sender=m.sender,
                text=m.text,
                date=m.day.isoformat(),
                date_text=format_long_date(m.day, lang),
            )
            for m in thread.messages
        ],
    )


NO_STORE = CacheControlHeader(no_store=True)


class ReporterSide(Controller):
    """The reporter's routes: anonymous, JSON only, never cached, in the reporter's language.

    Nothing here reads or sets a cookie, and nothing about the sender is kept.
    """

    tags = ["reports"]
    guards = [require_json]
    # Also enforced by Litestar while reading, for bodies sent without a Content-Length.
    request_max_body_size = MAX_BODY
    cache_control = NO_STORE
    dependencies = {"chosen_lang": Provide(provide_lang)}


class ReportsController(ReporterSide):
    path = "/reports"

    @post(
        "",
        summary="Send an anonymous report; the answer holds the follow-up code",
        status_code=201,
        sync_to_thread=True,
    )
    def create(
        self,
        request: Request[Any, Any, Any],
        reporting: NamedDependency[ReportService],
        data: JSONBody[NewReport],
        idempotency_key: IdempotencyKey = None,
        x_challenge: ChallengeHeader = None,
    ) -> Response[ReportReceived]:
        source = request_source(reporting.limiter, request)
        answer, lang = reporting.submit(data, idempotency_key, source, x_challenge)
        return Response(answer, status_code=201, headers={"Content-Language": lang})

    @post(
        "/lookup",
        summary="The status and messages for a follow-up code (sent in the body, never the URL)",
        status_code=200,
        sync_to_thread=True,
    )
    def lookup(
        self,
        request: Request[Any, Any, Any],
        reporting: NamedDependency[ReportService],
        data: JSONBody[CodeIn],
        chosen_lang: NamedDependency[str],
        x_challenge: ChallengeHeader = None,
    ) -> ThreadOut:
        source = request_source(reporting.limiter, request)
        thread = reporting.lookup(data.code, chosen_lang, source, x_challenge)
        return thread_out(thread, chosen_lang, reporting.translator(chosen_lang))

    @post(
        "/reply",
        summary="Add the reporter's message to their report",
        status_code=201,
        sync_to_thread=True,
    )
    def reply(
        self,
        request: Request[Any, Any, Any],
        reporting: NamedDependency[ReportService],
        data: JSONBody[ReplyIn],
        chosen_lang: NamedDependency[str],
        x_challenge: ChallengeHeader = None,
    ) -> ThreadOut:
        source = request_source(reporting.limiter, request)
        thread = reporting.reply(data.code, data.text, chosen_lang, source, x_challenge)
        return thread_out(thread, chosen_lang, reporting.translator(chosen_lang))


class ChallengeOut(msgspec.Struct, frozen=True, rename="camel"):
    """An ALTCHA challenge; `enabled` is false when proof of work is off (then the
    X-Challenge header may be left out)."""

    enabled: bool
    algorithm: str
    challenge: str
    max_number: int
    salt: str
    signature: str


class ChallengeController(Controller):
    """Proof of work for anonymous writes (server.pow): fetch, solve, send in X-Challenge."""

    path = "/challenge"
    tags = ["reports"]
    cache_control = NO_STORE

    @get(
        "",
        summary="A proof-of-work challenge to solve before sending a report, reply or lookup",
        description=(
            "ALTCHA's SHA-256 proof of work: find `number` in 0..maxNumber such that "
            "SHA-256(salt + number) is `challenge`, then send base64 of the JSON "
            "{algorithm, challenge, number, salt, signature} in the X-Challenge header. "
            "Harder when the server is busy or this source is past its hourly limit; "
            "each challenge is accepted once, for 10 minutes."
        ),
        sync_to_thread=False,
    )
    def challenge(
        self,
        request: Request[Any, Any, Any],
        reporting: NamedDependency[ReportService],
        purpose: Annotated[
            Literal["report", "lookup", "feedback", "suggestion"],
            QueryParameter(
                description="report (also unsafe places), lookup (also replies and "
                "withdrawals), feedback (Report a mistake) or suggestion (Suggest a change)."
            ),
        ] = "report",
    ) -> ChallengeOut:
        source = request_source(reporting.limiter, request)
        if purpose in ("feedback", "suggestion"):
            # Their own limits answer 429; the puzzle follows the server's load only.
            level = reporting.proof.load.level()
        else:
            limit = reporting.limits.report if purpose == "report" else reporting.limits.lookup
            level = reporting.challenge_level(limit, source)
        made = reporting.proof.challenge(level)
        return ChallengeOut(
            enabled=reporting.proof.enabled,
            algorithm=made.algorithm,
            challenge=made.challenge,
            max_number=made.max_number,
            salt=made.salt,
            signature=made.signature,
        )
