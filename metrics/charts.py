"""Trend charts as SVG, drawn by hand on the server: one drawing for the
metric page, the public page and the PDF packets, so they all show the same
picture. A few dozen plain elements with inline attributes (no stylesheet, no
scripts): the site's CSP allows no script in them, and a packet for 60
departments holds about 480 of these, so they must be cheap to lay out.

The chart draws each value in its status colour, the baseline, each period's
target on the trajectory in the definition version then in force (a step when
the definition changed) and a mark where the definition changed.
"""

from __future__ import annotations

import math
from html import escape

from csoprogram.lib import fiscal

from .formatting import metric_format
from .models import Metric, Status
from .selectors import definition_changes, version_for
from .trajectory import period_target

STATUS_COLOURS = {
    Status.GREEN: "#1e6b35",
    Status.AMBER: "#b35900",
    Status.RED: "#a4161a",
    "": "#5b6573",
}
LINE_COLOUR = "#0f2d52"
BASELINE_COLOUR = "#5b6573"
TARGET_COLOUR = "#1f5fa8"
CHANGE_COLOUR = "#6b4c9a"
FONT_FACE = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="12"'
FONT = f'{FONT_FACE} fill="#1d2430"'


def _float(value):
    return None if value is None else float(value)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values covering low..high (1, 2, 2.5 or 5 x 10^n apart)."""
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks, tick = [], first
    while tick <= high + step * 1e-9:
        ticks.append(round(tick, 10))
        tick += step
    if ticks[-1] < high:
        ticks.append(round(tick, 10))
    return ticks


def _tick_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _versions(metric: Metric, versions):
    if versions is not None:
        return list(versions)
    if metric.pk is None:
        return []
    return sorted(metric.versions.all(), key=lambda v: v.number)


def metric_trend_svg(
    metric: Metric,
    values,
    *,
    width: int = 760,
    height: int = 360,
    versions=None,
    for_print: bool = False,
) -> bytes:
    """The metric's values by period. `values`: its MetricValues, any order;
    `versions`: its MetricVersions (read from the metric when None).
    for_print is accepted for the packets' call; the drawing is the same."""
    del for_print
    values = sorted(values, key=lambda v: v.period_start)
    versions = _versions(metric, versions)
    points = [(v, _float(v.value)) for v in values]
    targets = [
        _float(period_target(version_for(versions, v.period_start) or metric, v.period_start))
        for v in values
    ]
    baseline = _float(metric.baseline_value)
    levels = [y for _v, y in points if y is not None] + [t for t in targets if t is not None]
    if baseline is not None:
        levels.append(baseline)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if not points:
        out.append(
            f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" {FONT}>'
            "No values yet</text></svg>"
        )
        return "".join(out).encode()
    left, right, top, bottom = 64, 16, 24, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = _nice_ticks(min(levels), max(levels))
    y_low, y_high = ticks[0], ticks[-1]

    def y_of(level: float) -> float:
        return top + plot_h - (level - y_low) / (y_high - y_low) * plot_h

    n = len(points)
    inset = 36  # half a period label, so the first and last labels fit

    def x_of(i: float) -> float:
        return (
            left
            + inset
            + ((plot_w - 2 * inset) / 2 if n == 1 else i * (plot_w - 2 * inset) / (n - 1))
        )

    for tick in ticks:
        y = y_of(tick)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            'stroke="#d5d9de" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
            f"{_tick_label(tick)}</text>"
        )
    every = math.ceil(n / 8)  # at most 8 period labels; counted from the latest, always shown
    for i, (v, _y) in enumerate(points):
        if (n - 1 - i) % every == 0:
            label = escape(fiscal.period_label(v.period_start, metric.frequency))
            out.append(
                f'<text x="{x_of(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                f"{FONT}>{label}</text>"
            )
    # Where the definition changed: a mark between the last period of the old
    # version and the first of the new one.
    for change in definition_changes(versions, values[0].period_start):
        first = next(
            (i for i, (v, _) in enumerate(points) if v.period_start >= change.effective_from),
            None,
        )
        if first is None:
            continue
        x = x_of(first - 0.5) if first > 0 else x_of(0) - inset / 2
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" '
            f'stroke="{CHANGE_COLOUR}" stroke-width="1.5" stroke-dasharray="2,3"/>'
        )
        out.append(
            f'<text x="{x + 4:.1f}" y="{top - 8}" {FONT_FACE} fill="{CHANGE_COLOUR}">'
            f"Definition changed in {escape(change.effective_label)}</text>"
        )
    if baseline is not None:
        y = y_of(baseline)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{BASELINE_COLOUR}" stroke-width="3" stroke-dasharray="3,5"/>'
        )
    # Each period's target, as a step: flat across its period, so a changed
    # target or a trajectory shows where it moved.
    half = 0 if n == 1 else (plot_w - 2 * inset) / (n - 1) / 2
    steps: list[str] = []
    for i, t in enumerate(targets):
        if t is None:
            if len(steps) > 1:
                out.append(_target_path(steps))
            steps = []
            continue
        x0 = max(left, x_of(i) - half) if n > 1 else left
        x1 = min(width - right, x_of(i) + half) if n > 1 else width - right
        steps += [f"{x0:.1f},{y_of(t):.1f}", f"{x1:.1f},{y_of(t):.1f}"]
    if len(steps) > 1:
        out.append(_target_path(steps))
    segment: list[str] = []
    segments = [segment]
    for i, (_v, y) in enumerate(points):
        if y is None:
            segment = []
            segments.append(segment)
        else:
            segment.append(f"{x_of(i):.1f},{y_of(y):.1f}")
    for seg in segments:
        if len(seg) > 1:
            out.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="{LINE_COLOUR}" '
                'stroke-width="2"/>'
            )
    for i, (v, y) in enumerate(points):
        if y is not None:
            colour = STATUS_COLOURS.get(v.status, STATUS_COLOURS[""])
            out.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(y):.1f}" r="5" fill="{colour}"/>')
    out.append(_legend(metric, width, height, baseline))
    out.append("</svg>")
    return "".join(out).encode()


def _target_path(steps: list[str]) -> str:
    return (
        f'<polyline points="{" ".join(steps)}" fill="none" stroke="{TARGET_COLOUR}" '
        'stroke-width="3" stroke-dasharray="10,5"/>'
    )


def _legend(metric: Metric, width: int, height: int, baseline) -> str:
    """Value, target and baseline keys under the chart: one row, or two on a
    phone's narrower drawing."""
    narrow = width < 600
    rows = (height - 22, height - 6) if narrow else (height - 12, height - 12)
    value_x, target_x, baseline_x = (20, 20, 210) if narrow else (20, 250, 450)
    parts = [
        f'<rect x="{value_x - 5}" y="{rows[0] - 9}" width="10" height="10" rx="5" '
        f'fill="{STATUS_COLOURS[Status.GREEN]}"/>',
        f'<text x="{value_x + 10}" y="{rows[0]}" {FONT}>'
        f"Value ({escape(metric.get_unit_display())}), coloured by status</text>",
        f'<path d="M{target_x} {rows[1] - 4}h30" '
        f'stroke="{TARGET_COLOUR}" stroke-width="3" stroke-dasharray="10,5"/>',
        f'<text x="{target_x + 36}" y="{rows[1]}" {FONT}>Target of each quarter</text>',
    ]
    if baseline is not None:
        parts += [
            f'<path d="M{baseline_x} {rows[1] - 4}h30" stroke="{BASELINE_COLOUR}" '
            'stroke-width="3" stroke-dasharray="3,5"/>',
            f'<text x="{baseline_x + 36}" y="{rows[1]}" {FONT}>Baseline '
            f"{escape(metric_format(metric.baseline_value, metric))}</text>",
        ]
    return "".join(parts)


# The packets' name for the same drawing.
metric_print_svg = metric_trend_svg


def metric_sparkline_svg(metric: Metric, values, *, width: int = 120, height: int = 30) -> bytes:
    """The last eight values as a small line with status-coloured dots."""
    values = sorted(values, key=lambda v: v.period_start)[-8:]
    ys = [_float(v.value) for v in values]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    known = [y for y in ys if y is not None]
    if known:
        low, high = min(known), max(known)
        span = (high - low) or 1.0
        n = len(values)

        def xy(i, y):
            x = 4 + (width - 8) * (0.5 if n == 1 else i / (n - 1))
            return x, 4 + (height - 8) * (1 - (y - low) / span) if high != low else height / 2

        pts = [xy(i, y) for i, y in enumerate(ys) if y is not None]
        if len(pts) > 1:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(
                f'<polyline points="{line}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.5"/>'
            )
        for (x, y), v in zip(pts, [v for v in values if v.value is not None], strict=True):
            colour = STATUS_COLOURS.get(v.status, STATUS_COLOURS[""])
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
    out.append("</svg>")
    return "".join(out).encode()
