"""Answers encoded once, with a strong ETag: what the domain hands the routes to send."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

_encoder = msgspec.json.Encoder()


class Encoded(msgspec.Struct, frozen=True):
    """A response body encoded once, with its strong ETag."""

    body: bytes
    etag: str


def encode(obj: Any) -> Encoded:
    body = _encoder.encode(obj)
    return Encoded(body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"')
