"""Bar charts as SVG, drawn on the server: no script, readable in print (patterns, not colours)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from server.voice.stats import ALL, YEAR, Figures

WIDTH = 720
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 40, 70
# Solid, hatched and open bars tell series apart in black and white.
FILLS = ("#1f3a93", "url(#hatch)", "#ffffff")
DEFS = (
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#1f3a93" stroke-width="3"/></pattern></defs>'
)


def nice_top(value: int) -> int:
    """The axis top: the value rounded up to 1, 2, 4, 5, 6 or 8 times a power of ten."""
    magnitude = 1
    while True:
        for step in (1, 2, 4, 5, 6, 8):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def bar_chart(
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    unit: str = "",
    top: int | None = None,
) -> str:
    """Grouped bars; a withheld value (None) is marked "s" (suppressed) on the axis."""
    values = [v for _, vs in series for v in vs if v is not None]
    scale_top = top or nice_top(max([10, *values]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(1, len(groups))
    bar_w = min(28.0, group_w * 0.8 / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label={quoteattr(title)} '
        'font-family="sans-serif" font-size="12">',
        DEFS,
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="20" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for step in range(5):
        tick = scale_top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#cccccc"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g}{escape(unit)}</text>'
        )
    for g, group in enumerate(groups):
        x0 = LEFT + g * group_w + (group_w - bar_w * len(series)) / 2
        for s, (name, vs) in enumerate(series):
            x = x0 + s * bar_w
            value = vs[g]
            if value is None:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - 4}" text-anchor="middle" '
                    f'font-size="11"><title>{escape(name)}: suppressed</title>s</text>'
                )
                continue
            h = plot_h * value / scale_top
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{h:.1f}" fill="{FILLS[s % len(FILLS)]}" stroke="#1f3a93">'
                f"<title>{escape(name)}: {value}{escape(unit)}</title></rect>"
            )
        parts.append(
            f'<text x="{LEFT + g * group_w + group_w / 2:.1f}" y="{TOP + plot_h + 16}" '
            f'text-anchor="middle">{escape(group)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#000000"/>'
    )
    legend_y = HEIGHT - 22
    x = LEFT
    for s, (name, _vs) in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
            f'fill="{FILLS[s % len(FILLS)]}" stroke="#1f3a93"/>'
            f'<text x="{x + 16}" y="{legend_y}">{escape(name)}</text>'
        )
        x += 24 + 8 * len(name)
    parts.append(f'<text x="{x}" y="{legend_y}">s = suppressed (small number)</text>')
    parts.append("</svg>")
    return "".join(parts)


def charts(figures: Figures) -> dict[str, str]:
    """The figures page's charts, by name."""
    # Months only: a year's total would dwarf them (the tables and the CSV have it).
    columns = list(figures.months)
    short = [m[5:] for m in columns]
    out: dict[str, str] = {}
    by_question: dict[str, list] = {}
    for row in figures.pulse:
        by_question.setdefault(row.question, []).append(row)
    for question, rows in by_question.items():
        first = next(iter(rows[0].percent))
        series = []
        for phase in ("before", "after", "app"):
            lookup = {r.month: r.percent[first] for r in rows if r.phase == phase}
            series.append((phase, [lookup.get(m) for m in columns]))
        out[f"pulse-{question}"] = bar_chart(
            f"{rows[0].statement} ({first}, % of answers)", short, series, "%", top=100
        )
    totals = {r.month: r.count for r in figures.reports if r.category == ALL}
    out["reports"] = bar_chart(
        "Reports, all categories", short, [("reports", [totals.get(m) for m in columns])]
    )
    latest = YEAR if figures.complete_year else (columns[-1] if columns else None)
    districts = sorted({r.district for r in figures.unsafe_places if r.district != ALL})
    counts = {
        r.district: r.count
        for r in figures.unsafe_places
        if r.month == latest and r.kind == ALL and r.district != ALL
    }
    out["unsafe-places"] = bar_chart(
        f"Unsafe places by postcode district ({latest or 'no month yet'})",
        districts,
        [("unsafe places", [counts.get(d) for d in districts])],
    )
    return out
