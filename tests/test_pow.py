"""Proof of work on anonymous writes (issue 14, part 3): GET /api/v1/challenge, the
X-Challenge header, refusals that say what to do, difficulty that rises with load, and a
whole school behind one address that can still send."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

import server.pow
from server.pow import MAX_LEVEL, Challenge, LoadMeter, ProofOfWork, solve
from server.settings import Settings
from tests.conftest import AppFactory, make_settings
from tests.test_errors import assert_error_shape

REPORTS = "/api/v1/reports"
CHALLENGE = "/api/v1/challenge"
FEEDBACK_BODY = {
    "kind": "wrong_fact",
    "target": "helpline",
    "target_id": "childline",
    "lang": "en",
    "text": "The number has changed.",
}


def report_body(**changes: Any) -> dict[str, Any]:
    return {
        "category": "something_else",
        "what_happened": "Someone left a bag by the gate.",
        "when": "today",
        "danger_now": False,
        "lang": "en",
        **changes,
    }


@pytest.fixture
def cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Challenges a hundred times easier, so tests can solve thousands of them in Python."""
    monkeypatch.setattr(server.pow, "BASE_NUMBER", 200)


@pytest.fixture
def pow_settings(tmp_path: Path) -> Settings:
    return make_settings(
        tmp_path / "data", proof_of_work="on", reports_per_hour=5, trusted_proxies="testclient"
    )


@pytest.fixture
def pow_client(pow_settings: Settings, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    with TestClient(make_app(pow_settings)) as c:
        yield c


def fetch(client: TestClient[Litestar], source: str = "", purpose: str = "report") -> Challenge:
    headers = {"X-Forwarded-For": source} if source else {}
    response = client.get(CHALLENGE, params={"purpose": purpose}, headers=headers)
    assert 200 == response.status_code, response.text
    assert "no-store" in response.headers["cache-control"]
    body = response.json()
    assert body.pop("enabled") is True
    return Challenge(**{"max_number" if k == "maxNumber" else k: v for k, v in body.items()})


def solved(client: TestClient[Litestar], source: str = "", purpose: str = "report") -> str:
    return solve(fetch(client, source, purpose))


def send(
    client: TestClient[Litestar], source: str, proof: str | None, **changes: Any
) -> tuple[int, dict[str, Any]]:
    headers = {"X-Forwarded-For": source}
    if proof is not None:
        headers["X-Challenge"] = proof
    response = client.post(REPORTS, json=report_body(**changes), headers=headers)
    return response.status_code, response.json()


def stored(settings: Settings) -> list[tuple[int, int]]:
    conn = sqlite3.connect(settings.data_path / "reports.db")
    rows = conn.execute("SELECT danger_now, over_limit FROM reports ORDER BY id").fetchall()
    conn.close()
    return rows


def test_the_challenge_is_altchas_shape(pow_client: TestClient[Litestar], cheap: None) -> None:
    challenge = fetch(pow_client)
    assert "SHA-256" == challenge.algorithm
    assert 200 == challenge.max_number
    assert 64 == len(challenge.challenge)
    assert "expires=" in challenge.salt
    assert "level=0" in challenge.salt


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (REPORTS, report_body()),
        (f"{REPORTS}/lookup", {"code": "river-pencil-orbit-4821"}),
        (f"{REPORTS}/reply", {"code": "river-pencil-orbit-4821", "text": "hello"}),
        # The writes main gained alongside (issues 11, 13, 15 and 16).
        (f"{REPORTS}/withdraw", {"code": "river-pencil-orbit-4821"}),
        ("/api/v1/feedback", FEEDBACK_BODY),
        ("/api/v1/services/1/suggestions", {"topic": "out_of_date"}),
        (
            f"{REPORTS}/unsafe-place",
            {
                "kind": "badly_lit",
                "time_of_day": "evening",
                "when": "this_week",
                "lang": "en",
                "postcode": "lu1 2bq",
            },
        ),
    ],
)
def test_an_anonymous_write_without_a_solution_is_428_saying_what_to_do(
    pow_client: TestClient[Litestar], path: str, body: dict[str, Any]
) -> None:
    response = pow_client.post(path, json=body)
    assert 428 == response.status_code
    error = assert_error_shape(response.json())
    assert "challenge_required" == error["code"]
    assert "/api/v1/challenge" in error["message"]
    assert "X-Challenge" in error["message"]


@pytest.mark.parametrize(
    ("path", "purpose", "body", "status"),
    [
        ("/api/v1/feedback", "feedback", FEEDBACK_BODY, 201),
        # An unknown code: past the proof of work, the code is looked up and not found.
        (f"{REPORTS}/withdraw", "lookup", {"code": "river-pencil-orbit-4821"}, 404),
    ],
)
def test_a_solved_challenge_lets_feedback_and_withdrawals_through(
    pow_client: TestClient[Litestar],
    cheap: None,
    path: str,
    purpose: str,
    body: dict[str, Any],
    status: int,
) -> None:
    proof = solved(pow_client, purpose=purpose)
    response = pow_client.post(path, json=body, headers={"X-Challenge": proof})
    assert status == response.status_code, response.text
    # A challenge is accepted once.
    again = pow_client.post(path, json=body, headers={"X-Challenge": proof})
    assert 403 == again.status_code
    assert "challenge_failed" == assert_error_shape(again.json())["code"]


def test_a_solved_challenge_lets_the_report_through(
    pow_client: TestClient[Litestar], pow_settings: Settings, cheap: None
) -> None:
    assert 201 == send(pow_client, "192.0.2.1", solved(pow_client, "192.0.2.1"))[0]
    assert [(0, 0)] == stored(pow_settings)


def test_lookups_and_replies_take_a_solution_too(
    pow_client: TestClient[Litestar], cheap: None
) -> None:
    _, answer = send(pow_client, "192.0.2.1", solved(pow_client))
    code = answer["code"]
    lookup = pow_client.post(
        f"{REPORTS}/lookup",
        json={"code": code},
        headers={"X-Challenge": solved(pow_client, purpose="lookup")},
    )
    assert 200 == lookup.status_code, lookup.text
    reply = pow_client.post(
        f"{REPORTS}/reply",
        json={"code": code, "text": "More: it was a red bag."},
        headers={"X-Challenge": solved(pow_client, purpose="lookup")},
    )
    assert 201 == reply.status_code, reply.text


def _tampered(proof: str, **changes: Any) -> str:
    payload = json.loads(base64.b64decode(proof))
    payload.update(changes)
    return base64.b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: _tampered(p, number=json.loads(base64.b64decode(p))["number"] + 1),
        lambda p: _tampered(p, signature="0" * 64),
        lambda p: _tampered(p, salt="00?expires=99999999999&level=6&"),
        lambda p: _tampered(p, algorithm="SHA-1"),
        lambda p: "not base64 at all!",
        lambda p: base64.b64encode(b"[1, 2, 3]").decode(),
        lambda p: base64.b64encode(b'{"number": {"a": 1}}').decode(),
    ],
)
def test_a_wrong_solution_is_403(pow_client: TestClient[Litestar], cheap: None, spoil: Any) -> None:
    status, body = send(pow_client, "192.0.2.1", spoil(solved(pow_client)))
    assert 403 == status
    error = assert_error_shape(body)
    assert "challenge_failed" == error["code"]
    assert "/api/v1/challenge" in error["message"]


def test_a_solution_is_accepted_once(pow_client: TestClient[Litestar], cheap: None) -> None:
    proof = solved(pow_client)
    assert 201 == send(pow_client, "192.0.2.1", proof)[0]
    status, body = send(pow_client, "192.0.2.2", proof)
    assert 403 == status
    assert "challenge_failed" == assert_error_shape(body)["code"]


def test_an_expired_solution_is_refused(cheap: None) -> None:
    now = [1_000_000.0]
    proof = ProofOfWork(clock=lambda: now[0])
    header = solve(proof.challenge(0))
    now[0] += server.pow.CHALLENGE_TTL + 1
    with pytest.raises(server.pow.ChallengeFailed):
        proof.verify(header)


def test_a_retry_with_the_same_idempotency_key_needs_no_new_solution(
    pow_client: TestClient[Litestar], cheap: None
) -> None:
    key = "6f1c7c52-8d0e-4b7e-9a57-3f8c0a8f6c11"
    first = pow_client.post(
        REPORTS,
        json=report_body(),
        headers={"Idempotency-Key": key, "X-Challenge": solved(pow_client)},
    )
    again = pow_client.post(REPORTS, json=report_body(), headers={"Idempotency-Key": key})
    assert (201, 201) == (first.status_code, again.status_code)
    assert first.json()["code"] == again.json()["code"]


def test_difficulty_rises_with_load() -> None:
    now = [0.0]
    meter = LoadMeter(clock=lambda: now[0])
    levels = []
    for _ in range(8):
        for _ in range(60):
            meter.add()
        levels.append(meter.level())
    assert levels == sorted(levels)
    assert 0 == LoadMeter().level()
    assert levels[-1] > 0
    assert MAX_LEVEL >= levels[-1]
    # A quiet minute later the cost is back to normal.
    now[0] += 61
    assert 0 == meter.level()


def test_challenges_get_harder_when_the_server_is_busy(
    pow_client: TestClient[Litestar], cheap: None
) -> None:
    first = fetch(pow_client, "192.0.2.1")
    for n in range(130):
        source = f"198.51.100.{n % 250}" if n < 250 else f"203.0.113.{n}"
        send(pow_client, source, solved(pow_client, source))
    later = fetch(pow_client, "192.0.2.1")
    assert later.max_number > first.max_number


def test_a_whole_school_behind_one_address_can_send(
    pow_client: TestClient[Litestar], pow_settings: Settings, cheap: None
) -> None:
    """40 pupils behind the school's one address: the first five reports in the hour cost
    the usual puzzle; each later one gets the hardest puzzle and is accepted with it."""
    school = "192.0.2.50"
    levels, statuses = [], []
    for _ in range(40):
        challenge = fetch(pow_client, school)
        levels.append(challenge.max_number)
        statuses.append(send(pow_client, school, solve(challenge))[0])
    assert [201] * 40 == statuses
    assert [200] * 5 == levels[:5]
    assert {200 * 2**MAX_LEVEL} == set(levels[5:])
    assert [(0, 0)] * 5 + [(0, 1)] * 35 == stored(pow_settings)


def test_past_the_limit_an_easy_solution_is_429_but_a_danger_report_is_accepted(
    pow_client: TestClient[Litestar], pow_settings: Settings, cheap: None
) -> None:
    source = "192.0.2.60"
    easy = [solved(pow_client, source) for _ in range(7)]  # all fetched while under the limit
    statuses = [send(pow_client, source, proof)[0] for proof in easy[:6]]
    assert [201] * 5 + [429] == statuses
    status, answer = send(pow_client, source, easy[6], danger_now=True)
    assert 201 == status
    assert "999" == answer["emergency"]["number"]
    assert (1, 1) == stored(pow_settings)[-1]


def test_proof_of_work_off_needs_no_header(client: TestClient[Litestar]) -> None:
    assert False is client.get(CHALLENGE).json()["enabled"]
    assert 201 == client.post(REPORTS, json=report_body()).status_code


def test_every_worker_accepts_a_challenge_any_worker_made(
    pow_settings: Settings, make_app: AppFactory, cheap: None
) -> None:
    """Two apps over one data folder, as two workers: a challenge from one is accepted by
    the other (the signing key is in the secrets folder)."""
    with TestClient(make_app(pow_settings)) as one, TestClient(make_app(pow_settings)) as two:
        proof = solved(one, "192.0.2.1")
        assert 201 == send(two, "192.0.2.1", proof)[0]
