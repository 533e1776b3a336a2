"""The one error shape: {"error": {"code": "...", "message": "..."}} for every 4xx and 5xx."""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from server import problems
from server.i18n import SOURCE_LANGUAGE, UnsupportedLanguage
from server.messages import ERROR_MESSAGES
from server.pow import ChallengeFailed, ChallengeRequired

logger = logging.getLogger("server.errors")


class ErrorBody(msgspec.Struct):
    code: str
    message: str


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

_BACKTICKS = re.compile(r"`([^`]*)`")
_MSGSPEC_PATH = re.compile(r"\s*-\s*at\s*`?\$[^`]*`?")


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


def localised(request: Request[Any, Any, Any], status: int, code: str, message: str) -> str:
    """The message in the requested language (?lang=, else Accept-Language), in plain words.

    English keeps the message as raised (it may name the field, for developers); any other
    language gets the catalogue's words for the code, translated, never a field name.
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
    source = ERROR_MESSAGES.get(code)
    if source is None:
        translated = _(message)
        if translated != message:
            return str(translated)
        source = ERROR_MESSAGES[_fallback(status)]
    return str(_(source))


def error_response(status_code: int, code: str, message: str, headers: Any = None) -> Response:
    return Response(
        content=ErrorResponse(ErrorBody(code=code, message=message)),
        status_code=status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def _plain(text: str) -> str:
    """msgspec's messages, without its code-style markup."""
    text = _MSGSPEC_PATH.sub("", text)
    text = _BACKTICKS.sub(r"\1", text)
    text = text.replace("Object contains unknown field", "Unknown field")
    text = text.replace("Object missing required field", "Missing required field")
    text = text.replace("Expected int", "Expected a whole number")
    text = text.replace("Expected float", "Expected a number")
    text = text.replace("Expected str", "Expected text")
    text = text.replace("Expected bool", "Expected true or false")
    return text.strip()


def validation_message(exc: ValidationException) -> str:
    details = exc.extra if isinstance(exc.extra, list) else []
    parts = []
    for item in details:
        if not isinstance(item, dict):
            continue
        key = item.get("key")
        message = _plain(str(item.get("message", "")))
        if key and key not in message:
            parts.append(f"Check '{key}': {message}")
        else:
            parts.append(message)
    if not parts:
        detail = _plain(str(exc.detail or ""))
        if detail and not detail.startswith("Validation failed for"):
            parts.append(detail)
    return "; ".join(parts) or DEFAULTS[422][1]


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response:
    status = exc.status_code
    default_code, default_message = DEFAULTS.get(status, ("error", "The request failed."))
    if isinstance(exc, ApiError):
        code, message = exc.code, str(exc.detail)
    elif isinstance(exc, ValidationException):
        status = 422 if status == 400 else status
        code, message = "invalid_input", validation_message(exc)
    else:
        code = default_code
        detail = str(exc.detail or "")
        # Litestar's own details are developer-facing ("Not Found"); prefer plain words.
        generic = {"", "Not Found", "Method Not Allowed", "Bad Request", "Internal Server Error"}
        message = default_message if detail in generic else detail
    message = localised(request, status, code, message)
    return error_response(status, code, message, headers=exc.headers)


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
    message = localised(request, status, exc.code, exc.message)
    return error_response(status, exc.code, message, headers=headers)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    problems.DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    Exception: server_error_handler,
}
