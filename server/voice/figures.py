"""Small-number protection for published figures: suppress, then round.

A figure table here is a set of cells (counts) and the additive equations that hold between
them: every published total is the sum of its parts, along every dimension (across answers,
categories, districts, and across the months of a year). Protection has three steps:

1. **Primary suppression:** any cell under ``THRESHOLD`` (10), zero included, is withheld.
2. **Secondary suppression:** a withheld cell must not be recoverable by differencing, e.g.
   "the total minus the other cells" or "the year minus the other eleven months". Cells are
   withheld until no suppressed cell is determined by the published ones: first the cheap
   rule (no equation may have exactly one withheld member), then an exact audit that solves
   the whole linear system (every combination of equations, not just one at a time) and
   withholds more wherever a suppressed cell is still pinned down.
3. **Rounding:** every published count is rounded to the nearest ``ROUNDING`` (5); totals are
   rounded on their own, so they need not add up exactly.

Nothing here knows about reports or pulses: ``server.voice.stats`` builds the tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

THRESHOLD = 10
ROUNDING = 5
# Exact arithmetic modulo a large prime: the equations' coefficients are 0 and ±1, so a cell
# is determined over the rationals exactly when it is over this field (barring a 1 in 2**61
# accident in a pivot, which can only make the audit more cautious, never less).
_PRIME = (1 << 61) - 1
TOTAL = "*"

Key = tuple[Hashable, ...]


@dataclass(frozen=True)
class Equation:
    """sum(parts) == total. A part or total that is a constant to an attacker is left out."""

    parts: tuple[Key, ...]
    total: Key

    @property
    def members(self) -> tuple[Key, ...]:
        return (*self.parts, self.total)


@dataclass
class Table:
    """Cells and the equations that hold between them."""

    values: dict[Key, int] = field(default_factory=dict)
    equations: list[Equation] = field(default_factory=list)

    def merge(self, other: Table) -> None:
        self.values.update(other.values)
        self.equations.extend(other.equations)


def round_to(value: int, base: int = ROUNDING) -> int:
    """Nearest multiple of ``base`` (halves go up: 12 -> 10, 13 -> 15)."""
    return base * ((2 * value + base) // (2 * base))


def cube(
    counts: Mapping[Any, int],
    dims: Sequence[Sequence[Hashable]],
    totals: Sequence[bool],
) -> Table:
    """A table of ``counts`` over every combination of ``dims``, with a total (``TOTAL``)
    along each dimension whose ``totals`` flag is set, and every equation between them."""
    axes = [
        list(values) + ([TOTAL] if total else [])
        for values, total in zip(dims, totals, strict=True)
    ]
    table = Table()
    for key in itertools.product(*axes):
        table.values[key] = _sum_over(counts, dims, key)
    for key in table.values:
        for d, value in enumerate(key):
            if value != TOTAL:
                continue
            parts = tuple((*key[:d], v, *key[d + 1 :]) for v in dims[d])
            table.equations.append(Equation(parts, key))
    return table


def _sum_over(counts: Mapping[Any, int], dims: Sequence[Sequence[Hashable]], key: Key) -> int:
    ranges = [
        list(dim) if value == TOTAL else [value] for dim, value in zip(dims, key, strict=True)
    ]
    return sum(counts.get(combo, 0) for combo in itertools.product(*ranges))


def primary(values: Mapping[Key, int], threshold: int = THRESHOLD) -> set[Key]:
    return {key for key, value in values.items() if value < threshold}


def _order(values: Mapping[Key, int], key: Key) -> tuple[int, int, str]:
    # Withhold the smallest cell first (least information lost), parts before totals, and
    # break ties by the key so the same data always gives the same pattern.
    return (values[key], sum(1 for part in key if part == TOTAL), repr(key))


def _singletons(values: Mapping[Key, int], equations: Iterable[Equation], hidden: set[Key]) -> bool:
    """Withhold one more member of every equation with exactly one withheld; True if any."""
    changed = False
    for equation in equations:
        members = [m for m in equation.members if m in values]
        withheld = [m for m in members if m in hidden]
        if len(withheld) == 1:
            candidates = [m for m in members if m not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda k: _order(values, k)))
                changed = True
    return changed


def determined(equations: Iterable[Equation], hidden: set[Key]) -> set[Key]:
    """The withheld cells an attacker can compute exactly from the published ones.

    Each equation, restricted to its withheld members, is a linear equation in the unknowns
    (the published members are known numbers). A cell is determined exactly when its unit
    vector lies in the span of those equations: in reduced row echelon form, when it is a
    pivot whose row has no other unknown.
    """
    index: dict[Key, int] = {}
    rows: list[dict[int, int]] = []
    for equation in equations:
        row: dict[int, int] = {}
        for member, coefficient in [*((p, 1) for p in equation.parts), (equation.total, -1)]:
            if member in hidden:
                column = index.setdefault(member, len(index))
                row[column] = (row.get(column, 0) + coefficient) % _PRIME
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        row = dict(row)
        # Reduce by every pivot already found (pivot rows are fully reduced, so one pass over
        # the row's pivot columns suffices).
        for column in [c for c in row if c in pivots]:
            factor = row.get(column, 0)
            if factor:
                _axpy(row, pivots[column], -factor)
        if not row:
            continue
        column = min(row)
        inverse = pow(row[column], _PRIME - 2, _PRIME)
        row = {c: v * inverse % _PRIME for c, v in row.items()}
        for other in pivots.values():
            factor = other.get(column, 0)
            if factor:
                _axpy(other, row, -factor)
        pivots[column] = row
    keys = {column: key for key, column in index.items()}
    return {keys[column] for column, row in pivots.items() if len(row) == 1}


def _axpy(target: dict[int, int], source: dict[int, int], factor: int) -> None:
    """target += factor * source (mod p), dropping zeros."""
    for column, value in source.items():
        updated = (target.get(column, 0) + factor * value) % _PRIME
        if updated:
            target[column] = updated
        else:
            target.pop(column, None)


def suppress(table: Table, threshold: int = THRESHOLD) -> set[Key]:
    """Every cell to withhold: primary, then secondary until no withheld cell is exposed."""
    values = table.values
    equations = [
        Equation(tuple(p for p in eq.parts if p in values), eq.total)
        for eq in table.equations
        if eq.total in values
    ]
    hidden = primary(values, threshold)
    while True:
        while _singletons(values, equations, hidden):
            pass
        exposed = determined(equations, hidden)
        if not exposed:
            return hidden
        added = False
        for key in sorted(exposed, key=repr):
            # Withhold the smallest published cell that shares an equation with it.
            around = [m for eq in equations if key in eq.members for m in eq.members]
            around = [m for m in around if m not in hidden]
            if around:
                hidden.add(min(around, key=lambda k: _order(values, k)))
                added = True
        if not added:  # pragma: no cover - cannot happen; if it did, publish nothing
            return set(values)


def protect(
    table: Table, threshold: int = THRESHOLD, base: int = ROUNDING
) -> dict[Key, int | None]:
    """What may be published: each cell rounded to ``base``, or None where withheld."""
    hidden = suppress(table, threshold)
    return {
        key: None if key in hidden else round_to(value, base) for key, value in table.values.items()
    }


def percent(part: int | None, whole: int | None, base: int = ROUNDING) -> int | None:
    """A share of published counts, as a percentage rounded to ``base``; None if unknown."""
    if part is None or not whole:
        return None
    return round_to(round(100 * part / whole), base)
