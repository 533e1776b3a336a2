"""Dependencies shared by the routes: the chosen language and the app's services."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.params import Parameter

from server.errors import ApiError
from server.i18n import SUPPORTED, Languages, UnsupportedLanguage, unsupported_message
from server.ratelimit import RateLimiter

LangQuery = Annotated[
    str | None,
    Parameter(
        required=False,
        max_length=35,
        description=(
            "Language code, one of: " + ", ".join(SUPPORTED) + ". Without it the "
            "Accept-Language header is used; an unsupported code gives 404."
        ),
    ),
]


def request_language(request: Request[Any, Any, Any], query_lang: str | None) -> str:
    """?lang= if given (404 when unsupported), else Accept-Language, else English.

    Called directly by the hot content routes, which skip dependency injection.
    """
    languages: Languages = request.app.state.languages
    try:
        return languages.negotiate(query_lang, request.headers.get("accept-language"))
    except UnsupportedLanguage as exc:
        raise ApiError(404, "unsupported_language", unsupported_message(exc.code)) from None


async def provide_lang(request: Request[Any, Any, Any], lang: LangQuery = None) -> str:
    return request_language(request, lang)


def request_source(limiter: RateLimiter, request: Request[Any, Any, Any]) -> bytes:
    """The hashed source of a request, for the rate limits; the address is not kept."""
    peer = request.client.host if request.client else ""
    return limiter.source(peer, request.headers.get("x-forwarded-for", ""))
