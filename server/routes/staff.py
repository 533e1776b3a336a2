"""The team's side: sign-in, the inbox, triage, replies, CSV export, accounts and the audit log.

Only these routes use cookies: a session cookie (HttpOnly, SameSite=Strict, Secure over TLS,
expiring) and Litestar's CSRF cookie, both scoped to /api/v1/staff. Every state-changing
request must carry the CSRF token in the X-CSRF-Token header.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, Router, delete, get, patch, post
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, Cookie
from litestar.di import NamedDependency, Provide
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.types import Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from msgspec import Meta

from server.errors import ApiError
from server.ratelimit import RateLimiter
from server.reports import (
    MAX_REPORT_ID,
    PAGE_SIZE,
    Category,
    InboxItem,
    Limits,
    ReportDetail,
    ReportStore,
    ReportText,
    Status,
    message_text,
)
from server.reports.sealing import TeamKeys
from server.routes.deps import request_source
from server.secrets_store import load_or_create
from server.settings import Settings
from server.staff import (
    MIN_PASSWORD,
    USERNAME,
    Account,
    AuditEntry,
    Role,
    StaffService,
    StaffUser,
)

STAFF_PATH = "/api/v1/staff"
SESSION_COOKIE = "staff_session"
CSRF_COOKIE = "staff_csrf"
CSRF_HEADER = "x-csrf-token"


class StaffCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, answering a failure in plain words."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except PermissionDeniedException as exc:
            if exc.detail != "CSRF token verification failed":
                raise
            raise ApiError(
                403,
                "csrf_failed",
                "This page is out of date. Reload it and try again.",
            ) from None


class SessionOut(msgspec.Struct, frozen=True):
    csrf_token: str
    user: StaffUser | None


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=40)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]


class Inbox(msgspec.Struct, frozen=True):
    items: list[InboxItem]
    page: int
    pages: int
    total: int


class ReportPatch(msgspec.Struct, forbid_unknown_fields=True):
    status: Status | None = None
    notes: Annotated[str, Meta(max_length=10_000)] | None = None


class MessageIn(msgspec.Struct, forbid_unknown_fields=True):
    text: ReportText


class AccountIn(msgspec.Struct, forbid_unknown_fields=True):
    # The rules server.staff checks, so the API description says them too (issue 14).
    username: Annotated[str, Meta(max_length=40, pattern=USERNAME.pattern)]
    password: Annotated[str, Meta(min_length=MIN_PASSWORD, max_length=256)]
    role: Role = "reviewer"


class AuditPage(msgspec.Struct, frozen=True):
    entries: list[AuditEntry]
    page: int
    total: int


Page = Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1.")]
ReportId = Annotated[int, PathParameter(ge=1, le=MAX_REPORT_ID, description="The report's number.")]
StatusQuery = Annotated[Status | None, QueryParameter(description="Only reports in this status.")]
CategoryQuery = Annotated[
    Category | None, QueryParameter(description="Only reports in this category.")
]
Username = Annotated[str, PathParameter(max_length=40, description="The account's username.")]


def provide_staff(
    request: Request[Any, Any, Any], staff_service: NamedDependency[StaffService]
) -> StaffUser:
    """The signed-in staff member, or 401."""
    user = staff_service.resolve(request.cookies.get(SESSION_COOKIE, ""))
    if user is None:
        raise ApiError(401, "not_signed_in", "Please sign in first.")
    return user


def provide_team_keys(
    request: Request[Any, Any, Any],
    reports: NamedDependency[ReportStore],
    staff_service: NamedDependency[StaffService],
    staff: NamedDependency[StaffUser],
) -> TeamKeys:
    """The team keys this signed-in session unwrapped at sign-in (sealed reports, issue 14)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    return reports.keyring.session(token, int(staff_service.clock()))


def unlock_team_keys(
    reports: ReportStore, staff_service: StaffService, token: str, data: LoginIn
) -> None:
    """At sign-in: open the team key with the password, for this session only."""
    team = reports.keyring.unlock(data.username, data.password)
    expires = int(staff_service.clock()) + staff_service.session_seconds
    reports.keyring.open_session(token, expires, team)


def provide_admin(staff: NamedDependency[StaffUser]) -> StaffUser:
    if staff.role != "admin":
        raise ApiError(403, "admin_only", "Only an admin can do that.")
    return staff


def session_cookie(
    request: Request[Any, Any, Any], settings: Settings, staff: StaffService, token: str
) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path=STAFF_PATH,
        max_age=staff.session_seconds,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or settings.public_url.startswith("https://"),
    )


class StaffController(Controller):
    tags = ["staff"]
    cache_control = CacheControlHeader(no_store=True, private=True)
    dependencies = {
        "staff": Provide(provide_staff, sync_to_thread=True),
        "team_keys": Provide(provide_team_keys, sync_to_thread=True),
        "admin": Provide(provide_admin, sync_to_thread=False),
    }

    # -- signing in and out

    @get("/session", summary="Who is signed in, and the CSRF token for state-changing requests")
    async def session(
        self, request: Request[Any, Any, Any], staff_service: NamedDependency[StaffService]
    ) -> SessionOut:
        token = ScopeState.from_scope(request.scope).csrf_token
        user = await _resolve(request, staff_service)
        return SessionOut(csrf_token=str(token), user=user)

    @post(
        "/login", summary="Sign in; sets the session cookie", status_code=200, sync_to_thread=True
    )
    def login(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        staff_service: NamedDependency[StaffService],
        limiter: NamedDependency[RateLimiter],
        limits: NamedDependency[Limits],
        reports: NamedDependency[ReportStore],
        data: JSONBody[LoginIn],
    ) -> Response[StaffUser]:
        limiter.check([(limits.login, request_source(limiter, request))])
        user = staff_service.authenticate(data.username, data.password)
        if user is None:
            raise ApiError(401, "wrong_login", "That username and password do not match.")
        token = staff_service.start_session(user)
        unlock_team_keys(reports, staff_service, token, data)
        return Response(user, cookies=[session_cookie(request, settings, staff_service, token)])

    @post("/logout", summary="Sign out", status_code=204, sync_to_thread=True)
    def logout(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        staff_service: NamedDependency[StaffService],
        staff: NamedDependency[StaffUser],
    ) -> Response[None]:
        staff_service.end_session(request.cookies.get(SESSION_COOKIE, ""), staff)
        cookie = _expire(session_cookie(request, settings, staff_service, ""))
        return Response(None, status_code=204, cookies=[cookie])

    # -- the inbox

    @get("/reports", summary="Reports, danger now first, then newest first", sync_to_thread=True)
    def inbox(
        self,
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        team_keys: NamedDependency[TeamKeys],
        status: StatusQuery = None,
        category: CategoryQuery = None,
        page: Page = 1,
    ) -> Inbox:
        items, total = reports.inbox(staff.username, status, category, page, team_keys)
        return Inbox(
            items=items, page=page, pages=max(1, math.ceil(total / PAGE_SIZE)), total=total
        )

    @get(
        "/reports/export.csv",
        summary="Reports as CSV, for passing on to the police or Crimestoppers",
        sync_to_thread=True,
    )
    def export(
        self,
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        team_keys: NamedDependency[TeamKeys],
        status: StatusQuery = None,
        category: CategoryQuery = None,
        ids: Annotated[
            str | None,
            QueryParameter(
                max_length=2000,
                pattern=r"^[0-9]{1,15}(,[0-9]{1,15})*$",
                description="Report numbers, e.g. 3,5,8",
            ),
        ] = None,
    ) -> Response[str]:
        id_list = [int(i) for i in ids.split(",")] if ids else None
        text, _count = reports.export_csv(staff.username, status, category, id_list, team_keys)
        return Response(
            text,
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={"Content-Disposition": 'attachment; filename="reports.csv"'},
        )

    @get("/reports/{report_id:int}", summary="One report with its messages", sync_to_thread=True)
    def report(
        self,
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        team_keys: NamedDependency[TeamKeys],
        report_id: ReportId,
    ) -> ReportDetail:
        return _found(reports.get(staff.username, report_id, team_keys))

    @patch(
        "/reports/{report_id:int}",
        summary="Change a report's status or internal notes",
        sync_to_thread=True,
    )
    def update(
        self,
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        team_keys: NamedDependency[TeamKeys],
        report_id: ReportId,
        data: JSONBody[ReportPatch],
    ) -> ReportDetail:
        return _found(reports.update(staff.username, report_id, data.status, data.notes, team_keys))

    @post(
        "/reports/{report_id:int}/messages",
        summary="Send the reporter a question or answer; they see it when they look up their code",
        status_code=201,
        sync_to_thread=True,
    )
    def message(
        self,
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        team_keys: NamedDependency[TeamKeys],
        report_id: ReportId,
        data: JSONBody[MessageIn],
    ) -> ReportDetail:
        text = message_text(data.text)
        return _found(reports.add_team_message(staff.username, report_id, text, team_keys))

    # -- accounts and the audit log: admins only

    @get("/accounts", summary="Staff accounts (admins only)", sync_to_thread=True)
    def accounts(
        self, staff_service: NamedDependency[StaffService], admin: NamedDependency[StaffUser]
    ) -> list[Account]:
        return staff_service.accounts()

    @post("/accounts", summary="Add a staff account (admins only)", sync_to_thread=True)
    def add_account(
        self,
        staff_service: NamedDependency[StaffService],
        admin: NamedDependency[StaffUser],
        reports: NamedDependency[ReportStore],
        team_keys: NamedDependency[TeamKeys],
        data: JSONBody[AccountIn],
    ) -> Account:
        account = staff_service.add(admin.username, data.username, data.password, data.role)
        # Their own key pair, and the team key from this admin's session (sealed reports).
        reports.keyring.enrol(data.username, data.password, team_keys)
        return account

    @delete(
        "/accounts/{username:str}",
        summary="Remove a staff account and end its sessions (admins only)",
        sync_to_thread=True,
    )
    def remove_account(
        self,
        staff_service: NamedDependency[StaffService],
        admin: NamedDependency[StaffUser],
        username: Username,
    ) -> None:
        if username.casefold() == admin.username.casefold():
            raise ApiError(409, "cannot_remove_self", "You cannot remove your own account.")
        if not staff_service.remove(admin.username, username):
            raise ApiError(404, "account_not_found", "There is no account with that username.")

    @get("/audit", summary="The audit log, newest first (admins only)", sync_to_thread=True)
    def audit(
        self,
        staff_service: NamedDependency[StaffService],
        admin: NamedDependency[StaffUser],
        page: Page = 1,
    ) -> AuditPage:
        entries, total = staff_service.audit_log(page)
        return AuditPage(entries=entries, page=page, total=total)


async def _resolve(request: Request[Any, Any, Any], staff: StaffService) -> StaffUser | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    return await anyio.to_thread.run_sync(staff.resolve, token)


def _expire(cookie: Cookie) -> Cookie:
    cookie.max_age = 0
    return cookie


def _found(detail: ReportDetail | None) -> ReportDetail:
    if detail is None:
        raise ApiError(404, "report_not_found", "There is no report with that number.")
    return detail


def staff_router(settings: Settings) -> Router:
    """The staff routes behind Litestar's CSRF middleware, with a key shared by all workers."""
    csrf = CSRFConfig(
        secret=load_or_create(settings.secrets_path, "csrf").hex(),
        cookie_name=CSRF_COOKIE,
        cookie_path=STAFF_PATH,
        header_name=CSRF_HEADER,
        cookie_httponly=True,
        cookie_samesite="strict",
        cookie_secure=settings.public_url.startswith("https://"),
    )
    return Router(
        path="/staff",
        route_handlers=[StaffController],
        middleware=[DefineMiddleware(StaffCSRFMiddleware, config=csrf)],
    )
