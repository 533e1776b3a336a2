"""A bare Litestar app that returns a constant JSON body: the baseline for the benchmarks."""

from __future__ import annotations

import os

from litestar import Litestar, MediaType, Response, get


def create_bare_app() -> Litestar:
    size = int(os.environ.get("BARE_BODY_SIZE", "2048"))
    body = b'{"pad":"' + b"x" * max(size - 10, 0) + b'"}'

    @get("/constant", sync_to_thread=False)
    def constant() -> Response[bytes]:
        return Response(content=body, media_type=MediaType.JSON)

    return Litestar(route_handlers=[constant], openapi_config=None)
