"""Cards, UI strings and the offline bundle, in the chosen language."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from server.cards import Bundle, CardDetail, CardList, Messages
from server.content import Audience
from server.errors import ApiError
from server.http import content_response
from server.routes.deps import provide_lang


class CardsController(Controller):
    tags = ["cards"]
    dependencies = {"chosen_lang": Provide(provide_lang)}

    @get("/cards", summary="Cards for one audience, in the chosen language")
    async def list_cards(
        self,
        request: Request[Any, Any, Any],
        state: State,
        chosen_lang: str,
        audience: Annotated[
            Audience | None, Parameter(description="Only cards for this audience.")
        ] = None,
    ) -> Response[CardList]:
        return content_response(request, state.cards.card_list(chosen_lang, audience), chosen_lang)

    @get("/cards/{card_id:str}", summary="One whole card in the chosen language")
    async def get_card(
        self,
        request: Request[Any, Any, Any],
        state: State,
        chosen_lang: str,
        card_id: Annotated[str, Parameter(max_length=80, description="The card's id (a slug).")],
    ) -> Response[CardDetail]:
        if card_id not in state.content.cards:
            raise ApiError(404, "card_not_found", "We could not find that card.")
        return content_response(request, state.cards.card_detail(card_id, chosen_lang), chosen_lang)

    @get("/messages", summary="The app's UI strings in the chosen language")
    async def messages(
        self, request: Request[Any, Any, Any], state: State, chosen_lang: str
    ) -> Response[Messages]:
        return content_response(request, state.cards.messages(chosen_lang), chosen_lang)

    @get("/bundle", summary="Every card, helpline and UI string in one language, for offline use")
    async def bundle(
        self, request: Request[Any, Any, Any], state: State, chosen_lang: str
    ) -> Response[Bundle]:
        return content_response(request, state.cards.bundle(chosen_lang), chosen_lang)
