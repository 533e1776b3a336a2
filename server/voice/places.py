"""Unsafe places: a report of a place that feels unsafe, kept only to its postcode sector.

The young person picks what makes it feel unsafe and when (fixed lists, like StreetSafe),
and gives a postcode or their location. Either becomes the postcode sector ("LU1 2") on the
server, and only the sector is kept: the postcode or the coordinates go no further than this
module. Free text is optional; the team reads it, and it is never published.
"""

from __future__ import annotations

import math
import sqlite3
from typing import Annotated, Literal

import msgspec
import sqlite_utils
from msgspec import Meta

from server.postcodes import InvalidPostcode, in_uk, parse_postcode
from server.problems import Invalid
from server.reports import Created, NewReport, ReportStore, clean_text
from server.reports.model import ReportLang, When

Kind = Literal[
    "badly_lit",
    "people_dealing",
    "groups_gathering",
    "seen_weapon",
    "followed_or_harassed",
    "other",
]
TimeOfDay = Literal["morning", "afternoon", "evening", "night", "any_time"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
TIMES: tuple[str, ...] = TimeOfDay.__args__  # type: ignore[attr-defined]

# English words for the team's inbox (the young person sees them translated in the app).
KIND_TEXT = {
    "badly_lit": "badly lit",
    "people_dealing": "people dealing",
    "groups_gathering": "groups gathering",
    "seen_weapon": "seen someone with a weapon",
    "followed_or_harassed": "followed or harassed",
    "other": "other",
}
TIME_TEXT = {
    "morning": "in the morning",
    "afternoon": "in the afternoon",
    "evening": "in the evening",
    "night": "at night",
    "any_time": "at any time",
}
# How far to look for the nearest sector centroid, in degrees of latitude (about 11 km).
SEARCH_DEGREES = 0.1


class NewUnsafePlace(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: Kind
    time_of_day: TimeOfDay
    when: When
    lang: ReportLang
    postcode: Annotated[str, Meta(max_length=12)] | None = None
    latitude: Annotated[float, Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Meta(ge=-180, le=180)] | None = None
    what_happened: Annotated[str, Meta(max_length=4000)] | None = None


class UnsafePlaceReceived(msgspec.Struct, frozen=True):
    code: str
    status: str
    message: str
    sector: str


class UnsafePlace(msgspec.Struct, frozen=True):
    """A stored unsafe place, as the team sees it."""

    report_id: int
    sector: str
    kind: str
    time_of_day: str


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def nearest_sector(db: sqlite_utils.Database, lat: float, lon: float) -> str | None:
    """The sector whose centroid is nearest, from the offline tables; None if none is near."""
    box = SEARCH_DEGREES
    widen = box / max(math.cos(math.radians(lat)), 0.1)
    rows = db.execute(
        "SELECT code, lat, lon FROM postcode_centroids WHERE precision = 'sector' "
        "AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
        [lat - box, lat + box, lon - widen, lon + widen],
    ).fetchall()
    if not rows:
        return None
    return str(min(rows, key=lambda r: _distance_km(lat, lon, r[1], r[2]))[0])


def sector_of(db: sqlite_utils.Database, place: NewUnsafePlace) -> str:
    """The postcode sector of the place, from its postcode or location; Invalid if neither."""
    if place.postcode and place.postcode.strip():
        try:
            postcode = parse_postcode(place.postcode)
        except InvalidPostcode:
            raise Invalid(
                "invalid_postcode", "Check 'postcode': that is not a UK postcode."
            ) from None
        sector = postcode.sector or postcode.alternative
        if sector is None:
            raise Invalid(
                "invalid_postcode",
                "Check 'postcode': give the whole postcode, or at least its first part and "
                "the next number, like LU1 2.",
            )
        return sector
    if place.latitude is not None and place.longitude is not None:
        if not in_uk(place.latitude, place.longitude):
            raise Invalid("outside_uk", "That location is not in the UK.")
        sector = nearest_sector(db, place.latitude, place.longitude)
        if sector is None:
            raise Invalid(
                "no_sector_near", "We could not find a postcode area near there. Type a postcode."
            )
        return sector
    raise Invalid("place_missing", "Give a postcode or use your location.")


def district_of(sector: str) -> str:
    return sector.split(" ", 1)[0]


def unsafe_place_report(
    directory: sqlite_utils.Database, place: NewUnsafePlace
) -> tuple[NewReport, str]:
    """The report for the inbox (category 'unsafe_place'), with only the place's sector, and
    the sector; Invalid if the place cannot be found."""
    sector = sector_of(directory, place)
    report = NewReport(
        category="unsafe_place",
        what_happened=clean_text(place.what_happened or ""),
        when=place.when,
        danger_now=False,
        lang=place.lang,
        where=f"{sector}: {KIND_TEXT[place.kind]}, {TIME_TEXT[place.time_of_day]}",
        area=district_of(sector),
    )
    return report, sector


def store_unsafe_place(
    store: ReportStore, report: NewReport, sector: str, place: NewUnsafePlace
) -> Created:
    """Store the report with its place's sector, kind and time of day, in one transaction."""

    def also(conn: sqlite3.Connection, report_id: int) -> None:
        conn.execute(
            "INSERT INTO unsafe_places (report_id, sector, kind, time_of_day) VALUES (?, ?, ?, ?)",
            (report_id, sector, place.kind, place.time_of_day),
        )

    created, _ = store.create_with(report, also)
    return created


def unsafe_place(store: ReportStore, report_id: int) -> UnsafePlace | None:
    row = store.conn.execute(
        "SELECT report_id, sector, kind, time_of_day FROM unsafe_places WHERE report_id = ?",
        (report_id,),
    ).fetchone()
    return UnsafePlace(*row) if row else None


def tallies(
    store: ReportStore,
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str, str], int]]:
    """(month, category) -> reports, and (month, district, kind) -> unsafe places."""
    reports = {
        (m, c): n
        for m, c, n in store.conn.execute("SELECT month, category, count FROM report_tallies")
    }
    places = {
        (m, d, k): n
        for m, d, k, n in store.conn.execute(
            "SELECT month, district, kind, count FROM unsafe_place_tallies"
        )
    }
    return reports, places
