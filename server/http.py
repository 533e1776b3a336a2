"""Pre-encoded JSON responses with strong ETags, language headers and cheap revalidation."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
from litestar import Request
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import Receive, Scope, Send

from server.errors import ErrorResponse

_encoder = msgspec.json.Encoder()

CONTENT_CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400"


class Encoded(msgspec.Struct, frozen=True):
    """A response body encoded once, with its strong ETag."""

    body: bytes
    etag: str


def encode(obj: Any) -> Encoded:
    body = _encoder.encode(obj)
    return Encoded(body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def _matches(if_none_match: str | None, etag: str) -> bool:
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
    """200 with the stored body, or 304 with none when the phone already has it."""
    headers = [(b"etag", encoded.etag.encode()), (b"cache-control", cache_control.encode())]
    if lang is not None:
        headers += [(b"content-language", lang.encode()), (b"vary", b"Accept-Language")]
    if _matches(request.headers.get("if-none-match"), encoded.etag):
        return PreEncodedResponse(304, headers, b"")
    headers += [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(encoded.body)).encode()),
    ]
    return PreEncodedResponse(200, headers, encoded.body)


def documented(model: type, description: str, *errors: int) -> dict[int, ResponseSpec]:
    """OpenAPI responses for a handler that returns a pre-encoded body of `model`."""
    responses = {
        200: ResponseSpec(data_container=model, description=description),
        304: ResponseSpec(data_container=None, description="Not modified: the ETag matched."),
    }
    for status in errors:
        responses[status] = ResponseSpec(data_container=ErrorResponse, description="Error")
    return responses
