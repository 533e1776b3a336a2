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

from server.messages import UI_MESSAGES
from server.reports import CodeNotFound, ReportService
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
        translate = reporting.translator(chosen_lang)
        # Proof of work, then the lookup limit (issue 14), like a lookup with the code.
        source = request_source(reporting.limiter, request)
        reporting.admit(reporting.limits.lookup, source, x_challenge, translate)
        if not reporting.store.withdraw(data.code):
            raise CodeNotFound(translate(UI_MESSAGES["report.code_not_found"]))
        return Withdrawn(withdrawn=True, message=translate(UI_MESSAGES["report.withdrawn"]))
