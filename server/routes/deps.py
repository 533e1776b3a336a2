"""Dependencies shared by the routes: the chosen language and the app's services."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import State
from litestar.params import Parameter

from server.errors import ApiError
from server.i18n import SUPPORTED, Languages, UnsupportedLanguage, unsupported_message

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


def choose_language(languages: Languages, query_lang: str | None, accept: str | None) -> str:
    try:
        return languages.negotiate(query_lang, accept)
    except UnsupportedLanguage as exc:
        raise ApiError(404, "unsupported_language", unsupported_message(exc.code)) from None


async def provide_lang(
    request: Request[Any, Any, Any], state: State, lang: LangQuery = None
) -> str:
    return choose_language(state.languages, lang, request.headers.get("accept-language"))
