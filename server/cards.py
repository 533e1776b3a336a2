"""Cards in every language: translated once, encoded once, served from memory."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Literal, get_args

import msgspec

from server.content import (
    CATEGORIES,
    Card,
    Content,
    GlossaryEntry,
    Helpline,
    strings_of,
    translate_card,
    translate_glossary_entry,
    translate_helpline,
)
from server.encoded import Encoded, encode
from server.i18n import LanguageFields, Languages, format_long_date
from server.messages import UI_MESSAGES
from server.precache import SCREENS
from server.reports.model import CATEGORIES as REPORT_CATEGORIES
from server.reports.model import STATUSES, When


class CardSummary(msgspec.Struct, kw_only=True):
    id: str
    audience: str
    topic: str
    title: str
    summary: str


class CardList(LanguageFields, kw_only=True):
    cards: list[CardSummary]


class CardDetail(Card, frozen=True, kw_only=True):
    """A whole card in one language, with the language it is in and its last check.

    `reviewed_on`, `reviewed_by` (a role) and `reviewed_on_text` ("last checked") come from the
    card's review record; `review_current` is false when the card changed after that review.
    `translation_reviewed` is true only when a fluent speaker has checked every string of this
    card in this language, as they are now (always true in English).
    """

    lang: str
    direction: str
    translation_reviewed: bool
    reviewed_on: dt.date
    reviewed_by: str
    reviewed_on_text: str
    review_current: bool


class Messages(LanguageFields, kw_only=True):
    messages: dict[str, str]


class Choices(msgspec.Struct, kw_only=True):
    """The fixed lists the pages offer, so their JavaScript keeps no copy of them."""

    service_categories: list[str]
    report_categories: list[str]
    report_when: list[str]
    report_statuses: list[str]


CHOICES = Choices(
    service_categories=list(CATEGORIES),
    report_categories=list(REPORT_CATEGORIES),
    report_when=list(get_args(When)),
    report_statuses=list(STATUSES),
)


class Bundle(LanguageFields, kw_only=True):
    """Everything the app keeps for offline use in one language."""

    messages: dict[str, str]
    cards: list[CardDetail]
    helplines: list[Helpline]
    glossary: list[GlossaryEntry]
    version: str
    choices: Choices
    screens: dict[str, str]  # name -> address; {id} is a card id


# The UI strings of the home screen and the shell around it, by their keys' first part, and
# single strings the shell names; every other screen waits for the whole bundle.
START_GROUPS = (
    "app.",
    "audience.",
    "cards.",
    "error.",
    "form.",
    "help_now.",
    "home.",
    "nav.",
    "offline.",
    "quick_exit.",
    "said.",
    "settings.",
    "update.",
)
START_KEYS = frozenset({"report.call_999", "report.refused"})


class StartBundle(LanguageFields, kw_only=True):
    """What the home screen needs at once on a slow phone: the UI strings and the cards'
    titles and summaries, a quarter of the whole bundle. `start` says it is only that part:
    the app loads the whole Bundle before any other screen."""

    messages: dict[str, str]
    cards: list[CardSummary]
    version: str
    choices: Choices
    screens: dict[str, str]
    # Always sent (true), so the two kinds of answer can be told apart, by the app and by the
    # API description.
    start: Literal[True]


class CardService:
    """Translated content, per language; each response body is built on first use, then reused."""

    def __init__(self, content: Content, languages: Languages, version: str) -> None:
        self.content = content
        self.languages = languages
        self.version = version
        # Methods cached per instance: (args) -> Encoded.
        self.card_list = cache(self._card_list)
        self.card_detail = cache(self._card_detail)
        self.messages = cache(self._messages)
        self.bundle = cache(self._bundle)
        self.start = cache(self._start)

    def translated_card(self, card_id: str, lang: str) -> Card:
        return translate_card(self.content.cards[card_id], self.languages.gettext(lang).gettext)

    def translated_helplines(self, lang: str) -> list[Helpline]:
        _ = self.languages.gettext(lang).gettext
        return [translate_helpline(h, _) for h in self.content.helplines.values()]

    def translated_glossary(self, lang: str) -> list[GlossaryEntry]:
        _ = self.languages.gettext(lang).gettext
        return [translate_glossary_entry(g, _) for g in self.content.glossary.values()]

    def ui_messages(self, lang: str) -> dict[str, str]:
        _ = self.languages.gettext(lang).gettext
        return {key: _(text) for key, text in UI_MESSAGES.items()}

    def _detail(self, card_id: str, lang: str) -> CardDetail:
        card = msgspec.structs.replace(self.translated_card(card_id, lang), reviewer_notes=[])
        review = card.review
        language = self.languages.fields(lang)
        language["translation_reviewed"] = self.languages.strings_reviewed(
            lang, strings_of(self.content.cards[card_id])
        )
        return CardDetail(
            **msgspec.structs.asdict(card),
            **language,
            reviewed_on=review.reviewed_on,
            reviewed_by=review.role,
            reviewed_on_text=format_long_date(review.reviewed_on, lang),
            review_current=self.content.card_hashes.get(card_id) == review.hash,
        )

    def _summaries(self, lang: str, audience: str | None = None) -> list[CardSummary]:
        cards = []
        for card_id, card in self.content.cards.items():
            if audience and card.audience != audience:
                continue
            t = self.translated_card(card_id, lang)
            cards.append(
                CardSummary(
                    id=t.id, audience=t.audience, topic=t.topic, title=t.title, summary=t.summary
                )
            )
        return cards

    def _card_list(self, lang: str, audience: str | None) -> Encoded:
        return encode(
            CardList(**self.languages.fields(lang), cards=self._summaries(lang, audience))
        )

    def _start(self, lang: str) -> Encoded:
        return encode(
            StartBundle(
                **self.languages.fields(lang),
                messages={
                    key: text
                    for key, text in self.ui_messages(lang).items()
                    if key.startswith(START_GROUPS) or key in START_KEYS
                },
                cards=self._summaries(lang),
                version=self.version,
                choices=CHOICES,
                screens=SCREENS,
                start=True,
            )
        )

    def _card_detail(self, card_id: str, lang: str) -> Encoded:
        return encode(self._detail(card_id, lang))

    def _messages(self, lang: str) -> Encoded:
        return encode(Messages(**self.languages.fields(lang), messages=self.ui_messages(lang)))

    def _bundle(self, lang: str) -> Encoded:
        return encode(
            Bundle(
                **self.languages.fields(lang),
                messages=self.ui_messages(lang),
                cards=[self._detail(card_id, lang) for card_id in self.content.cards],
                helplines=self.translated_helplines(lang),
                glossary=self.translated_glossary(lang),
                version=self.version,
                choices=CHOICES,
                screens=SCREENS,
            )
        )
