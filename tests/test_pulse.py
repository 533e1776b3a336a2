"""Class pulses and the card question: counts only, once per phone, 10 before results show."""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.settings import ROOT
from server.voice.pulse import MIN_ANSWERS, SESSION_SECONDS, PulseStore
from server.voice.questions import PulseContentError, load_questions
from tests.test_errors import assert_error_shape

PULSE = "/api/v1/pulse"
CARD = "lesson-plan-50-minutes"


def open_session(client: TestClient[Litestar], card: str = CARD) -> tuple[str, str, list[str]]:
    response = client.post(f"{PULSE}/sessions", json={"card_id": card})
    assert 201 == response.status_code, response.text
    body = response.json()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", body["code"])
    return body["code"], body["presenter_key"], body["session"]["questions"]


def token() -> str:
    return secrets.token_urlsafe(16)


def answer(
    client: TestClient[Litestar],
    code: str,
    questions: list[str],
    choice: str,
    phase: str = "before",
) -> int:
    response = client.post(
        f"{PULSE}/sessions/{code}/answers",
        json={"token": token(), "phase": phase, "answers": dict.fromkeys(questions, choice)},
    )
    return response.status_code


def test_questions_are_content_and_name_real_cards(content: object) -> None:
    questions = load_questions(ROOT / "content", set(content.cards))  # type: ignore[attr-defined]
    assert {"knife-makes-you-safer", "know-where-to-get-help", "would-tell-someone"} <= set(
        questions.by_id
    )
    assert all(q.sources for q in questions.by_id.values())
    assert [q.id for q in questions.for_card(CARD)]


def test_a_question_naming_an_unknown_card_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pulse").mkdir()
    source = (ROOT / "content" / "pulse" / "would-tell-someone.yaml").read_text()
    (tmp_path / "pulse" / "would-tell-someone.yaml").write_text(
        source.replace("telling-someone-anonymously", "no-such-card")
    )
    with pytest.raises(PulseContentError, match="no-such-card"):
        load_questions(tmp_path, {"telling-someone-anonymously"})


def test_questions_come_in_the_chosen_language(client: TestClient[Litestar]) -> None:
    english = client.get(f"{PULSE}/questions", params={"card": CARD, "lang": "en"}).json()
    polish = client.get(f"{PULSE}/questions", params={"card": CARD, "lang": "pl"}).json()
    assert "Carrying a knife makes you safer." in [q["statement"] for q in english]
    assert len(english) == len(polish)
    assert all(e["statement"] != p["statement"] for e, p in zip(english, polish, strict=True))
    assert ["agree", "not_sure", "disagree"] == [a["id"] for a in polish[0]["answers"]]
    assert "Agree" != polish[0]["answers"][0]["label"]


def test_results_show_only_from_ten_answers_rounded_to_five(client: TestClient[Litestar]) -> None:
    code, _key, questions = open_session(client)
    choices = ["agree"] * 3 + ["disagree"] * 6 + ["not_sure"] * 2
    for i, choice in enumerate(choices):
        assert 201 == answer(client, code, questions, choice)
        before = client.get(f"{PULSE}/sessions/{code}/results").json()[0]
        assert i + 1 == before["answered"]
        if i + 1 < MIN_ANSWERS:
            assert [] == before["results"], f"results shown after {i + 1} answers"
        else:
            assert before["results"]
    shares = {s["answer"]: s["percent"] for s in before["results"][0]["shares"]}
    # 3/11 = 27% -> 25; 6/11 = 55% -> 55; 2/11 = 18% -> 20
    assert {"agree": 25, "disagree": 55, "not_sure": 20} == shares
    assert all(s % 5 == 0 for s in shares.values())


def test_before_and_after_are_counted_apart(client: TestClient[Litestar]) -> None:
    code, key, questions = open_session(client)
    phone = token()
    body = {"token": phone, "phase": "before", "answers": dict.fromkeys(questions, "agree")}
    assert 201 == client.post(f"{PULSE}/sessions/{code}/answers", json=body).status_code
    again = client.post(f"{PULSE}/sessions/{code}/answers", json=body)
    assert 409 == again.status_code
    assert "already_answered" == again.json()["error"]["code"]
    # Only the presenter moves the pulse on.
    wrong = client.post(
        f"{PULSE}/sessions/{code}/phase", json={"phase": "after"}, headers={"X-Presenter-Key": "x"}
    )
    assert 403 == wrong.status_code
    moved = client.post(
        f"{PULSE}/sessions/{code}/phase", json={"phase": "after"}, headers={"X-Presenter-Key": key}
    )
    assert "after" == moved.json()["phase"]
    late = client.post(f"{PULSE}/sessions/{code}/answers", json={**body, "token": token()})
    assert "pulse_phase_over" == late.json()["error"]["code"]
    # The same phone may answer after the lesson too.
    after = {**body, "phase": "after", "answers": dict.fromkeys(questions, "disagree")}
    assert 201 == client.post(f"{PULSE}/sessions/{code}/answers", json=after).status_code
    results = client.get(f"{PULSE}/sessions/{code}/results").json()
    assert [("before", 1), ("after", 1)] == [(r["phase"], r["answered"]) for r in results]


def test_bad_answers_are_refused_in_the_one_error_shape(client: TestClient[Litestar]) -> None:
    code, _key, questions = open_session(client)
    url = f"{PULSE}/sessions/{code}/answers"
    cases = [
        {"token": token(), "phase": "before", "answers": dict.fromkeys(questions, "maybe")},
        {"token": token(), "phase": "before", "answers": {questions[0]: "agree"}}
        if len(questions) > 1
        else {"token": token(), "phase": "before", "answers": {}},
        {"token": "short", "phase": "before", "answers": dict.fromkeys(questions, "agree")},
        {"token": token(), "phase": "during", "answers": dict.fromkeys(questions, "agree")},
        {"token": token(), "phase": "before", "answers": {}, "device": "x"},
    ]
    for body in cases:
        response = client.post(url, json=body)
        assert 422 == response.status_code, body
        assert_error_shape(response.json())
    missing = client.get(f"{PULSE}/sessions/ZZZZZZ/results")
    assert "pulse_not_found" == missing.json()["error"]["code"]
    # Nothing half-written: no answer counted.
    assert 0 == client.get(f"{PULSE}/sessions/{code}/results").json()[0]["answered"]


def test_sessions_close_after_two_hours(tmp_path: Path, content: object) -> None:
    from server.migrations import migrate

    migrate(tmp_path)
    now = [1_800_000_000.0]
    questions = load_questions(ROOT / "content")
    store = PulseStore(tmp_path / "voice.db", questions, clock=lambda: now[0])
    opened = store.open_session(CARD)
    asked = opened.session.questions
    store.answer(opened.code, token(), "before", dict.fromkeys(asked, "agree"))
    now[0] += SESSION_SECONDS - 1
    assert store.session(opened.code).open
    now[0] += 1
    assert not store.session(opened.code).open
    with pytest.raises(Exception, match="closed"):
        store.answer(opened.code, token(), "before", dict.fromkeys(asked, "agree"))
    # Closing forgets the phones' tokens; the counts stay.
    assert 1 == store.purge()
    assert 0 == store.conn.execute("SELECT count(*) FROM pulse_tokens").fetchone()[0]
    assert 1 == store.results(opened.code)[0].answered
    store.close()


def test_a_session_has_its_own_rate_limit(client: TestClient[Litestar]) -> None:
    # Time stands still, so the burst is not refilled while the test runs.
    client.app.state.limiter.clock = lambda: 1000.0
    code, _key, questions = open_session(client)
    statuses = [answer(client, code, questions, "agree") for _ in range(125)]
    assert 120 == statuses.count(201)
    assert 429 == statuses[-1]
    # Another class's session is not held up.
    other, _key, other_questions = open_session(client)
    assert 201 == answer(client, other, other_questions, "agree")


def test_storage_is_counts_with_no_time_finer_than_the_day(
    client: TestClient[Litestar], settings: object
) -> None:
    code, _key, questions = open_session(client)
    for _ in range(3):
        assert 201 == answer(
            client,
            code,
            questions,
            "agree",
        )
    assert (
        201
        == client.post(
            f"{PULSE}/answers", json={"question": "knife-makes-you-safer", "answer": "disagree"}
        ).status_code
    )
    db = sqlite3.connect(settings.data_path / "voice.db")  # type: ignore[attr-defined]
    try:
        tables = {
            t: [c[1] for c in db.execute(f"PRAGMA table_info({t})")]
            for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        counts = db.execute("SELECT phase, question, answer, count FROM pulse_counts").fetchall()
        days = db.execute("SELECT day FROM pulse_sessions UNION SELECT day FROM pulse_app_counts")
        day_values = [d for (d,) in days]
    finally:
        db.close()
    identifying = re.compile(r"ip|addr|agent|cookie|device|finger|lat|lon|postcode|time|hour")
    for table, columns in tables.items():
        assert [] == [c for c in columns if identifying.search(c)], table
    assert sorted(counts) == sorted(("before", q, "agree", 3) for q in questions)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in day_values)


def test_a_card_question_answer_is_counted_and_checked(client: TestClient[Litestar]) -> None:
    ok = client.post(f"{PULSE}/answers", json={"question": "would-tell-someone", "answer": "agree"})
    assert {"counted": True} == ok.json()
    bad = client.post(f"{PULSE}/answers", json={"question": "would-tell-someone", "answer": "9"})
    assert 422 == bad.status_code
    unknown = client.post(f"{PULSE}/answers", json={"question": "no-such", "answer": "agree"})
    assert "question_not_found" == unknown.json()["error"]["code"]


def test_the_pupils_page_answers_in_the_phones_language(client: TestClient[Litestar]) -> None:
    code, _key, _questions = open_session(client)
    page = client.get(f"/pulse/{code}", headers={"Accept-Language": "ar"})
    assert 200 == page.status_code
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "set-cookie" not in page.headers


def test_the_app_lifespan_forgets_closed_sessions_tokens_and_closes_voice_db(
    tmp_path: Path,
) -> None:
    from server.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path / "data"))
    pulse: PulseStore = app.state.voice.pulse
    opened = pulse.open_session(CARD)
    asked = list(opened.session.questions)
    pulse.answer(opened.code, token(), "before", dict.fromkeys(asked, "agree"))
    # The session has closed (two hours have passed) before the app starts.
    pulse.conn.execute("UPDATE pulse_sessions SET closes_at = 0")
    pulse.conn.commit()
    voice_db = tmp_path / "data" / "voice.db"

    def tokens() -> int:
        conn = sqlite3.connect(voice_db)
        try:
            return int(conn.execute("SELECT count(*) FROM pulse_tokens").fetchone()[0])
        finally:
            conn.close()

    assert 1 == tokens()
    with TestClient(app) as client:
        deadline = time.monotonic() + 10
        while tokens() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert 0 == tokens()
        assert 200 == client.get(f"{PULSE}/sessions/{opened.code}/results").status_code
        databases = (pulse.db, app.state.voice.updates.db)
        assert any(database._all for database in databases)
    assert [[], []] == [database._all for database in databases]
