"""The app shell: one page for every screen, the service worker, hashed assets, other pages."""

from __future__ import annotations

import html
import re
from pathlib import Path, PurePath
from typing import Any

import msgspec
from litestar import Controller, Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.file_system import BaseLocalFileSystem
from litestar.params import FromPath
from litestar.response.file import ASGIFileResponse
from litestar.static_files import StaticFiles

from server.cards import CardService
from server.errors import ApiError
from server.i18n import Languages, UnsupportedLanguage
from server.precache import SCREENS, Shell, ShellFile
from server.settings import Settings

# Every screen's address answers with the same shell, so links and QR codes can point at
# any of them; the page's JavaScript then draws the screen.
SCREEN_PATHS = [path for path in SCREENS.values() if "{" not in path]
CARD_SCREEN = SCREENS["card"].replace("{id}", "{card_id:str}")
# Revalidate every time (cheap: a 304 when nothing changed).
NO_CACHE = "no-cache"
# Hashed addresses never change their bytes.
IMMUTABLE = "public, max-age=31536000, immutable"
MEDIA_TYPE_JS = "text/javascript"


class ReportsPromise(msgspec.Struct):
    """What the report start screen tells a reporter: who reads it, how fast, police or not."""

    organisation: str
    reply_hours: int
    police: str


class AppConfig(msgspec.Struct):
    exit_url: str
    shell_version: str
    reports: ReportsPromise


def _send(file: ShellFile, cache_control: str) -> Response[bytes]:
    """The file with its ETag; ConditionalGet answers 304 when the browser has it."""
    headers = {"Cache-Control": cache_control, "ETag": f'"{file.revision}"'}
    return Response(content=file.body, media_type=file.media_type, headers=headers)


# The shell's words, in place: <tag ... data-msg="key" ...>text</tag>, aria-label beside
# data-msg-label="key", <html lang dir>, and the language bundle it preloads.
MSG_TEXT = re.compile(r'(<(\w+)\b[^>]*\bdata-msg="([a-z0-9_.]+)"[^>]*>)([^<]*)(</\2>)')
MSG_LABEL = re.compile(
    r'aria-label="[^"]*"((?:\s+[\w-]+="[^"]*")*?\s+data-msg-label="([a-z0-9_.]+)")'
)
HTML_LANG = re.compile(r'<html lang="[^"]*" dir="[^"]*">')
PRELOAD = re.compile(r'(href="/api/v1/bundle\?lang=)[a-z-]+([&"])')
# Home preloads only the start of the bundle and its own modules, so a slow phone draws it
# sooner; any other screen, the whole bundle and the modules loaded later too.
LATER_MODULES = re.compile(rb'<link rel="modulepreload" href="[^"]*" data-later>\n')
LANG_COOKIE = "lang"
# (card service, shell revision, language) -> the shell in that language; a few per version.
TRANSLATED: dict[tuple[int, str, str], bytes] = {}


def choose_language(request: Request[Any, Any, Any], languages: Languages) -> str:
    """?lang=, then the app's remembered choice (a cookie holding only it), then the phone's."""
    accept = request.headers.get("accept-language")
    for asked in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if asked:
            try:
                return languages.negotiate(asked, accept)
            except UnsupportedLanguage:
                continue
    return languages.negotiate(None, accept)


def _translated_shell(
    body: bytes, lang: str, direction: str, words: tuple[tuple[str, str], ...]
) -> bytes:
    messages = dict(words)
    text = body.decode()

    def word(match: re.Match[str]) -> str:
        value = messages.get(match.group(3))
        if value is None:
            return match.group(0)
        return match.group(1) + html.escape(value, quote=False) + match.group(5)

    def label(match: re.Match[str]) -> str:
        value = messages.get(match.group(2))
        if value is None:
            return match.group(0)
        return f'aria-label="{html.escape(value)}"' + match.group(1)

    text = MSG_TEXT.sub(word, text)
    text = MSG_LABEL.sub(label, text)
    text = HTML_LANG.sub(f'<html lang="{lang}" dir="{direction}">', text, count=1)
    text = PRELOAD.sub(rf"\g<1>{lang}\g<2>", text, count=1)
    return text.encode()


def _shell_page(
    request: Request[Any, Any, Any], shell: Shell, cards: CardService, languages: Languages
) -> Response[bytes]:
    """The shell, already in the chosen language and direction: no English flash first."""
    file = shell.files["/"]
    lang = choose_language(request, languages)
    fields = languages.fields(lang)
    key = (id(cards), file.revision, lang)
    body = TRANSLATED.get(key)
    if body is None:
        words = tuple(cards.ui_messages(lang).items())
        body = TRANSLATED[key] = _translated_shell(file.body, lang, fields["direction"], words)
    if request.url.path == "/":
        body = LATER_MODULES.sub(b"", body)
    else:
        body = body.replace(b"&amp;part=start", b"", 1)
    headers = {
        "Cache-Control": NO_CACHE,
        "ETag": f'"{file.revision}-{lang}"',
        "Content-Language": lang,
        "Vary": "Accept-Language, Cookie",
    }
    return Response(content=body, media_type=file.media_type, headers=headers)


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "We could not find that.")


class ShellController(Controller):
    include_in_schema = False

    @get(SCREEN_PATHS, name="shell:screen")
    async def screen(
        self,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        cards: NamedDependency[CardService],
        languages: NamedDependency[Languages],
    ) -> Response[bytes]:
        return _shell_page(request, shell, cards, languages)

    @get(CARD_SCREEN, name="shell:card")
    async def card(
        self,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        cards: NamedDependency[CardService],
        languages: NamedDependency[Languages],
        card_id: FromPath[str],
    ) -> Response[bytes]:
        # Unknown cards still get the shell, which says so in the chosen language.
        return _shell_page(request, shell, cards, languages)

    @get("/sw.js", name="shell:worker")
    async def worker(
        self, request: Request[Any, Any, Any], shell: NamedDependency[Shell]
    ) -> Response[bytes]:
        if not shell.worker:
            raise _not_found()
        worker = ShellFile("/sw.js", Path("sw.js"), shell.worker, shell.version, MEDIA_TYPE_JS)
        # The browser checks the worker for updates; it must never come from a cache.
        return _send(worker, NO_CACHE)

    @get(["/manifest.webmanifest", "/offline.html"], name="shell:file")
    async def top_level(
        self, request: Request[Any, Any, Any], shell: NamedDependency[Shell]
    ) -> Response[bytes]:
        return _asset(request, shell, request.url.path)

    @get("/assets/{asset_path:path}", name="shell:asset")
    async def asset(
        self,
        request: Request[Any, Any, Any],
        shell: NamedDependency[Shell],
        asset_path: FromPath[PurePath],
    ) -> Response[bytes]:
        return _asset(request, shell, "/assets/" + asset_path.as_posix().lstrip("/"))


def _asset(request: Request[Any, Any, Any], shell: Shell, url: str) -> Response[bytes]:
    file = shell.files.get(url)
    if file is None:
        raise _not_found()
    version = request.query_params.get("v")
    if version is None:
        return _send(file, NO_CACHE)
    if version != file.revision:
        # An old hashed address: its bytes are gone, and serving today's bytes under it
        # would let a year-long cache keep the wrong file.
        raise _not_found()
    return _send(file, IMMUTABLE)


class AppConfigController(Controller):
    tags = ["app"]

    @get("/app-config", summary="Settings the app shell needs, such as the quick exit's site")
    async def app_config(
        self, settings: NamedDependency[Settings], shell: NamedDependency[Shell]
    ) -> Response[AppConfig]:
        return Response(
            AppConfig(
                exit_url=settings.exit_url,
                shell_version=shell.version,
                reports=ReportsPromise(
                    organisation=settings.reports_organisation,
                    reply_hours=settings.reports_reply_hours,
                    police=settings.reports_police,
                ),
            ),
            headers={"Cache-Control": NO_CACHE},
        )


def other_pages_router(pwa_dir: Path) -> Router:
    """Pages in pwa/ that are not the shell (staff inbox, presenter, print): served as files."""
    files = StaticFiles(
        is_html_mode=True,
        directories=[pwa_dir],
        file_system=BaseLocalFileSystem(),
        headers={"Cache-Control": NO_CACHE},
    )

    @get("{file_path:path}", name="pages", include_in_schema=False)
    async def page(file_path: FromPath[PurePath]) -> ASGIFileResponse:
        path = file_path.as_posix()
        # A NUL or control character can name no file; a path through a file
        # (/sw.js/x) makes the file system raise NotADirectoryError. Both are a plain 404.
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
            raise _not_found()
        # The file is only opened as the answer is sent, so look before answering.
        target = pwa_dir / path.lstrip("/")
        if any(parent.is_file() for parent in target.parents):
            raise _not_found()
        try:
            return await files.handle(path=path, is_head_response=False)
        except (OSError, ValueError):
            raise _not_found() from None

    return Router(path="/", route_handlers=[page])
