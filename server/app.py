"""create_app(): the one place that wires settings, data, content, languages and routes.

Every service the routes use is built here into one typed container, Services; handlers get
each one as a typed dependency named after its field (``reports: NamedDependency[ReportStore]``).
The app's one lifespan runs the hourly retention purge and pulse upkeep, and closes every
database at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, fields
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware
from litestar.openapi.config import OpenAPIConfig

from server import __version__
from server.cards import CardService
from server.content import Content, load_or_raise
from server.db import ThreadLocalDatabase
from server.directory.finder import Finder
from server.directory.publish import Publisher
from server.errors import EXCEPTION_HANDLERS
from server.feedback import FeedbackService, FeedbackStore
from server.geocode import make_geocoder
from server.http import BoundedJson, ConditionalGet, TrueAllow
from server.i18n import Languages
from server.listings import Listings, SuggestionStore
from server.migrations import migrate
from server.notify import Mailer, Notifier, notify_forever
from server.openapi import TruthfulJsonRenderPlugin
from server.pow import ProofOfWork
from server.precache import Shell, build_shell
from server.ratelimit import Limit, RateLimiter, parse_proxies
from server.reports import Limits, ReportService, ReportStore, open_store, purge_forever
from server.routes.cards import CardsController
from server.routes.feedback import FeedbackController, StaffFeedbackController
from server.routes.lessons import LessonPagesController, QrController, lesson_assets
from server.routes.listings import (
    ListingsStaffController,
    SourcesController,
    SuggestionsController,
)
from server.routes.meta import MetaController
from server.routes.openreferral import openreferral_router
from server.routes.postcodes import PostcodesController
from server.routes.reports import ChallengeController, ReportsController
from server.routes.services import HelplinesController, ServicesController
from server.routes.shell import AppConfigController, ShellController, other_pages_router
from server.routes.staff import staff_router
from server.routes.voice import PUBLIC_CONTROLLERS, PulsePageController, VoiceStaffController
from server.routes.withdraw import WithdrawController
from server.secrets_store import load_or_create
from server.security import security_headers_hook
from server.settings import Settings
from server.staff import StaffService
from server.sync import sync_forever
from server.voice.service import Voice, build_voice, upkeep_forever

API_PREFIX = "/api/v1"
COMPRESSION = CompressionConfig(backend="gzip", minimum_size=256, gzip_compress_level=6)


@dataclass(frozen=True, kw_only=True)
class Services:
    """Every service and resource the app holds, built once by create_app().

    The three databases (directory.db through `directory_db`; reports.db through `reports`
    and `staff_service`) are opened lazily, one connection per thread, and closed by the lifespan.
    """

    settings: Settings
    content: Content
    languages: Languages
    cards: CardService
    shell: Shell
    directory_db: ThreadLocalDatabase
    finder: Finder
    reports: ReportStore
    staff_service: StaffService
    limiter: RateLimiter
    limits: Limits
    reporting: ReportService
    proof: ProofOfWork
    feedback: FeedbackService
    notifier: Notifier
    listings: Listings
    voice: Voice

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        content: Content | None = None,
        languages: Languages | None = None,
    ) -> Services:
        """Every service; tests may pass content and catalogues already loaded."""
        data_dir = settings.data_path
        migrate(data_dir)
        content = content or load_or_raise(Path(settings.content_dir))
        languages = languages or Languages(Path(settings.locales_dir))
        cards = CardService(content, languages, __version__)
        directory_db = ThreadLocalDatabase(data_dir / "directory.db")
        reports = open_store(settings)
        limiter = RateLimiter(trusted_proxies=parse_proxies(settings.trusted_proxies))
        limits = Limits.from_settings(settings)
        proof = ProofOfWork(
            enabled=settings.proof_of_work == "on",
            key=load_or_create(settings.secrets_path, "proof-of-work"),
        )
        finder = Finder(directory_db, cards, geocoder=make_geocoder(settings, directory_db))
        return cls(
            settings=settings,
            content=content,
            languages=languages,
            cards=cards,
            shell=build_shell(Path(settings.pwa_dir)),
            directory_db=directory_db,
            finder=finder,
            reports=reports,
            staff_service=StaffService(
                data_dir / "reports.db", settings.staff_session_hours, keyring=reports.keyring
            ),
            limiter=limiter,
            limits=limits,
            reporting=ReportService(reports, limiter, limits, languages, proof),
            feedback=FeedbackService(
                FeedbackStore(
                    ThreadLocalDatabase(data_dir / "reports.db"), settings.report_retention_days
                ),
                limiter,
                settings.feedback_per_hour,
                content,
                languages,
            ),
            notifier=Notifier(reports, Mailer(settings), settings),
            listings=Listings(
                Publisher(directory_db, finder, settings.publish_sample_services),
                SuggestionStore(directory_db, settings.report_retention_days),
                Limit("suggestion", settings.suggestions_per_hour),
            ),
            voice=build_voice(settings, content, directory_db),
            proof=proof,
        )

    def state(self) -> State:
        """The app's state: each service under its field's name (app.state.reports)."""
        return State({f.name: getattr(self, f.name) for f in fields(self)})

    def dependencies(self) -> dict[str, Provide]:
        """Each service as a dependency of the same name, for NamedDependency[...] parameters."""
        return {f.name: _constant(getattr(self, f.name)) for f in fields(self)}

    def close(self) -> None:
        self.reports.close()
        self.staff_service.close()
        self.directory_db.close()
        self.feedback.close()
        self.voice.close()


def _constant(value: object) -> Provide:
    def provide() -> object:
        return value

    return Provide(provide, use_cache=True, sync_to_thread=False)


def lifespan(services: Services) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """While the app runs: purge reports past retention and forget the phone tokens of closed
    pulse sessions, at start-up and then every hour; send staff notifications; sync the
    directory's sources when the deployer turned that on.
    At shutdown: stop them all, then close every database."""

    @asynccontextmanager
    async def run(_app: Litestar) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        tasks = [
            loop.create_task(purge_forever(services.reports)),
            loop.create_task(notify_forever(services.notifier)),
            loop.create_task(upkeep_forever(services.voice)),
        ]
        if services.settings.sync_every_hours:  # issue 15: scheduled directory sync
            tasks.append(loop.create_task(sync_forever(services.settings)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            services.close()

    return run


def create_app(
    settings: Settings | None = None,
    *,
    content: Content | None = None,
    languages: Languages | None = None,
) -> Litestar:
    """The app. Tests may pass content and catalogues already loaded from the settings' folders."""
    settings = settings or Settings.load()
    services = Services.build(settings, content=content, languages=languages)

    api = Router(
        path=API_PREFIX,
        route_handlers=[
            MetaController,  # /health, /locales
            CardsController,  # /cards, /cards/{id}, /messages, /bundle
            AppConfigController,  # /app-config
            QrController,  # /qr.svg
            ReportsController,  # /reports, /reports/lookup, /reports/reply (anonymous)
            ChallengeController,  # /challenge (proof of work for the anonymous writes)
            # /staff/... (session cookie + CSRF): the inbox, the feedback and listings queues,
            # and the youth-voice figures and updates, all behind one sign-in and CSRF check.
            staff_router(
                settings,
                StaffFeedbackController,
                ListingsStaffController,
                VoiceStaffController,
            ),
            FeedbackController,  # /feedback ("Report a mistake", anonymous)
            WithdrawController,  # /reports/withdraw (anonymous)
            SuggestionsController,  # /services/{id}/suggestions (anonymous)
            SourcesController,  # /services/sources (staff only)
            ServicesController,  # /services/nearby, /services/categories, /services/{id}
            HelplinesController,  # /helplines
            PostcodesController,  # /postcodes/{postcode}
            *PUBLIC_CONTROLLERS,  # /pulse/..., /reports/unsafe-place, /updates (youth voice)
        ],
    )

    return Litestar(
        route_handlers=[
            api,
            openreferral_router(),  # /openreferral/...: our directory as ORUK 3.0, CORS *
            LessonPagesController,  # /present/{card_id}, /print/{card_id}
            PulsePageController,  # /pulse, /pulse/{code} (pupils' class pulse page)
            lesson_assets(Path(settings.pwa_dir)),  # /lessons/...
            # The shell's screens, worker and hashed assets; then any other page in pwa/.
            ShellController,
            other_pages_router(Path(settings.pwa_dir)),
        ],
        state=services.state(),
        dependencies=services.dependencies(),
        lifespan=[lifespan(services)],
        middleware=[
            # gzip outermost; inside it, a GET whose ETag the phone already has becomes a
            # 304 before any body is compressed.
            DefineMiddleware(CompressionMiddleware, config=COMPRESSION),
            ConditionalGet,
            # A JSON body's size and nesting are bounded before it is decoded.
            BoundedJson,
            # An automatic OPTIONS answer lists every method its path takes.
            TrueAllow,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers_hook(settings.public_url.startswith("https://"))],
        openapi_config=OpenAPIConfig(
            title="Consequences Card API",
            version=__version__,
            description=(
                "Consequences cards, the help finder and anonymous reporting. Every error "
                'has the shape {"error": {"code": "...", "message": "..."}}.'
            ),
            path="/schema",
            render_plugins=[TruthfulJsonRenderPlugin()],
        ),
        # Litestar's own exception logging would write the request path (which can hold a
        # postcode); server.errors logs faults without the request instead.
        logging_config=LoggingConfig(log_exceptions="never", configure_root_logger=False),
        debug=False,
    )
