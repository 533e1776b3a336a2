"""Baselines for the benchmarks: a bare Litestar app returning a constant JSON body, the same
with the headers our answers carry, and our own app with the nearby search answering a
constant body (what the app costs before it searches)."""

from __future__ import annotations

import os

from litestar import Litestar, MediaType, Response, get

from server.security import BASE_HEADERS


def _body() -> bytes:
    size = int(os.environ.get("BARE_BODY_SIZE", "2048"))
    return b'{"pad":"' + b"x" * max(size - 10, 0) + b'"}'


def create_bare_app() -> Litestar:
    body = _body()

    @get("/constant", sync_to_thread=False)
    def constant() -> Response[bytes]:
        return Response(content=body, media_type=MediaType.JSON)

    return Litestar(route_handlers=[constant], openapi_config=None)


def create_bare_app_with_our_headers() -> Litestar:
    """The bare app, sending the response headers a nearby answer has: the security headers
    every response carries, and no-store, Content-Language and Vary."""
    body = _body()
    headers = {name.decode(): value.decode() for name, value in BASE_HEADERS}
    headers |= {"cache-control": "no-store", "content-language": "en", "vary": "Accept-Language"}

    @get("/constant", sync_to_thread=False)
    def constant() -> Response[bytes]:
        return Response(content=body, media_type=MediaType.JSON, headers=headers)

    return Litestar(route_handlers=[constant], openapi_config=None)


def create_app_answering_a_constant() -> Litestar:
    """Our whole app (middleware, headers, parameters, languages), but the nearby search
    answers a constant body of the benchmark's size: the most the app could do if searching
    and building the answer cost nothing."""
    from server.app import create_app
    from server.directory.finder import Finder, NearbyQuery

    body = _body()

    def constant(self: Finder, query: NearbyQuery) -> bytes:
        self.origin(query)  # the place is still checked
        return body

    Finder.search = constant  # type: ignore[method-assign]
    return create_app()
