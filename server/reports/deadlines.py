"""When a report must be acknowledged and decided, counted in the team's working hours.

- A danger report: acknowledged within 1 hour, at any time of day or night.
- Any other report: acknowledged within 4 working hours.
- Every report: decided within 1 working day (one working day's hours of working time).

Working hours, working days and time zone come from the settings; bank holidays come from
the `holidays` library (England and Wales by default), never from a hand-written list.
Each deadline has a second point at twice its length: at the first the deputy is told, at the
second every lead. Deadlines are stored rounded down to the quarter hour, so they never say
to the minute when a report arrived.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays
import msgspec

from server.settings import Settings

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DANGER_ACKNOWLEDGE = dt.timedelta(hours=1)
ACKNOWLEDGE_WORKING_HOURS = 4


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


class Deadlines(msgspec.Struct, frozen=True):
    acknowledge_by: str
    acknowledge_leads_by: str
    decide_by: str
    decide_leads_by: str


class WorkingTime:
    """The team's working hours: adds working time to a moment, skipping nights, weekends
    and bank holidays."""

    def __init__(
        self,
        days: str = "mon,tue,wed,thu,fri",
        hours: str = "08:00-18:00",
        timezone: str = "Europe/London",
        bank_holidays: str = "GB-ENG",
    ) -> None:
        self.days = frozenset(DAYS.index(d) for d in days.split(","))
        start, end = hours.split("-")
        self.opens = dt.time.fromisoformat(start)
        self.closes = dt.time.fromisoformat(end)
        if self.closes <= self.opens:
            raise ValueError("Working hours must end after they start.")
        self.zone = ZoneInfo(timezone)
        self.bank_holidays = bank_holidays

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkingTime:
        return cls(
            settings.working_days,
            settings.working_hours,
            settings.working_timezone,
            settings.bank_holidays,
        )

    @cached_property
    def _holidays(self) -> holidays.HolidayBase | None:
        if not self.bank_holidays:
            return None
        country, _, subdiv = self.bank_holidays.partition("-")
        return holidays.country_holidays(country, subdiv=subdiv or None)

    @property
    def day_length(self) -> dt.timedelta:
        day = dt.date(2000, 1, 3)
        return dt.datetime.combine(day, self.closes) - dt.datetime.combine(day, self.opens)

    def is_working_day(self, day: dt.date) -> bool:
        holidays_ = self._holidays
        return day.weekday() in self.days and not (holidays_ is not None and day in holidays_)

    def add(self, start: dt.datetime, working: dt.timedelta) -> dt.datetime:
        """The moment `working` of working time after `start` has passed."""
        local = start.astimezone(self.zone)
        day = local.date()
        remaining = working
        for _ in range(3700):  # ten years of days: a settings mistake cannot loop forever
            opens = dt.datetime.combine(day, self.opens, tzinfo=self.zone)
            closes = dt.datetime.combine(day, self.closes, tzinfo=self.zone)
            if self.is_working_day(day) and local < closes:
                begin = max(local, opens)
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(dt.UTC)
                remaining -= available
            day += dt.timedelta(days=1)
            local = dt.datetime.combine(day, dt.time(0), tzinfo=self.zone)
        raise ValueError("No working days in the settings.")

    def deadlines(self, received: dt.datetime, danger: bool) -> Deadlines:
        if danger:
            acknowledge = received + DANGER_ACKNOWLEDGE
            acknowledge_leads = received + 2 * DANGER_ACKNOWLEDGE
        else:
            acknowledge = self.add(received, dt.timedelta(hours=ACKNOWLEDGE_WORKING_HOURS))
            acknowledge_leads = self.add(
                received, dt.timedelta(hours=2 * ACKNOWLEDGE_WORKING_HOURS)
            )
        return Deadlines(
            acknowledge_by=iso(_quarter(acknowledge)),
            acknowledge_leads_by=iso(_quarter(acknowledge_leads)),
            decide_by=iso(_quarter(self.add(received, self.day_length))),
            decide_leads_by=iso(_quarter(self.add(received, 2 * self.day_length))),
        )


def _quarter(moment: dt.datetime) -> dt.datetime:
    moment = moment.astimezone(dt.UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def lateness(now: dt.datetime, deadline: str) -> int:
    """Whole minutes past a deadline (0 if not yet due)."""
    return max(0, int((now - parse_iso(deadline)).total_seconds() // 60))
