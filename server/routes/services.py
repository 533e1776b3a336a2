"""The help finder: nearby services, one service, the categories and the national helplines."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from server.content import Category
from server.directory import (
    CategoryList,
    Filters,
    FinderError,
    HelplineList,
    NearbyAnswer,
    Origin,
    ServiceOut,
)
from server.errors import ApiError
from server.http import content_response
from server.oruk import language_code
from server.routes.deps import provide_lang

# Answers that depend on where someone is must not be kept by any cache on the way.
PRIVATE = {"Cache-Control": "no-store"}
_encoder = msgspec.json.Encoder()


def _json(body: object, lang: str) -> Response[Any]:
    return Response(
        content=_encoder.encode(body),
        media_type=MediaType.JSON,
        headers={**PRIVATE, "Content-Language": lang, "Vary": "Accept-Language"},
    )


def api_error(exc: FinderError) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message)


class ServicesController(Controller):
    path = "/services"
    tags = ["help finder"]
    dependencies = {"chosen_lang": Provide(provide_lang)}

    @get(
        "/nearby",
        sync_to_thread=True,
        summary="Support services near a place, nearest first, with the helplines that fit",
        description=(
            "Give lat and lon, or a postcode (a full postcode, a sector like LU1 2, or a "
            "district like LU1). The place searched from is never logged or stored."
        ),
    )
    def nearby(
        self,
        state: State,
        chosen_lang: str,
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
    ) -> Response[NearbyAnswer]:
        finder = state.finder
        if postcode is not None and (lat is not None or lon is not None):
            raise ApiError(
                422, "invalid_input", "Give either 'lat' and 'lon' or a 'postcode', not both."
            )
        if postcode is not None:
            try:
                place = finder.place(postcode)
            except FinderError as exc:
                raise api_error(exc) from None
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
        return _json(answer, chosen_lang)

    @get("/categories", summary="The service categories, named in the chosen language")
    async def categories(
        self, request: Request[Any, Any, Any], state: State, chosen_lang: str
    ) -> Response[CategoryList]:
        return content_response(request, state.finder.categories(chosen_lang), chosen_lang)

    @get("/{service_id:int}", sync_to_thread=True, summary="One service, in the chosen language")
    def get_service(self, state: State, chosen_lang: str, service_id: int) -> Response[ServiceOut]:
        found = state.finder.service(service_id, chosen_lang)
        if found is None:
            raise ApiError(404, "service_not_found", "We could not find that service.")
        return _json(found, chosen_lang)


class HelplinesController(Controller):
    path = "/helplines"
    tags = ["help finder"]
    dependencies = {"chosen_lang": Provide(provide_lang)}

    @get("/", summary="The national helplines, in the chosen language")
    async def helplines(
        self, request: Request[Any, Any, Any], state: State, chosen_lang: str
    ) -> Response[HelplineList]:
        return content_response(request, state.finder.helplines(chosen_lang), chosen_lang)
