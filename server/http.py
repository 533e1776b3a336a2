"""Pre-encoded JSON responses with strong ETags, language headers and cheap revalidation."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
from litestar import MediaType, Request, Response

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


def content_response(
    request: Request[Any, Any, Any],
    encoded: Encoded,
    lang: str | None,
    cache_control: str = CONTENT_CACHE_CONTROL,
) -> Response[Any]:
    """200 with the stored body, or 304 with none when the phone already has it."""
    headers = {"ETag": encoded.etag, "Cache-Control": cache_control}
    if lang is not None:
        headers["Content-Language"] = lang
        headers["Vary"] = "Accept-Language"
    if _matches(request.headers.get("if-none-match"), encoded.etag):
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=encoded.body, media_type=MediaType.JSON, headers=headers)
