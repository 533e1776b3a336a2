"""Small-number protection: property tests that try to recover a withheld cell by differencing.

The attacker knows every equation (totals are sums of their parts, a year is the sum of its
months) and, to be as strong as possible, the *exact* value of every published cell (the
real figures are rounded to 5, which only makes the attack harder). Each attack is written
here independently of server.voice.figures.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.voice.figures import (
    TOTAL,
    Key,
    Table,
    cube,
    determined,
    percent,
    protect,
    round_to,
)

# Mostly small counts, so that there is plenty to suppress, with some large ones.
COUNT = st.one_of(st.integers(0, 12), st.integers(0, 60), st.just(0))


@st.composite
def tables(draw: st.DrawFn) -> Table:
    """A 1-, 2- or 3-dimensional table (e.g. month x district x category) with margins."""
    n_dims = draw(st.integers(1, 3))
    dims = [[f"{d}{i}" for i in range(draw(st.integers(1, 4)))] for d in "mdc"[:n_dims]]
    totals = [draw(st.booleans()) for _ in dims]
    if not any(totals):
        totals[-1] = True
    keys = _product(dims)
    counts = {key: draw(COUNT) for key in keys}
    return cube(counts, dims, totals)


def _product(dims: list[list[str]]) -> list[Key]:
    keys: list[Key] = [()]
    for dim in dims:
        keys = [(*k, v) for k in keys for v in dim]
    return keys


def _withheld(table: Table) -> set[Key]:
    published = protect(table)
    return {key for key, value in published.items() if value is None}


# -- attack 1: subtract the published members of one equation from its total


def line_differencing(table: Table, hidden: set[Key]) -> set[Key]:
    recovered = set()
    for eq in table.equations:
        unknown = [m for m in eq.members if m in hidden]
        if len(unknown) == 1:
            recovered.add(unknown[0])
    return recovered


# -- attack 2: keep differencing, using each recovered cell to open up the next equation


def chained_differencing(table: Table, hidden: set[Key]) -> set[Key]:
    known = {k: v for k, v in table.values.items() if k not in hidden}
    progress = True
    while progress:
        progress = False
        for eq in table.equations:
            unknown = [m for m in eq.members if m not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            parts = sum(known[p] for p in eq.parts if p != cell)
            known[cell] = known[eq.total] - parts if cell != eq.total else parts
            progress = True
    return {k for k in hidden if k in known}


# -- attack 3: any linear combination of the equations (exact rational arithmetic)


def linear_algebra(table: Table, hidden: set[Key]) -> set[Key]:
    """Gauss-Jordan over the rationals on the equations restricted to the withheld cells: a
    cell is determined exactly when some combination of equations leaves it alone, i.e. when
    the fully reduced system has a row with that cell and no other unknown."""
    rows: list[dict[Key, Fraction]] = []
    for eq in table.equations:
        row: dict[Key, Fraction] = {}
        for member, sign in [*((p, 1) for p in eq.parts), (eq.total, -1)]:
            if member in hidden:
                row[member] = row.get(member, Fraction(0)) + sign
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[Key, dict[Key, Fraction]] = {}
    for row in rows:
        for key in [k for k in row if k in pivots]:
            factor = row.get(key)
            if factor:
                for k, v in pivots[key].items():
                    row[k] = row.get(k, Fraction(0)) - factor * v
                    if not row[k]:
                        del row[k]
        if not row:
            continue
        lead = min(row, key=repr)
        scale = row[lead]
        row = {k: v / scale for k, v in row.items()}
        for other in pivots.values():
            factor = other.get(lead)
            if factor:
                for k, v in row.items():
                    other[k] = other.get(k, Fraction(0)) - factor * v
                    if not other[k]:
                        del other[k]
        pivots[lead] = row
    return {key for key, row in pivots.items() if len(row) == 1}


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(tables())
def test_no_withheld_cell_falls_to_line_differencing(table: Table) -> None:
    hidden = _withheld(table)
    assert set() == line_differencing(table, hidden)


@FAST
@given(tables())
def test_no_withheld_cell_falls_to_chained_differencing(table: Table) -> None:
    hidden = _withheld(table)
    assert set() == chained_differencing(table, hidden)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_withheld_cell_falls_to_any_linear_combination(table: Table) -> None:
    hidden = _withheld(table)
    assert set() == linear_algebra(table, hidden)


@FAST
@given(tables())
def test_every_cell_under_ten_is_withheld_and_the_rest_rounded_to_five(table: Table) -> None:
    published = protect(table)
    for key, value in table.values.items():
        shown = published[key]
        if value < 10:
            assert shown is None, key
        if shown is not None:
            assert 0 == shown % 5
            assert abs(shown - value) <= 2
            assert shown >= 10


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=12, max_size=12),
    st.lists(st.integers(0, 40), min_size=12, max_size=12),
)
def test_a_suppressed_month_cannot_be_recovered_from_the_year_and_the_other_months(
    first: list[int], second: list[int]
) -> None:
    """Twelve consecutive months and their year total, for two categories with a total."""
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    counts = {(m, "a"): first[i] for i, m in enumerate(months)}
    counts |= {(m, "b"): second[i] for i, m in enumerate(months)}
    table = cube(counts, [months, ["a", "b"]], [True, True])
    hidden = _withheld(table)
    for attack in (line_differencing, chained_differencing, linear_algebra):
        assert set() == attack(table, hidden), attack.__name__
    small = {(m, c) for (m, c), v in counts.items() if v < 10}
    assert small <= hidden


def test_a_lone_small_cell_takes_a_neighbour_with_it() -> None:
    table = cube(
        {("a", "x"): 12, ("a", "y"): 3, ("b", "x"): 30, ("b", "y"): 40},
        [["a", "b"], ["x", "y"]],
        [True, True],
    )
    published = protect(table)
    assert published[("a", "y")] is None
    # Without more suppression, 15 - 12 would give the 3 away: the row, and the column that
    # the row's second cell is in, each lose another cell.
    assert published[("a", "x")] is None
    assert published[("b", "y")] is None and published[("b", "x")] is None
    assert 85 == published[(TOTAL, TOTAL)]
    assert set() == linear_algebra(table, _withheld(table))


def test_a_bridge_between_two_cycles_is_caught_by_the_audit() -> None:
    """Every row and column has two or more withheld cells, yet one cell is still determined:
    (r2, c3) links two closed loops, and (c3 + c4) - (r3 + r4) gives it away."""
    rows, cols = ["r1", "r2", "r3", "r4"], ["c1", "c2", "c3", "c4"]
    loops = {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")}
    loops |= {("r3", "c3"), ("r3", "c4"), ("r4", "c3"), ("r4", "c4")}
    hidden = {*loops, ("r2", "c3")}
    counts = {(r, c): (3 if (r, c) in hidden else 25) for r in rows for c in cols}
    table = cube(counts, [rows, cols], [True, True])
    assert set() == line_differencing(table, hidden)
    assert set() == chained_differencing(table, hidden)
    assert {("r2", "c3")} == linear_algebra(table, hidden)
    assert {("r2", "c3")} == determined(table.equations, hidden)
    # Protection withholds more, until no combination of equations pins any cell down.
    final = _withheld(table)
    assert hidden <= final
    assert set() == linear_algebra(table, final)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.randoms())
def test_the_audit_sees_what_the_attacker_sees(table: Table, rng: object) -> None:
    keys = sorted(table.values, key=repr)
    hidden = {k for k in keys if rng.random() < 0.4}  # type: ignore[attr-defined]
    assert linear_algebra(table, hidden) == determined(table.equations, hidden)


def test_rounding_and_percentages() -> None:
    assert [10, 10, 10, 15, 15, 20] == [round_to(v) for v in (10, 11, 12, 13, 17, 18)]
    assert 35 == percent(15, 45)  # 33.3% -> 35
    assert None is percent(None, 45)
    assert None is percent(15, None)


# -- the partnership figures as published: every view protected together


@st.composite
def tallies(draw: st.DrawFn) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    districts = draw(
        st.lists(
            st.sampled_from(["LU1", "LU2", "LU3", "MK40"]), min_size=1, max_size=2, unique=True
        )
    )
    kinds = draw(
        st.lists(
            st.sampled_from(["badly_lit", "groups_gathering", "other"]),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    months_used = draw(st.lists(st.sampled_from(months), min_size=1, max_size=3, unique=True))
    places = {
        (m, d, k): draw(st.integers(0, 25)) for m in months_used for d in districts for k in kinds
    }
    reports = {}
    for m in months_used:
        in_places = sum(n for (pm, _d, _k), n in places.items() if pm == m)
        reports[(m, "unsafe_place")] = in_places + draw(st.integers(0, 3))
        reports[(m, "seen_a_knife")] = draw(st.integers(0, 30))
    pulse = {
        (m, "knife-makes-you-safer", phase, answer): draw(st.integers(0, 20))
        for m in months_used[:1]
        for phase in ("before", "after")
        for answer in ("agree", "not_sure", "disagree")
    }
    return pulse, reports, places


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tallies(), st.booleans())
def test_no_published_view_gives_away_a_cell_withheld_in_another(
    data: tuple[dict, dict, dict],  # type: ignore[type-arg]
    whole_year: bool,
) -> None:
    """Pulses, unsafe places by district and category, and reports by category, across the
    months and (for a finished year) the year: one attacker with every published number."""
    from server.settings import ROOT
    from server.voice.questions import load_questions
    from server.voice.stats import combined_table

    pulse, reports, places = data
    questions = load_questions(ROOT / "content")
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    table, _places, _reports = combined_table(
        months if whole_year else sorted({m for m, _ in reports}),
        whole_year,
        questions,
        ["seen_a_knife", "unsafe_place"],
        pulse,
        reports,
        places,
    )
    hidden = _withheld(table)
    assert set() == linear_algebra(table, hidden)
    assert set() == chained_differencing(table, hidden)
    # The months' unsafe places can never be read off their "unsafe place" reports.
    for month in months:
        places_key = ("places", month, TOTAL, TOTAL)
        report_key = ("reports", month, "unsafe_place")
        if places_key in table.values:
            assert (places_key in hidden) == (report_key in hidden)
