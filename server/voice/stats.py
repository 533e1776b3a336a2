"""Partnership figures: pulse results, unsafe places and reports per month, protected.

Only complete months are published (a month from the 2nd of the next, so a pulse open at
midnight is finished), and a year's totals only once the year is over: published figures
never change afterwards, so nobody can difference one day's figures against another's.
Every table
is protected together (``server.voice.figures``), because the same count can appear in two:
the unsafe places of a month add up to that month's "unsafe place" reports.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Hashable, Mapping, Sequence

import msgspec

from server.voice.figures import ROUNDING, THRESHOLD, TOTAL, Equation, Table, cube, percent, protect
from server.voice.places import KINDS
from server.voice.questions import PulseQuestions

PULSE_PHASES = ("before", "after", "app")
YEAR = "year"
ALL = "all"


class PulseRow(msgspec.Struct, frozen=True):
    month: str
    question: str
    statement: str
    phase: str
    answered: int | None
    counts: dict[str, int | None]
    percent: dict[str, int | None]


class PlaceRow(msgspec.Struct, frozen=True):
    month: str
    district: str
    kind: str
    count: int | None


class ReportRow(msgspec.Struct, frozen=True):
    month: str
    category: str
    count: int | None


class Figures(msgspec.Struct, frozen=True):
    year: int
    months: list[str]
    complete_year: bool
    threshold: int
    rounding: int
    pulse: list[PulseRow]
    unsafe_places: list[PlaceRow]
    reports: list[ReportRow]


def published_months(year: int, today: dt.date) -> list[str]:
    """The months of ``year`` that ended at least a day before ``today``."""
    months = []
    for month in range(1, 13):
        following = dt.date(year + (month == 12), month % 12 + 1, 2)
        if following <= today:
            months.append(f"{year}-{month:02d}")
    return months


def _prefixed(table: Table, prefix: str) -> Table:
    def key(k: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
        return (prefix, *k)

    return Table(
        {key(k): v for k, v in table.values.items()},
        [Equation(tuple(key(p) for p in eq.parts), key(eq.total)) for eq in table.equations],
    )


def _label(month: Hashable) -> str:
    return YEAR if month == TOTAL else str(month)


def combined_table(
    months: list[str],
    complete: bool,
    questions: PulseQuestions,
    report_categories: Sequence[str],
    pulse_counts: Mapping[tuple[str, str, str, str], int],
    report_counts: Mapping[tuple[str, str], int],
    place_counts: Mapping[tuple[str, str, str], int],
) -> tuple[Table, Table, Table]:
    """Every table to publish, in one (protected together), plus the places and reports parts."""
    month_set = set(months)
    combined = Table()

    for question in questions.by_id.values():
        per_question = {
            (m, p, a): n
            for (m, q, p, a), n in pulse_counts.items()
            if q == question.id and m in month_set
        }
        dims = [months, list(PULSE_PHASES), list(question.answers)]
        combined.merge(
            _prefixed(cube(per_question, dims, [complete, False, True]), f"pulse:{question.id}")
        )

    year_places = {k: n for k, n in place_counts.items() if k[0] in month_set}
    # Every district with an unsafe place in the months shown; its small cells are withheld
    # like any other. (A district is a large area: LU1 has about 10,000 homes.)
    districts = sorted({district for (_m, district, _k) in year_places})
    merged = year_places
    places = cube(merged, [months, districts, list(KINDS)], [complete, True, True])
    combined.merge(_prefixed(places, "places"))

    reports = cube(
        {k: n for k, n in report_counts.items() if k[0] in month_set},
        [months, list(report_categories)],
        [complete, True],
    )
    combined.merge(_prefixed(reports, "reports"))
    # Every unsafe place is also an "unsafe place" report (older reports may have no place):
    # their difference is treated as known, so one must not be shown while the other is hidden.
    for month in [*months, *([TOTAL] if complete else [])]:
        combined.equations.append(
            Equation((("places", month, TOTAL, TOTAL),), ("reports", month, "unsafe_place"))
        )

    return combined, places, reports


def build(
    year: int,
    today: dt.date,
    questions: PulseQuestions,
    report_categories: Sequence[str],
    pulse_counts: Mapping[tuple[str, str, str, str], int],
    report_counts: Mapping[tuple[str, str], int],
    place_counts: Mapping[tuple[str, str, str], int],
) -> Figures:
    months = published_months(year, today)
    complete = len(months) == 12
    combined, places, reports = combined_table(
        months, complete, questions, report_categories, pulse_counts, report_counts, place_counts
    )
    shown = protect(combined)

    pulse_rows = []
    for question in questions.by_id.values():
        for month in [*months, *([TOTAL] if complete else [])]:
            for phase in PULSE_PHASES:
                prefix = f"pulse:{question.id}"
                answered = shown[(prefix, month, phase, TOTAL)]
                cells = {a: shown[(prefix, month, phase, a)] for a in question.answers}
                pulse_rows.append(
                    PulseRow(
                        month=_label(month),
                        question=question.id,
                        statement=question.statement,
                        phase=phase,
                        answered=answered,
                        counts=cells,
                        percent={a: percent(c, answered) for a, c in cells.items()},
                    )
                )
    place_rows = [
        PlaceRow(month=_label(m), district=_all(d), kind=_all(k), count=shown[("places", m, d, k)])
        for (m, d, k) in places.values
    ]
    report_rows = [
        ReportRow(month=_label(m), category=_all(c), count=shown[("reports", m, c)])
        for (m, c) in reports.values
    ]
    return Figures(
        year=year,
        months=months,
        complete_year=complete,
        threshold=THRESHOLD,
        rounding=ROUNDING,
        pulse=pulse_rows,
        unsafe_places=place_rows,
        reports=report_rows,
    )


def _all(value: Hashable) -> str:
    return ALL if value == TOTAL else str(value)


SUPPRESSED = "suppressed"


def to_csv(figures: Figures) -> str:
    """One row per published cell; withheld cells say 'suppressed'."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "month", "question or district", "phase", "answer or category",
                     "count", "percent"])  # fmt: skip

    def cell(value: int | None) -> str:
        return SUPPRESSED if value is None else str(value)

    for p in figures.pulse:
        writer.writerow(["pulse", p.month, p.question, p.phase, ALL, cell(p.answered), ""])
        for answer, count in p.counts.items():
            share = p.percent[answer]
            writer.writerow(
                ["pulse", p.month, p.question, p.phase, answer, cell(count),
                 "" if share is None else str(share)]
            )  # fmt: skip
    for r in figures.unsafe_places:
        writer.writerow(["unsafe_places", r.month, r.district, "", r.kind, cell(r.count), ""])
    for c in figures.reports:
        writer.writerow(["reports", c.month, "", "", c.category, cell(c.count), ""])
    writer.writerow([])
    writer.writerow(
        [f"Counts under {figures.threshold} and some others are suppressed so that no small "
         f"number can be worked out; every other count is rounded to the nearest "
         f"{figures.rounding}, and totals are rounded on their own."]
    )  # fmt: skip
    return out.getvalue()
