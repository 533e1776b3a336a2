"""Wiring for youth voice: the stores create_app() keeps (no web framework in here)."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

from server.content import Content
from server.db import ThreadLocalDatabase
from server.ratelimit import Limit
from server.reports import CATEGORIES, ReportStore
from server.settings import Settings
from server.voice import places, stats
from server.voice.pulse import PulseStore
from server.voice.questions import PulseQuestions, load_questions
from server.voice.updates import UpdateStore

# Sessions a teacher's connection may open in an hour; answers one session takes a minute
# (a burst of 120, then two a second); card questions one phone may answer in an hour.
SESSIONS_PER_HOUR = 20
SESSION_ANSWERS = Limit("pulse_answers", 120, 60.0)
SESSION_OPENS = Limit("pulse_sessions", SESSIONS_PER_HOUR)
APP_ANSWERS = Limit("pulse_app_answers", 30)


@dataclass
class Voice:
    questions: PulseQuestions
    pulse: PulseStore
    updates: UpdateStore
    directory: ThreadLocalDatabase
    _cache: dict[object, stats.Figures] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def figures(self, reports: ReportStore, year: int, today: dt.date) -> stats.Figures:
        """The protected figures; the same tallies give the same answer, computed once (the
        figures page asks for the tables and each chart in turn)."""
        report_counts, place_counts = places.tallies(reports)
        pulse_counts = self.pulse.monthly_counts()
        key = (
            year,
            today,
            tuple(sorted(pulse_counts.items())),
            tuple(sorted(report_counts.items())),
            tuple(sorted(place_counts.items())),
        )
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            cached = stats.build(
                year, today, self.questions, CATEGORIES, pulse_counts, report_counts, place_counts
            )
            with self._lock:
                self._cache = {key: cached}  # only the latest: figures change monthly
        return cached

    def close(self) -> None:
        self.pulse.close()
        self.updates.close()
        self.directory.close()


def build_voice(settings: Settings, content: Content) -> Voice:
    questions = load_questions(Path(settings.content_dir), set(content.cards))
    path = settings.data_path / "voice.db"
    return Voice(
        questions=questions,
        pulse=PulseStore(path, questions),
        updates=UpdateStore(path, questions),
        directory=ThreadLocalDatabase(settings.data_path / "directory.db"),
    )
