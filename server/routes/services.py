"""The help finder: nearby services, one service, the categories and the national helplines."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from server.content import Category
from server.directory.answers import CategoryList, HelplineList, NearbyAnswer, ServiceOut
from server.directory.finder import Finder, NearbyQuery
from server.http import PreEncodedResponse, content_response, documented
from server.routes.deps import LangQuery, request_language

_encoder = msgspec.json.Encoder()


def private_json(body: object, lang: str | None = None) -> PreEncodedResponse:
    """A JSON answer no cache on the way may keep: it depends on where someone is."""
    encoded = body if isinstance(body, bytes) else _encoder.encode(body)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(encoded)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if lang is not None:
        headers += [(b"content-language", lang.encode()), (b"vary", b"Accept-Language")]
    return PreEncodedResponse(200, headers, encoded)


class ServicesController(Controller):
    path = "/services"
    tags = ["help finder"]

    # Async: the offline lookups answer in well under a millisecond, so they run on the event
    # loop; a search that may wait on the optional online geocoder runs in a thread.
    @get(
        "/nearby",
        summary="Support services near a place, nearest first, with the helplines that fit",
        description=(
            "Give lat and lon, or a postcode (a full postcode, a sector like LU1 2, or a "
            "district like LU1). The place searched from is never logged or stored."
        ),
        responses=documented(NearbyAnswer, "Services nearest first", 404, 422, 501, 503),
    )
    async def nearby(
        self,
        request: Request[Any, Any, Any],
        finder: NamedDependency[Finder],
        lang: LangQuery = None,
        lat: Annotated[float | None, Parameter(ge=-90, le=90, description="Latitude.")] = None,
        lon: Annotated[float | None, Parameter(ge=-180, le=180, description="Longitude.")] = None,
        postcode: Annotated[
            str | None, Parameter(max_length=16, description="A UK postcode, sector or district.")
        ] = None,
        radius_km: Annotated[
            float, Parameter(gt=0, le=50, description="How far to look, in km (at most 50).")
        ] = 10.0,
        category: Annotated[
            list[Category] | None,
            Parameter(description="Only these categories; repeat for more than one."),
        ] = None,
        age: Annotated[
            int | None, Parameter(ge=0, le=120, description="Only services open to this age.")
        ] = None,
        language: Annotated[
            str | None,
            Parameter(
                pattern=r"^[A-Za-z]{2,3}$",
                description="Only services that speak this language (ISO 639 code, e.g. ur).",
            ),
        ] = None,
        free: Annotated[bool, Parameter(description="Only free services.")] = False,
        open_now: Annotated[bool, Parameter(description="Only services open now.")] = False,
        q: Annotated[str | None, Parameter(max_length=200, description="Keywords.")] = None,
        limit: Annotated[
            int, Parameter(ge=1, le=50, description="How many services a page (at most 50).")
        ] = 10,
        page: Annotated[
            int,
            Parameter(
                ge=1, le=20, description="Which page of results; the answer's next_page says."
            ),
        ] = 1,
    ) -> PreEncodedResponse:
        query = NearbyQuery(
            lang=request_language(request, lang),
            lat=lat,
            lon=lon,
            postcode=postcode,
            radius_km=radius_km,
            limit=limit,
            page=page,
            categories=category or (),
            age=age,
            language=language,
            free=free,
            open_now=open_now,
            keywords=q,
        )
        if finder.may_wait(query):
            answer = await anyio.to_thread.run_sync(finder.search, query)
        else:
            answer = finder.search(query)
        return private_json(answer, query.lang)

    @get(
        "/categories",
        summary="The service categories, named in the chosen language",
        responses=documented(CategoryList, "The categories", 404),
    )
    async def categories(
        self,
        request: Request[Any, Any, Any],
        finder: NamedDependency[Finder],
        lang: LangQuery = None,
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        return content_response(request, finder.categories(chosen), chosen)

    @get(
        "/{service_id:int}",
        sync_to_thread=True,
        summary="One service, in the chosen language",
        responses=documented(ServiceOut, "The service", 404),
    )
    def get_service(
        self,
        request: Request[Any, Any, Any],
        finder: NamedDependency[Finder],
        service_id: Annotated[int, Parameter(description="The service's id.")],
        lang: LangQuery = None,
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        return private_json(finder.service(service_id, chosen), chosen)


class HelplinesController(Controller):
    path = "/helplines"
    tags = ["help finder"]

    @get(
        "/",
        summary="The national helplines, in the chosen language",
        responses=documented(HelplineList, "The helplines", 404),
    )
    async def helplines(
        self,
        request: Request[Any, Any, Any],
        finder: NamedDependency[Finder],
        lang: LangQuery = None,
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        return content_response(request, finder.helplines(chosen), chosen)
