"""Youth voice routes: class pulses, the card question, unsafe places, figures and updates.

Pupils and young people: no account, no cookie, nothing about the phone. Staff: behind the
staff sign-in and CSRF check, like the inbox.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, MediaType, Request, Response, delete, get, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from msgspec import Meta

from server.content import Content
from server.i18n import Languages
from server.messages import UI_MESSAGES
from server.problems import Forbidden, NotFound, TooMany
from server.ratelimit import RateLimiter
from server.reports import ReportService, ReportStore
from server.routes.deps import LangQuery, request_language, request_source
from server.routes.lessons import HTML_START, _page_template
from server.routes.reports import MAX_BODY, ChallengeHeader, require_json
from server.routes.staff import (
    provide_staff,
)
from server.settings import Settings
from server.staff import StaffUser, write_audit
from server.voice import charts, places, stats
from server.voice.places import NewUnsafePlace, UnsafePlace, UnsafePlaceReceived
from server.voice.pulse import Opened, Phase, PhaseResult, Session
from server.voice.service import APP_ANSWERS, SESSION_ANSWERS, SESSION_OPENS, Voice
from server.voice.updates import NewUpdate, ShownUpdate, Update

NO_STORE = CacheControlHeader(no_store=True)
Code = Annotated[str, PathParameter(max_length=12, description="The pulse's short code.")]
OptionalCode = Annotated[str | None, PathParameter(max_length=12, required=False)]
Slug = Annotated[str, Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Token = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{16,64}$")]


class AnswerOption(msgspec.Struct, frozen=True):
    id: str
    label: str


class QuestionOut(msgspec.Struct, frozen=True):
    id: str
    statement: str
    answers: list[AnswerOption]


class SessionOut(msgspec.Struct, frozen=True):
    session: Session
    questions: list[QuestionOut]


class OpenIn(msgspec.Struct, forbid_unknown_fields=True):
    card_id: Slug


class PhaseIn(msgspec.Struct, forbid_unknown_fields=True):
    phase: Phase


class AnswersIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Token
    phase: Phase
    answers: Annotated[dict[Slug, Annotated[str, Meta(max_length=20)]], Meta(max_length=20)]


class CardAnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    question: Slug
    answer: Annotated[str, Meta(max_length=20)]


class Counted(msgspec.Struct, frozen=True):
    counted: bool


def _questions_out(
    voice: Voice, ids: list[str], lang: str, languages: Languages
) -> list[QuestionOut]:
    translate = languages.gettext(lang).gettext
    out = []
    for question_id in ids:
        question = voice.questions.by_id[question_id]
        options = []
        for answer in question.answers:
            key = f"pulse.answer.{answer}"
            label = translate(UI_MESSAGES[key]) if key in UI_MESSAGES else answer
            options.append(AnswerOption(id=answer, label=label))
        out.append(
            QuestionOut(id=question.id, statement=translate(question.statement), answers=options)
        )
    return out


class PulseController(Controller):
    """Class pulses. The presenter holds a key for its session; pupils hold only the code."""

    path = "/pulse"
    tags = ["pulse"]
    cache_control = NO_STORE
    request_max_body_size = MAX_BODY

    @get("/questions", summary="The pulse questions a card asks, in the chosen language")
    async def questions(
        self,
        request: Request[Any, Any, Any],
        voice: NamedDependency[Voice],
        languages: NamedDependency[Languages],
        card: Annotated[
            str | None, QueryParameter(max_length=80, description="Only this card's questions.")
        ] = None,
        lang: LangQuery = None,
    ) -> list[QuestionOut]:
        chosen = request_language(request, lang)
        asked = voice.questions.for_card(card) if card else voice.questions.by_id.values()
        ids = [q.id for q in asked]
        return _questions_out(voice, ids, chosen, languages)

    @post(
        "/sessions",
        summary="Open a class pulse for a card; the answer holds the presenter's key",
        status_code=201,
        guards=[require_json],
        sync_to_thread=True,
    )
    def open_session(
        self,
        request: Request[Any, Any, Any],
        voice: NamedDependency[Voice],
        content: NamedDependency[Content],
        limiter: NamedDependency[RateLimiter],
        data: JSONBody[OpenIn],
    ) -> Opened:
        if data.card_id not in content.cards:
            raise NotFound("card_not_found", "We could not find that card.")
        limiter.check([(SESSION_OPENS, request_source(limiter, request))])
        return voice.pulse.open_session(data.card_id)

    @get("/sessions/{code:str}", summary="A pulse and its questions, in the chosen language")
    async def session(
        self,
        request: Request[Any, Any, Any],
        voice: NamedDependency[Voice],
        languages: NamedDependency[Languages],
        code: Code,
        lang: LangQuery = None,
    ) -> SessionOut:
        chosen = request_language(request, lang)
        session = voice.pulse.session(code)
        return SessionOut(
            session=session, questions=_questions_out(voice, session.questions, chosen, languages)
        )

    @post(
        "/sessions/{code:str}/phase",
        summary="Move the pulse to before or after the lesson (presenter only)",
        status_code=200,
        guards=[require_json],
        sync_to_thread=True,
    )
    def set_phase(
        self,
        voice: NamedDependency[Voice],
        code: Code,
        data: JSONBody[PhaseIn],
        presenter_key: Annotated[str, HeaderParameter(name="X-Presenter-Key", max_length=64)],
    ) -> Session:
        return voice.pulse.set_phase(code, presenter_key, data.phase)

    @post(
        "/sessions/{code:str}/answers",
        summary="One phone's answers to the pulse (once per phone and part)",
        status_code=201,
        guards=[require_json],
        sync_to_thread=True,
    )
    def answer(
        self,
        voice: NamedDependency[Voice],
        limiter: NamedDependency[RateLimiter],
        code: Code,
        data: JSONBody[AnswersIn],
    ) -> Counted:
        session = voice.pulse.session(code)
        # The session's own limit: a class shares one address, so it is keyed by the code.
        wait = limiter.hit([(SESSION_ANSWERS, session.code.encode())])
        if wait:
            raise TooMany(
                "too_many_requests", "Too many answers at once. Try again.", int(wait) + 1
            )
        voice.pulse.answer(code, data.token, data.phase, data.answers)
        return Counted(counted=True)

    @get("/sessions/{code:str}/results", summary="The class's results, once 10 have answered")
    async def results(self, voice: NamedDependency[Voice], code: Code) -> list[PhaseResult]:
        return voice.pulse.results(code)

    @post(
        "/answers",
        summary="An answer to the optional question at the end of a card in the app",
        status_code=201,
        guards=[require_json],
        sync_to_thread=True,
    )
    def card_answer(
        self,
        request: Request[Any, Any, Any],
        voice: NamedDependency[Voice],
        limiter: NamedDependency[RateLimiter],
        data: JSONBody[CardAnswerIn],
    ) -> Counted:
        limiter.check([(APP_ANSWERS, request_source(limiter, request))])
        voice.pulse.app_answer(data.question, data.answer)
        return Counted(counted=True)


class UnsafePlaceController(Controller):
    """A report that a place feels unsafe: kept as a report, with only its postcode sector."""

    path = "/reports/unsafe-place"
    tags = ["reports"]
    guards = [require_json]
    request_max_body_size = MAX_BODY
    cache_control = NO_STORE

    @post("", summary="Report a place that feels unsafe", status_code=201, sync_to_thread=True)
    def create(
        self,
        request: Request[Any, Any, Any],
        voice: NamedDependency[Voice],
        limiter: NamedDependency[RateLimiter],
        reporting: NamedDependency[ReportService],
        data: JSONBody[NewUnsafePlace],
        x_challenge: ChallengeHeader = None,
    ) -> Response[UnsafePlaceReceived]:
        body = voice.report_unsafe_place(
            reporting, data, request_source(limiter, request), x_challenge
        )
        return Response(body, status_code=201, headers={"Content-Language": data.lang})


class UpdatesController(Controller):
    path = "/updates"
    tags = ["voice"]

    @get("", summary="You said, we did: what has changed, in the chosen language")
    async def updates(
        self,
        request: Request[Any, Any, Any],
        voice: NamedDependency[Voice],
        languages: NamedDependency[Languages],
        lang: LangQuery = None,
    ) -> Response[list[ShownUpdate]]:
        chosen = request_language(request, lang)
        shown = voice.updates.shown(chosen, languages.gettext(chosen).gettext)
        return Response(shown, headers={"Cache-Control": "no-cache", "Content-Language": chosen})


# -- staff

Year = Annotated[
    int | None,
    QueryParameter(ge=2000, le=2100, description="The calendar year (default: this one)."),
]


def _year(year: int | None) -> int:
    return year or dt.datetime.now(dt.UTC).year


class VoiceStaffController(Controller):
    """Youth-voice figures and updates for staff; registered on the staff router, behind its
    sign-in and CSRF."""

    tags = ["staff"]
    cache_control = CacheControlHeader(no_store=True, private=True)
    dependencies = {"staff": Provide(provide_staff, sync_to_thread=True)}

    @get(
        "/figures",
        summary="Partnership figures per month (JSON, or CSV with format=csv): small numbers "
        "suppressed, the rest rounded to 5",
        sync_to_thread=True,
    )
    def figures(
        self,
        request: Request[Any, Any, Any],
        voice: NamedDependency[Voice],
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        year: Year = None,
        format: Annotated[
            Literal["json", "csv"] | None, QueryParameter(description="json (default) or csv")
        ] = None,
    ) -> Response[Any]:
        chosen = _year(year)
        figures = voice.figures(reports, chosen, dt.datetime.now(dt.UTC).date())
        wants_csv = format == "csv" or (
            format is None and "text/csv" in request.headers.get("accept", "")
        )
        with reports.write() as conn:
            write_audit(conn, staff.username, "view_figures", None, f"year={chosen}")
        if wants_csv:
            return Response(
                stats.to_csv(figures),
                media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
                headers={"Content-Disposition": f'attachment; filename="figures-{chosen}.csv"'},
            )
        return Response(figures)

    @get(
        "/figures/charts/{name:str}",
        summary="One of the figures' charts, as SVG",
        media_type="image/svg+xml",
        sync_to_thread=True,
    )
    def chart(
        self,
        voice: NamedDependency[Voice],
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        name: Annotated[str, PathParameter(max_length=100)],
        year: Year = None,
    ) -> Response[str]:
        figures = voice.figures(reports, _year(year), dt.datetime.now(dt.UTC).date())
        drawn = charts.charts(figures)
        name = name.removesuffix(".svg")
        if name not in drawn:
            raise NotFound("chart_not_found", "There is no chart with that name.")
        return Response(drawn[name], media_type="image/svg+xml")

    @get("/figures/charts", summary="The names of the figures' charts", sync_to_thread=True)
    def chart_names(
        self,
        voice: NamedDependency[Voice],
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        year: Year = None,
    ) -> list[str]:
        figures = voice.figures(reports, _year(year), dt.datetime.now(dt.UTC).date())
        return [f"{name}.svg" for name in charts.charts(figures)]

    @get(
        "/unsafe-places/{report_id:int}",
        summary="What a report of an unsafe place says: the sector, what and when",
        sync_to_thread=True,
    )
    def unsafe_place(
        self,
        voice: NamedDependency[Voice],
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        report_id: Annotated[int, PathParameter(ge=1)],
    ) -> UnsafePlace:
        found = places.unsafe_place(reports, report_id)
        if found is None:
            raise NotFound("report_not_found", "There is no unsafe-place report with that number.")
        return found

    @get("/updates", summary="You said, we did: every update", sync_to_thread=True)
    def updates(
        self, voice: NamedDependency[Voice], staff: NamedDependency[StaffUser]
    ) -> list[Update]:
        return voice.updates.all()

    @post(
        "/updates",
        summary="Publish a You said, we did update",
        status_code=201,
        sync_to_thread=True,
    )
    def publish(
        self,
        voice: NamedDependency[Voice],
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        data: JSONBody[NewUpdate],
    ) -> Update:
        update = voice.updates.publish(staff.username, data)
        with reports.write() as conn:
            write_audit(conn, staff.username, "publish_update", None, f"update {update.id}")
        return update

    @delete("/updates/{update_id:int}", summary="Withdraw an update", sync_to_thread=True)
    def withdraw(
        self,
        voice: NamedDependency[Voice],
        reports: NamedDependency[ReportStore],
        staff: NamedDependency[StaffUser],
        update_id: Annotated[int, PathParameter(ge=1)],
    ) -> None:
        if staff.role != "admin":
            raise Forbidden("admin_only", "Only an admin can do that.")
        voice.updates.remove(update_id)
        with reports.write() as conn:
            write_audit(conn, staff.username, "withdraw_update", None, f"update {update_id}")

    @get(
        "/updates/export.yaml",
        summary="The updates to translate, as content/updates.yaml for the catalogue",
        sync_to_thread=True,
    )
    def export(
        self, voice: NamedDependency[Voice], staff: NamedDependency[StaffUser]
    ) -> Response[str]:
        return Response(
            voice.updates.export_yaml(),
            media_type="application/yaml; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="updates.yaml"'},
        )


class PulsePageController(Controller):
    """The page pupils open from the QR code: /pulse/{code}, in the phone's language."""

    include_in_schema = False

    @get(["/pulse", "/pulse/{code:str}"])
    async def page(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        languages: NamedDependency[Languages],
        code: OptionalCode = None,
        lang: LangQuery = None,
    ) -> Response[str]:
        chosen = request_language(request, lang)
        template = _page_template(Path(settings.pwa_dir) / "lessons" / "pupil.html")
        direction = languages.info[chosen].direction
        html = template.replace(HTML_START, f'<html lang="{chosen}" dir="{direction}">', 1)
        return Response(
            content=html,
            media_type=MediaType.HTML,
            headers={"Cache-Control": "no-cache", "Content-Language": chosen},
        )


PUBLIC_CONTROLLERS = [PulseController, UnsafePlaceController, UpdatesController]
