"""The reporter's side: send a report, look it up by follow-up code, reply. No cookies, ever."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, post
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.params import HeaderParameter, JSONBody

from server.errors import ApiError
from server.i18n import format_long_date
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
        reporting: NamedDependency[ReportService],
        data: JSONBody[NewReport],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ReportReceived]:
        source = request_source(reporting.limiter, request)
        answer, lang = reporting.submit(data, idempotency_key, source)
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
    ) -> ThreadOut:
        source = request_source(reporting.limiter, request)
        thread = reporting.lookup(data.code, chosen_lang, source)
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
    ) -> ThreadOut:
        source = request_source(reporting.limiter, request)
        thread = reporting.reply(data.code, data.text, chosen_lang, source)
        return thread_out(thread, chosen_lang, reporting.translator(chosen_lang))
