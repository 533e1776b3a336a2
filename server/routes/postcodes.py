"""Where a postcode is: GET /api/v1/postcodes/{postcode}, from the offline tables."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from server.directory.finder import Finder
from server.http import PreEncodedResponse, documented
from server.routes.services import private_json


class PostcodeOut(msgspec.Struct, kw_only=True):
    postcode: str
    lat: float
    lon: float
    precision: str


class PostcodesController(Controller):
    path = "/postcodes"
    tags = ["help finder"]

    @get(
        "/{postcode:str}",
        sync_to_thread=True,
        summary="Where a postcode, sector or district is, and how precisely we know",
        responses=documented(PostcodeOut, "Where it is", 404, 422, 501, 503),
    )
    def get_postcode(
        self,
        finder: NamedDependency[Finder],
        postcode: Annotated[str, Parameter(max_length=16, description="e.g. LU1 2BQ, LU1 2, LU1")],
    ) -> PreEncodedResponse:
        place = finder.place(postcode)
        return private_json(
            PostcodeOut(
                postcode=place.postcode, lat=place.lat, lon=place.lon, precision=place.precision
            )
        )
