"""Lessons and ESOL classes: the presenter and print pages, and QR codes for this app's pages."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from litestar import Controller, MediaType, Request, Response, Router, get
from litestar.datastructures.headers import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.static_files import create_static_files_router

from server.content import Content
from server.errors import ApiError
from server.i18n import Languages
from server.qr import NotAnAppPath, app_address, configured_address, qr_svg
from server.routes.deps import LangQuery, request_language
from server.settings import Settings

Layout = Literal["pocket", "handout", "bilingual"]
# The pages are static HTML; only the <html> element's language and direction are filled
# in here, so the right fonts and reading direction apply before any script runs.
HTML_START = '<html lang="en" dir="ltr">'
PAGE_CACHE_CONTROL = "no-cache"
QR_CACHE_CONTROL = "public, max-age=86400"


@cache
def _page_template(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if HTML_START not in text:  # pragma: no cover - a broken page is a developer error
        raise RuntimeError(f"{path} must start its document with {HTML_START}")
    return text


def _page(
    request: Request[Any, Any, Any],
    content: Content,
    settings: Settings,
    languages: Languages,
    filename: str,
    card_id: str,
    query_lang: str | None,
) -> Response[str]:
    lang = request_language(request, query_lang)
    if card_id not in content.cards:
        raise ApiError(404, "card_not_found", "We could not find that card.")
    template = _page_template(Path(settings.pwa_dir) / filename)
    direction = languages.info[lang].direction
    html = template.replace(HTML_START, f'<html lang="{lang}" dir="{direction}">', 1)
    return Response(
        content=html,
        media_type=MediaType.HTML,
        headers={"Cache-Control": PAGE_CACHE_CONTROL, "Content-Language": lang},
    )


CardId = Annotated[str, Parameter(max_length=80, description="The card's id (a slug).")]


class LessonPagesController(Controller):
    """Pages for the classroom: slides for a projector and cards for the printer."""

    include_in_schema = False

    @get("/present/{card_id:str}", summary="A card as slides for a projector")
    async def present(
        self,
        request: Request[Any, Any, Any],
        content: NamedDependency[Content],
        settings: NamedDependency[Settings],
        languages: NamedDependency[Languages],
        card_id: CardId,
        lang: LangQuery = None,
    ) -> Response[str]:
        return _page(request, content, settings, languages, "present.html", card_id, lang)

    @get("/print/{card_id:str}", summary="A card laid out for printing")
    async def print_page(
        self,
        request: Request[Any, Any, Any],
        content: NamedDependency[Content],
        settings: NamedDependency[Settings],
        languages: NamedDependency[Languages],
        card_id: CardId,
        lang: LangQuery = None,
        layout: Annotated[
            Layout, Parameter(description="pocket (4 A6 cards a sheet), handout or bilingual.")
        ] = "pocket",
    ) -> Response[str]:
        return _page(request, content, settings, languages, "print.html", card_id, lang)


class QrController(Controller):
    tags = ["lessons"]

    @get(
        "/qr.svg",
        summary="A QR code (SVG) that opens a page of this app",
        description=(
            "The code holds the app's absolute address: the public_url setting, else the "
            "host and port the server is configured to listen on (never the request's Host "
            "header), followed by `path`; 422 when neither gives a usable address. Only paths "
            "of this app are accepted; an absolute URL, `//host`, a backslash or a control "
            "character gives 422."
        ),
        media_type="image/svg+xml",
    )
    async def qr(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        path: Annotated[
            str,
            Parameter(
                description="A path of this app, e.g. /cards/knife-law-for-parents?lang=ur "
                "(URL-encoded in the query)."
            ),
        ],
    ) -> Response[bytes]:
        base = settings.public_url or configured_address(settings.host, settings.port)
        if not base:
            raise ApiError(
                422,
                "no_public_url",
                "This server does not know its own address, so it cannot make a QR code. "
                "Set CONSEQUENCES_PUBLIC_URL to the address people open the app at.",
            )
        try:
            url = app_address(base, path)
        except NotAnAppPath as exc:
            raise ApiError(422, "invalid_path", str(exc)) from None
        svg = qr_svg(url)
        headers = {"ETag": svg.etag, "Cache-Control": QR_CACHE_CONTROL}
        return Response(content=svg.body, media_type="image/svg+xml", headers=headers)


def lesson_assets(pwa_dir: Path) -> Router:
    """The pages' own scripts and styles at /lessons/, whatever serves the rest of the shell."""
    return create_static_files_router(
        path="/lessons",
        directories=[pwa_dir / "lessons"],
        include_in_schema=False,
        name="lesson_assets",
        # Revalidated each time (cheap with ETags), so a fix reaches classrooms at once.
        cache_control=CacheControlHeader(no_cache=True),
    )
