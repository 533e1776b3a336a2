"""Our directory published as ORUK 3.0: validated against the UK profile's JSON Schemas,
paginated as the profile says, filtered, CORS on these routes only, and read back by our own
sync into an empty instance with nothing lost."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sqlite_utils
from litestar import Litestar
from litestar.testing import TestClient

from server.db import connect
from server.directory.importer import import_feed
from server.directory.publish import CATEGORY_TAXONOMY_ID, CATEGORY_TERM_IDS, IMPORTED_TAXONOMY_ID
from server.migrations import migrate
from server.postcodes import bundled_tables, import_postcodes
from server.settings import ROOT
from server.sync import SyncOptions, sync_feed
from tests.conftest import AppFactory, make_settings
from tests.server_process import RunningServer

DEMO = ROOT / "content" / "demo" / "luton.json"
SCHEMAS = Path(__file__).parent / "data" / "oruk-uk-profile"
Validator = jsonschema.Draft202012Validator


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Validator.check_schema(schema)
    return Validator(schema, format_checker=Validator.FORMAT_CHECKER)


SERVICE = validator("compiled/service.json")
SERVICE_LIST = validator("compiled/service_list.json")
SAL_LIST = validator("compiled/service_at_location_list.json")
TERM = validator("taxonomy_term.json")


def fill(data_dir: Path) -> None:
    migrate(data_dir)
    db = connect(data_dir / "directory.db")
    for table in bundled_tables(ROOT / "content"):
        import_postcodes(db, table)
    import_feed(db, DEMO, source="demo")
    db.conn.close()


@pytest.fixture
def published(tmp_path: Path, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    """An instance with the demo directory, publishing sample services as its deployer chose."""
    fill(tmp_path / "data")
    app = make_app(make_settings(tmp_path / "data", publish_sample_services=True))
    with TestClient(app) as client:
        yield client


def all_pages(client: TestClient[Litestar], path: str, **params: Any) -> list[dict[str, Any]]:
    pages, number = [], 1
    while True:
        answer = client.get(path, params={**params, "page": number})
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        if answer.json()["last_page"] or number > 100:
            return pages
        number += 1


def no_nulls(value: Any, where: str = "") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert item is not None, f"{where}.{key} is null"
            no_nulls(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            no_nulls(item, f"{where}[{index}]")


def test_root_names_the_profile_version(published: TestClient[Litestar]) -> None:
    answer = published.get("/openreferral/")
    assert answer.status_code == 200
    assert answer.json()["version"] == "3.0"
    assert answer.headers["access-control-allow-origin"] == "*"


def test_every_published_record_is_valid_against_the_uk_profile(
    published: TestClient[Litestar],
) -> None:
    pages = all_pages(published, "/openreferral/services", per_page=10)
    items = [s for page in pages for s in page["contents"]]
    assert len(items) == 36
    checked = 0
    for item in items:
        SERVICE_LIST.validate(item)
        full = published.get(f"/openreferral/services/{item['id']}")
        assert full.status_code == 200
        SERVICE.validate(full.json())
        no_nulls(full.json(), item["id"])
        checked += 1
    assert checked == 36
    sal = [
        x for p in all_pages(published, "/openreferral/service_at_locations") for x in p["contents"]
    ]
    assert len(sal) >= 36
    for item in sal:
        SAL_LIST.validate(item)
        no_nulls(item)
    terms = [t for p in all_pages(published, "/openreferral/taxonomy_terms") for t in p["contents"]]
    for term in terms:
        TERM.validate(term)
    # The validator really checks: a record without a status, or with a made-up id, fails.
    broken = {k: v for k, v in items[0].items() if k != "status"}
    with pytest.raises(jsonschema.ValidationError):
        SERVICE_LIST.validate(broken)
    with pytest.raises(jsonschema.ValidationError):
        SERVICE_LIST.validate({**items[0], "id": "not-a-uuid"})


def test_a_full_service_carries_what_the_directory_knows(published: TestClient[Litestar]) -> None:
    found = published.get("/openreferral/services", params={"search": "Bury Park Youth Hub"})
    item = found.json()["contents"][0]
    full = published.get(f"/openreferral/services/{item['id']}").json()
    assert full["name"] == "Bury Park Youth Hub"
    assert (full["minimum_age"], full["maximum_age"], full["status"]) == (11, 19, "active")
    assert full["assured_date"] == "2026-11-01"
    codes = {a["taxonomy_term"].get("code") for a in full["attributes"]}
    assert {"youth_club", "mentoring", "sample-data"} <= codes
    imported = {
        a["taxonomy_term"]["name"]
        for a in full["attributes"]
        if a["taxonomy_term"]["taxonomy_id"] == IMPORTED_TAXONOMY_ID
    }
    assert imported == {"Youth clubs and centres", "Mentoring"}  # the feed's own terms, kept
    location = full["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "LU1 1EB"
    assert full["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert {lang["code"] for lang in full["languages"]} == {"en", "ur", "pa", "bn"}
    assert "description" not in full["organization"] or full["organization"]["description"] == ""
    # Ids are stable: the same service has the same id after importing the feed again.
    assert published.get(f"/openreferral/services/{item['id']}").json()["id"] == item["id"]


def test_pages_agree_with_each_other(published: TestClient[Litestar]) -> None:
    pages = all_pages(published, "/openreferral/services", per_page=7)
    assert [p["page_number"] for p in pages] == [1, 2, 3, 4, 5, 6]
    assert {p["total_items"] for p in pages} == {36}
    assert {p["total_pages"] for p in pages} == {6}
    for page in pages:
        assert page["size"] == len(page["contents"])
        assert page["first_page"] is (page["page_number"] == 1)
        assert page["last_page"] is (page["page_number"] == 6)
        assert page["empty"] is False
    ids = [s["id"] for p in pages for s in p["contents"]]
    assert len(ids) == len(set(ids)) == 36
    past = published.get("/openreferral/services", params={"page": 9, "per_page": 7}).json()
    assert (past["size"], past["contents"], past["last_page"], past["empty"]) == (0, [], True, True)


def test_sample_services_are_published_only_when_the_deployer_says_so(
    tmp_path: Path, make_app: AppFactory
) -> None:
    fill(tmp_path / "data")
    with TestClient(make_app(make_settings(tmp_path / "data"))) as client:
        page = client.get("/openreferral/services").json()
        assert (page["total_items"], page["contents"]) == (0, [])
        terms = client.get(
            "/openreferral/taxonomy_terms", params={"taxonomy_id": IMPORTED_TAXONOMY_ID}
        )
        assert terms.json()["total_items"] == 0


def test_cors_on_these_routes_only_errors_included(published: TestClient[Litestar]) -> None:
    for path in (
        "/openreferral/services",
        "/openreferral/services/nope",
        "/openreferral/taxonomies",
    ):
        assert published.get(path).headers.get("access-control-allow-origin") == "*", path
    assert published.get("/openreferral/services/nope").status_code == 404
    assert "access-control-allow-origin" not in published.get("/api/v1/services/categories").headers


def full_records(client: TestClient[Litestar]) -> list[dict[str, Any]]:
    items = [
        s for p in all_pages(client, "/openreferral/services", per_page=50) for s in p["contents"]
    ]
    return [client.get(f"/openreferral/services/{s['id']}").json() for s in items]


def test_the_filters_combine_with_and(published: TestClient[Litestar]) -> None:
    records = full_records(published)

    def ids(**params: Any) -> set[str]:
        pages = all_pages(published, "/openreferral/services", per_page=50, **params)
        return {s["id"] for p in pages for s in p["contents"]}

    youth = CATEGORY_TERM_IDS["youth_club"]
    with_youth = {
        r["id"] for r in records if any(a["taxonomy_term_id"] == youth for a in r["attributes"])
    }
    assert with_youth and ids(taxonomy_term_id=youth) == with_youth
    older = {r["id"] for r in records if r.get("minimum_age", 0) >= 14}
    assert ids(minimum_age=14) == older
    younger = {r["id"] for r in records if "maximum_age" in r and r["maximum_age"] <= 18}
    assert ids(maximum_age=18) == younger
    saturday = {r["id"] for r in records if any("SA" in x["byday"] for x in r.get("schedules", []))}
    assert saturday and ids(day="SA") == saturday
    evening = {
        r["id"]
        for r in records
        if any(x["opens_at"] >= "17:00" and "SA" in x["byday"] for x in r.get("schedules", []))
    }
    assert ids(day="Saturday", start_time="17:00") == evening
    assert ids(taxonomy_term_id=youth, minimum_age=14) == with_youth & older
    assert ids(search="boxing") and ids(search="boxing") < {r["id"] for r in records}
    assert ids(taxonomy_id=CATEGORY_TAXONOMY_ID) == {
        r["id"]
        for r in records
        if any(a["taxonomy_term"].get("code") in CATEGORY_TERM_IDS for a in r["attributes"])
    }
    assert ids(taxonomy_term_id="00000000-0000-0000-0000-000000000000") == set()
    bad = published.get("/openreferral/services", params={"day": "Someday"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    assert published.get("/openreferral/services", params={"per_page": 0}).status_code in (400, 422)


@pytest.mark.parametrize("path", ["/openreferral/services", "/openreferral/service_at_locations"])
@pytest.mark.parametrize("search", ['"', '""', "\x00", 'a"b\x00', "boxing OR", "NEAR(", "*", "-"])
def test_a_search_of_quotes_or_syntax_is_taken_as_words(
    published: TestClient[Litestar], path: str, search: str
) -> None:
    """What people type is never read as FTS syntax: no 500s; words are matched as words,
    and a search with no words in it filters nothing."""
    response = published.get(path, params={"search": search})
    assert 200 == response.status_code, response.text
    everything = published.get(path).json()["total_items"]
    if not re.search(r"\w", search):
        assert everything == response.json()["total_items"]


def test_service_at_locations_from_a_postcode_nearest_first(
    published: TestClient[Litestar],
) -> None:
    near = published.get(
        "/openreferral/service_at_locations", params={"postcode": "LU1 1EB", "proximity": 2000}
    )
    assert near.status_code == 200
    assert near.headers["cache-control"] == "no-store"
    page = near.json()
    assert 0 < page["total_items"] < 36
    wider = published.get(
        "/openreferral/service_at_locations", params={"postcode": "LU1 1EB", "proximity": 20000}
    ).json()
    assert wider["total_items"] > page["total_items"]
    names = {i["service"]["name"] for i in page["contents"]}
    assert "Bury Park Youth Hub" in names
    alone = published.get("/openreferral/service_at_locations", params={"proximity": 500})
    assert alone.status_code == 422


def test_round_trip_our_feed_synced_into_an_empty_instance(tmp_path: Path) -> None:
    """Sync our own published feed (over real HTTP) into an empty instance: same services."""
    fill(tmp_path / "a")
    migrate(tmp_path / "b")
    with RunningServer(
        tmp_path / "a", tmp_path / "a.log", CONSEQUENCES_PUBLISH_SAMPLE_SERVICES="true"
    ) as server:
        empty = connect(tmp_path / "b" / "directory.db")
        report = sync_feed(
            empty,
            server.base_url + "/openreferral/",
            source="us",
            options=SyncOptions(timeout_seconds=10, retries=1, backoff_seconds=0.1, per_page=10),
        )
    assert report.error is None, report.error
    assert (report.version, report.pages, report.services) == ("3.0", 4, 36)
    original = connect(tmp_path / "a" / "directory.db")
    assert comparable(empty, key="source_id") == comparable(original, key="oruk_id")
    original.conn.close()
    empty.conn.close()


COMPARED = (
    "name", "organisation", "description", "categories", "taxonomy_terms", "min_age", "max_age",
    "free", "cost", "referral_needed", "languages", "phones", "email", "website", "schedules",
    "last_checked", "sample",
)  # fmt: skip


def comparable(db: sqlite_utils.Database, key: str) -> dict[str, dict[str, Any]]:
    found = {}
    for row in db.query(f"SELECT id, {key} AS k, {', '.join(COMPARED)} FROM services"):  # noqa: S608
        places = db.execute(
            "SELECT name, address, postcode, lat, lon FROM locations WHERE service_id = ? "
            "ORDER BY id",
            [row["id"]],
        ).fetchall()
        found[row["k"]] = {**{c: row[c] for c in COMPARED}, "locations": places}
    return found
