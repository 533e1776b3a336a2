"""What the help finder answers: the API's types, and services encoded once per language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import msgspec
import sqlite_utils
from babel import Locale
from babel.numbers import format_decimal
from babel.units import format_unit

from server.content import Helpline
from server.directory.models import PHONES, SCHEDULES, STRINGS, Phone, Schedule, dumps, encode, flag
from server.directory.search import Hit
from server.i18n import N_, LanguageFields, babel_locale, format_long_date
from server.opening_hours import (
    WEEK_MINUTES,
    OpeningTimes,
    WeekMinutes,
    is_open,
    open_at,
    week_position,
)

KM_PER_MILE = 1.609344


class LocationOut(msgspec.Struct, kw_only=True):
    name: str
    address: str
    postcode: str
    lat: float
    lon: float


class Placement(msgspec.Struct, kw_only=True):
    """The part of a result that depends on when someone searched and how far away it is."""

    id: int
    distance_km: float | None
    distance_text: str | None
    open_now: bool | None


class Spot(msgspec.Struct, kw_only=True):
    """The part of a result that says which of its places is nearest (or the first)."""

    address: str
    postcode: str
    lat: float | None
    lon: float | None


class ServiceFacts(msgspec.Struct, kw_only=True):
    """The part of a result that is the same for every search, in one language."""

    name: str
    organisation: str
    description: str
    categories: list[str]
    taxonomy_terms: list[str]
    locations: list[LocationOut]
    phones: list[Phone]
    website: str
    email: str
    min_age: int | None
    max_age: int | None
    free: bool | None
    cost: str
    referral_needed: bool | None
    languages: list[str]
    language_names: list[str]
    opening_hours: list[OpeningTimes]
    # ORUK assured_date, or the day an import or sync last saw the listing change.
    last_checked: str | None
    last_checked_text: str | None
    # Not checked for 12 months: the app says it may be out of date.
    out_of_date: bool
    sample: bool


class ServiceOut(ServiceFacts, kw_only=True):
    """One service as the API shows it: a Placement's fields, a Spot's and the facts, in one
    object.

    Answers are encoded as the three parts spliced together (see KnownService.answer); this
    type says what clients get, and a test decodes real answers with it.
    """

    id: int
    distance_km: float | None
    distance_text: str | None
    address: str
    postcode: str
    lat: float | None
    lon: float | None
    open_now: bool | None


class Origin(msgspec.Struct, kw_only=True):
    lat: float
    lon: float
    precision: str
    label: str


class NearbyAnswer(msgspec.Struct, kw_only=True):
    lang: str
    origin: Origin
    radius_km: float
    page: int
    # Ask again with page=next_page for the next results; null on the last page.
    next_page: int | None
    results: list[ServiceOut]
    helplines: list[Helpline]


class NearbyWire(msgspec.Struct, kw_only=True):
    """NearbyAnswer with its parts already encoded (msgspec writes Raw values verbatim)."""

    lang: str
    origin: Origin
    radius_km: float
    page: int
    next_page: int | None
    results: list[msgspec.Raw]
    helplines: msgspec.Raw


LOCATION_LABEL = N_("Your location")


def format_distance(km: float, lang: str) -> str:
    """'0.8 miles' in English, as people in the UK expect; kilometres in other languages."""
    unit, value = ("length-mile", km / KM_PER_MILE) if lang == "en" else ("length-kilometer", km)
    value = max(value, 0.1)  # "0 miles" would read as "here"
    # Rounded first, so the few hundred distinct texts are formatted once each.
    return _distance_text(round(value, 1) if value < 10 else round(value), unit, lang)


# Babel's formatting costs tens of microseconds a call; a page of results makes dozens of
# calls with few distinct values, so the texts are kept.
@lru_cache(maxsize=8192)
def _distance_text(value: float, unit: str, lang: str) -> str:
    pattern = "#,##0.#" if value < 10 else "#,##0"
    for length in ("long", "short"):
        text = format_unit(value, unit, length=length, format=pattern, locale=babel_locale(lang))
        if unit not in text:  # babel names the unit itself when a locale lacks the words
            return text
    return f"{format_decimal(value, format=pattern, locale=babel_locale(lang))} km"


@lru_cache(maxsize=32)
def _language_names(lang: str) -> dict[str, str]:
    return dict(Locale.parse(lang).languages)


_COLUMNS = (
    "id", "name", "organisation", "description", "categories", "taxonomy_terms", "min_age",
    "max_age", "free", "cost", "referral_needed", "languages", "phones", "email", "website",
    "schedules", "last_checked", "sample", "changed_at", "opening_minutes",
)  # fmt: skip
_SELECT_SERVICES = (
    f"SELECT {', '.join(_COLUMNS)} FROM services "  # noqa: S608 (constant column names)
    "WHERE id IN (SELECT value FROM json_each(?))"
)


def stale_from(today: dt.date) -> str:
    """The ISO date 12 months before today: a listing last checked before it may be out of date."""
    try:
        return today.replace(year=today.year - 1).isoformat()
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28).isoformat()


_NOWHERE = encode(Spot(address="", postcode="", lat=None, lon=None))[1:-1]


@dataclass(frozen=True)
class KnownService:
    """A service's facts encoded once in one language, with what placing it needs."""

    # The encoded ServiceFacts' members, without the braces.
    facts: bytes
    schedules: list[Schedule]
    # Each location's encoded Spot members, by location id, in id order.
    spots: dict[int, bytes]
    # Opening minutes per weekday, worked out at import; None: ask is_open.
    week: WeekMinutes | None = None

    def answer(
        self,
        service_id: int,
        hit: Hit | None,
        lang: str,
        now: dt.datetime,
        position: tuple[int, int] | None = None,
    ) -> msgspec.Raw:
        """The whole result, one object: the placement's members, then the nearest spot's
        (or the first), then the facts'. `position` is week_position(now), if worked out."""
        spot = self.spots.get(hit.location_id) if hit else None
        if spot is None:
            spot = next(iter(self.spots.values()), _NOWHERE)
        placement = Placement(
            id=service_id,
            distance_km=round(hit.distance_km, 3) if hit else None,
            distance_text=format_distance(hit.distance_km, lang) if hit else None,
            open_now=(
                open_at(self.week, position or week_position(now))
                if self.week is not None
                else is_open(self.schedules, now)
            ),
        )
        return msgspec.Raw(b"".join((encode(placement)[:-1], b",", spot, b",", self.facts, b"}")))


def load_services(
    db: sqlite_utils.Database,
    ids: Iterable[int],
    lang: str,
    hours: Callable[[str], list[OpeningTimes]],
    today: dt.date | None = None,
) -> dict[int, KnownService]:
    """Services by id with their facts in the chosen language, encoded."""
    stale_before = stale_from(today or dt.date.today())
    wanted = dumps(list(ids))
    places: dict[int, dict[int, LocationOut]] = {}
    for loc in db.execute(
        "SELECT id, service_id, name, address, postcode, lat, lon FROM locations "
        "WHERE service_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        [wanted],
    ):
        places.setdefault(loc[1], {})[loc[0]] = LocationOut(
            name=loc[2], address=loc[3], postcode=loc[4], lat=loc[5], lon=loc[6]
        )
    language_names = _language_names(lang)
    found: dict[int, KnownService] = {}
    for row in db.execute(_SELECT_SERVICES, [wanted]):
        s = dict(zip(_COLUMNS, row, strict=True))
        languages = STRINGS.decode(s["languages"])
        last_checked = s["last_checked"] or s["changed_at"]
        located = places.get(s["id"], {})
        facts = ServiceFacts(
            name=s["name"],
            organisation=s["organisation"],
            description=s["description"],
            categories=STRINGS.decode(s["categories"]),
            taxonomy_terms=STRINGS.decode(s["taxonomy_terms"]),
            locations=list(located.values()),
            phones=PHONES.decode(s["phones"]),
            website=s["website"],
            email=s["email"],
            min_age=s["min_age"],
            max_age=s["max_age"],
            free=flag(s["free"]),
            cost=s["cost"],
            referral_needed=flag(s["referral_needed"]),
            languages=languages,
            language_names=[language_names.get(c, c) for c in languages],
            opening_hours=hours(s["schedules"]),
            last_checked=last_checked,
            last_checked_text=format_long_date(last_checked, lang) if last_checked else None,
            out_of_date=bool(last_checked) and last_checked < stale_before,
            sample=bool(s["sample"]),
        )
        found[s["id"]] = KnownService(
            facts=encode(facts)[1:-1],
            schedules=SCHEDULES.decode(s["schedules"]),
            spots={
                location_id: encode(
                    Spot(address=at.address, postcode=at.postcode, lat=at.lat, lon=at.lon)
                )[1:-1]
                for location_id, at in located.items()
            },
            week=WEEK_MINUTES.decode(s["opening_minutes"]) if s["opening_minutes"] else None,
        )
    return found


class CategoryOut(msgspec.Struct, kw_only=True):
    id: str
    name: str


class CategoryList(LanguageFields, kw_only=True):
    categories: list[CategoryOut]


class HelplineList(LanguageFields, kw_only=True):
    helplines: list[Helpline]
