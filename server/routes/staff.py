"""The team's side: sign-in, the inbox, ownership, triage, replies, decisions, CSV export,
accounts and the audit log.

Only these routes use cookies: a session cookie (HttpOnly, SameSite=Strict, Secure over TLS,
expiring) and Litestar's CSRF cookie, both scoped to /api/v1/staff. Every state-changing
request must carry the CSRF token in the X-CSRF-Token header. Once signed in, that token is
bound to the session (an HMAC of it) and a new one is given at every sign-in; and a
state-changing request from another site (by Origin or Sec-Fetch-Site) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, Router, delete, get, patch, post
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, Cookie
from litestar.di import NamedDependency, Provide
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, CSRFMiddleware, generate_csrf_hash
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
from server.reports.team import Decision, Destination, InboxFilter, Outcome
from server.routes.deps import request_source
from server.secrets_store import load_or_create
from server.settings import Settings
from server.staff import (
    MIN_PASSWORD,
    USERNAME,
    Account,
    AuditEntry,
    Enrolment,
    Role,
    StaffService,
    StaffUser,
    WrongLogin,
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


class PasswordIn(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[str, Meta(min_length=1, max_length=256)]
    new_password: Annotated[str, Meta(min_length=1, max_length=256)]


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=40)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]
    totp: Annotated[
        str,
        Meta(
            max_length=20,
            description="The 6-digit code from the authenticator app, or a recovery code.",
        ),
    ] = ""


class EnrolmentIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=40)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]


class EnrolmentOut(msgspec.Struct, frozen=True):
    totp_uri: str
    qr_svg: str


class LoginOut(msgspec.Struct, frozen=True, omit_defaults=True):
    user: StaffUser
    csrf_token: str
    recovery_codes: list[str] = []


class Inbox(msgspec.Struct, frozen=True):
    items: list[InboxItem]
    page: int
    pages: int
    total: int
    mail_failures: int = 0


class AssignIn(msgspec.Struct, forbid_unknown_fields=True):
    owner: Annotated[str, Meta(min_length=1, max_length=40)] | None


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    outcome: Outcome
    reason: Annotated[str, Meta(min_length=1, max_length=2000)]
    destination: Destination
    destination_name: Annotated[str, Meta(max_length=200)] | None = None


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
    email: Annotated[str, Meta(max_length=254)] = ""


class TeamMember(msgspec.Struct, frozen=True, array_like=False):
    username: str
    role: str


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
Flag = Annotated[bool, QueryParameter(description="Only these reports when true.")]


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


def provide_admin(staff: NamedDependency[StaffUser]) -> StaffUser:
    if staff.role != "admin":
        raise ApiError(403, "admin_only", "Only an admin can do that.")
    return staff


@cache
def csrf_secret(secrets_path: Path) -> str:
    """The CSRF key every worker shares (kept with the other secrets)."""
    return load_or_create(secrets_path, "csrf").hex()


def bound_csrf_token(secret: str, session_token: str) -> str:
    """The CSRF token for one session: Litestar's token format, its secret half an HMAC of
    the session token, so it changes at every sign-in and is worthless with another session."""
    half = hmac.new(secret.encode(), b"staff-csrf:" + session_token.encode(), hashlib.sha256)
    token_secret = half.hexdigest()[:CSRF_SECRET_LENGTH]
    return token_secret + generate_csrf_hash(token=token_secret, secret=secret)


def csrf_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """State-changing requests: from this site only, and with this session's own token."""
    if connection.scope.get("method") in {"GET", "HEAD", "OPTIONS"}:
        return
    site = connection.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise ApiError(403, "csrf_failed", "This page is out of date. Reload it and try again.")
    origin = connection.headers.get("origin")
    if origin is not None and not _same_origin(connection, origin):
        raise ApiError(403, "csrf_failed", "This page is out of date. Reload it and try again.")
    session = connection.cookies.get(SESSION_COOKIE, "")
    if session and not connection.scope["path"].endswith(("/login", "/login/enrolment")):
        secret = csrf_secret(connection.app.state["settings"].secrets_path)
        sent = connection.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), bound_csrf_token(secret, session).encode()):
            raise ApiError(403, "csrf_failed", "This page is out of date. Reload it and try again.")


def _same_origin(connection: ASGIConnection[Any, Any, Any, Any], origin: str) -> bool:
    settings: Settings = connection.app.state["settings"]
    allowed = {f"{connection.url.scheme}://{connection.headers.get('host', '')}".lower()}
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        allowed.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origin.lower() in allowed


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
        "/login",
        summary=(
            "Sign in with a password and the authenticator's 6-digit code (or a recovery "
            "code); sets the session cookie and answers with a new CSRF token"
        ),
        status_code=200,
        sync_to_thread=True,
    )
    def login(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        staff_service: NamedDependency[StaffService],
        limiter: NamedDependency[RateLimiter],
        limits: NamedDependency[Limits],
        data: JSONBody[LoginIn],
    ) -> Response[LoginOut]:
        limiter.check([(limits.login, request_source(limiter, request))])
        try:
            signed_in = staff_service.sign_in(data.username, data.password, data.totp)
        except WrongLogin:
            raise ApiError(401, "wrong_login", "That username and password do not match.") from None
        secret = csrf_secret(settings.secrets_path)
        csrf = bound_csrf_token(secret, signed_in.token)
        answer = LoginOut(
            user=signed_in.user, csrf_token=csrf, recovery_codes=signed_in.recovery_codes
        )
        return Response(
            answer,
            cookies=[
                session_cookie(request, settings, staff_service, signed_in.token),
                csrf_cookie(request, settings, csrf),
            ],
        )

    @post(
        "/login/enrolment",
        summary=(
            "First sign-in: with the right password, the authenticator enrolment for an "
            "account that has not finished enrolling, as an otpauth:// URI and a QR code"
        ),
        status_code=200,
        sync_to_thread=True,
    )
    def enrolment(
        self,
        request: Request[Any, Any, Any],
        staff_service: NamedDependency[StaffService],
        limiter: NamedDependency[RateLimiter],
        limits: NamedDependency[Limits],
        data: JSONBody[EnrolmentIn],
    ) -> EnrolmentOut:
        limiter.check([(limits.login, request_source(limiter, request))])
        try:
            uri = staff_service.enrolment(data.username, data.password)
        except WrongLogin:
            raise ApiError(
                401,
                "wrong_login",
                "That username and password do not match an account that still needs "
                "to set up its code.",
            ) from None
        return EnrolmentOut(totp_uri=uri, qr_svg=_qr(uri))

    @post(
        "/password",
        summary=(
            "Change your own password; your other sign-ins end, and your copy of the team key "
            "is wrapped again with the new password"
        ),
        status_code=204,
        sync_to_thread=True,
    )
    def change_password(
        self,
        request: Request[Any, Any, Any],
        staff_service: NamedDependency[StaffService],
        staff: NamedDependency[StaffUser],
        team_keys: NamedDependency[TeamKeys],
        data: JSONBody[PasswordIn],
    ) -> None:
        token = request.cookies.get(SESSION_COOKIE, "")
        try:
            staff_service.change_password(
                staff, token, data.current_password, data.new_password, team_keys
            )
        except WrongLogin:
            raise ApiError(403, "wrong_password", "That is not your current password.") from None

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
        stale_csrf = _expire(csrf_cookie(request, settings, ""))
        return Response(None, status_code=204, cookies=[cookie, stale_csrf])

    # -- the inbox

    @get(
        "/reports",
        summary="Reports: overdue first (latest first), then danger now, then newest",
        sync_to_thread=True,
    )
    def inbox(
        self,
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        team_keys: NamedDependency[TeamKeys],
        status: StatusQuery = None,
        category: CategoryQuery = None,
        mine: Flag = False,
        unassigned: Flag = False,
        overdue: Flag = False,
        danger: Flag = False,
        page: Page = 1,
    ) -> Inbox:
        chosen = InboxFilter(
            status=status,
            category=category,
            mine=mine,
            unassigned=unassigned,
            overdue=overdue,
            danger=danger,
        )
        items, total = reports.inbox_filtered(staff.username, chosen, page, team_keys)
        return Inbox(
            items=items,
            page=page,
            pages=max(1, math.ceil(total / PAGE_SIZE)),
            total=total,
            mail_failures=reports.mail_failures(),
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

    @post(
        "/reports/{report_id:int}/assign",
        summary="Give a report to an account, or back to the leads with null (recorded)",
        status_code=200,
        sync_to_thread=True,
    )
    def assign(
        self,
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        report_id: ReportId,
        data: JSONBody[AssignIn],
        team_keys: NamedDependency[TeamKeys],
    ) -> ReportDetail:
        return _found(reports.assign(staff.username, staff.role, report_id, data.owner, team_keys))

    @post(
        "/reports/{report_id:int}/decision",
        summary="Decide: the outcome, the reason and where the report was handed over",
        status_code=200,
        sync_to_thread=True,
    )
    def decide(
        self,
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        report_id: ReportId,
        data: JSONBody[DecisionIn],
        team_keys: NamedDependency[TeamKeys],
    ) -> ReportDetail:
        decision = Decision(
            outcome=data.outcome,
            reason=data.reason,
            destination=data.destination,
            destination_name=data.destination_name,
        )
        return _found(reports.decide(staff.username, staff.role, report_id, decision, team_keys))

    @get("/team", summary="Who reports can be given to", sync_to_thread=True)
    def team(
        self, staff_service: NamedDependency[StaffService], staff: NamedDependency[StaffUser]
    ) -> list[TeamMember]:
        return [TeamMember(a.username, a.role) for a in staff_service.accounts()]

    # -- accounts and the audit log: admins only

    @get("/accounts", summary="Staff accounts (admins only)", sync_to_thread=True)
    def accounts(
        self, staff_service: NamedDependency[StaffService], admin: NamedDependency[StaffUser]
    ) -> list[Account]:
        return staff_service.accounts()

    @post(
        "/accounts",
        summary="Add a staff account; answers its authenticator enrolment URI (admins only)",
        sync_to_thread=True,
    )
    def add_account(
        self,
        staff_service: NamedDependency[StaffService],
        admin: NamedDependency[StaffUser],
        reports: NamedDependency[ReportStore],
        team_keys: NamedDependency[TeamKeys],
        data: JSONBody[AccountIn],
    ) -> Enrolment:
        enrolment = staff_service.add(
            admin.username, data.username, data.password, data.role, data.email
        )
        # Their own key pair, and the team key from this admin's session (sealed reports).
        reports.keyring.enrol(data.username, data.password, team_keys)
        return enrolment

    @post(
        "/accounts/{username:str}/reset-2fa",
        summary="Give an account a new authenticator enrolment; its sign-ins end (admins only)",
        status_code=200,
        sync_to_thread=True,
    )
    def reset_second_factor(
        self,
        staff_service: NamedDependency[StaffService],
        admin: NamedDependency[StaffUser],
        username: Username,
    ) -> Enrolment:
        enrolment = staff_service.reset_second_factor(admin.username, username)
        if enrolment is None:
            raise ApiError(404, "account_not_found", "There is no account with that username.")
        return enrolment

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


def csrf_cookie(request: Request[Any, Any, Any], settings: Settings, token: str) -> Cookie:
    return Cookie(
        key=CSRF_COOKIE,
        value=token,
        path=STAFF_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or settings.public_url.startswith("https://"),
    )


def _qr(uri: str) -> str:
    """The enrolment QR code as SVG text (never cached: it holds the account's secret)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", xmldecl=False, omitsize=True, border=4, title="Authenticator set-up"
    )
    return out.getvalue().decode()


def _expire(cookie: Cookie) -> Cookie:
    cookie.max_age = 0
    return cookie


def _found(detail: ReportDetail | None) -> ReportDetail:
    if detail is None:
        raise ApiError(404, "report_not_found", "There is no report with that number.")
    return detail


def staff_router(settings: Settings, *more: type[Controller]) -> Router:
    """The staff routes (and `more` staff controllers) behind Litestar's CSRF middleware and
    the session-bound token check, with a key shared by all workers."""
    csrf = CSRFConfig(
        secret=csrf_secret(settings.secrets_path),
        cookie_name=CSRF_COOKIE,
        cookie_path=STAFF_PATH,
        header_name=CSRF_HEADER,
        cookie_httponly=True,
        cookie_samesite="strict",
        cookie_secure=settings.public_url.startswith("https://"),
    )
    return Router(
        path="/staff",
        route_handlers=[StaffController, *more],
        middleware=[DefineMiddleware(StaffCSRFMiddleware, config=csrf)],
        guards=[csrf_guard],
    )
