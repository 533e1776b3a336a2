"""Cards, UI strings and the offline bundle, in the chosen language."""

from __future__ import annotations

from typing import Annotated, Any

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
        responses=documented(Bundle, "The offline bundle", 404),
    )
    async def bundle(
        self, request: Request[Any, Any, Any], lang: LangQuery = None
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        return content_response(request, _cards(request).bundle(chosen), chosen)

    @get(
        "/start",
        summary="What the home screen needs first: UI strings and the cards' titles",
        responses=documented(StartBundle, "The start of the bundle", 404),
    )
    async def start(
        self, request: Request[Any, Any, Any], lang: LangQuery = None
    ) -> PreEncodedResponse:
        chosen = request_language(request, lang)
        return content_response(request, _cards(request).start(chosen), chosen)
