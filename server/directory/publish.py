"""Our directory as an Open Referral UK 3.0 API (its routes: server.routes.openreferral).

What the UK profile asks of a publisher, and how it is met here:
- `/` names the profile version (else validators fall back to v1);
- lists are Page objects (total_items, total_pages, page_number, size, first_page, last_page,
  empty, contents) whose items carry only one-to-one fields; `/services/{id}` is the full record;
- ids are UUIDs, derived from our own stable keys (server.directory.models.oruk_uuid);
- optional fields are left out rather than sent as null or empty;
- our youth categories are a taxonomy with stable term ids, and the original taxonomy terms of
  imported services are kept in a second taxonomy;
- sample (demo) services are published only when the deployer turns that on.

It knows nothing of HTTP: bad input raises server.problems errors.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from server.content import CATEGORIES
from server.db import ThreadLocalDatabase
from server.directory.finder import Finder
from server.directory.importer import directory_generation
from server.directory.models import PHONES, SCHEDULES, STRINGS, encode, oruk_uuid
from server.directory.search import bounding_box, great_circle_from
from server.messages import UI_MESSAGES
from server.oruk import CATEGORY_TAXONOMY, parse_byday, parse_time
from server.problems import Invalid, NotFound
from server.textsafe import fts_query

PROFILE = "https://openreferraluk.org/"
VERSION = "3.0"
IMPORTED_TAXONOMY = "consequences-card-imported-terms"
CATEGORY_TAXONOMY_ID = oruk_uuid("taxonomy", CATEGORY_TAXONOMY)
IMPORTED_TAXONOMY_ID = oruk_uuid("taxonomy", IMPORTED_TAXONOMY)
CATEGORY_TERM_IDS = {c: oruk_uuid("term", CATEGORY_TAXONOMY, c) for c in CATEGORIES}
_CATEGORY_BY_TERM = {term: c for c, term in CATEGORY_TERM_IDS.items()}
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
DEFAULT_PROXIMITY_M = 10_000
MAX_PROXIMITY_M = 50_000


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """Optional fields left out: no nulls, empty strings or empty lists."""
    return {k: v for k, v in record.items() if v not in (None, "", [])}


@dataclass(frozen=True)
class PublishQuery:
    """The ORUK filters; they combine with AND."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


_SERVICE_COLUMNS = (
    "s.id", "s.oruk_id", "s.name", "s.organisation", "s.description", "s.categories",
    "s.taxonomy_terms", "s.min_age", "s.max_age", "s.free", "s.cost", "s.referral_needed",
    "s.languages", "s.phones", "s.email", "s.website", "s.schedules", "s.last_checked",
    "s.sample", "s.changed_at",
)  # fmt: skip
_NAMES = tuple(c.removeprefix("s.") for c in _SERVICE_COLUMNS)


def category_name(category: str) -> str:
    return UI_MESSAGES[f"category.{category}"]


def _term(term_id: str, name: str, description: str, taxonomy: str, taxonomy_id: str,
          code: str | None = None) -> dict[str, Any]:  # fmt: skip
    return _compact(
        {
            "id": term_id,
            "code": code,
            "name": name,
            "description": description,
            "taxonomy": taxonomy,
            "taxonomy_id": taxonomy_id,
        }
    )


def category_term(category: str) -> dict[str, Any]:
    return _term(
        CATEGORY_TERM_IDS[category],
        category_name(category),
        f"{category_name(category)}: a category of the Consequences Card help finder.",
        CATEGORY_TAXONOMY,
        CATEGORY_TAXONOMY_ID,
        code=category,
    )


def imported_term(name: str) -> dict[str, Any]:
    return _term(
        oruk_uuid("term", IMPORTED_TAXONOMY, name),
        name,
        f"{name}: a term from the directory this service was imported from.",
        IMPORTED_TAXONOMY,
        IMPORTED_TAXONOMY_ID,
    )


def _sample_term() -> dict[str, Any]:
    return _term(
        oruk_uuid("term", "sample-data"),
        "Sample data: a fictional service for the demo",
        "A made-up service from the demo directory; not a real service.",
        "consequences-card",
        oruk_uuid("taxonomy", "consequences-card"),
        code="sample-data",
    )


def page_of(contents: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


class Publisher:
    """The directory as ORUK 3.0 records, encoded."""

    def __init__(self, db: ThreadLocalDatabase, finder: Finder, include_sample: bool) -> None:
        self.db = db
        self.finder = finder
        self.include_sample = include_sample
        self._terms: tuple[int, dict[str, str]] = (-1, {})

    # -- the queries

    def _imported_terms(self, db: sqlite_utils.Database) -> dict[str, str]:
        """Imported term names by their published id, kept until the next import."""
        generation = directory_generation(db)
        if self._terms[0] != generation:
            names = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT t.value FROM services s, json_each(s.taxonomy_terms) t "
                    "WHERE s.sample = 0 OR ? ORDER BY t.value",
                    [self.include_sample],
                )
            ]
            self._terms = (generation, {imported_term(n)["id"]: n for n in names})
        return self._terms[1]

    def _where(self, db: sqlite_utils.Database, q: PublishQuery) -> tuple[str, list[Any]]:
        clauses: list[str] = [] if self.include_sample else ["s.sample = 0"]
        params: list[Any] = []
        # Every word must match; nothing typed is read as FTS syntax, and a search with no
        # words in it (only quotes or punctuation) filters nothing, as in the app's own search.
        match = fts_query(q.search) if q.search else None
        if match:
            clauses.append("s.id IN (SELECT rowid FROM services_fts WHERE services_fts MATCH ?)")
            params.append(match)
        if q.taxonomy_term_id:
            category = _CATEGORY_BY_TERM.get(q.taxonomy_term_id)
            name = self._imported_terms(db).get(q.taxonomy_term_id)
            if category:
                clauses.append("EXISTS (SELECT 1 FROM json_each(s.categories) WHERE value = ?)")
                params.append(category)
            elif name:
                clauses.append("EXISTS (SELECT 1 FROM json_each(s.taxonomy_terms) WHERE value = ?)")
                params.append(name)
            else:
                clauses.append("0")
        if q.taxonomy_id:
            clauses.append(
                "s.categories != '[]'"
                if q.taxonomy_id == CATEGORY_TAXONOMY_ID
                else "s.taxonomy_terms != '[]'"
                if q.taxonomy_id == IMPORTED_TAXONOMY_ID
                else "0"
            )
        # As the profile words them: "a minimum age of at least", "a maximum age at or below".
        if q.minimum_age is not None:
            clauses.append("COALESCE(s.min_age, 0) >= ?")
            params.append(q.minimum_age)
        if q.maximum_age is not None:
            clauses.append("s.max_age IS NOT NULL AND s.max_age <= ?")
            params.append(q.maximum_age)
        opening: list[str] = []
        if q.day is not None:
            days = parse_byday(q.day)
            if len(days) != 1:
                raise Invalid("invalid_input", "Check 'day': give one day, like MO or Monday.")
            opening.append(
                "EXISTS (SELECT 1 FROM json_each(json_extract(j.value, '$.byday')) d"
                " WHERE substr(d.value, -2) = ?)"
            )
            params.append(days[0][-2:])
        for name, value, test in (
            ("start_time", q.start_time, "json_extract(j.value, '$.opens_at') >= ?"),
            ("end_time", q.end_time, "json_extract(j.value, '$.closes_at') <= ?"),
        ):
            if value is not None:
                time = parse_time(value)
                if time is None:
                    raise Invalid("invalid_input", f"Check '{name}': give a time like 16:00.")
                opening.append(test)
                params.append(time)
        if opening:
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(s.schedules) j WHERE "  # noqa: S608 (constants)
                + " AND ".join(opening)
                + ")"
            )
        return (" AND ".join(clauses) or "1"), params

    def _services(
        self, db: sqlite_utils.Database, where: str, params: list[Any], page: int, per_page: int
    ) -> tuple[list[dict[str, Any]], int]:
        total = db.execute(
            f"SELECT count(*) FROM services s WHERE {where}",  # noqa: S608 (built from constants)
            params,
        ).fetchone()[0]
        rows = db.execute(
            f"SELECT {', '.join(_SERVICE_COLUMNS)} FROM services s WHERE {where} "  # noqa: S608
            "ORDER BY s.id LIMIT ? OFFSET ?",
            [*params, per_page, (page - 1) * per_page],
        ).fetchall()
        return [dict(zip(_NAMES, r, strict=True)) for r in rows], int(total)

    # -- the records

    def _list_item(self, s: dict[str, Any]) -> dict[str, Any]:
        """A service's one-to-one fields, as in a /services page."""
        organisation = s["organisation"]
        return _compact(
            {
                "id": s["oruk_id"],
                "name": s["name"],
                "description": s["description"],
                "url": s["website"],
                "email": s["email"],
                "status": "active",
                "fees": s["cost"],
                "minimum_age": s["min_age"],
                "maximum_age": s["max_age"],
                "assured_date": s["last_checked"],
                "last_modified": f"{s['changed_at']}T00:00:00Z" if s["changed_at"] else None,
                "organization": {
                    "id": oruk_uuid("organization", organisation),
                    "name": organisation,
                    "description": "",
                }
                if organisation
                else None,
            }
        )

    def _full(self, s: dict[str, Any], places: list[tuple[Any, ...]]) -> dict[str, Any]:
        service_id = s["oruk_id"]
        record = self._list_item(s)
        attributes = [category_term(c) for c in STRINGS.decode(s["categories"])]
        attributes += [imported_term(n) for n in STRINGS.decode(s["taxonomy_terms"])]
        if s["sample"]:
            attributes.append(_sample_term())
        record["attributes"] = [
            {
                "id": oruk_uuid("attribute", service_id, term["id"]),
                "link_id": service_id,
                "link_type": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
            for term in attributes
        ]
        if s["free"] is not None or s["cost"]:
            option = "Free" if s["free"] == 1 else "Charges apply" if s["free"] == 0 else None
            record["cost_options"] = [
                _compact(
                    {
                        "id": oruk_uuid("cost", service_id),
                        "service_id": service_id,
                        "option": option,
                        "amount": 0 if s["free"] == 1 else None,
                        "currency": "GBP" if s["free"] == 1 else None,
                        "amount_description": s["cost"],
                    }
                )
            ]
        if s["referral_needed"] is not None:
            record["application_process"] = (
                "Referral needed." if s["referral_needed"] else "Drop in: no referral needed."
            )
        record["phones"] = [
            _compact(
                {
                    "id": oruk_uuid("phone", service_id, i),
                    "service_id": service_id,
                    "number": p.number,
                    "type": p.kind,
                }
            )
            for i, p in enumerate(PHONES.decode(s["phones"]))
        ]
        record["languages"] = [
            {"id": oruk_uuid("language", service_id, code), "service_id": service_id, "code": code}
            for code in STRINGS.decode(s["languages"])
        ]
        record["schedules"] = [
            _compact(
                {
                    "id": oruk_uuid("schedule", service_id, i),
                    "service_id": service_id,
                    "freq": x.freq,
                    "byday": ",".join(x.byday),
                    "opens_at": x.opens_at,
                    "closes_at": x.closes_at,
                    "valid_from": x.valid_from,
                    "valid_to": x.valid_to,
                }
            )
            for i, x in enumerate(SCHEDULES.decode(s["schedules"]))
        ]
        record["service_at_locations"] = [
            self._at_location(service_id, index, place) for index, place in enumerate(places)
        ]
        return _compact(record)

    def _location(self, service_id: str, index: int, place: tuple[Any, ...]) -> dict[str, Any]:
        name, address, postcode, lat, lon = place
        location_id = oruk_uuid("location", service_id, index)
        return _compact(
            {
                "id": location_id,
                "location_type": "physical",
                "name": name,
                "latitude": lat,
                "longitude": lon,
                "addresses": [
                    {
                        # The profile requires these; our address is one line, so it all goes
                        # in address_1 and parts we do not know separately stay empty.
                        "id": oruk_uuid("address", location_id),
                        "location_id": location_id,
                        "address_1": address,
                        "city": "",
                        "state_province": "",
                        "postal_code": postcode,
                        "country": "GB",
                        "address_type": "physical",
                    }
                ]
                if address or postcode
                else [],
            }
        )

    def _at_location(self, service_id: str, index: int, place: tuple[Any, ...]) -> dict[str, Any]:
        location = self._location(service_id, index, place)
        return {
            "id": oruk_uuid("service_at_location", service_id, index),
            "service_id": service_id,
            "location_id": location["id"],
            "location": location,
        }

    def _places(
        self, db: sqlite_utils.Database, ids: Iterable[int]
    ) -> dict[int, list[tuple[Any, ...]]]:
        found: dict[int, list[tuple[Any, ...]]] = {}
        for row in db.execute(
            "SELECT service_id, name, address, postcode, lat, lon FROM locations "
            "WHERE service_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            [encode(list(ids)).decode()],
        ):
            found.setdefault(row[0], []).append(tuple(row[1:]))
        return found

    # -- the endpoints

    def root(self) -> bytes:
        return encode(
            {"version": VERSION, "profile": PROFILE, "openapi_url": f"{PROFILE}openapi.json"}
        )

    def services(self, q: PublishQuery) -> bytes:
        db = self.db.get()
        where, params = self._where(db, q)
        rows, total = self._services(db, where, params, q.page, q.per_page)
        return encode(page_of([self._list_item(s) for s in rows], total, q.page, q.per_page))

    def service(self, oruk_id: str) -> bytes:
        db = self.db.get()
        where, params = self._where(db, PublishQuery())
        rows, _total = self._services(db, f"{where} AND s.oruk_id = ?", [*params, oruk_id], 1, 1)
        if not rows:
            raise NotFound("service_not_found", "There is no service with that id.")
        return encode(self._full(rows[0], self._places(db, [rows[0]["id"]]).get(rows[0]["id"], [])))

    def taxonomies(self, page: int, per_page: int) -> bytes:
        all_taxonomies = [
            {
                "id": CATEGORY_TAXONOMY_ID,
                "name": "Consequences Card categories",
                "description": "The youth service categories of the Consequences Card help finder.",
            },
            {
                "id": IMPORTED_TAXONOMY_ID,
                "name": "Imported terms",
                "description": "Taxonomy terms kept from the directories our services came from.",
            },
        ]
        chunk = all_taxonomies[(page - 1) * per_page : page * per_page]
        return encode(page_of(chunk, len(all_taxonomies), page, per_page))

    def taxonomy_terms(self, page: int, per_page: int, taxonomy_id: str | None) -> bytes:
        terms = []
        if taxonomy_id in (None, CATEGORY_TAXONOMY_ID):
            terms += [category_term(c) for c in CATEGORIES]
        if taxonomy_id in (None, IMPORTED_TAXONOMY_ID):
            terms += [imported_term(n) for n in self._imported_terms(self.db.get()).values()]
        chunk = terms[(page - 1) * per_page : page * per_page]
        return encode(page_of(chunk, len(terms), page, per_page))

    def service_at_locations(
        self, q: PublishQuery, postcode: str | None, proximity: float | None
    ) -> bytes:
        db = self.db.get()
        where, params = self._where(db, q)
        columns = (
            "l.id, l.service_id, l.name, l.address, l.postcode, l.lat, l.lon, "
            "ROW_NUMBER() OVER (PARTITION BY l.service_id ORDER BY l.id) - 1 AS place"
        )
        sql = (
            f"SELECT p.*, {', '.join(_SERVICE_COLUMNS)} "  # noqa: S608 (constants)
            f"FROM (SELECT {columns} FROM locations l) p "
            f"JOIN services s ON s.id = p.service_id WHERE {where}"
        )
        if postcode is None and proximity is not None:
            raise Invalid("invalid_input", "Check 'postcode': give a postcode to search near.")
        if postcode is not None:
            place = self.finder.place(postcode)
            metres = DEFAULT_PROXIMITY_M if proximity is None else proximity
            south, north, west, east = bounding_box(place.lat, place.lon, metres / 1000)
            rows = db.execute(
                sql  # noqa: S608 (constants; every value a bound parameter)
                + " AND p.id IN (SELECT id FROM locations_rtree WHERE max_lat >= ? AND "
                "min_lat <= ? AND max_lon >= ? AND min_lon <= ?)",
                [*params, south, north, west, east],
            ).fetchall()
            distance = great_circle_from(place.lat, place.lon)
            measured = [(distance(r[5], r[6]), r) for r in rows]
            chosen = [
                r for d, r in sorted(measured, key=lambda x: (x[0], x[1][0])) if d * 1000 <= metres
            ]
            total = len(chosen)
            rows = chosen[(q.page - 1) * q.per_page : q.page * q.per_page]
        else:
            total = db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]  # noqa: S608
            rows = db.execute(
                sql + " ORDER BY p.id LIMIT ? OFFSET ?",
                [*params, q.per_page, (q.page - 1) * q.per_page],
            ).fetchall()
        width = 8
        contents = []
        for row in rows:
            s = dict(zip(_NAMES, row[width : width + len(_NAMES)], strict=True))
            item = self._at_location(s["oruk_id"], row[7], tuple(row[2:7]))
            item["service"] = self._list_item(s)
            contents.append(item)
        return encode(page_of(contents, int(total), q.page, q.per_page))
