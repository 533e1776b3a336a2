"""Listings: "Suggest a change" on a service (anonymous), the staff's listings queue, and the
synced sources (staff only)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from server.listings import (
    Listings,
    Suggestion,
    SuggestionIn,
    SuggestionPage,
    SuggestionReceived,
)
from server.messages import UI_MESSAGES
from server.ratelimit import RateLimiter
from server.reports import ReportService
from server.routes.deps import request_source
from server.routes.reports import ChallengeHeader, require_json
from server.routes.staff import (
    provide_staff,
)
from server.staff import StaffUser
from server.sync import Source

RECEIVED = UI_MESSAGES["help.suggest_thanks"]


class SuggestionsController(Controller):
    """Anyone may suggest a change to a listing; nothing about them is kept."""

    path = "/services/{service_id:int}/suggestions"
    tags = ["help finder"]
    guards = [require_json]

    @post(
        "/",
        status_code=201,
        sync_to_thread=True,
        summary="Suggest a change to a listing: out of date, extra information, closed, other",
    )
    def suggest(
        self,
        request: Request[Any, Any, Any],
        listings: NamedDependency[Listings],
        limiter: NamedDependency[RateLimiter],
        service_id: Annotated[int, PathParameter(ge=1, description="The service's id.")],
        reporting: NamedDependency[ReportService],
        data: JSONBody[SuggestionIn],
        x_challenge: ChallengeHeader = None,
    ) -> SuggestionReceived:
        reporting.prove(x_challenge)  # proof of work first (issue 14), then its own limit
        limiter.check([(listings.suggestion_limit, request_source(limiter, request))])
        listings.suggestions.add(service_id, data.topic, data.text)
        return SuggestionReceived(received=True, message=RECEIVED)


class SourcesController(Controller):
    """The synced sources, for staff: last success, counts and last error."""

    path = "/services/sources"
    tags = ["staff"]
    cache_control = CacheControlHeader(no_store=True, private=True)
    dependencies = {"staff": Provide(provide_staff, sync_to_thread=True)}

    @get("/", sync_to_thread=True, summary="Synced directory sources and how their last sync went")
    def sources(
        self, listings: NamedDependency[Listings], staff: NamedDependency[StaffUser]
    ) -> list[Source]:
        return listings.sources()


class DoneIn(msgspec.Struct, forbid_unknown_fields=True):
    done: bool


class ListingsStaffController(Controller):
    """The listings queue in the staff inbox, apart from the safeguarding reports; registered
    on the staff router (server.routes.staff.staff_router), behind its sign-in and CSRF."""

    path = "/listings"

    tags = ["staff"]
    cache_control = CacheControlHeader(no_store=True, private=True)
    dependencies = {"staff": Provide(provide_staff, sync_to_thread=True)}

    @get("/", sync_to_thread=True, summary="Suggested changes to listings, newest first")
    def queue(
        self,
        listings: NamedDependency[Listings],
        staff: NamedDependency[StaffUser],
        done: Annotated[bool, QueryParameter(description="Show the ones marked done.")] = False,
        page: Annotated[int, QueryParameter(ge=1, le=100_000, description="Page, from 1.")] = 1,
    ) -> SuggestionPage:
        return listings.suggestions.page(done, page)

    @patch("/{suggestion_id:int}", sync_to_thread=True, summary="Mark a suggestion done (or not)")
    def mark(
        self,
        listings: NamedDependency[Listings],
        staff: NamedDependency[StaffUser],
        suggestion_id: Annotated[int, PathParameter(ge=1, description="The suggestion's number.")],
        data: JSONBody[DoneIn],
    ) -> Suggestion:
        return listings.suggestions.mark(suggestion_id, data.done, staff.username)

    @get("/sources", sync_to_thread=True, summary="Synced directory sources (for the staff page)")
    def sources(
        self, listings: NamedDependency[Listings], staff: NamedDependency[StaffUser]
    ) -> list[Source]:
        return listings.sources()
