"""The nearest services: an R*Tree box, a flat-earth order in SQLite, exact great circles."""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from typing import Any, NamedTuple

import sqlite_utils

from server.directory.models import SCHEDULES, dumps
from server.opening_hours import WEEK_MINUTES, is_open, open_in_week
from server.textsafe import fts_query

EARTH_RADIUS_KM = 6371.009  # geopy's great-circle radius, so our distances agree with it


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
            params.append(dumps(list(self.categories)))
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
        match = fts_query(self.keywords) if self.keywords else None
        if match:
            clauses.append("s.id IN (SELECT rowid FROM services_fts WHERE services_fts MATCH ?)")
            params.append(match)
        return " AND ".join(clauses), params


class Hit(NamedTuple):
    """A service found, at its nearest place (a tuple: quick to make, a page at a time)."""

    service_id: int
    location_id: int
    distance_km: float


# A location as a grid keeps it: sin lat, cos lat, lon in radians, service id, location id.
Place = tuple[float, float, float, int, int]


class _Grid:
    """Every location in cells of one size, with the trigonometry its distances need."""

    def __init__(self, cell_lat: float, cell_lon: float) -> None:
        self.cell_lat, self.cell_lon = cell_lat, cell_lon
        # Five numbers a location, cell after cell (row by row), so that a search reads
        # neighbouring memory: sin lat, cos lat, lon in radians, service id, location id.
        self.data = array("d")
        # Where each cell's locations are in data: (start, stop).
        self.cells: dict[int, tuple[int, int]] = {}

    def fill(self, lats: list[float], lons: list[float], places: list[Place]) -> None:
        floor, cell_lat, cell_lon = math.floor, self.cell_lat, self.cell_lon
        keys = [
            floor(a / cell_lat) * _ROW + floor(o / cell_lon)
            for a, o in zip(lats, lons, strict=True)
        ]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self.data = array("d")
        self.data.fromlist(list(chain.from_iterable([places[i] for i in order])))
        ranked = [keys[i] for i in order]
        # Each cell's start and stop in data (in first, later pairs overwrite earlier ones).
        first = dict(zip(reversed(ranked), range(5 * len(ranked) - 5, -5, -5), strict=True))
        after = dict(zip(ranked, range(5, 5 * len(ranked) + 5, 5), strict=True))
        self.cells = {at: (start, after[at]) for at, start in first.items()}

    def key(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.cell_lat), math.floor(lon / self.cell_lon)

    def beyond(self, lat: float, lon: float, i0: int, j0: int, ring: int, cos_both: float) -> float:
        """A lower bound on the distance (km) from the point to anything outside the square of
        cells less than `ring` steps from the point's cell (i0, j0), that is within reach."""
        gap_lat = min(lat - (i0 - ring + 1) * self.cell_lat, (i0 + ring) * self.cell_lat - lat)
        gap_lon = min(lon - (j0 - ring + 1) * self.cell_lon, (j0 + ring) * self.cell_lon - lon)
        # Across parallels: at least the difference in latitude. Across meridians, by the
        # haversine formula, at least as far as along the parallel furthest from the equator.
        by_lat = math.radians(max(gap_lat, 0.0))
        half = math.sin(math.radians(max(gap_lon, 0.0)) / 2)
        by_lon = 2 * math.asin(min(1.0, math.sqrt(max(cos_both, 0.0)) * half))
        # Less a hair, for float rounding in the distances it is compared with.
        return EARTH_RADIUS_KM * min(by_lat, by_lon) * (1 - 1e-9) - 1e-9


# Cell keys as one int: row * _ROW + column.
_ROW = 1 << 20
# Grids from fine (about 550 m each way in Britain) to coarse (about 5.5 km): a search uses
# the one whose cells hold a few services each where it is.
_GRID_SIZES = ((0.005, 0.008), (0.01, 0.016), (0.02, 0.032), (0.05, 0.08))


class Density:
    """Where every location is, read once per import: counts per 0.1-degree cell, and grids.

    A box can hold no more locations than the cells it touches, so the SQLite search skips the
    radii that cannot hold enough services, and answers at once where there is nothing at all.
    A search without filters needs no SQL: `nearest_in_grid` reads a grid's cells ring by ring
    outwards from the point, stopping once no unread cell could hold anything nearer. Either
    way the answer is the same.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        cells: dict[tuple[int, int], int] = {}
        lats: list[float] = []
        lons: list[float] = []
        places: list[Place] = []
        floor, radians, sin, cos = math.floor, math.radians, math.sin, math.cos
        for location_id, service_id, lat, lon in db.execute(
            "SELECT id, service_id, lat, lon FROM locations"
        ):
            key = (floor(lat * 10), floor(lon * 10))
            cells[key] = cells.get(key, 0) + 1
            lat2 = radians(lat)
            lats.append(lat)
            lons.append(lon)
            places.append((sin(lat2), cos(lat2), radians(lon), service_id, location_id))
        grids = [_Grid(*size) for size in _GRID_SIZES]
        for grid in grids:
            grid.fill(lats, lons, places)
        self.cells = cells
        self.grids = grids

    def at_most(self, south: float, north: float, west: float, east: float) -> int:
        floor, get = math.floor, self.cells.get
        return sum(
            get((i, j), 0)
            for i in range(floor(south * 10), floor(north * 10) + 1)
            for j in range(floor(west * 10), floor(east * 10) + 1)
        )

    def grid_for(self, lat: float, lon: float, limit: int) -> _Grid:
        """The coarsest grid whose cells hold few enough services near the point."""
        here = self.cells.get((math.floor(lat * 10), math.floor(lon * 10)), 0)
        for grid in self.grids:
            if here * grid.cell_lat * grid.cell_lon * 100 > _PER_CELL * limit:
                return self.grids[max(0, self.grids.index(grid) - 1)]
        return self.grids[-1]

    def nearest_in_grid(self, lat: float, lon: float, radius_km: float, limit: int) -> list[Hit]:
        """nearest() without filters, from a grid: the same answer, with no SQL.

        Distances are geopy's great circle, operation for operation (as great_circle_from).
        Ring r is the cells r steps from the point's own cell; anything outside the rings read
        so far is at least `beyond` away, so the search stops once that passes the radius or
        the limit-th nearest service found.
        """
        grid = self.grid_for(lat, lon, limit)
        lat1, lon1 = math.radians(lat), math.radians(lon)
        sin_lat1, cos_lat1 = math.sin(lat1), math.cos(lat1)
        sin, cos, atan2, sqrt = math.sin, math.cos, math.atan2, math.sqrt
        i0, j0 = grid.key(lat, lon)
        # Beyond the radius in latitude alone a point is out of reach, so any point that
        # matters is no further from the equator than this; its parallel is at least this long.
        reach = min(90.0, abs(lat) + math.degrees(radius_km / EARTH_RADIUS_KM) * 1.001 + 1e-6)
        cos_both = cos_lat1 * math.cos(math.radians(reach))
        get, data = grid.cells.get, grid.data
        best: dict[float, tuple[float, float]] = {}
        needed = radius_km
        centre = i0 * _ROW + j0
        ring = 0
        while True:
            for step in _ring(ring):
                span = get(centre + step)
                if span is None:
                    continue
                numbers = iter(data[span[0] : span[1]])
                for sin_lat2, cos_lat2, lon2, service_id, location_id in zip(
                    numbers, numbers, numbers, numbers, numbers, strict=True
                ):
                    delta_lng = lon2 - lon1
                    cos_delta_lng, sin_delta_lng = cos(delta_lng), sin(delta_lng)
                    distance = EARTH_RADIUS_KM * atan2(
                        sqrt(
                            (cos_lat2 * sin_delta_lng) ** 2
                            + (cos_lat1 * sin_lat2 - sin_lat1 * cos_lat2 * cos_delta_lng) ** 2
                        ),
                        sin_lat1 * sin_lat2 + cos_lat1 * cos_lat2 * cos_delta_lng,
                    )
                    if distance > radius_km:
                        continue
                    seen = best.get(service_id)
                    if seen is None or (distance, location_id) < seen:
                        best[service_id] = (distance, location_id)
            if len(best) >= limit:
                needed = sorted([d for d, _ in best.values()])[limit - 1]
            ring += 1
            if grid.beyond(lat, lon, i0, j0, ring, cos_both) > needed:
                break
        ranked = sorted((d, s, loc) for s, (d, loc) in best.items())[:limit]
        return [Hit(int(s), int(loc), d) for d, s, loc in ranked]


@cache
def _ring(ring: int) -> tuple[int, ...]:
    """The cells `ring` steps from a cell, as steps in its key: its row, then its columns."""
    if not ring:
        return (0,)
    row = range(-ring, ring + 1)
    sides = range(-ring + 1, ring)
    return (
        *(-ring * _ROW + j for j in row),
        *(ring * _ROW + j for j in row),
        *(i * _ROW - ring for i in sides),
        *(i * _ROW + ring for i in sides),
    )


# How many services a grid cell should hold near the point, as a share of the limit.
_PER_CELL = 0.25
# The grids answer within this radius and this far from the equator; the rings widen until
# their bound passes the radius, which near the poles (where the meridians meet) they might
# never do. Beyond them, and for the rare search that asks for more, SQLite answers.
_GRID_MAX_KM = 100.0
_GRID_MAX_LAT = 80.0


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
    density: Density | None = None,
) -> list[Hit]:
    """The nearest `limit` services within radius_km, one hit per service at its nearest place.

    The R*Tree finds the locations in a box around a circle; SQLite orders them by a cheap
    flat-earth distance and hands over only the first few, which get the exact great-circle
    distance. The circle widens only while fewer than `limit` services are inside it, and
    more rows are read only while an unread one might still be nearer than the answer.
    """
    filters = filters or Filters()
    if density is not None and not density.at_most(*bounding_box(lat, lon, radius_km)):
        return []
    where, params = filters.sql(db)
    if (
        density is not None
        and not where
        and filters.open_at is None
        and radius_km <= _GRID_MAX_KM
        and abs(lat) <= _GRID_MAX_LAT
    ):
        return density.nearest_in_grid(lat, lon, radius_km, limit)
    needs_service = bool(where) or filters.open_at is not None
    east_west = math.cos(math.radians(lat))
    # Built from the constant fragments here; every value is a bound parameter.
    sql = (
        "SELECT l.id, l.service_id, l.lat, l.lon, "  # noqa: S608
        "(l.lat - ?) * (l.lat - ?) + (l.lon - ?) * (l.lon - ?) * ? AS flat"
        + (", s.schedules, s.opening_minutes" if filters.open_at is not None else "")
        + " FROM locations_rtree r JOIN locations l ON l.id = r.id"
        + (" JOIN services s ON s.id = l.service_id" if needs_service else "")
        + " WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?"
        + (" AND " + where if where else "")
        + " ORDER BY flat LIMIT ?"
    )
    flat_params = [lat, lat, lon, lon, east_west * east_west]
    distance_to = great_circle_from(lat, lon)
    steps = [s for s in _STEPS_KM if s < radius_km] + [radius_km]
    if density is not None:
        # A radius whose box holds fewer than `limit` locations would only widen: skip it.
        steps = [
            s
            for s in steps
            if s == radius_km or density.at_most(*bounding_box(lat, lon, s)) >= limit
        ]
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
                if filters.open_at is not None and not (
                    open_in_week(WEEK_MINUTES.decode(row[6]), filters.open_at)
                    if row[6]
                    else is_open(SCHEDULES.decode(row[5]), filters.open_at)
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
