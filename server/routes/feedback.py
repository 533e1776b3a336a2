"""'Report a mistake': the app's form posts here, and staff see the queue under /staff/feedback.

The public route is anonymous like /reports: no cookie is read or set, and nothing about the
sender is kept. The staff routes sit inside the staff router (session cookie + CSRF).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from server.feedback import PAGE_SIZE, FeedbackItem, FeedbackReceived, FeedbackService, NewFeedback
from server.reports import ReportService
from server.routes.deps import request_source
from server.routes.reports import MAX_BODY, ChallengeHeader, require_json
from server.routes.staff import provide_staff
from server.staff import StaffUser


class FeedbackController(Controller):
    """Anonymous: nothing here reads or sets a cookie, and nothing about the sender is kept."""

    path = "/feedback"
    tags = ["feedback"]
    guards = [require_json]
    request_max_body_size = MAX_BODY
    cache_control = CacheControlHeader(no_store=True)

    @post(
        "",
        summary="Report a mistake in a card or helpline (wrong fact, bad translation, out of date)",
        status_code=201,
        sync_to_thread=True,
    )
    def create(
        self,
        request: Request[Any, Any, Any],
        feedback: NamedDependency[FeedbackService],
        reporting: NamedDependency[ReportService],
        data: JSONBody[NewFeedback],
        x_challenge: ChallengeHeader = None,
    ) -> Response[FeedbackReceived]:
        reporting.prove(x_challenge)  # proof of work first (issue 14), then its own limit
        source = request_source(feedback.limiter, request)
        answer = feedback.submit(data, source)
        return Response(answer, status_code=201, headers={"Content-Language": data.lang})


class FeedbackPage(msgspec.Struct, frozen=True):
    items: list[FeedbackItem]
    page: int
    pages: int
    total: int


class FeedbackPatch(msgspec.Struct, forbid_unknown_fields=True):
    done: bool


Page = Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1.")]
ItemId = Annotated[int, PathParameter(ge=1, description="The item's number.")]


class StaffFeedbackController(Controller):
    """The content-feedback queue, apart from the safeguarding inbox."""

    path = "/feedback"
    tags = ["staff"]
    cache_control = CacheControlHeader(no_store=True, private=True)
    dependencies = {"staff": Provide(provide_staff, sync_to_thread=True)}

    @get("", summary="Reports of mistakes in content, newest first", sync_to_thread=True)
    def queue(
        self,
        staff: NamedDependency[StaffUser],
        feedback: NamedDependency[FeedbackService],
        done: Annotated[
            bool, QueryParameter(description="true for items marked done; default open ones")
        ] = False,
        page: Page = 1,
    ) -> FeedbackPage:
        items, total = feedback.items(done, page)
        pages = max(1, -(-total // PAGE_SIZE))
        return FeedbackPage(items=items, page=page, pages=pages, total=total)

    @patch(
        "/{item_id:int}",
        summary="Mark an item done (or open again)",
        status_code=204,
        sync_to_thread=True,
    )
    def mark(
        self,
        item_id: ItemId,
        staff: NamedDependency[StaffUser],
        feedback: NamedDependency[FeedbackService],
        data: JSONBody[FeedbackPatch],
    ) -> None:
        feedback.mark(item_id, data.done, staff.username)
