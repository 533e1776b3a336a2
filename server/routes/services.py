"""The help finder: nearby services, one service, the categories and the national helplines."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from server.content import Category
from server.directory import (
    CategoryList,
    Filters,
    Finder,
    HelplineList,
    NearbyAnswer,
    Origin,
    ServiceOut,
)
from server.errors import ApiError
from server.http import PreEncodedResponse, content_response, documented
from server.oruk import language_code
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
    # loop; only the optional online geocoder can wait on the network, and it runs in a thread.
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
            int, Parameter(ge=1, le=50, description="How many services (at most 50).")
        ] = 20,
    ) -> PreEncodedResponse:
        chosen_lang = request_language(request, lang)
        if postcode is not None and (lat is not None or lon is not None):
            raise ApiError(
                422, "invalid_input", "Give either 'lat' and 'lon' or a 'postcode', not both."
            )
        if postcode is not None:
            if finder.geocoder is not None:
                place = await anyio.to_thread.run_sync(finder.place, postcode)
            else:
                place = finder.place(postcode)
            origin = Origin(
                lat=place.lat, lon=place.lon, precision=place.precision, label=place.postcode
            )
        elif lat is not None and lon is not None:
            origin = Origin(
                lat=lat, lon=lon, precision="location", label=finder.location_label(chosen_lang)
            )
        else:
            raise ApiError(
                422, "invalid_input", "Give 'lat' and 'lon' (your location) or a 'postcode'."
            )
        filters = Filters(
            categories=category or (),
            age=age,
            language=language_code(language) if language else None,
            free=free,
            keywords=(q or "").strip() or None,
            open_at=finder.clock() if open_now else None,
        )
        answer = finder.nearby(
            chosen_lang, origin=origin, radius_km=radius_km, limit=limit, filters=filters
        )
        return private_json(answer, chosen_lang)

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
        found = finder.service(service_id, chosen)
        if found is None:
            raise ApiError(404, "service_not_found", "We could not find that service.")
        return private_json(found, chosen)


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
