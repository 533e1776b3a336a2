"""The finder the routes use: where a postcode is, and a nearby search in one call.

It knows nothing of HTTP: bad input and missing things are server.problems errors, which
server.errors answers in the one error shape.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import msgspec
import sqlite_utils

from server.cards import CardService
from server.content import CATEGORIES
from server.db import ThreadLocalDatabase, connect
from server.directory.answers import (
    LOCATION_LABEL,
    CategoryList,
    CategoryOut,
    HelplineList,
    KnownService,
    NearbyWire,
    Origin,
    load_services,
)
from server.directory.importer import directory_generation
from server.directory.models import SCHEDULES, encode
from server.directory.search import Density, Filters, nearest
from server.encoded import Encoded
from server.encoded import encode as encode_with_etag
from server.geocode import Geocoder, GeocodingUnavailable
from server.i18n import N_
from server.messages import UI_MESSAGES
from server.opening_hours import LONDON, OpeningTimes, describe, week_position
from server.oruk import language_code
from server.postcodes import InvalidPostcode, Place, has_tables, lookup, parse_postcode
from server.problems import Invalid, NotAvailable, NotFound, Unavailable

logger = logging.getLogger("server.directory")


def london_now() -> dt.datetime:
    return dt.datetime.now(LONDON)


# Encoded services kept in memory, at most (about 2 kB each).
_MAX_KNOWN = 50_000


@dataclass(frozen=True)
class NearbyQuery:
    """A nearby search as someone asked for it: from a location or a postcode, with filters.

    The place is never logged or stored.
    """

    lang: str
    lat: float | None = None
    lon: float | None = None
    postcode: str | None = None
    radius_km: float = 10.0
    # Results a page (the app shows 5 at a time), and which page.
    limit: int = 10
    page: int = 1
    categories: Sequence[str] = ()
    age: int | None = None
    # Any way a feed or person writes a language: 'ur', 'urd', 'Urdu'.
    language: str | None = None
    free: bool = False
    open_now: bool = False
    keywords: str | None = None


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
        # By language, then by service id.
        self._services: dict[str, dict[int, KnownService]] = {}
        self._generation: tuple[int, dt.date] | None = None
        self._counted: tuple[int, Density] | None = None
        # The import whose grid a thread is building now, if any.
        self._counting: int | None = None
        self._lock = threading.Lock()

    def _describe_hours(self, schedules: str, lang: str) -> list[OpeningTimes]:
        """Opening hours in words; kept, as the same few timetables recur across services."""
        return describe(SCHEDULES.decode(schedules), lang, self.languages.gettext(lang).gettext)

    def _hours_in(self, lang: str) -> Callable[[str], list[OpeningTimes]]:
        return lambda schedules: self._hours(schedules, lang)

    def _helplines(self, lang: str) -> Encoded:
        return encode_with_etag(
            HelplineList(**self.languages.fields(lang), helplines=self.translated_helplines(lang))
        )

    def _categories(self, lang: str) -> Encoded:
        gettext = self.languages.gettext(lang).gettext
        return encode_with_etag(
            CategoryList(
                **self.languages.fields(lang),
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
            raise Invalid(
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
                raise Unavailable(
                    "postcode_lookup_unavailable",
                    "We cannot look up postcodes right now. Please use your location instead.",
                ) from None
            if point:
                found = Place(postcode.text, *point, postcode.kind, postcode.text)
        if found is not None:
            return found
        if not tables and self.geocoder is None:
            raise NotAvailable(
                "postcode_search_not_set_up",
                "Postcode search is not set up on this server. Please use your location instead.",
            )
        raise NotFound(
            "postcode_not_found",
            "We could not find that postcode. Check it, or use your location instead.",
        )

    def may_wait(self, query: NearbyQuery) -> bool:
        """Whether this search may wait on the network (the online geocoder), so needs a thread.

        Everything else answers in well under a millisecond from the offline tables.
        """
        return query.postcode is not None and self.geocoder is not None

    def origin(self, query: NearbyQuery) -> Origin:
        """Where the search starts: the location given, or the postcode's place."""
        if query.postcode is not None and (query.lat is not None or query.lon is not None):
            raise Invalid(
                "invalid_input",
                "Check 'postcode': " + N_("Use your location or a postcode, not both."),
            )
        if query.postcode is not None:
            place = self.place(query.postcode)
            return Origin(
                lat=place.lat, lon=place.lon, precision=place.precision, label=place.postcode
            )
        if query.lat is not None and query.lon is not None:
            return Origin(
                lat=query.lat,
                lon=query.lon,
                precision="location",
                label=self.location_label(query.lang),
            )
        missing = "lon" if query.lat is not None else "lat" if query.lon is not None else "postcode"
        raise Invalid(
            "invalid_input", f"Check '{missing}': " + N_("Type a postcode, or use your location.")
        )

    def search(self, query: NearbyQuery) -> bytes:
        """The encoded NearbyAnswer: the nearest services, then the helplines that fit."""
        origin = self.origin(query)
        filters = Filters(
            categories=query.categories,
            age=query.age,
            language=language_code(query.language) if query.language else None,
            free=query.free,
            keywords=(query.keywords or "").strip() or None,
            open_at=self.clock() if query.open_now else None,
        )
        db = self.db.get()
        now = filters.open_at or self.clock()
        # One more than the pages so far, to tell whether there is a next page.
        wanted = query.limit * query.page
        generation = directory_generation(db)
        density = self._density(db, generation)
        hits = nearest(db, origin.lat, origin.lon, query.radius_km, wanted + 1, filters, density)
        more = len(hits) > wanted
        hits = hits[wanted - query.limit : wanted]
        known = self._known(db, [h.service_id for h in hits], query.lang, now.date(), generation)
        position = week_position(now)
        results = [
            known[h.service_id].answer(h.service_id, h, query.lang, now, position)
            for h in hits
            if h.service_id in known
        ]
        return encode(
            NearbyWire(
                lang=query.lang,
                origin=origin,
                radius_km=query.radius_km,
                page=query.page,
                next_page=query.page + 1 if more else None,
                results=results,
                helplines=self._helplines_for(query.lang, frozenset(filters.categories)),
            )
        )

    def _density(self, db: sqlite_utils.Database, generation: int) -> Density | None:
        """The grid of this import's locations, or None while it is being built.

        Building it reads every location (about half a second for 100,000), so it is built
        in a thread of its own after each import (by any process); meanwhile searches answer
        from SQLite, with the same results, and no search waits for it.
        """
        with self._lock:
            if self._counted is not None and self._counted[0] == generation:
                return self._counted[1]
            if self._counting != generation:
                self._counting = generation
                threading.Thread(
                    target=self._count, args=(generation,), name="directory-grid", daemon=True
                ).start()
        return None

    def _count(self, asked: int) -> None:
        """Build the grid from one snapshot of the directory, on a connection of its own.

        `asked` is the import a search saw; a later import asks for its own grid."""
        db = connect(self.db.path)
        try:
            with db.conn:  # one read transaction: the generation and the locations agree
                db.execute("BEGIN")
                counted = (directory_generation(db), Density(db))
            with self._lock:
                if self._counted is None or counted[0] >= self._counted[0]:
                    self._counted = counted  # (a slower, older build never wins)
                if self._counting == asked:
                    self._counting = None
        except Exception:
            logger.exception("The directory's grid could not be built; searches use SQLite.")
            with self._lock:
                if self._counting == asked:
                    self._counting = None
        finally:
            db.conn.close()

    def _known(
        self,
        db: sqlite_utils.Database,
        ids: list[int],
        lang: str,
        today: dt.date | None = None,
        imported: int | None = None,
    ) -> dict[int, KnownService]:
        """Encoded facts for these services, loaded once per import and language."""
        # An import, or a new day (a listing may pass 12 months unchecked), starts afresh.
        today = today or self.clock().date()
        generation = (directory_generation(db) if imported is None else imported, today)
        with self._lock:
            kept = sum(map(len, self._services.values()))
            if generation != self._generation or kept > _MAX_KNOWN:
                # An import changed the directory (perhaps from another process).
                self._services, self._generation = {}, generation
            in_lang = self._services.setdefault(lang, {})
            known = {i: in_lang[i] for i in ids if i in in_lang}
        missing = [i for i in ids if i not in known]
        if missing:
            loaded = load_services(db, missing, lang, self._hours_in(lang), today)
            with self._lock:
                if generation == self._generation:
                    self._services.setdefault(lang, {}).update(loaded)
            known.update(loaded)
        return known

    def _helplines_for(self, lang: str, categories: frozenset[str]) -> msgspec.Raw:
        """The helplines that fit the categories asked for (all without any), encoded."""
        key = (lang, categories)
        if key not in self._helpline_answers:
            self._helpline_answers[key] = msgspec.Raw(
                encode(
                    [
                        h
                        for h in self.translated_helplines(lang)
                        if not categories or categories & set(h.categories)
                    ]
                )
            )
        return self._helpline_answers[key]

    def service(self, service_id: int, lang: str) -> bytes:
        """One encoded ServiceOut, placed at its first location."""
        found = self._known(self.db.get(), [service_id], lang).get(service_id)
        if found is None:
            raise NotFound("service_not_found", "We could not find that service.")
        return bytes(found.answer(service_id, None, lang, self.clock()))

    def location_label(self, lang: str) -> str:
        return self.languages.gettext(lang).gettext(LOCATION_LABEL)
