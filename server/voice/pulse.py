"""Class pulses and the question at the end of a card: counts only, nothing about anyone.

A teacher opens a session for a card; pupils answer its questions on their phones, before
and after the lesson. What is stored is how many chose each answer, per session, phase and
question, and the day the session opened. A phone answers each phase once: it sends a random
token it keeps only in its session storage, and the server keeps a hash of that token until
the session closes (two hours after it opened), never beside the answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Literal

import msgspec

from server.db import ThreadLocalDatabase, immediate
from server.problems import Conflict, Forbidden, Invalid, NotFound, TooMany
from server.voice.figures import round_to
from server.voice.questions import PulseQuestions

Phase = Literal["before", "after"]
PHASES: tuple[str, ...] = ("before", "after")
SESSION_SECONDS = 2 * 3600
# Results are shown only once this many have answered, as percentages rounded to 5.
MIN_ANSWERS = 10
# Most answers one session's phase takes: a large assembly, not a flood.
MAX_ANSWERS = 400
# Session codes avoid letters and digits that are easy to misread (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class AnswerShare(msgspec.Struct, frozen=True):
    answer: str
    percent: int


class QuestionResult(msgspec.Struct, frozen=True):
    question: str
    shares: list[AnswerShare]


class PhaseResult(msgspec.Struct, frozen=True):
    phase: str
    answered: int
    # Empty until MIN_ANSWERS have answered.
    results: list[QuestionResult]


class Session(msgspec.Struct, frozen=True):
    code: str
    card_id: str
    questions: list[str]
    phase: str
    open: bool


class Opened(msgspec.Struct, frozen=True):
    code: str
    presenter_key: str
    session: Session


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


class PulseStore:
    """Sessions, their counts, and the app's card questions, in voice.db."""

    def __init__(
        self,
        path: Path,
        questions: PulseQuestions,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = ThreadLocalDatabase(path, synchronous="FULL")
        self.questions = questions
        self.clock = clock
        # Held by purge() and close(): closing must wait for a purge running in a thread.
        self._maintenance = threading.Lock()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.get().conn

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction, taken at once so check-then-insert cannot race."""
        return immediate(self.conn)

    def _day(self) -> str:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC).date().isoformat()

    # -- the teacher's side

    def open_session(self, card_id: str) -> Opened:
        asked = [q.id for q in self.questions.for_card(card_id)]
        if not asked:
            raise NotFound("no_pulse_questions", "This card has no pulse questions.")
        key = secrets.token_urlsafe(24)
        now = self.clock()
        with self.write() as conn:
            for _attempt in range(10):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                try:
                    conn.execute(
                        "INSERT INTO pulse_sessions (code, key_hash, card_id, questions, phase, "
                        "day, closes_at) VALUES (?, ?, ?, ?, 'before', ?, ?)",
                        (
                            code,
                            _digest(key),
                            card_id,
                            json.dumps(asked),
                            self._day(),
                            int(now) + SESSION_SECONDS,
                        ),
                    )
                    break
                except sqlite3.IntegrityError:  # pragma: no cover - 1 in 887 million
                    continue
            else:  # pragma: no cover
                raise RuntimeError("could not make a unique session code")
        session = Session(code=code, card_id=card_id, questions=asked, phase="before", open=True)
        return Opened(code=code, presenter_key=key, session=session)

    def _row(self, conn: sqlite3.Connection, code: str) -> tuple[int, bytes, str, str, str, int]:
        row = conn.execute(
            "SELECT id, key_hash, card_id, questions, phase, closes_at FROM pulse_sessions "
            "WHERE code = ?",
            (normalise_code(code),),
        ).fetchone()
        if row is None:
            raise NotFound("pulse_not_found", "There is no pulse with that code.")
        return row

    def session(self, code: str) -> Session:
        _id, _key, card_id, asked, phase, closes_at = self._row(self.conn, code)
        return Session(
            code=normalise_code(code),
            card_id=card_id,
            questions=json.loads(asked),
            phase=phase,
            open=self.clock() < closes_at,
        )

    def set_phase(self, code: str, presenter_key: str, phase: str) -> Session:
        with self.write() as conn:
            session_id, key_hash, *_rest, closes_at = self._row(conn, code)
            if not hmac.compare_digest(key_hash, _digest(presenter_key)):
                raise Forbidden("wrong_presenter_key", "Only the presenter can change this pulse.")
            if self.clock() >= closes_at:
                raise Conflict("pulse_closed", "This pulse has closed.")
            conn.execute("UPDATE pulse_sessions SET phase = ? WHERE id = ?", (phase, session_id))
        return self.session(code)

    # -- the pupils' side

    def answer(self, code: str, token: str, phase: str, answers: Mapping[str, str]) -> None:
        """Count one phone's answers to every question of the session's current phase."""
        with self.write() as conn:
            session_id, _key, _card, asked_json, current, closes_at = self._row(conn, code)
            if self.clock() >= closes_at:
                raise Conflict("pulse_closed", "This pulse has closed.")
            if phase != current:
                raise Conflict("pulse_phase_over", "This part of the pulse is over.")
            asked = json.loads(asked_json)
            if set(answers) != set(asked):
                raise Invalid("invalid_input", "Answer every statement, and only those.")
            for question_id, answer in answers.items():
                if answer not in self.questions.by_id[question_id].answers:
                    raise Invalid(
                        "invalid_input", f"Check '{question_id}': not one of its answers."
                    )
            (given,) = conn.execute(
                "SELECT count(*) FROM pulse_tokens WHERE session_id = ? AND phase = ?",
                (session_id, phase),
            ).fetchone()
            if given >= MAX_ANSWERS:
                raise TooMany(
                    "too_many_requests", "This pulse has all the answers it can take.", 60
                )
            try:
                conn.execute(
                    "INSERT INTO pulse_tokens (session_id, phase, token_hash) VALUES (?, ?, ?)",
                    (session_id, phase, _digest(f"{session_id}:{token}")),
                )
            except sqlite3.IntegrityError:
                raise Conflict("already_answered", "This phone has already answered.") from None
            conn.executemany(
                "INSERT INTO pulse_counts (session_id, phase, question, answer, count) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT (session_id, phase, question, answer) "
                "DO UPDATE SET count = count + 1",
                [(session_id, phase, q, a) for q, a in answers.items()],
            )

    def results(self, code: str) -> list[PhaseResult]:
        """Each phase: how many answered, and the shares once MIN_ANSWERS have."""
        session_id, _key, _card, asked_json, _phase, _closes = self._row(self.conn, code)
        asked: list[str] = json.loads(asked_json)
        counts: dict[tuple[str, str, str], int] = {
            (p, q, a): n
            for p, q, a, n in self.conn.execute(
                "SELECT phase, question, answer, count FROM pulse_counts WHERE session_id = ?",
                (session_id,),
            )
        }
        out = []
        for phase in PHASES:
            # Every phone answers every question, so the first question's total is the count.
            answered = sum(n for (p, q, _a), n in counts.items() if p == phase and q == asked[0])
            results = []
            if answered >= MIN_ANSWERS:
                for question_id in asked:
                    shares = [
                        AnswerShare(
                            answer=a,
                            percent=round_to(
                                round(100 * counts.get((phase, question_id, a), 0) / answered)
                            ),
                        )
                        for a in self.questions.by_id[question_id].answers
                    ]
                    results.append(QuestionResult(question=question_id, shares=shares))
            out.append(PhaseResult(phase=phase, answered=answered, results=results))
        return out

    # -- the question at the end of a card in the app

    def app_answer(self, question_id: str, answer: str) -> None:
        question = self.questions.by_id.get(question_id)
        if question is None:
            raise NotFound("question_not_found", "There is no such question.")
        if answer not in question.answers:
            raise Invalid("invalid_input", "Check 'answer': not one of the question's answers.")
        with self.write() as conn:
            conn.execute(
                "INSERT INTO pulse_app_counts (day, question, answer, count) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (day, question, answer) DO UPDATE SET count = count + 1",
                (self._day(), question_id, answer),
            )

    # -- figures and upkeep

    def monthly_counts(self) -> dict[tuple[str, str, str, str], int]:
        """(month, question, phase, answer) -> count; the app's answers have phase 'app'."""
        counts: dict[tuple[str, str, str, str], int] = {}
        rows = self.conn.execute(
            "SELECT substr(s.day, 1, 7), c.question, c.phase, c.answer, sum(c.count) "
            "FROM pulse_counts c JOIN pulse_sessions s ON s.id = c.session_id "
            "GROUP BY 1, 2, 3, 4"
        ).fetchall()
        rows += self.conn.execute(
            "SELECT substr(day, 1, 7), question, 'app', answer, sum(count) FROM pulse_app_counts "
            "GROUP BY 1, 2, 3, 4"
        ).fetchall()
        for month, question, phase, answer, count in rows:
            counts[(month, question, phase, answer)] = count
        return counts

    def purge(self) -> int:
        """Forget the phone tokens of closed sessions; returns how many were deleted."""
        with self._maintenance, self.write() as conn:
            return conn.execute(
                "DELETE FROM pulse_tokens WHERE session_id IN "
                "(SELECT id FROM pulse_sessions WHERE closes_at <= ?)",
                (int(self.clock()),),
            ).rowcount

    def close(self) -> None:
        with self._maintenance:
            self.db.close()
