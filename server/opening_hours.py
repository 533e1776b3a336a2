"""Opening hours: is a service open now (Europe/London, past midnight too), and how to say when."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

import msgspec
from babel.dates import format_time, get_day_names

from server.directory.models import DAYS, Schedule
from server.i18n import N_, babel_locale

LONDON = ZoneInfo("Europe/London")

# Monthly schedules ("2MO" = the second Monday, "-1FR" = the last Friday).
ORDINALS: dict[str, str] = {
    "1": N_("First {day} of the month"),
    "2": N_("Second {day} of the month"),
    "3": N_("Third {day} of the month"),
    "4": N_("Fourth {day} of the month"),
    "5": N_("Fifth {day} of the month"),
    "-1": N_("Last {day} of the month"),
}


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _runs_on(code: str, day: dt.date, freq: str) -> bool:
    """Whether a BYDAY code ('MO', '2MO', '-1FR') falls on this date."""
    ordinal, weekday = code[:-2], code[-2:]
    if DAYS.index(weekday) != day.weekday():
        return False
    if not ordinal or freq != "MONTHLY":
        return True
    n = int(ordinal)
    if n > 0:
        return (day.day - 1) // 7 + 1 == n
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return (days_in_month - day.day) // 7 + 1 == -n


def _valid(schedule: Schedule, day: dt.date) -> bool:
    iso = day.isoformat()
    if schedule.valid_from and iso < schedule.valid_from:
        return False
    return not (schedule.valid_to and iso > schedule.valid_to)


def _open_on(schedule: Schedule, day: dt.date) -> bool:
    return _valid(schedule, day) and any(_runs_on(c, day, schedule.freq) for c in schedule.byday)


def is_open(schedules: Sequence[Schedule], when: dt.datetime) -> bool | None:
    """Open at this moment? None when the service gives no hours.

    A session is open from its opening minute up to, not including, its closing minute.
    Closing at or before the opening time means the session runs past midnight into the
    next day; the same opening and closing time means open all day.
    """
    if not schedules:
        return None
    local = when.astimezone(LONDON)
    today, now = local.date(), local.hour * 60 + local.minute
    yesterday = today - dt.timedelta(days=1)
    for schedule in schedules:
        opens, closes = _minutes(schedule.opens_at), _minutes(schedule.closes_at)
        if opens == closes:
            if _open_on(schedule, today):
                return True
        elif opens < closes:
            if opens <= now < closes and _open_on(schedule, today):
                return True
        else:
            if now >= opens and _open_on(schedule, today):
                return True
            if now < closes and _open_on(schedule, yesterday):
                return True
    return False


# Opening minutes per weekday, Monday first: [start, end) minute pairs within each day.
WeekMinutes = list[list[tuple[int, int]]]
WEEK_MINUTES = msgspec.json.Decoder(WeekMinutes)


def week_minutes(schedules: Sequence[Schedule]) -> WeekMinutes | None:
    """Each weekday's opening minutes, worked out once at import (sessions past midnight are
    split at midnight). None when there are no hours, or when any schedule is monthly or
    dated: is_open decides those at the time asked."""
    if not schedules:
        return None
    week: WeekMinutes = [[] for _ in DAYS]
    for schedule in schedules:
        weekly = schedule.freq == "WEEKLY" and all(len(code) == 2 for code in schedule.byday)
        if not weekly or schedule.valid_from or schedule.valid_to:
            return None
        opens, closes = _minutes(schedule.opens_at), _minutes(schedule.closes_at)
        for code in schedule.byday:
            day = DAYS.index(code)
            if opens == closes:
                week[day].append((0, 24 * 60))
            elif opens < closes:
                week[day].append((opens, closes))
            else:
                week[day].append((opens, 24 * 60))
                week[(day + 1) % 7].append((0, closes))
    return [sorted(day) for day in week]


def open_in_week(week: WeekMinutes, when: dt.datetime) -> bool:
    """is_open for hours precomputed by week_minutes: one weekday's list, no dates."""
    return open_at(week, week_position(when))


def week_position(when: dt.datetime) -> tuple[int, int]:
    """(weekday, minute of the day) in London: worked out once for a page of results."""
    local = when.astimezone(LONDON)
    return local.weekday(), local.hour * 60 + local.minute


def open_at(week: WeekMinutes, position: tuple[int, int]) -> bool:
    """open_in_week at a week_position."""
    day, now = position
    return any(start <= now < end for start, end in week[day])


class OpeningTimes(msgspec.Struct, kw_only=True):
    """One day's session, with machine values and words in the chosen language."""

    day: str
    day_name: str
    opens_at: str
    closes_at: str
    text: str
    note: str = ""


def _time_text(hhmm: str, locale: str) -> str:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return format_time(dt.time(hours % 24, minutes), format="short", locale=locale)


def describe(
    schedules: Sequence[Schedule], lang: str, gettext: Callable[[str], str]
) -> list[OpeningTimes]:
    """Sessions in week order, with day names and times formatted for the language."""
    locale = babel_locale(lang)
    names = get_day_names("wide", locale=locale)
    rows: list[tuple[int, str, OpeningTimes]] = []
    for schedule in schedules:
        opens, closes = (
            _time_text(schedule.opens_at, locale),
            _time_text(schedule.closes_at, locale),
        )
        for code in schedule.byday:
            ordinal, weekday = code[:-2], code[-2:]
            index = DAYS.index(weekday)
            note = ""
            if ordinal and ordinal in ORDINALS:
                note = gettext(ORDINALS[ordinal]).format(day=names[index])
            rows.append(
                (
                    index,
                    schedule.opens_at,
                    OpeningTimes(
                        day=code,
                        day_name=names[index],
                        opens_at=schedule.opens_at,
                        closes_at=schedule.closes_at,
                        text=f"{opens}–{closes}",
                        note=note,
                    ),
                )
            )
    rows.sort(key=lambda row: (row[0], row[1]))
    return [row[2] for row in rows]
