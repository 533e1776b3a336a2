"""Health and the list of languages."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency

from server import __version__
from server.i18n import Languages, LocaleInfo


class Health(msgspec.Struct):
    status: str
    version: str


class MetaController(Controller):
    tags = ["meta"]

    @get("/health", summary="Is the service up?")
    async def health(self) -> Health:
        return Health(status="ok", version=__version__)

    @get("/locales", summary="Languages the app speaks, with review status and completeness")
    async def locales(self, languages: NamedDependency[Languages]) -> list[LocaleInfo]:
        return list(languages.info.values())
