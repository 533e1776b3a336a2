"""create_app(): the one place that wires settings, data, content, languages and routes."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from server import __version__
from server.cards import CardService
from server.content import Content, load_or_raise
from server.db import ThreadLocalDatabase
from server.directory import Finder
from server.errors import EXCEPTION_HANDLERS
from server.geocode import make_geocoder
from server.i18n import Languages
from server.migrations import migrate
from server.precache import build_shell
from server.reports import build_reporting, purge_hourly
from server.routes.cards import CardsController
from server.routes.lessons import LessonPagesController, QrController, lesson_assets
from server.routes.meta import MetaController
from server.routes.postcodes import PostcodesController
from server.routes.reports import ReportsController
from server.routes.services import HelplinesController, ServicesController
from server.routes.shell import AppConfigController, ShellController, other_pages_router
from server.routes.staff import staff_router
from server.routes.voice import (
    PUBLIC_CONTROLLERS,
    PulsePageController,
    voice_staff_router,
    voice_upkeep,
)
from server.security import security_headers_hook
from server.settings import Settings
from server.voice.service import build_voice

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None,
    *,
    content: Content | None = None,
    languages: Languages | None = None,
) -> Litestar:
    """The app. Tests may pass content and catalogues already loaded from the settings' folders."""
    settings = settings or Settings.load()
    data_dir = settings.data_path
    migrate(data_dir)

    content = content or load_or_raise(Path(settings.content_dir))
    languages = languages or Languages(Path(settings.locales_dir))
    cards = CardService(content, languages, __version__)
    shell = build_shell(Path(settings.pwa_dir))
    directory_db = ThreadLocalDatabase(data_dir / "directory.db")
    finder = Finder(directory_db, cards, geocoder=make_geocoder(settings, directory_db))

    api = Router(
        path=API_PREFIX,
        route_handlers=[
            MetaController,
            CardsController,
            AppConfigController,
            QrController,
            ReportsController,
            staff_router(settings),
            ServicesController,
            HelplinesController,
            PostcodesController,
            *PUBLIC_CONTROLLERS,
            voice_staff_router(settings),
        ],
    )

    return Litestar(
        route_handlers=[
            api,
            LessonPagesController,
            PulsePageController,
            lesson_assets(Path(settings.pwa_dir)),
            # The shell's screens, worker and hashed assets; then any other page in pwa/.
            ShellController,
            other_pages_router(Path(settings.pwa_dir)),
        ],
        state=State(
            {
                "settings": settings,
                "content": content,
                "languages": languages,
                "cards": cards,
                "shell": shell,
                **build_reporting(settings),
                "finder": finder,
                "voice": build_voice(settings, content),
            }
        ),
        lifespan=[purge_hourly, voice_upkeep],
        on_shutdown=[directory_db.close],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers_hook(settings.public_url.startswith("https://"))],
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=1024, gzip_compress_level=6
        ),
        openapi_config=OpenAPIConfig(
            title="Consequences Card API",
            version=__version__,
            description=(
                "Consequences cards, the help finder and anonymous reporting. Every error "
                'has the shape {"error": {"code": "...", "message": "..."}}.'
            ),
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        # Litestar's own exception logging would write the request path (which can hold a
        # postcode); server.errors logs faults without the request instead.
        logging_config=LoggingConfig(log_exceptions="never", configure_root_logger=False),
        debug=False,
    )
