"""The reporter's side: send a report, look it up by follow-up code, reply. No cookies, ever."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec
from babel.dates import format_date
from litestar import Controller, Request, Response, post
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, State
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.params import HeaderParameter, JSONBody

from server.errors import ApiError
from server.i18n import babel_locale
from server.messages import UI_MESSAGES as UI
from server.reports import (
    EMERGENCY,
    EMERGENCY_NUMBER,
    STATUS_TEXT,
    THANK_YOU,
    CodeText,
    IdempotencyMismatch,
    InvalidReport,
    NewReport,
    ReportClosed,
    ReportText,
    Thread,
    TooManyMessages,
    clean_report,
    clean_text,
    fingerprint,
)
from server.routes.deps import provide_lang

MAX_BODY = 64 * 1024


class Emergency(msgspec.Struct, frozen=True):
    number: str
    message: str


class ReportReceived(msgspec.Struct, frozen=True, omit_defaults=True):
    code: str
    status: str
    message: str
    emergency: Emergency | None = None


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
                date_text=format_date(m.day, format="long", locale=babel_locale(lang)),
            )
            for m in thread.messages
        ],
    )


NO_STORE = CacheControlHeader(no_store=True)


class ReportsController(Controller):
    """Anonymous: nothing here reads or sets a cookie, and nothing about the sender is kept."""

    path = "/reports"
    tags = ["reports"]
    guards = [require_json]
    # Also enforced by Litestar while reading, for bodies sent without a Content-Length.
    request_max_body_size = MAX_BODY
    cache_control = NO_STORE
    dependencies = {"chosen_lang": Provide(provide_lang)}

    @post(
        "",
        summary="Send an anonymous report; the answer holds the follow-up code",
        status_code=201,
        sync_to_thread=True,
    )
    def create(
        self,
        request: Request[Any, Any, Any],
        state: State,
        data: JSONBody[NewReport],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ReportReceived]:
        key = None
        if idempotency_key is not None:
            try:
                key = uuid.UUID(idempotency_key)
            except ValueError:
                raise ApiError(
                    422, "invalid_input", "Check 'Idempotency-Key': it must be a UUID."
                ) from None
        try:
            report = clean_report(data)
        except InvalidReport as exc:
            raise ApiError(422, "invalid_input", f"Check '{exc.field}': {exc.message}") from None
        store = state.reports
        translate = state.languages.gettext(report.lang).gettext
        body_hash = fingerprint(store.secret, report) if key else b""
        try:
            # A retry of a report we already have is answered without counting against limits.
            earlier = store.replay(key, body_hash) if key else None
            if earlier is None:
                limits, limiter = state.limits, state.limiter
                source = limiter.source(request)
                limiter.check(
                    [(limits.report, source), (limits.report_global, b"")],
                    lang_gettext=translate,
                )
                created, _new = store.create(report, key, body_hash)
            else:
                created = earlier
        except IdempotencyMismatch:
            raise ApiError(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used for a different report.",
            ) from None
        translate = state.languages.gettext(created.lang).gettext
        body = ReportReceived(
            code=created.code,
            status="received",
            message=translate(THANK_YOU),
            emergency=Emergency(number=EMERGENCY_NUMBER, message=translate(EMERGENCY))
            if created.danger_now
            else None,
        )
        return Response(body, status_code=201, headers={"Content-Language": created.lang})

    @post(
        "/lookup",
        summary="The status and messages for a follow-up code (sent in the body, never the URL)",
        status_code=200,
        sync_to_thread=True,
    )
    def lookup(
        self,
        request: Request[Any, Any, Any],
        state: State,
        data: JSONBody[CodeIn],
        chosen_lang: NamedDependency[str],
    ) -> ThreadOut:
        translate = state.languages.gettext(chosen_lang).gettext
        state.limiter.check(
            [(state.limits.lookup, state.limiter.source(request))], lang_gettext=translate
        )
        thread = state.reports.lookup(data.code)
        if thread is None:
            raise ApiError(404, "code_not_found", translate(UI["report.code_not_found"]))
        return thread_out(thread, chosen_lang, translate)

    @post(
        "/reply",
        summary="Add the reporter's message to their report",
        status_code=201,
        sync_to_thread=True,
    )
    def reply(
        self,
        request: Request[Any, Any, Any],
        state: State,
        data: JSONBody[ReplyIn],
        chosen_lang: NamedDependency[str],
    ) -> ThreadOut:
        translate = state.languages.gettext(chosen_lang).gettext
        state.limiter.check(
            [(state.limits.lookup, state.limiter.source(request))], lang_gettext=translate
        )
        text = clean_text(data.text)
        if not text:
            raise ApiError(422, "invalid_input", "Check 'text': please write a message.")
        try:
            thread = state.reports.reply(data.code, text)
        except ReportClosed:
            raise ApiError(409, "report_closed", translate(UI["report.closed"])) from None
        except TooManyMessages:
            raise ApiError(
                409, "too_many_messages", translate(UI["report.too_many_messages"])
            ) from None
        if thread is None:
            raise ApiError(404, "code_not_found", translate(UI["report.code_not_found"]))
        return thread_out(thread, chosen_lang, translate)
