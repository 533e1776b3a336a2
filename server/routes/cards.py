"""Cards, UI strings and the offline bundle, in the chosen language."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get
from litestar.params import Parameter

from server.cards import Bundle, CardDetail, CardList, CardService, Messages, StartBundle
from server.content import Audience
from server.errors import ApiError
from server.http import PreEncodedResponse, content_response, documented
from server.routes.deps import LangQuery, request_language


def _cards(request: Request[Any, Any, Any]) -> CardService:
    """The card service, typed, straight from the app's state (see CardsController)."""
    service: CardService = request.app.state.cards
    return service


# These handlers are the app's hottest path: they read the language and the service straight
# from the request rather than through dependency injection, and send bodies encoded once.
# They are the one exception to "services come in as NamedDependency[...]"; both reads are
# typed (_cards here, request_language in server.routes.deps).
class CardsController(Controller):
    tags = ["cards"]

    @get(
        "/cards",
        summary="Cards for one audience, in the chosen language",
        responses=documented(CardList, "The cards", 404, 422),
    )
    async def list_cards(
        self,
        request: Request[Any, Any, Any],
        lang: LangQuery = None,
        audience: Annotated[
            Audience | None, Parameter(description="Only cards for this audience.")
        ] = None,
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        return content_response(request, _cards(request).card_list(chosen, audience), chosen)

    @get(
        "/cards/{card_id:str}",
        summary="One whole card in the chosen language",
        responses=documented(CardDetail, "The card", 404),
    )
    async def get_card(
        self,
        request: Request[Any, Any, Any],
        card_id: Annotated[str, Parameter(max_length=80, description="The card's id (a slug).")],
        lang: LangQuery = None,
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        service = _cards(request)
        if card_id not in service.content.cards:
            raise ApiError(404, "card_not_found", "We could not find that card.")
        return content_response(request, service.card_detail(card_id, chosen), chosen)

    @get(
        "/messages",
        summary="The app's UI strings in the chosen language",
        responses=documented(Messages, "UI strings by key", 404),
    )
    async def messages(
        self, request: Request[Any, Any, Any], lang: LangQuery = None
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        return content_response(request, _cards(request).messages(chosen), chosen)

    @get(
        "/bundle",
        summary="Every card, helpline and UI string in one language, for offline use",
        description=(
            "With part=start, only what the home screen needs first: the language, its UI "
            "strings, each card's id, audience, topic, title and summary, the choices and "
            'screens, and "start": true.'
        ),
        responses=documented(Bundle | StartBundle, "The offline bundle, or its start", 404, 422),
    )
    async def bundle(
        self,
        request: Request[Any, Any, Any],
        lang: LangQuery = None,
        part: Annotated[
            Literal["start"] | None,
            Parameter(description="start: the UI strings and the cards' titles, for home."),
        ] = None,
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        cards = _cards(request)
        encoded = cards.start(chosen) if part == "start" else cards.bundle(chosen)
        return content_response(request, encoded, chosen)
