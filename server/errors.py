"""The one error shape: {"error": {"code": "...", "message": "..."}} for every 4xx and 5xx.

An input error also says which input in "field" (a query parameter, header or body field
name, for programs); its message never names it (server.plain_errors)."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from server import plain_errors, problems
from server.i18n import SOURCE_LANGUAGE, UnsupportedLanguage
from server.messages import ERROR_MESSAGES
from server.pow import ChallengeFailed, ChallengeRequired

logger = logging.getLogger("server.errors")


class ErrorBody(msgspec.Struct, omit_defaults=True):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(msgspec.Struct):
    """What every failed request gets back."""

    error: ErrorBody


class ApiError(HTTPException):
    """An error with a stable machine-readable code and a plain-words message."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=message, status_code=status_code, headers=headers)
        self.code = code


# Plain words for the errors Litestar raises itself.
DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request could not be understood."),
    401: ("not_signed_in", "Please sign in first."),
    403: ("forbidden", "You are not allowed to do that."),
    404: ("not_found", "We could not find that."),
    405: ("method_not_allowed", "That action is not allowed here."),
    406: ("not_acceptable", "We cannot answer in the format you asked for."),
    409: ("conflict", "That clashes with something that already exists."),
    413: ("too_large", "What you sent is too large."),
    415: ("unsupported_media_type", "Please send JSON (Content-Type: application/json)."),
    422: ("invalid_input", "Some of what you sent is not valid."),
    428: ("challenge_required", "Please get a challenge from /api/v1/challenge first."),
    429: ("too_many_requests", "Too many requests. Please wait a little and try again."),
    500: ("server_error", "Something went wrong on our side. Please try again later."),
    503: ("unavailable", "The service is busy or down for maintenance. Please try again soon."),
}

# A code with no message of its own falls back to one for its kind of status.
FALLBACK_BY_STATUS = {404: "not_found", 413: "too_large", 429: "too_many_requests"}
# Codes whose message stays as it is, in any language (it names what to send instead).
UNTRANSLATED = {"unsupported_language"}


def _fallback(status: int) -> str:
    if status in FALLBACK_BY_STATUS:
        return FALLBACK_BY_STATUS[status]
    if status >= 500:
        return "unavailable" if status == 503 else "server_error"
    return "invalid_input" if status in (400, 422) else "error"


def localised(
    request: Request[Any, Any, Any], status: int, code: str, message: str, field: str | None = None
) -> str:
    """The message in the requested language (?lang=, else Accept-Language), in plain words.

    English keeps the message as raised; any other language gets the catalogue's words for
    the input at fault or else for the code, translated.
    """
    app = getattr(request, "app", None)  # handlers may be called without a request
    languages = getattr(app.state, "languages", None) if app is not None else None
    if languages is None or code in UNTRANSLATED:
        return message
    try:
        lang = languages.negotiate(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
    except UnsupportedLanguage:
        return message
    if lang == SOURCE_LANGUAGE:
        return message
    _ = languages.gettext(lang).gettext
    translated = _(message)  # a domain message marked for translation
    if translated != message:
        return str(translated)
    source = plain_errors.source_message(field) or ERROR_MESSAGES.get(code)
    return str(_(source or ERROR_MESSAGES[_fallback(status)]))


def error_response(
    status_code: int, code: str, message: str, headers: Any = None, field: str | None = None
) -> Response:
    return Response(
        content=ErrorResponse(ErrorBody(code=code, message=message, field=field)),
        status_code=status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response:
    status = exc.status_code
    default_code, default_message = DEFAULTS.get(status, ("error", "The request failed."))
    field = None
    if isinstance(exc, ApiError):
        code, (message, field) = exc.code, plain_errors.split_field(str(exc.detail))
    elif isinstance(exc, ValidationException):
        status = 422 if status == 400 else status
        code = "invalid_input"
        message, field = plain_errors.validation_error(exc.detail, exc.extra)
    else:
        code = default_code
        detail = str(exc.detail or "")
        # Litestar's own details are developer-facing ("Not Found"); prefer plain words.
        generic = {"", "Not Found", "Method Not Allowed", "Bad Request", "Internal Server Error"}
        plain = detail not in generic and status not in (400, 422)  # e.g. "JSON is malformed"
        message = detail if plain else default_message
    message = localised(request, status, code, message, field)
    return error_response(status, code, message, headers=exc.headers, field=field)


def server_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response:
    # Log the fault for the maintainers, never the request (its path or query may hold
    # a postcode or a location, and its headers an address).
    logger.error("Unhandled %s", type(exc).__name__, exc_info=exc)
    code, message = DEFAULTS[500]
    message = localised(request, 500, code, message)
    return error_response(HTTP_500_INTERNAL_SERVER_ERROR, code, message)


# Each kind of domain error and the status code it is answered with.
DOMAIN_STATUS: dict[type[problems.DomainError], int] = {
    problems.Invalid: 422,
    problems.NotFound: 404,
    problems.Conflict: 409,
    problems.Forbidden: 403,
    problems.NotAvailable: 501,
    problems.Unavailable: 503,
    problems.TooMany: 429,
    ChallengeRequired: 428,
    ChallengeFailed: 403,
}


def domain_error_handler(request: Request[Any, Any, Any], exc: problems.DomainError) -> Response:
    status = next((code for kind, code in DOMAIN_STATUS.items() if isinstance(exc, kind)), 400)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, problems.TooMany) else None
    message, field = plain_errors.split_field(exc.message)
    message = localised(request, status, exc.code, message, field)
    return error_response(status, exc.code, message, headers=headers, field=field)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    problems.DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    Exception: server_error_handler,
}
