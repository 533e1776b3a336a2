"""The reporter's right to withdraw: their report is deleted at once with the follow-up code.

Anonymous like the rest of the reporter's side: no cookie, nothing about the sender kept; the
code is sent in the body, never the URL, and counts against the lookup limit.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from server.reports import ReportService
from server.routes.deps import request_source
from server.routes.reports import ChallengeHeader, CodeIn, ReporterSide


class Withdrawn(msgspec.Struct, frozen=True):
    withdrawn: bool
    message: str


class WithdrawController(ReporterSide):
    path = "/reports/withdraw"

    @post(
        "",
        summary=(
            "Withdraw a report with its follow-up code: it is deleted at once, with its "
            "messages, and the code stops working"
        ),
        status_code=200,
        sync_to_thread=True,
    )
    def withdraw(
        self,
        request: Request[Any, Any, Any],
        reporting: NamedDependency[ReportService],
        data: JSONBody[CodeIn],
        chosen_lang: NamedDependency[str],
        x_challenge: ChallengeHeader = None,
    ) -> Withdrawn:
        source = request_source(reporting.limiter, request)
        message = reporting.withdraw(data.code, chosen_lang, source, x_challenge)
        return Withdrawn(withdrawn=True, message=message)
