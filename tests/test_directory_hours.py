"""Opening hours: open now in Europe/London, past midnight, at the exact minutes, and in words."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from babel.dates import get_day_names

from server.directory.models import DAYS, Schedule
from server.opening_hours import LONDON, describe, is_open, open_in_week, week_minutes

EVENINGS = Schedule(byday=["MO", "WE"], opens_at="17:00", closes_at="20:00")
LATE_FRIDAY = Schedule(byday=["FR"], opens_at="20:00", closes_at="01:00")


def london(day: str, hhmm: str) -> dt.datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hours, minutes), LONDON)


# 2026-11-02 is a Monday; 2026-11-06 a Friday; 2026-11-07 a Saturday.
@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (london("2026-11-02", "16:59"), False),
        (london("2026-11-02", "17:00"), True),  # the opening minute is open
        (london("2026-11-02", "19:59"), True),
        (london("2026-11-02", "20:00"), False),  # the closing minute is closed
        (london("2026-11-03", "18:00"), False),  # Tuesday
        (london("2026-11-04", "18:00"), True),  # Wednesday
    ],
)
def test_open_from_the_opening_minute_until_the_closing_minute(
    when: dt.datetime, expected: bool
) -> None:
    assert expected is is_open([EVENINGS], when)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (london("2026-11-06", "19:59"), False),
        (london("2026-11-06", "20:00"), True),
        (london("2026-11-06", "23:59"), True),
        (london("2026-11-07", "00:00"), True),  # Saturday, but Friday's session runs on
        (london("2026-11-07", "00:59"), True),
        (london("2026-11-07", "01:00"), False),
        (london("2026-11-07", "20:30"), False),  # Saturday evening has no session
        (london("2026-11-06", "00:30"), False),  # Thursday had no session to run on
    ],
)
def test_sessions_past_midnight(when: dt.datetime, expected: bool) -> None:
    assert expected is is_open([LATE_FRIDAY], when)


def test_open_now_uses_london_time_in_summer_and_winter() -> None:
    # 19:30 UTC on a summer Friday is 20:30 in London (BST): open.
    summer = dt.datetime(2026, 7, 3, 19, 30, tzinfo=dt.UTC)
    # 19:30 UTC on a winter Friday is 19:30 in London (GMT): not yet open.
    winter = dt.datetime(2026, 1, 9, 19, 30, tzinfo=dt.UTC)
    assert (True, False) == (is_open([LATE_FRIDAY], summer), is_open([LATE_FRIDAY], winter))


def test_monthly_sessions_and_validity_dates() -> None:
    second_saturday = Schedule(freq="MONTHLY", byday=["2SA"], opens_at="10:00", closes_at="12:00")
    last_friday = Schedule(freq="MONTHLY", byday=["-1FR"], opens_at="10:00", closes_at="12:00")
    assert is_open([second_saturday], london("2026-11-14", "11:00")) is True
    assert is_open([second_saturday], london("2026-11-07", "11:00")) is False
    assert is_open([last_friday], london("2026-11-27", "11:00")) is True
    assert is_open([last_friday], london("2026-11-20", "11:00")) is False
    summer_only = Schedule(
        byday=["MO"],
        opens_at="09:00",
        closes_at="17:00",
        valid_from="2026-06-01",
        valid_to="2026-08-31",
    )
    assert is_open([summer_only], london("2026-07-06", "10:00")) is True
    assert is_open([summer_only], london("2026-11-02", "10:00")) is False


def test_all_day_and_unknown_hours() -> None:
    all_day = Schedule(byday=["SU"], opens_at="00:00", closes_at="00:00")
    assert is_open([all_day], london("2026-11-08", "03:00")) is True
    assert is_open([all_day], london("2026-11-09", "03:00")) is False
    assert is_open([], london("2026-11-08", "03:00")) is None


def test_hours_in_words_use_the_languages_day_names_and_times() -> None:
    schedules = [
        LATE_FRIDAY,
        EVENINGS,
        Schedule(freq="MONTHLY", byday=["-1SA"], opens_at="10:00", closes_at="12:00"),
    ]
    english = describe(schedules, "en", lambda s: s)
    assert ["Monday", "Wednesday", "Friday", "Saturday"] == [r.day_name for r in english]
    assert ["17:00–20:00", "17:00–20:00", "20:00–01:00", "10:00–12:00"] == [r.text for r in english]
    assert "Last Saturday of the month" == english[-1].note
    urdu = describe(schedules, "ur", lambda s: "URDU " + s)
    days = get_day_names("wide", locale="ur")
    assert [days[0], days[2], days[4], days[5]] == [r.day_name for r in urdu]
    assert f"URDU Last {days[5]} of the month" == urdu[-1].note
    assert ["MO", "WE", "FR", "-1SA"] == [r.day for r in urdu]


def test_opening_minutes_worked_out_at_import_agree_withis_open() -> None:
    """Issue 15: "open now" from precomputed minutes is is_open, minute for minute."""
    rng = random.Random(15)
    checked = 0
    start = dt.datetime(2026, 3, 23, tzinfo=LONDON)  # a Monday, the week clocks go forward
    for _ in range(300):
        schedules = []
        for _ in range(rng.randint(1, 3)):
            opens = rng.choice(["00:00", "09:00", "16:30", "18:00", "22:00", "23:59"])
            closes = rng.choice(["00:00", "02:00", "12:00", "21:00", "24:00", opens])
            days = rng.sample(DAYS, rng.randint(1, 3))
            schedules.append(Schedule(byday=days, opens_at=opens, closes_at=closes))
        week = week_minutes(schedules)
        assert week is not None
        for _ in range(40):
            when = start + dt.timedelta(minutes=rng.randrange(14 * 24 * 60))
            assert open_in_week(week, when) == is_open(schedules, when), (schedules, when)
            checked += 1
    assert checked == 12_000
    monthly = [Schedule(freq="MONTHLY", byday=["2MO"], opens_at="10:00", closes_at="12:00")]
    dated = [Schedule(byday=["MO"], opens_at="10:00", closes_at="12:00", valid_to="2026-01-01")]
    assert (
        week_minutes(monthly) is None and week_minutes(dated) is None and week_minutes([]) is None
    )
