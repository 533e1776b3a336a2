"""Youth voice as one service for the app's Services (no web framework in here)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import anyio
import anyio.to_thread

from server.content import Content
from server.db import ThreadLocalDatabase
from server.ratelimit import Limit
from server.reports import CATEGORIES, ReportService, ReportStore
from server.reports.model import THANK_YOU
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
# How often the phone tokens of closed pulse sessions are forgotten.
UPKEEP_EVERY_SECONDS = 3600

logger = logging.getLogger("server.voice")


class Voice:
    """Class pulses, card questions, "You said, we did" and the partnership figures.

    A plain class, not a dataclass: handlers get it as ``NamedDependency[Voice]`` and the
    framework would otherwise try to convert a dataclass field by field.
    """

    def __init__(
        self,
        questions: PulseQuestions,
        pulse: PulseStore,
        updates: UpdateStore,
        directory: ThreadLocalDatabase,
    ) -> None:
        self.questions = questions
        self.pulse = pulse
        self.updates = updates
        self.directory = directory  # the app's directory.db, for postcode sectors
        self._cache: dict[object, stats.Figures] = {}
        self._lock = threading.Lock()

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

    def report_unsafe_place(
        self,
        reporting: ReportService,
        data: places.NewUnsafePlace,
        source: bytes,
        challenge: str | None,
    ) -> places.UnsafePlaceReceived:
        """Keep a report that a place feels unsafe, with only its postcode sector: the place
        is checked first (a mistyped postcode uses up nothing), then, as for any report,
        proof of work and the source's report limit."""
        report, sector = places.unsafe_place_report(self.directory.get(), data)
        translate = reporting.translator(data.lang)
        reporting.admit(reporting.limits.report, source, challenge, translate)
        created = places.store_unsafe_place(reporting.store, report, sector, data)
        return places.UnsafePlaceReceived(
            code=created.code, status="received", message=translate(THANK_YOU), sector=sector
        )

    def close(self) -> None:
        """Close voice.db (directory.db is the app's, closed with it)."""
        self.pulse.close()
        self.updates.close()


def build_voice(settings: Settings, content: Content, directory: ThreadLocalDatabase) -> Voice:
    """Youth voice on voice.db; `directory` (the app's directory.db) finds postcode sectors."""
    questions = load_questions(Path(settings.content_dir), set(content.cards))
    path = settings.data_path / "voice.db"
    return Voice(
        questions=questions,
        pulse=PulseStore(path, questions),
        updates=UpdateStore(path, questions),
        directory=directory,
    )


async def upkeep_forever(voice: Voice, every: float = UPKEEP_EVERY_SECONDS) -> None:
    """Forget the phone tokens of closed pulse sessions now and then every `every` seconds,
    until cancelled; a failed run is logged (its kind only) and the next one still happens."""
    while True:
        try:
            await anyio.to_thread.run_sync(voice.pulse.purge)
        except Exception as exc:  # keep forgetting next hour even if this run failed
            logger.error("Pulse upkeep failed: %s", type(exc).__name__)
        await anyio.sleep(every)
