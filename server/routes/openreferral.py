"""Our directory as an Open Referral UK 3.0 API, under /openreferral/, open to any website (CORS *).

The records are built by server.directory.publish; only these routes send
Access-Control-Allow-Origin: *, errors included, so other directories' pages can read them.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from litestar import Controller, Router, get
from litestar.di import NamedDependency, Provide
from litestar.middleware import ASGIMiddleware
from litestar.params import Parameter
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server.directory.publish import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    MAX_PROXIMITY_M,
    PublishQuery,
)
from server.http import PreEncodedResponse
from server.listings import Listings

_CORS = (b"access-control-allow-origin", b"*")


class AllowAnyOrigin(ASGIMiddleware):
    """Access-Control-Allow-Origin: * on every answer of these routes (errors too)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != _CORS[0]]
                message["headers"] = [*headers, _CORS]
            await send(message)

        await next_app(scope, receive, send_with_cors)


def oruk_json(body: bytes, private: bool = False) -> PreEncodedResponse:
    """The body with an ETag (answered 304 by ConditionalGet when unchanged)."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        # A postcode search says where someone is looking: no cache may keep it.
        (b"cache-control", b"no-store" if private else b"public, max-age=300"),
    ]
    if not private:
        headers.append((b"etag", b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'))
    return PreEncodedResponse(200, headers, body)


Page = Annotated[int, Parameter(ge=1, le=100_000, description="Page number, from 1.")]
PerPage = Annotated[
    int, Parameter(ge=1, le=MAX_PER_PAGE, description=f"Items a page (at most {MAX_PER_PAGE}).")
]
Search = Annotated[str | None, Parameter(max_length=200, description="Full text search.")]
TermId = Annotated[
    str | None, Parameter(max_length=64, description="Only services with this taxonomy term.")
]
TaxonomyId = Annotated[
    str | None, Parameter(max_length=64, description="Only services with a term in this taxonomy.")
]
MinimumAge = Annotated[
    float | None,
    Parameter(ge=0, le=150, description="Only services whose minimum age is at least this."),
]
MaximumAge = Annotated[
    float | None,
    Parameter(ge=0, le=150, description="Only services whose maximum age is at most this."),
]
Day = Annotated[
    str | None, Parameter(max_length=12, description="Only services open on this day (MO..SU).")
]
StartTime = Annotated[
    str | None, Parameter(max_length=16, description="Only sessions starting at or after (HH:MM).")
]
EndTime = Annotated[
    str | None, Parameter(max_length=16, description="Only sessions ending at or before (HH:MM).")
]


def publish_query(
    search: Search = None,
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    minimum_age: MinimumAge = None,
    maximum_age: MaximumAge = None,
    day: Day = None,
    start_time: StartTime = None,
    end_time: EndTime = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> PublishQuery:
    """The ORUK filters and paging, as /services and /service_at_locations take them."""
    return PublishQuery(
        search, taxonomy_term_id, taxonomy_id, minimum_age, maximum_age, day, start_time,
        end_time, page, per_page,
    )  # fmt: skip


class OpenReferralController(Controller):
    tags = ["open referral"]
    dependencies = {"filters": Provide(publish_query, sync_to_thread=False)}

    @get("/", summary="This API's Open Referral UK profile version")
    async def root(self, listings: NamedDependency[Listings]) -> PreEncodedResponse:
        return oruk_json(listings.publisher.root())

    @get("/services", sync_to_thread=True, summary="Services, a page at a time (ORUK 3.0)")
    def services(
        self, listings: NamedDependency[Listings], filters: NamedDependency[PublishQuery]
    ) -> PreEncodedResponse:
        return oruk_json(listings.publisher.services(filters))

    @get("/services/{service_id:str}", sync_to_thread=True, summary="One full service (ORUK 3.0)")
    def service(
        self,
        listings: NamedDependency[Listings],
        service_id: Annotated[str, Parameter(max_length=64, description="The service's UUID.")],
    ) -> PreEncodedResponse:
        return oruk_json(listings.publisher.service(service_id))

    @get("/taxonomies", sync_to_thread=True, summary="Our taxonomies, a page at a time")
    def taxonomies(
        self, listings: NamedDependency[Listings], page: Page = 1, per_page: PerPage = 50
    ) -> PreEncodedResponse:
        return oruk_json(listings.publisher.taxonomies(page, per_page))

    @get("/taxonomy_terms", sync_to_thread=True, summary="Taxonomy terms, a page at a time")
    def taxonomy_terms(
        self,
        listings: NamedDependency[Listings],
        taxonomy_id: TaxonomyId = None,
        page: Page = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
    ) -> PreEncodedResponse:
        return oruk_json(listings.publisher.taxonomy_terms(page, per_page, taxonomy_id))

    @get(
        "/service_at_locations",
        sync_to_thread=True,
        summary="Services at their locations, a page at a time; nearest first from a postcode",
    )
    def service_at_locations(
        self,
        listings: NamedDependency[Listings],
        filters: NamedDependency[PublishQuery],
        postcode: Annotated[
            str | None, Parameter(max_length=16, description="Search from this postcode.")
        ] = None,
        proximity: Annotated[
            float | None,
            Parameter(
                gt=0,
                le=MAX_PROXIMITY_M,
                description="How far from the postcode, in metres (default 10000).",
            ),
        ] = None,
    ) -> PreEncodedResponse:
        body = listings.publisher.service_at_locations(filters, postcode, proximity)
        return oruk_json(body, private=postcode is not None)


def openreferral_router() -> Router:
    return Router(
        path="/openreferral",
        route_handlers=[OpenReferralController],
        middleware=[AllowAnyOrigin()],
    )
