"""create_app(): the one place that wires settings, data, content, languages and routes.

Every service the routes use is built here into one typed container, Services; handlers get
each one as a typed dependency named after its field (``reports: NamedDependency[ReportStore]``).
The app's one lifespan runs the hourly retention purge and closes every database at shutdown.
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
from server.errors import EXCEPTION_HANDLERS
from server.geocode import make_geocoder
from server.http import BoundedJson, ConditionalGet, TrueAllow
from server.i18n import Languages
from server.migrations import migrate
from server.openapi import TruthfulJsonRenderPlugin
from server.pow import ProofOfWork
from server.precache import Shell, build_shell
from server.ratelimit import RateLimiter, parse_proxies
from server.reports import Limits, ReportService, ReportStore, open_store, purge_forever
from server.routes.cards import CardsController
from server.routes.lessons import LessonPagesController, QrController, lesson_assets
from server.routes.meta import MetaController
from server.routes.postcodes import PostcodesController
from server.routes.reports import ChallengeController, ReportsController
from server.routes.services import HelplinesController, ServicesController
from server.routes.shell import AppConfigController, ShellController, other_pages_router
from server.routes.staff import staff_router
from server.secrets_store import load_or_create
from server.security import security_headers_hook
from server.settings import Settings
from server.staff import StaffService

API_PREFIX = "/api/v1"
COMPRESSION = CompressionConfig(backend="gzip", minimum_size=1024, gzip_compress_level=6)


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
        return cls(
            settings=settings,
            content=content,
            languages=languages,
            cards=cards,
            shell=build_shell(Path(settings.pwa_dir)),
            directory_db=directory_db,
            finder=Finder(directory_db, cards, geocoder=make_geocoder(settings, directory_db)),
            reports=reports,
            staff_service=StaffService(data_dir / "reports.db", settings.staff_session_hours),
            limiter=limiter,
            limits=limits,
            reporting=ReportService(reports, limiter, limits, languages, proof),
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


def _constant(value: object) -> Provide:
    def provide() -> object:
        return value

    return Provide(provide, use_cache=True, sync_to_thread=False)


def lifespan(services: Services) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """While the app runs: purge reports past retention at start-up and then every hour.
    At shutdown: stop the purge, then close every database."""

    @asynccontextmanager
    async def run(_app: Litestar) -> AsyncIterator[None]:
        purge = asyncio.get_running_loop().create_task(purge_forever(services.reports))
        try:
            yield
        finally:
            purge.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purge
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
            staff_router(settings),  # /staff/... (session cookie + CSRF)
            ServicesController,  # /services/nearby, /services/categories, /services/{id}
            HelplinesController,  # /helplines
            PostcodesController,  # /postcodes/{postcode}
        ],
    )

    return Litestar(
        route_handlers=[
            api,
            LessonPagesController,  # /present/{card_id}, /print/{card_id}
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
