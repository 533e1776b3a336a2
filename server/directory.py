"""The help finder's directory: import feeds into SQLite, then find the nearest services."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import msgspec
import sqlite_utils
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.units import format_unit

from server.cards import CardService, LanguageFields
from server.content import CATEGORIES, Helpline
from server.db import ThreadLocalDatabase
from server.errors import ApiError
from server.geocode import Geocoder, GeocodingUnavailable
from server.http import Encoded, encode
from server.i18n import N_, babel_locale
from server.messages import UI_MESSAGES
from server.opening_hours import LONDON, OpeningTimes, describe, is_open
from server.oruk import FeedError, Phone, RawLocation, Schedule, ServiceRecord, Skipped, read_file
from server.postcodes import InvalidPostcode, Place, has_tables, in_uk, lookup, parse_postcode

EARTH_RADIUS_KM = 6371.009  # geopy's great-circle radius, so our distances agree with it
KM_PER_MILE = 1.609344

# -- Import


@dataclass
class ImportReport:
    """What an import did, with one line per record it changed, corrected or skipped."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.imported} imported, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped, {self.removed} removed"
        )


@dataclass(frozen=True)
class Location:
    name: str
    address: str
    postcode: str
    lat: float
    lon: float


_json = msgspec.json.Encoder()


def _dumps(value: object) -> str:
    return _json.encode(value).decode()


def _fmt(number: float) -> str:
    return f"{number:g}"


def resolve_location(
    db: sqlite_utils.Database, raw: RawLocation, label: str, notes: list[str]
) -> Location | None:
    """Checked coordinates: swapped ones put back, ones outside the UK moved to the postcode."""
    try:
        postcode = parse_postcode(raw.postcode).text if raw.postcode else ""
    except InvalidPostcode:
        postcode = ""
    lat, lon = raw.lat, raw.lon
    if lat is not None and lon is not None:
        if in_uk(lat, lon):
            return Location(raw.name, raw.address, postcode or raw.postcode, lat, lon)
        if in_uk(lon, lat):
            notes.append(
                f"{label}: latitude {_fmt(lat)} and longitude {_fmt(lon)} were swapped; "
                "put them back"
            )
            return Location(raw.name, raw.address, postcode or raw.postcode, lon, lat)
        reason = (
            f"latitude {_fmt(lat)} is outside the UK"
            if not 49.0 <= lat <= 61.0
            else f"longitude {_fmt(lon)} is outside the UK"
        )
    else:
        reason = "no coordinates"
    place = lookup(db, parse_postcode(postcode)) if postcode else None
    if place is not None:
        notes.append(f"{label}: {reason}; placed at the centroid of {place.matched}")
        return Location(raw.name, raw.address, postcode, place.lat, place.lon)
    where = f"'{raw.name}'" if raw.name else "a location"
    why = f"its postcode {postcode} is not in the postcode tables" if postcode else "no postcode"
    notes.append(f"{label}: {reason} and {why}; dropped {where}")
    return None


_SERVICE_COLUMNS = (
    "name", "organisation", "description", "categories", "taxonomy_terms", "keywords",
    "min_age", "max_age", "free", "cost", "referral_needed", "languages", "phones", "email",
    "website", "schedules", "last_checked", "sample",
)  # fmt: skip


def _service_row(record: ServiceRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "organisation": record.organisation,
        "description": record.description,
        "categories": _dumps(record.categories),
        "taxonomy_terms": _dumps(record.taxonomy_terms),
        "keywords": " ".join(record.taxonomy_terms),
        "min_age": record.min_age,
        "max_age": record.max_age,
        "free": record.free,
        "cost": record.cost,
        "referral_needed": record.referral_needed,
        "languages": _dumps(record.languages),
        "phones": _dumps(record.phones),
        "email": record.email,
        "website": record.website,
        "schedules": _dumps(record.schedules),
        "last_checked": record.last_checked,
        "sample": record.sample,
    }


def _changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.replace("_", " ") for c in _SERVICE_COLUMNS if c != "keywords" and old[c] != new[c]]


def _store(
    db: sqlite_utils.Database,
    source: str,
    record: ServiceRecord,
    locations: list[Location],
    report: ImportReport,
) -> int:
    row = _service_row(record)
    fingerprint = hashlib.sha256(_json.encode([row, [vars(x) for x in locations]])).hexdigest()
    cursor = db.execute(
        "SELECT * FROM services WHERE source = ? AND source_id = ?", [source, record.source_id]
    )
    existing = cursor.fetchone()
    services, places = db.table("services"), db.table("locations")
    if existing is None:
        inserted = services.insert(
            {"source": source, "source_id": record.source_id, "fingerprint": fingerprint, **row}
        )
        service_id = int(inserted.last_rowid or 0)
        report.imported += 1
    else:
        old = dict(zip([d[0] for d in cursor.description], existing, strict=True))
        service_id = old["id"]
        if old["fingerprint"] == fingerprint:
            report.unchanged += 1
            return service_id
        stored = {c: old[c] for c in _SERVICE_COLUMNS}
        for flag in ("free", "referral_needed", "sample"):
            stored[flag] = _flag(stored[flag])
        changed = _changed_fields(stored, row) or ["locations"]
        services.update(service_id, {"fingerprint": fingerprint, **row})
        places.delete_where("service_id = ?", [service_id])
        report.updated += 1
        report.lines.append(f"service {record.source_id}: updated ({', '.join(changed)})")
    places.insert_all({"service_id": service_id, **vars(x)} for x in locations)
    return service_id


def feed_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in (".json", ".csv"))
    return [path]


def import_feed(
    db: sqlite_utils.Database,
    path: Path,
    *,
    source: str | None = None,
    replace: bool = False,
) -> ImportReport:
    """Read a feed file (or a folder of them) into the directory, in one transaction.

    Services are matched on (source, the feed's id), so importing the same feed again
    updates in place. With replace, services not in this feed leave the directory.
    """
    report = ImportReport()
    source = source or path.stem
    kept: set[int] = set()
    with db.atomic():
        for file in feed_files(path):
            for parsed in read_file(file):
                if isinstance(parsed, Skipped):
                    report.skipped += 1
                    report.lines.append(parsed.reason)
                    if parsed.remove and parsed.source_id:
                        report.removed += db.execute(
                            "DELETE FROM services WHERE source = ? AND source_id = ?",
                            [source, parsed.source_id],
                        ).rowcount
                    continue
                label = f"service {parsed.source_id}"
                notes = list(parsed.notes)
                locations = [
                    loc
                    for raw in parsed.locations
                    if (loc := resolve_location(db, raw, label, notes)) is not None
                ]
                if parsed.locations and not locations:
                    notes.append(f"{label}: no location left; it will not show in nearby searches")
                report.lines.extend(notes)
                kept.add(_store(db, source, parsed, locations, report))
        db.execute(
            "INSERT INTO directory_meta (id, generation) VALUES (1, 1) "
            "ON CONFLICT(id) DO UPDATE SET generation = generation + 1"
        )
        if replace:
            if not kept:
                # An empty or unreadable feed must not wipe a working directory.
                raise FeedError("no services in this feed, so nothing was replaced")
            report.removed += db.execute(
                "DELETE FROM services WHERE id NOT IN (SELECT value FROM json_each(?))",
                [_dumps(sorted(kept))],
            ).rowcount
    return report


def service_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM services").fetchone()[0])


# -- Distances and the nearest services


def great_circle_from(lat1: float, lon1: float) -> Callable[[float, float], float]:
    """Distances in km from one point: geopy's great_circle, operation for operation.

    The same operations in the same order give the same floats as geopy, so results rank
    exactly as a scan with geopy would; the point's own sine and cosine are taken once.
    """
    lat1, lon1 = math.radians(lat1), math.radians(lon1)
    sin_lat1, cos_lat1 = math.sin(lat1), math.cos(lat1)
    sin, cos, atan2, sqrt, radians = math.sin, math.cos, math.atan2, math.sqrt, math.radians

    def distance(lat2: float, lon2: float) -> float:
        lat2 = radians(lat2)
        sin_lat2, cos_lat2 = sin(lat2), cos(lat2)
        delta_lng = radians(lon2) - lon1
        cos_delta_lng, sin_delta_lng = cos(delta_lng), sin(delta_lng)
        d = atan2(
            sqrt(
                (cos_lat2 * sin_delta_lng) ** 2
                + (cos_lat1 * sin_lat2 - sin_lat1 * cos_lat2 * cos_delta_lng) ** 2
            ),
            sin_lat1 * sin_lat2 + cos_lat1 * cos_lat2 * cos_delta_lng,
        )
        return EARTH_RADIUS_KM * d

    return distance


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) holding every point within km on the sphere, with a margin."""
    angular = km / EARTH_RADIUS_KM
    dlat = math.degrees(angular) * 1.001 + 1e-6
    cos_lat = math.cos(math.radians(lat))
    ratio = math.sin(angular) / cos_lat if cos_lat > 1e-9 else 2.0
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio)) * 1.001 + 1e-6
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


@dataclass
class Filters:
    categories: Sequence[str] = ()
    age: int | None = None
    language: str | None = None
    free: bool = False
    keywords: str | None = None
    open_at: dt.datetime | None = None

    def sql(self, db: sqlite_utils.Database) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.categories:
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(s.categories) c"
                " WHERE c.value IN (SELECT value FROM json_each(?)))"
            )
            params.append(_dumps(list(self.categories)))
        if self.age is not None:
            clauses.append(
                "(s.min_age IS NULL OR s.min_age <= ?) AND (s.max_age IS NULL OR s.max_age >= ?)"
            )
            params += [self.age, self.age]
        if self.language:
            # A UK service that lists no languages is taken to speak English.
            clauses.append(
                "(EXISTS (SELECT 1 FROM json_each(s.languages) WHERE value = ?)"
                " OR (? = 'en' AND s.languages = '[]'))"
            )
            params += [self.language, self.language]
        if self.free:
            clauses.append("s.free = 1")
        if self.keywords:
            clauses.append("s.id IN (SELECT rowid FROM services_fts WHERE services_fts MATCH ?)")
            params.append(db.quote_fts(self.keywords))
        return " AND ".join(clauses), params


_SCHEDULES = msgspec.json.Decoder(list[Schedule])


@dataclass(frozen=True)
class Hit:
    service_id: int
    location_id: int
    distance_km: float


# Radii tried in turn: dense towns stop at the first, rural searches widen.
_STEPS_KM = (1.5, 4.0, 10.0, 25.0, 50.0)
_KM_PER_DEGREE = math.radians(1) * EARTH_RADIUS_KM
# The flat-earth distance SQLite sorts by is within 3% (plus float rounding) of the true
# great-circle distance for the 50 km and latitudes the UK needs; the search stops only
# when no unread row could come closer than the results it has.
_FLAT_ERROR = 0.03
_FLAT_SLACK_KM = 0.001


def nearest(
    db: sqlite_utils.Database,
    lat: float,
    lon: float,
    radius_km: float,
    limit: int,
    filters: Filters | None = None,
) -> list[Hit]:
    """The nearest `limit` services within radius_km, one hit per service at its nearest place.

    The R*Tree finds the locations in a box around a circle; SQLite orders them by a cheap
    flat-earth distance and hands over only the first few, which get the exact great-circle
    distance. The circle widens only while fewer than `limit` services are inside it, and
    more rows are read only while an unread one might still be nearer than the answer.
    """
    filters = filters or Filters()
    where, params = filters.sql(db)
    needs_service = bool(where) or filters.open_at is not None
    east_west = math.cos(math.radians(lat))
    # Built from the constant fragments here; every value is a bound parameter.
    sql = (
        "SELECT l.id, l.service_id, l.lat, l.lon, "  # noqa: S608
        "(l.lat - ?) * (l.lat - ?) + (l.lon - ?) * (l.lon - ?) * ? AS flat"
        + (", s.schedules" if filters.open_at is not None else "")
        + " FROM locations_rtree r JOIN locations l ON l.id = r.id"
        + (" JOIN services s ON s.id = l.service_id" if needs_service else "")
        + " WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?"
        + (" AND " + where if where else "")
        + " ORDER BY flat LIMIT ?"
    )
    flat_params = [lat, lat, lon, lon, east_west * east_west]
    distance_to = great_circle_from(lat, lon)
    steps = [s for s in _STEPS_KM if s < radius_km] + [radius_km]
    best: dict[int, Hit] = {}
    for step in steps:
        fetch = 2 * limit + 8
        while True:
            rows = db.execute(
                sql, [*flat_params, *bounding_box(lat, lon, step), *params, fetch]
            ).fetchall()
            best = {}
            for row in rows:
                distance = distance_to(row[2], row[3])
                if distance > step:
                    continue
                if filters.open_at is not None and not is_open(
                    _SCHEDULES.decode(row[5]), filters.open_at
                ):
                    continue
                hit = best.get(row[1])
                if hit is None or (distance, row[0]) < (hit.distance_km, hit.location_id):
                    best[row[1]] = Hit(row[1], row[0], distance)
            if len(rows) < fetch:
                break  # every location in the box was read
            found = sorted(h.distance_km for h in best.values())
            needed = found[limit - 1] if len(found) >= limit else step
            nearest_unread = (
                math.sqrt(rows[-1][4]) * _KM_PER_DEGREE / (1 + _FLAT_ERROR) - _FLAT_SLACK_KM
            )
            if nearest_unread > needed:
                break
            fetch *= 4
        if len(best) >= limit:
            break
    return sorted(best.values(), key=lambda h: (h.distance_km, h.service_id))[:limit]


# -- What the API answers


class LocationOut(msgspec.Struct, kw_only=True):
    name: str
    address: str
    postcode: str
    lat: float
    lon: float


class Placement(msgspec.Struct, kw_only=True):
    """The part of a result that depends on where and when someone searched."""

    id: int
    distance_km: float | None
    distance_text: str | None
    address: str
    postcode: str
    lat: float | None
    lon: float | None
    open_now: bool | None


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
    last_checked: str | None
    last_checked_text: str | None
    sample: bool


class ServiceOut(ServiceFacts, kw_only=True):
    """One service as the API shows it: a Placement's fields and the facts, in one object.

    Answers are encoded as the two parts spliced together (see KnownService.answer); this
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
    results: list[ServiceOut]
    helplines: list[Helpline]


class _NearbyWire(msgspec.Struct, kw_only=True):
    """NearbyAnswer with its parts already encoded (msgspec writes Raw values verbatim)."""

    lang: str
    origin: Origin
    radius_km: float
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


@lru_cache(maxsize=4096)
def _date_text(iso_date: str, lang: str) -> str:
    return format_date(dt.date.fromisoformat(iso_date), "long", locale=babel_locale(lang))


@lru_cache(maxsize=32)
def _language_names(lang: str) -> dict[str, str]:
    return dict(Locale.parse(lang).languages)


_COLUMNS = (
    "id", "name", "organisation", "description", "categories", "taxonomy_terms", "min_age",
    "max_age", "free", "cost", "referral_needed", "languages", "phones", "email", "website",
    "schedules", "last_checked", "sample",
)  # fmt: skip
_SELECT_SERVICES = (
    f"SELECT {', '.join(_COLUMNS)} FROM services "  # noqa: S608 (constant column names)
    "WHERE id IN (SELECT value FROM json_each(?))"
)
_STRINGS = msgspec.json.Decoder(list[str])
_PHONES = msgspec.json.Decoder(list[Phone])


def _flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


@dataclass(frozen=True)
class KnownService:
    """A service's facts encoded once in one language, with what placing it needs."""

    facts: bytes
    schedules: list[Schedule]
    places: dict[int, LocationOut]

    def answer(self, placement: Placement) -> msgspec.Raw:
        """The whole result: the placement's members, then the facts' members, one object."""
        return msgspec.Raw(_json.encode(placement)[:-1] + b"," + self.facts[1:])

    def place(self, service_id: int, hit: Hit | None, lang: str, now: dt.datetime) -> Placement:
        chosen = self.places.get(hit.location_id) if hit else None
        chosen = chosen or next(iter(self.places.values()), None)
        return Placement(
            id=service_id,
            distance_km=round(hit.distance_km, 3) if hit else None,
            distance_text=format_distance(hit.distance_km, lang) if hit else None,
            address=chosen.address if chosen else "",
            postcode=chosen.postcode if chosen else "",
            lat=chosen.lat if chosen else None,
            lon=chosen.lon if chosen else None,
            open_now=is_open(self.schedules, now),
        )


def load_services(
    db: sqlite_utils.Database,
    ids: Iterable[int],
    lang: str,
    hours: Callable[[str], list[OpeningTimes]],
) -> dict[int, KnownService]:
    """Services by id with their facts in the chosen language, encoded."""
    wanted = _dumps(list(ids))
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
        languages = _STRINGS.decode(s["languages"])
        last_checked = s["last_checked"]
        located = places.get(s["id"], {})
        facts = ServiceFacts(
            name=s["name"],
            organisation=s["organisation"],
            description=s["description"],
            categories=_STRINGS.decode(s["categories"]),
            taxonomy_terms=_STRINGS.decode(s["taxonomy_terms"]),
            locations=list(located.values()),
            phones=_PHONES.decode(s["phones"]),
            website=s["website"],
            email=s["email"],
            min_age=s["min_age"],
            max_age=s["max_age"],
            free=_flag(s["free"]),
            cost=s["cost"],
            referral_needed=_flag(s["referral_needed"]),
            languages=languages,
            language_names=[language_names.get(c, c) for c in languages],
            opening_hours=hours(s["schedules"]),
            last_checked=last_checked,
            last_checked_text=_date_text(last_checked, lang) if last_checked else None,
            sample=bool(s["sample"]),
        )
        found[s["id"]] = KnownService(
            facts=_json.encode(facts),
            schedules=_SCHEDULES.decode(s["schedules"]),
            places=located,
        )
    return found


def london_now() -> dt.datetime:
    return dt.datetime.now(LONDON)


# Encoded services kept in memory, at most (about 2 kB each).
_MAX_KNOWN = 50_000


def directory_generation(db: sqlite_utils.Database) -> int:
    """A number that changes whenever an import changes the directory."""
    row = db.execute("SELECT generation FROM directory_meta WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


# -- The finder the routes use


class CategoryOut(msgspec.Struct, kw_only=True):
    id: str
    name: str


class CategoryList(LanguageFields, kw_only=True):
    categories: list[CategoryOut]


class HelplineList(LanguageFields, kw_only=True):
    helplines: list[Helpline]


class Finder:
    """Postcode lookup and nearby search over the directory, in the chosen language."""

    def __init__(
        self,
        db: ThreadLocalDatabase,
        cards: CardService,
        geocoder: Geocoder | None = None,
        clock: Callable[[], dt.datetime] = london_now,
    ) -> None:
        self.db = db
        self.languages = cards.languages
        self.geocoder = geocoder
        self.clock = clock
        self._cards = cards
        # Per language, translated once; the encoded ones are served with ETags.
        self.translated_helplines = cache(cards.translated_helplines)
        self.helplines = cache(self._helplines)
        self.categories = cache(self._categories)
        self._hours = lru_cache(maxsize=8192)(self._describe_hours)
        self._helpline_answers: dict[tuple[str, frozenset[str]], msgspec.Raw] = {}
        self._services: dict[tuple[int, str], KnownService] = {}
        self._generation = -1
        self._lock = threading.Lock()

    def _describe_hours(self, schedules: str, lang: str) -> list[OpeningTimes]:
        """Opening hours in words; kept, as the same few timetables recur across services."""
        return describe(_SCHEDULES.decode(schedules), lang, self.languages.gettext(lang).gettext)

    def _hours_in(self, lang: str) -> Callable[[str], list[OpeningTimes]]:
        return lambda schedules: self._hours(schedules, lang)

    def _language_fields(self, lang: str) -> dict[str, Any]:
        info = self.languages.info[lang]
        return {"lang": lang, "direction": info.direction, "translation_reviewed": info.reviewed}

    def _helplines(self, lang: str) -> Encoded:
        return encode(
            HelplineList(**self._language_fields(lang), helplines=self.translated_helplines(lang))
        )

    def _categories(self, lang: str) -> Encoded:
        gettext = self.languages.gettext(lang).gettext
        return encode(
            CategoryList(
                **self._language_fields(lang),
                categories=[
                    CategoryOut(id=c, name=gettext(UI_MESSAGES[f"category.{c}"]))
                    for c in CATEGORIES
                ],
            )
        )

    def place(self, text: str) -> Place:
        """Where a postcode is: offline tables first, then the online geocoder if turned on."""
        try:
            postcode = parse_postcode(text)
        except InvalidPostcode:
            raise ApiError(
                422,
                "invalid_postcode",
                "Check 'postcode': that does not look like a UK postcode. "
                "Try one like LU1 2BQ, or just the first part, like LU1.",
            ) from None
        db = self.db.get()
        tables = has_tables(db)
        found = lookup(db, postcode) if tables else None
        if found is None and self.geocoder is not None:
            try:
                point = self.geocoder.locate(postcode)
            except GeocodingUnavailable:
                raise ApiError(
                    503,
                    "postcode_lookup_unavailable",
                    "We cannot look up postcodes right now. Please use your location instead.",
                ) from None
            if point:
                found = Place(postcode.text, *point, postcode.kind, postcode.text)
        if found is not None:
            return found
        if not tables and self.geocoder is None:
            raise ApiError(
                501,
                "postcode_search_not_set_up",
                "Postcode search is not set up on this server. Please use your location instead.",
            )
        raise ApiError(
            404,
            "postcode_not_found",
            "We could not find that postcode. Check it, or use your location instead.",
        )

    def _known(
        self, db: sqlite_utils.Database, ids: list[int], lang: str
    ) -> dict[int, KnownService]:
        """Encoded facts for these services, loaded once per import and language."""
        generation = directory_generation(db)
        with self._lock:
            if generation != self._generation or len(self._services) > _MAX_KNOWN:
                # An import changed the directory (perhaps from another process).
                self._services, self._generation = {}, generation
            known = {i: self._services[(i, lang)] for i in ids if (i, lang) in self._services}
        missing = [i for i in ids if i not in known]
        if missing:
            loaded = load_services(db, missing, lang, self._hours_in(lang))
            with self._lock:
                if generation == self._generation:
                    self._services.update({(i, lang): k for i, k in loaded.items()})
            known.update(loaded)
        return known

    def _helplines_for(self, lang: str, categories: frozenset[str]) -> msgspec.Raw:
        """The helplines that fit the categories asked for (all without any), encoded."""
        key = (lang, categories)
        if key not in self._helpline_answers:
            self._helpline_answers[key] = msgspec.Raw(
                _json.encode(
                    [
                        h
                        for h in self.translated_helplines(lang)
                        if not categories or categories & set(h.categories)
                    ]
                )
            )
        return self._helpline_answers[key]

    def nearby(
        self,
        lang: str,
        *,
        origin: Origin,
        radius_km: float,
        limit: int,
        filters: Filters,
    ) -> bytes:
        """The encoded NearbyAnswer: the nearest services, then the helplines that fit."""
        db = self.db.get()
        now = self.clock()
        hits = nearest(db, origin.lat, origin.lon, radius_km, limit, filters)
        known = self._known(db, [h.service_id for h in hits], lang)
        results = [
            known[h.service_id].answer(known[h.service_id].place(h.service_id, h, lang, now))
            for h in hits
            if h.service_id in known
        ]
        return _json.encode(
            _NearbyWire(
                lang=lang,
                origin=origin,
                radius_km=radius_km,
                results=results,
                helplines=self._helplines_for(lang, frozenset(filters.categories)),
            )
        )

    def service(self, service_id: int, lang: str) -> bytes | None:
        """One encoded ServiceOut, placed at its first location, or None."""
        found = self._known(self.db.get(), [service_id], lang).get(service_id)
        if found is None:
            return None
        return bytes(found.answer(found.place(service_id, None, lang, self.clock())))

    def location_label(self, lang: str) -> str:
        return self.languages.gettext(lang).gettext(LOCATION_LABEL)
