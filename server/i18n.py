"""Languages: gettext catalogues through babel, negotiation, and per-locale formatting."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypedDict

import msgspec
import yaml
from babel import Locale, negotiate_locale
from babel.dates import format_date
from babel.messages.catalog import Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from server.resources import bundled

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


def discover_languages(locales_dir: Path) -> tuple[str, ...]:
    """English plus every language with a folder in locales/ (``locales/<lang>/LC_MESSAGES``).

    Adding a language is adding its folder (``consequences i18n update`` then creates its
    catalogue): no code changes.
    """
    found = sorted(p.parent.name for p in locales_dir.glob("*/LC_MESSAGES") if p.is_dir())
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


# English plus the languages of ESOL families in the pilot towns, as the catalogues say.
SUPPORTED: tuple[str, ...] = discover_languages(bundled("locales"))

# Which strings a fluent speaker has checked is kept per string, per language, in
# locales/<lang>/reviewed.yaml (written by `consequences i18n review`). An entry names the
# string by a hash of its English source and of the translation that was checked, so a
# changed English string, or a changed translation, is unreviewed again. The catalogues'
# "Fluent-Speaker-Review:" header line is only a note for people; nothing reads it.
REVIEW_FILE = "reviewed.yaml"


def text_hash(text: str) -> str:
    """The hash that names a string in a review file: SHA-256 of its UTF-8 text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


class StringReview(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One string a fluent speaker checked: which, when, and who (a role, never a name)."""

    source_hash: str
    translation_hash: str
    reviewed_on: dt.date
    role: str
    # The English text, so the file can be read by a person; the hashes decide.
    source: str = ""


class ReviewFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reviews: list[StringReview] = msgspec.field(default_factory=list)


def review_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / REVIEW_FILE


def read_reviews(locales_dir: Path, lang: str) -> ReviewFile:
    """A language's review file; a missing file means nothing has been reviewed."""
    path = review_path(locales_dir, lang)
    if not path.exists():
        return ReviewFile()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return msgspec.convert(data, ReviewFile)


def reviewed_msgids(catalog: Iterable[Message], reviews: ReviewFile) -> frozenset[str]:
    """The msgids whose English source and translation are both as they were when reviewed."""
    checked = {(r.source_hash, r.translation_hash) for r in reviews.reviews}
    return frozenset(
        m.id
        for m in catalog
        if isinstance(m.id, str)
        and m.id
        and isinstance(m.string, str)
        and m.string
        and not m.fuzzy
        and (text_hash(m.id), text_hash(m.string)) in checked
    )


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, per request."""
    return message


class LocaleInfo(msgspec.Struct, frozen=True):
    """A language the app speaks, as GET /locales lists it."""

    code: str
    name: str
    native_name: str
    direction: str
    reviewed: bool
    completeness: float


class LanguageFields(msgspec.Struct, kw_only=True):
    """The members every translated answer starts with: its language and how to show it."""

    lang: str
    direction: str
    translation_reviewed: bool


class LanguageFieldValues(TypedDict):
    """LanguageFields' members, to spread into an answer that extends it."""

    lang: str
    direction: str
    translation_reviewed: bool


class UnsupportedLanguage(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def po_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogues(locales_dir: Path, *, force: bool = False) -> list[Path]:
    """Compile each .po to .mo when the .mo is missing or older; atomic, so workers can race."""
    written = []
    for lang in SUPPORTED:
        po = po_path(locales_dir, lang)
        if not po.exists():
            continue
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        Path(tmp).replace(mo)
        written.append(mo)
    return written


# Formatting follows the families we write for: British English (18:00, 1 November 2026)
# and European Portuguese (quilómetros), not babel's defaults of en_US and pt_BR.
FORMAT_LOCALES = {"en": "en_GB", "pt": "pt_PT"}


def babel_locale(lang: str) -> str:
    """The babel locale used to format dates, times and numbers for a language."""
    return FORMAT_LOCALES.get(lang, lang)


@lru_cache(maxsize=4096)
def format_long_date(value: dt.date | str, lang: str) -> str:
    """'1 November 2026' in the language's own words; an ISO date string is read first.

    The one date formatter: cards' review dates, services' last checks and staff messages.
    Kept, as a page of answers repeats the same few dates.
    """
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format="long", locale=babel_locale(lang))


class Languages:
    """The translations for every supported language, loaded once."""

    def __init__(self, locales_dir: Path) -> None:
        self.locales_dir = locales_dir
        compile_catalogues(locales_dir)
        self.translations: dict[str, NullTranslations] = {}
        self.info: dict[str, LocaleInfo] = {}
        # Per language, the msgids a fluent speaker has checked as they are now.
        self.reviewed: dict[str, frozenset[str]] = {}
        for lang in SUPPORTED:
            self.translations[lang] = self._load(lang)
            self.info[lang] = self._describe(lang)

    def _load(self, lang: str) -> NullTranslations:
        if lang == SOURCE_LANGUAGE:
            return NullTranslations()
        translations = Translations.load(str(self.locales_dir), [lang], DOMAIN)
        # Translations.load quietly falls back to NullTranslations when a .mo is
        # missing; a supported language must really have its catalogue.
        if not isinstance(translations, Translations):
            raise FileNotFoundError(f"No compiled catalogue for '{lang}' in {self.locales_dir}")
        return translations

    def _describe(self, lang: str) -> LocaleInfo:
        locale = Locale.parse(lang)
        reviewed, completeness = True, 1.0
        po = po_path(self.locales_dir, lang)
        if lang != SOURCE_LANGUAGE:
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang)
            messages = [m for m in catalog if m.id]
            done = [m for m in messages if m.string and not m.fuzzy]
            completeness = round(len(done) / len(messages), 4) if messages else 0.0
            self.reviewed[lang] = reviewed_msgids(messages, read_reviews(self.locales_dir, lang))
            # The language counts as reviewed only when every one of its strings is.
            reviewed = bool(messages) and all(m.id in self.reviewed[lang] for m in messages)
        return LocaleInfo(
            code=lang,
            name=locale.get_display_name("en") or lang,
            native_name=locale.get_display_name(lang) or lang,
            direction=locale.text_direction,
            reviewed=reviewed,
            completeness=completeness,
        )

    def fields(self, lang: str) -> LanguageFieldValues:
        """The language members of an answer in this language."""
        info = self.info[lang]
        return {"lang": lang, "direction": info.direction, "translation_reviewed": info.reviewed}

    def strings_reviewed(self, lang: str, msgids: Iterable[str]) -> bool:
        """True when every one of these strings is reviewed in `lang` (always, in English)."""
        if lang == SOURCE_LANGUAGE:
            return True
        reviewed = self.reviewed.get(lang, frozenset())
        return all(msgid in reviewed for msgid in msgids)

    def gettext(self, lang: str) -> NullTranslations:
        return self.translations[lang]

    def negotiate(self, query_lang: str | None, accept_language: str | None) -> str:
        """?lang= wins (and must be supported); then Accept-Language; else English. An empty
        ?lang= (as a form or link with no language chosen sends) counts as none."""
        if query_lang is not None and query_lang.strip():
            code = query_lang.strip().lower().replace("_", "-")
            if code in SUPPORTED:
                return code
            raise UnsupportedLanguage(query_lang)
        preferred = parse_accept_language(accept_language or "")
        found = negotiate_locale(preferred, SUPPORTED, sep="-", aliases={})
        return found.lower() if found else SOURCE_LANGUAGE


def parse_accept_language(header: str) -> list[str]:
    """Language tags from an Accept-Language header, best first (q=0 dropped)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            weighted.append((-q, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def unsupported_message(code: str) -> str:
    return f"We don't have the language '{code[:20]}'. Choose one of: {', '.join(SUPPORTED)}."
