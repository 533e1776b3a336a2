"""The nearby search: order, every filter, the 422s, sample data, helplines and languages."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlite_utils
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from geopy.distance import great_circle
from litestar import Litestar
from litestar.testing import TestClient

from server.content import CATEGORIES, load_content
from server.db import connect
from server.directory.answers import (
    NearbyAnswer,
    Placement,
    ServiceFacts,
    ServiceOut,
    Spot,
    format_distance,
)
from server.directory.finder import NearbyQuery
from server.directory.importer import import_feed
from server.directory.search import Density, Filters, bounding_box, nearest
from server.i18n import SUPPORTED, po_path
from server.migrations import migrate
from server.opening_hours import LONDON
from server.postcodes import import_postcodes
from server.problems import DomainError, Invalid, NotAvailable, NotFound
from server.settings import ROOT
from tests.conftest import AppFactory, make_settings

DEMO = ROOT / "content" / "demo" / "luton.json"
TOWN_CENTRE = {"lat": 51.8797, "lon": -0.4175}
# A Friday at 23:30 in London: the late-night youth project is open, offices are not.
FRIDAY_LATE = dt.datetime(2026, 11, 6, 23, 30, tzinfo=LONDON)


def seed(data_dir: Path, tmp_path: Path) -> None:
    migrate(data_dir)
    db = connect(data_dir / "directory.db")
    sectors = tmp_path / "sectors.csv"
    sectors.write_text(
        "sector,latitude,longitude\nLU1 2,51.88010,-0.41666\nLU4 0,51.90030,-0.48400\n",
        encoding="utf-8",
    )
    import_postcodes(db, sectors)
    import_feed(db, DEMO)
    db.conn.close()


@pytest.fixture(scope="module")
def app_with_demo_directory(
    tmp_path_factory: pytest.TempPathFactory, make_app: AppFactory
) -> Litestar:
    """The app over the Luton demo directory, a little postcode table and a fixed clock.

    Shared by the tests in this module, which only read from it.
    """
    tmp_path = tmp_path_factory.mktemp("demo")
    seed(tmp_path / "data", tmp_path)
    app = make_app(make_settings(tmp_path / "data"))
    app.state.finder.clock = lambda: FRIDAY_LATE
    return app


@pytest.fixture(scope="module")
def demo_client(app_with_demo_directory: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app_with_demo_directory) as c:
        yield c


def nearby(client: TestClient[Litestar], **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/services/nearby", params={**TOWN_CENTRE, **params})
    assert 200 == response.status_code, response.text
    body: dict[str, Any] = response.json()
    return body


def test_results_are_nearest_first_within_the_radius(demo_client: TestClient[Litestar]) -> None:
    body = nearby(demo_client, radius_km=5, limit=50)
    results = body["results"]
    assert len(results) >= 20
    distances = [r["distance_km"] for r in results]
    assert sorted(distances) == distances
    assert all(d <= 5 for d in distances)
    for result in results:
        expected = great_circle(
            (TOWN_CENTRE["lat"], TOWN_CENTRE["lon"]), (result["lat"], result["lon"])
        )
        assert pytest.approx(expected.km, abs=0.001) == result["distance_km"]
    # Dunstable and Toddington are further than 5 km from the town centre.
    names = {r["name"] for r in results}
    assert "Dunstable Youth Club" not in names
    assert "Toddington Sport for All" not in names
    assert "Dunstable Youth Club" in {r["name"] for r in nearby(demo_client, limit=50)["results"]}


def test_each_result_has_what_the_finder_shows(demo_client: TestClient[Litestar]) -> None:
    body = nearby(demo_client, limit=1)
    assert {"lat", "lon", "precision", "label"} == set(body["origin"])
    assert ("location", "Your location") == (body["origin"]["precision"], body["origin"]["label"])
    result = body["results"][0]
    assert {
        "id", "name", "organisation", "description", "categories", "distance_km",
        "distance_text", "address", "postcode", "lat", "lon", "phones", "website", "email",
        "min_age", "max_age", "free", "referral_needed", "languages", "opening_hours",
        "open_now", "last_checked", "sample",
    } <= set(result)  # fmt: skip
    assert result["sample"] is True
    assert re.fullmatch(r"\d+(\.\d)? miles?", result["distance_text"])
    assert (
        "no-store"
        == demo_client.get("/api/v1/services/nearby", params=TOWN_CENTRE).headers["cache-control"]
    )


def test_every_demo_service_is_marked_as_sample(demo_client: TestClient[Litestar]) -> None:
    results = nearby(demo_client, radius_km=50, limit=50)["results"]
    assert len(results) >= 30
    assert {True} == {r["sample"] for r in results}


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_filter(demo_client: TestClient[Litestar], category: str) -> None:
    body = nearby(demo_client, category=category, radius_km=50, limit=50)
    assert body["results"], f"the demo has no {category} service"
    assert all(category in r["categories"] for r in body["results"])
    assert all(category in h["categories"] for h in body["helplines"])


def test_several_categories_match_any_of_them(demo_client: TestClient[Litestar]) -> None:
    response = demo_client.get(
        "/api/v1/services/nearby",
        params=[
            ("lat", 51.88),
            ("lon", -0.42),
            ("category", "legal_advice"),
            ("category", "victim_support"),
        ],
    )
    results = response.json()["results"]
    assert {"legal_advice", "victim_support"} & {c for r in results for c in r["categories"]}
    assert all({"legal_advice", "victim_support"} & set(r["categories"]) for r in results)


def test_age_filter(demo_client: TestClient[Litestar]) -> None:
    every = nearby(demo_client, radius_km=50, limit=50)["results"]
    eight = nearby(demo_client, radius_km=50, limit=50, age=8)["results"]
    assert 0 < len(eight) < len(every)
    for result in eight:
        assert result["min_age"] is None or result["min_age"] <= 8
        assert result["max_age"] is None or result["max_age"] >= 8
    adults_only = {r["name"] for r in every if (r["min_age"] or 0) > 8}
    assert not adults_only & {r["name"] for r in eight}


def test_language_filter_takes_two_and_three_letter_codes(
    demo_client: TestClient[Litestar],
) -> None:
    urdu = nearby(demo_client, radius_km=50, limit=50, language="ur")["results"]
    assert urdu and all("ur" in r["languages"] for r in urdu)
    assert "Urdu" in urdu[0]["language_names"]
    assert [r["id"] for r in urdu] == [
        r["id"] for r in nearby(demo_client, radius_km=50, limit=50, language="urd")["results"]
    ]
    somali = nearby(demo_client, radius_km=50, limit=50, language="so", lang="so")["results"]
    assert somali and all("so" in r["languages"] for r in somali)


def test_free_filter(demo_client: TestClient[Litestar]) -> None:
    every = nearby(demo_client, radius_km=50, limit=50)["results"]
    free = nearby(demo_client, radius_km=50, limit=50, free="true")["results"]
    assert {False} == {r["free"] for r in every if r["id"] not in {f["id"] for f in free}}
    assert {True} == {r["free"] for r in free}


def test_open_now_filter(demo_client: TestClient[Litestar]) -> None:
    every = nearby(demo_client, radius_km=50, limit=50)["results"]
    open_now = nearby(demo_client, radius_km=50, limit=50, open_now="true")["results"]
    assert {"Lewsey Late Night Youth Project"} == {r["name"] for r in open_now}
    assert [True] == [r["open_now"] for r in open_now]
    assert {False} == {
        r["open_now"] for r in every if r["name"] != "Lewsey Late Night Youth Project"
    }


def test_keyword_filter(demo_client: TestClient[Litestar]) -> None:
    boxing = nearby(demo_client, radius_km=50, limit=50, q="boxing")["results"]
    assert {"Leagrave Boxing Club", "High Town Boxing Academy"} == {r["name"] for r in boxing}
    # Stemmed, and safe with FTS syntax characters.
    assert nearby(demo_client, radius_km=50, q="mentors")["results"]
    assert [] == nearby(demo_client, q='"unbalanced AND (')["results"]


def test_radius_and_limit(demo_client: TestClient[Litestar]) -> None:
    near = nearby(demo_client, radius_km=0.5, limit=50)["results"]
    wider = nearby(demo_client, radius_km=2, limit=50)["results"]
    assert 0 < len(near) < len(wider)
    assert 3 == len(nearby(demo_client, limit=3)["results"])
    assert 20 == len(nearby(demo_client, radius_km=50, limit=20)["results"])
    first = nearby(demo_client, radius_km=50)  # the default: 10 a page (the app shows 5)
    assert (len(first["results"]), first["page"], first["next_page"]) == (10, 1, 2)
    second = nearby(demo_client, radius_km=50, page=2)
    assert second["page"] == 2 and len(second["results"]) == 10
    ids = [r["id"] for r in nearby(demo_client, radius_km=50, limit=20)["results"]]
    assert [r["id"] for r in first["results"] + second["results"]] == ids
    last = nearby(demo_client, radius_km=50, limit=50, page=1)
    assert last["next_page"] is None


def test_postcode_search_gives_its_origin_and_precision(demo_client: TestClient[Litestar]) -> None:
    response = demo_client.get("/api/v1/services/nearby", params={"postcode": "lu40zz", "limit": 1})
    body = response.json()
    assert {"lat": 51.9003, "lon": -0.484, "precision": "sector", "label": "LU4 0ZZ"} == body[
        "origin"
    ]
    assert "Lewsey Late Night Youth Project" == body["results"][0]["name"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 200, "lon": 0}, "lat"),
        ({"lat": 51.8, "lon": 500}, "lon"),
        ({"lat": "north", "lon": 0}, "lat"),
        ({**TOWN_CENTRE, "radius_km": -1}, "radius_km"),
        ({**TOWN_CENTRE, "radius_km": 51}, "radius_km"),
        ({**TOWN_CENTRE, "limit": 10000}, "limit"),
        ({**TOWN_CENTRE, "limit": 0}, "limit"),
        ({**TOWN_CENTRE, "category": "knives"}, "category"),
        ({**TOWN_CENTRE, "age": "x"}, "age"),
        ({**TOWN_CENTRE, "age": -1}, "age"),
        ({**TOWN_CENTRE, "language": "english!"}, "language"),
        ({**TOWN_CENTRE, "free": "maybe"}, "free"),
        ({**TOWN_CENTRE, "postcode": "LU1 2BQ"}, "postcode"),
        ({"lat": 51.8}, "lon"),
        ({}, "postcode"),
        ({"postcode": "not a postcode"}, "postcode"),
    ],
)
def test_bad_input_is_422_naming_the_field_apart_from_the_plain_message(
    demo_client: TestClient[Litestar], params: dict[str, Any], field: str
) -> None:
    response = demo_client.get("/api/v1/services/nearby", params=params)
    assert 422 == response.status_code
    error = response.json()["error"]
    assert field == error["field"]
    assert f"'{field}'" not in error["message"] and "Expected" not in error["message"]
    assert "Traceback" not in error["message"]


def test_unknown_postcode_is_404(demo_client: TestClient[Litestar]) -> None:
    response = demo_client.get("/api/v1/services/nearby", params={"postcode": "ZE3 9JZ"})
    assert (404, "postcode_not_found") == (response.status_code, response.json()["error"]["code"])


def test_helplines_always_come_with_the_results(demo_client: TestClient[Litestar]) -> None:
    every = nearby(demo_client)["helplines"]
    assert 11 <= len(every)
    assert {"emergency", "childline", "samaritans", "shout"} <= {h["id"] for h in every}
    mental = nearby(demo_client, category="mental_health")["helplines"]
    assert mental and all("mental_health" in h["categories"] for h in mental)
    # Far out at sea there are no services, but the helplines still come.
    at_sea = nearby(demo_client, lat=54.0, lon=-5.0)
    assert ([], len(every)) == (at_sea["results"], len(at_sea["helplines"]))


def test_one_service_by_id(demo_client: TestClient[Litestar]) -> None:
    first = nearby(demo_client, limit=1)["results"][0]
    response = demo_client.get(f"/api/v1/services/{first['id']}", params={"lang": "pl"})
    assert 200 == response.status_code
    body = response.json()
    assert (first["name"], None, True) == (body["name"], body["distance_km"], body["sample"])
    assert 1 == len(body["locations"])
    missing = demo_client.get("/api/v1/services/999999")
    assert (404, "service_not_found") == (missing.status_code, missing.json()["error"]["code"])


def test_distances_in_miles_for_english_and_kilometres_otherwise() -> None:
    assert "0.8 miles" == format_distance(1.29, "en")
    assert "1 mile" == format_distance(1.609344, "en")
    assert "12 miles" == format_distance(19.5, "en")
    assert "0.1 miles" == format_distance(0.01, "en")
    assert "1,3 kilometra" == format_distance(1.3, "pl")
    for lang in SUPPORTED:
        text = format_distance(2.5, lang)
        assert "length" not in text and text.strip(), lang


def test_the_answer_is_in_the_chosen_language(demo_client: TestClient[Litestar]) -> None:
    body = nearby(demo_client, lang="ar", limit=1)
    assert "ar" == body["lang"]
    result = body["results"][0]
    assert "كم" in result["distance_text"] or "كيلومتر" in result["distance_text"]
    assert result["opening_hours"][0]["day_name"] in {
        "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد",
    }  # fmt: skip


def test_categories_are_listed_with_names(demo_client: TestClient[Litestar]) -> None:
    response = demo_client.get("/api/v1/services/categories", params={"lang": "ur"})
    assert 200 == response.status_code
    body = response.json()
    assert ("ur", "rtl") == (body["lang"], body["direction"])
    assert list(CATEGORIES) == [c["id"] for c in body["categories"]]
    assert all(c["name"] for c in body["categories"])
    cached = demo_client.get(
        "/api/v1/services/categories?lang=ur", headers={"If-None-Match": response.headers["etag"]}
    )
    assert 304 == cached.status_code


# -- Helplines in every shipped language


@pytest.fixture
def app_with_translated_helplines(tmp_path: Path, make_app: AppFactory) -> Litestar:
    """The app with catalogues that translate every helpline string, marked by language."""
    content = load_content(ROOT / "content")
    locales = tmp_path / "locales"
    for lang in SUPPORTED:
        if lang == "en":
            continue
        catalog = Catalog(locale=lang)
        for helpline in content.helplines.values():
            for text in (helpline.name, helpline.what_for, helpline.when_open):
                catalog.add(text, f"[{lang}] {text}")
        path = po_path(locales, lang)
        path.parent.mkdir(parents=True)
        with path.open("wb") as f:
            write_po(f, catalog)
    return make_app(make_settings(tmp_path / "data", locales_dir=str(locales)))


@pytest.mark.parametrize("lang", SUPPORTED)
def test_helplines_in_every_shipped_language(
    app_with_translated_helplines: Litestar, lang: str
) -> None:
    english = load_content(ROOT / "content").helplines
    with TestClient(app_with_translated_helplines) as client:
        listed = client.get("/api/v1/helplines", params={"lang": lang}).json()
        found = client.get("/api/v1/services/nearby", params={**TOWN_CENTRE, "lang": lang}).json()
    assert lang == listed["lang"]
    assert list(english) == [h["id"] for h in listed["helplines"]]
    prefix = "" if lang == "en" else f"[{lang}] "
    for helpline in listed["helplines"]:
        source = english[helpline["id"]]
        assert prefix + source.name == helpline["name"]
        assert prefix + source.what_for == helpline["what_for"]
        assert prefix + source.when_open == helpline["when_open"]
        assert source.phone == helpline["phone"]  # numbers are never translated
    assert listed["helplines"] == found["helplines"]


# -- The search itself, against a brute-force scan with geopy


def directory_of_places(
    data_dir: Path, points: list[tuple[float, float]], services: int | None = None
) -> sqlite_utils.Database:
    """A directory of bare services at these places; with `services`, the places are shared
    out among that many services in turn (several places each)."""
    migrate(data_dir)
    db = connect(data_dir / "directory.db")
    count = services or len(points)
    with db.atomic():
        db.table("services").insert_all(
            {"id": i, "source": "t", "source_id": str(i), "name": f"S{i}", "fingerprint": ""}
            for i in range(count)
        )
        db.table("locations").insert_all(
            {"service_id": k % count, "lat": lat, "lon": lon} for k, (lat, lon) in enumerate(points)
        )
    return db


@pytest.fixture
def random_directory(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """2,000 services scattered over Great Britain, denser in a few towns."""
    rng = random.Random(7)
    towns = [(51.88, -0.42), (53.48, -2.24), (51.51, -0.13), (55.95, -3.19)]
    points = []
    for i in range(2000):
        if i % 3:
            lat, lon = rng.choice(towns)
            lat, lon = lat + rng.gauss(0, 0.05), lon + rng.gauss(0, 0.08)
        else:
            lat, lon = rng.uniform(50.0, 58.5), rng.uniform(-5.5, 1.7)
        points.append((lat, lon))
    db = directory_of_places(tmp_path / "data", points)
    yield db
    db.conn.close()


def test_nearest_matches_a_brute_force_geopy_scan(random_directory: sqlite_utils.Database) -> None:
    rows = list(random_directory.execute("SELECT service_id, lat, lon FROM locations"))
    density = Density(random_directory)
    rng = random.Random(11)
    probes = [(51.88, -0.42), (58.0, -7.0), (50.1, -5.6)]  # a town, the sea, Land's End
    probes += [(rng.uniform(50.0, 58.5), rng.uniform(-5.5, 1.7)) for _ in range(57)]
    for lat, lon in probes:
        by_distance = sorted((great_circle((lat, lon), (r[1], r[2])).km, r[0]) for r in rows)
        for radius, limit in ((10.0, 20), (3.0, 5), (50.0, 50)):
            expected = [(d, sid) for d, sid in by_distance if d <= radius][:limit]
            got = nearest(random_directory, lat, lon, radius, limit, Filters())
            assert [sid for _, sid in expected] == [h.service_id for h in got]
            assert [d for d, _ in expected] == [h.distance_km for h in got]
            # Skipping the radii the cell counts rule out gives the very same answer.
            dense = nearest(random_directory, lat, lon, radius, limit, Filters(), density)
            assert dense == got


def test_a_search_without_filters_reads_the_grid_not_the_database(
    random_directory: sqlite_utils.Database,
) -> None:
    density = Density(random_directory)
    statements: list[str] = []
    random_directory.conn.set_trace_callback(statements.append)
    try:
        hits = nearest(random_directory, 51.88, -0.42, 10.0, 20, Filters(), density)
        assert 20 == len(hits)
        assert [] == statements
        # Filters still go to SQLite.
        nearest(random_directory, 51.88, -0.42, 10.0, 20, Filters(free=True), density)
        assert statements
    finally:
        random_directory.conn.set_trace_callback(None)


def test_the_grid_agrees_with_sqlite_on_grid_lines_and_several_places(tmp_path: Path) -> None:
    """Places on the grids' cell edges, and services with several places (each found once, at
    its nearest place), give the same answer from the grid as from SQLite."""
    rng = random.Random(3)
    # On the edges of every grid's cells (multiples of 0.08 degrees of longitude and 0.01 of
    # latitude), and scattered about them.
    points = [(51.0 + 0.01 * i, -0.08 * j) for i in range(12) for j in range(4)]
    points += [(rng.uniform(50.95, 51.15), rng.uniform(-0.35, 0.05)) for _ in range(400)]
    db = directory_of_places(tmp_path / "data", points, services=150)
    density = Density(db)
    probes = points[:48] + [(rng.uniform(50.9, 51.2), rng.uniform(-0.4, 0.1)) for _ in range(40)]
    for lat, lon in probes:
        for radius, limit in ((1.0, 3), (10.0, 11), (50.0, 50)):
            expected = nearest(db, lat, lon, radius, limit, Filters())
            assert expected == nearest(db, lat, lon, radius, limit, Filters(), density)
            assert len({h.service_id for h in expected}) == len(expected)
    db.conn.close()


def test_searches_near_the_poles_or_far_afield_end_with_the_same_answer(tmp_path: Path) -> None:
    points = [(89.95, 10.0), (89.9, -170.0), (79.9, 5.0), (80.2, 5.3), (51.5, -0.1)]
    db = directory_of_places(tmp_path / "data", points)
    density = Density(db)
    for lat, lon, radius in ((89.99, 0.0, 50.0), (79.95, 5.1, 50.0), (51.4, 0.0, 500.0)):
        expected = nearest(db, lat, lon, radius, 5, Filters())
        assert expected == nearest(db, lat, lon, radius, 5, Filters(), density)
    db.conn.close()


def test_cell_counts_bound_every_box(random_directory: sqlite_utils.Database) -> None:
    density = Density(random_directory)
    rows = list(random_directory.execute("SELECT lat, lon FROM locations"))
    assert sum(density.cells.values()) == 2000
    rng = random.Random(5)
    for _ in range(200):
        lat, lon = rng.uniform(50.0, 58.5), rng.uniform(-5.5, 1.7)
        box = bounding_box(lat, lon, rng.choice([1.5, 4.0, 10.0, 50.0]))
        inside = sum(box[0] <= a <= box[1] and box[2] <= b <= box[3] for a, b in rows)
        assert density.at_most(*box) >= inside


# -- Answers are built from parts kept per import; they must stay whole and fresh


def test_answers_decode_as_the_documented_types(demo_client: TestClient[Litestar]) -> None:
    response = demo_client.get(
        "/api/v1/services/nearby", params={**TOWN_CENTRE, "lang": "ur", "limit": 20}
    )
    answer = msgspec.json.decode(response.content, type=NearbyAnswer)
    documented = set(ServiceOut.__struct_fields__)
    parts = (Placement, Spot, ServiceFacts)
    assert documented == {name for part in parts for name in part.__struct_fields__}
    for result in response.json()["results"]:
        assert documented == set(result)
    assert 20 == len(answer.results)
    one = demo_client.get(f"/api/v1/services/{answer.results[0].id}")
    assert answer.results[0].name == msgspec.json.decode(one.content, type=ServiceOut).name


def test_an_import_is_seen_by_the_running_app(tmp_path: Path, make_app: AppFactory) -> None:
    seed(tmp_path / "data", tmp_path)
    app = make_app(make_settings(tmp_path / "data"))
    feed = json.loads(DEMO.read_text(encoding="utf-8"))
    with TestClient(app) as client:
        before = nearby(client, limit=50, radius_km=50)["results"]
        for service in feed["contents"]:
            service["name"] = "Renamed " + service["name"]
        changed = tmp_path / "luton.json"  # same source name: updates in place
        changed.write_text(json.dumps(feed), encoding="utf-8")
        db = connect(tmp_path / "data" / "directory.db")
        assert len(before) == import_feed(db, changed).updated
        db.conn.close()
        after = nearby(client, limit=50, radius_km=50)["results"]
    assert [r["id"] for r in before] == [r["id"] for r in after]
    assert ["Renamed " + r["name"] for r in before] == [r["name"] for r in after]


def test_searches_answer_from_sqlite_while_the_grid_is_built(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grid is built in a thread after start-up and after each import; until it is
    ready, searches answer from SQLite with the same results, and none waits for it."""
    seed(tmp_path / "data", tmp_path)
    app = make_app(make_settings(tmp_path / "data"))
    finder = app.state.finder
    gate, built = threading.Event(), threading.Event()
    build = Density.__init__

    def slow_build(self: Density, db: sqlite_utils.Database) -> None:
        assert gate.wait(30)
        build(self, db)
        built.set()

    monkeypatch.setattr(Density, "__init__", slow_build)
    with TestClient(app) as client:
        while_building = [nearby(client, limit=limit)["results"] for limit in (3, 10, 50)]
        assert finder._counted is None  # every answer so far came from SQLite
        gate.set()
        assert built.wait(30)
        for _ in range(100):
            if finder._counted is not None:
                break
            time.sleep(0.05)
        assert finder._counted is not None
        from_grid = [nearby(client, limit=limit)["results"] for limit in (3, 10, 50)]
    assert while_building == from_grid
    assert [3, 10] == [len(r) for r in from_grid[:2]]


# -- The finder on its own: one call per search, domain errors, no HTTP.


def test_a_search_is_one_call_to_the_finder(
    app_with_demo_directory: Litestar, demo_client: TestClient[Litestar]
) -> None:
    finder = app_with_demo_directory.state.finder
    query = NearbyQuery(
        lang="pl", postcode="lu1 2", radius_km=5, limit=7, categories=["youth_club"], open_now=True
    )
    direct = msgspec.json.decode(finder.search(query))
    over_http = demo_client.get(
        "/api/v1/services/nearby",
        params={
            "lang": "pl",
            "postcode": "lu1 2",
            "radius_km": 5,
            "limit": 7,
            "category": "youth_club",
            "open_now": "true",
        },
    ).json()
    assert over_http == direct
    assert "LU1 2" == direct["origin"]["label"]
    assert "sector" == direct["origin"]["precision"]
    assert not finder.may_wait(query)  # offline tables only: answered on the event loop


@pytest.mark.parametrize(
    ("query", "kind", "code"),
    [
        (NearbyQuery(lang="en"), Invalid, "invalid_input"),
        (NearbyQuery(lang="en", lat=51.9), Invalid, "invalid_input"),
        (NearbyQuery(lang="en", lat=51.9, lon=-0.4, postcode="LU1 2"), Invalid, "invalid_input"),
        (NearbyQuery(lang="en", postcode="not a postcode"), Invalid, "invalid_postcode"),
        (NearbyQuery(lang="en", postcode="ZE9 9"), NotFound, "postcode_not_found"),
    ],
)
def test_the_finder_raises_domain_errors(
    app_with_demo_directory: Litestar, query: NearbyQuery, kind: type[DomainError], code: str
) -> None:
    with pytest.raises(kind) as raised:
        app_with_demo_directory.state.finder.search(query)
    assert code == raised.value.code
    assert raised.value.message


def test_an_unknown_service_is_not_found(app_with_demo_directory: Litestar) -> None:
    with pytest.raises(NotFound) as raised:
        app_with_demo_directory.state.finder.service(999_999, "en")
    assert "service_not_found" == raised.value.code


def test_postcode_search_without_tables_or_geocoder_is_not_available(
    tmp_path: Path, make_app: AppFactory
) -> None:
    migrate(tmp_path / "data")
    app = make_app(make_settings(tmp_path / "data"))
    with pytest.raises(NotAvailable) as raised:
        app.state.finder.place("LU1 2BQ")
    assert "postcode_search_not_set_up" == raised.value.code


def test_the_directory_knows_nothing_of_http() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, server.directory.finder, server.directory.importer; "
            "print(' '.join(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    assert "server.directory.finder" in loaded
    assert [] == [m for m in loaded if m.split(".")[0] == "litestar"]
    assert "server.errors" not in loaded
    assert "server.http" not in loaded
