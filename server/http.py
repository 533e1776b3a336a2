"""Pre-encoded JSON responses with strong ETags and language headers, and conditional GET.

Handlers only send an ETag; ConditionalGet, one layer round every route, answers 304 when
the phone already has those bytes. Content, the shell, QR codes and the static lesson and
staff files all revalidate the same way.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args, get_origin

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ASGIApp, HTTPRequestEvent, Message, Receive, ReceiveMessage, Scope, Send

from server.encoded import Encoded
from server.errors import ApiError, ErrorResponse
from server.messages import ERROR_MESSAGES
from server.textsafe import json_depth

CONTENT_CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400"


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # Weak comparison is what If-None-Match asks for (RFC 9110 13.1.2).
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


class PreEncodedResponse:
    """An ASGI response that sends a body encoded once, with headers built once.

    Litestar accepts any ASGI app as a handler's return value. The card routes are the hot
    path a classroom of phones hits at once, so they skip building a Response per request.
    """

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def content_response(
    request: Request[Any, Any, Any],
    encoded: Encoded,
    lang: str | None,
    cache_control: str = CONTENT_CACHE_CONTROL,
) -> PreEncodedResponse:
    """200 with the stored body and its ETag (ConditionalGet turns it into a 304)."""
    headers = [(b"etag", encoded.etag.encode()), (b"cache-control", cache_control.encode())]
    if lang is not None:
        headers += [(b"content-language", lang.encode()), (b"vary", b"Accept-Language")]
    headers += [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(encoded.body)).encode()),
    ]
    return PreEncodedResponse(200, headers, encoded.body)


# Headers that describe a body; a 304 has none (RFC 9110 15.4.5 keeps ETag, Cache-Control,
# Vary and the like so caches can refresh what they hold).
_BODY_HEADERS = frozenset(
    {b"content-length", b"content-type", b"content-encoding", b"transfer-encoding"}
)
_CONDITIONAL_METHODS = frozenset({"GET", "HEAD"})


def _header(headers: Any, name: bytes) -> bytes | None:
    """A header's value; `name` in lower case (ASGI servers lower-case request headers)."""
    for key, value in headers:
        if key == name:
            return value
    return None


class ConditionalGet:
    """ASGI middleware: a GET or HEAD whose If-None-Match names the answer's ETag gets a 304.

    Every handler that sends an ETag (pre-encoded content, the shell, QR codes, Litestar's
    static files) is covered without doing anything itself. Requests without If-None-Match
    pass straight through.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = _header(scope["headers"], b"if-none-match") if scope["type"] == "http" else None
        if raw is None or scope.get("method") not in _CONDITIONAL_METHODS:
            await self.app(scope, receive, send)
            return
        if_none_match = raw.decode("latin-1")
        not_modified = False

        async def send_conditionally(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start":
                response_headers = [(k.lower(), v) for k, v in message.get("headers", ())]
                etag = _header(response_headers, b"etag")
                if (
                    message["status"] == 200
                    and etag is not None
                    and matches(if_none_match, etag.decode("latin-1"))
                ):
                    not_modified = True
                    kept = [(k, v) for k, v in response_headers if k not in _BODY_HEADERS]
                    await send({**message, "status": 304, "headers": kept})
                    return
            elif not_modified:
                # The body is dropped; the response ends when the handler's would have.
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, send_conditionally)


def documented(model: Any, description: str, *errors: int) -> dict[int, ResponseSpec]:
    """OpenAPI responses for a handler that returns a pre-encoded body of `model`."""
    responses = {
        200: ResponseSpec(data_container=model, description=description),
        304: ResponseSpec(data_container=None, description="Not modified: the ETag matched."),
    }
    for status in errors:
        responses[status] = ResponseSpec(data_container=ErrorResponse, description="Error")
    return responses


# No JSON body the API takes nests deeper than 3; 32 leaves room and stops a decoder from
# recursing through 30,000 opening brackets.
MAX_JSON_DEPTH = 32
# The largest JSON body any route takes (reports take 64 KiB; staff notes 10,000 characters).
MAX_JSON_BODY = 256 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _body_type(handler: Any) -> Any:
    """The msgspec Struct an anonymous handler's `data` is decoded to, or None.

    Handlers with middleware of their own (the staff routes' CSRF check) or that need a
    signed-in staff member are left to Litestar, which answers 401 or 403 before looking at
    the body; their bodies hold no field that lax conversion would change.
    """
    signature = getattr(handler, "parsed_fn_signature", None)
    if signature is None:
        return None
    # Middleware of the handler's own routers or controller (not the app's).
    if any(getattr(layer, "middleware", None) for layer in handler.ownership_layers[1:]):
        return None
    data = signature.parameters.get("data")
    if data is None or {"staff", "admin"} & set(signature.parameters):
        return None
    annotation = data.annotation
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return annotation
    return None


def _check_strictly(scope: Scope, body: bytes) -> None:
    """Raise a 400 or 422 when the body is not exactly what the route's type says: decoded
    strictly, as the API describes it (Litestar's own conversion would take 0 for false).
    Raised, not answered here, so the one error handler words it plainly in the reader's
    language and names the input in "field"."""
    target = _body_type(scope.get("route_handler"))
    if target is None:
        return
    try:
        msgspec.json.decode(body, type=target)
    except msgspec.ValidationError as exc:
        raise ValidationException(detail=str(exc), extra=[{"message": str(exc)}]) from None
    except msgspec.DecodeError:
        raise ClientException(detail="The request could not be understood.") from None


class BoundedJson:
    """ASGI middleware: a JSON body is read whole (at most MAX_JSON_BODY bytes) and its
    nesting counted before any decoder sees it; too deep is a 400 and too large a 413, both
    in the one error shape. Other requests pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        content_type = _header(scope["headers"], b"content-type") or b""
        if b"json" not in content_type.lower():
            await self.app(scope, receive, send)
            return
        handler = scope.get("route_handler")
        resolve = getattr(handler, "resolve_request_max_body_size", None)
        route_limit = resolve() if resolve else None
        limit = min(MAX_JSON_BODY, route_limit or MAX_JSON_BODY)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "too_large", ERROR_MESSAGES["too_large"])
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if json_depth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise ApiError(
                400,
                "too_deeply_nested",
                f"What you sent nests more than {MAX_JSON_DEPTH} levels deep. Send the fields "
                "the API describes, without extra nesting.",
            )
        _check_strictly(scope, body)
        replayed = False

        async def replay() -> ReceiveMessage:
            nonlocal replayed
            if not replayed:
                replayed = True
                return HTTPRequestEvent(type="http.request", body=body, more_body=False)
            return await receive()

        await self.app(scope, replay, send)


class TrueAllow:
    """ASGI middleware: the Allow header of an automatic OPTIONS answer lists every method
    the path takes. (Litestar's OPTIONS handler keeps the methods of the first handler
    registered on a path, so GET /accounts hid POST /accounts.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "OPTIONS":
            await self.app(scope, receive, send)
            return
        template = scope.get("path_template")
        methods = next(
            (r.methods for r in scope["app"].routes if template in (r.path, r.path_format)),
            None,
        )

        async def send_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and methods:
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"allow"]
                allow = ", ".join(sorted(methods)).encode()
                message = {**message, "headers": [*headers, (b"allow", allow)]}
            await send(message)

        await self.app(scope, receive, send_allow)
