"""Trend charts as SVG, drawn on the server with pygal, so the page and the
PDF packet show the same picture. pygal's JavaScript is turned off (js=[]):
the site's CSP forbids scripts outside our static files, and the packet has none."""

from __future__ import annotations

import math
import re
from html import escape

import pygal
from pygal.style import Style

from csoprogram.lib import fiscal

from .models import Metric, Status

STATUS_COLOURS = {
    Status.GREEN: "#1e6b35",
    Status.AMBER: "#b35900",
    Status.RED: "#a4161a",
    "": "#5b6573",
}
LINE_COLOUR = "#0f2d52"
BASELINE_COLOUR = "#5b6573"
TARGET_COLOUR = "#1f5fa8"

_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2430",
    foreground_strong="#1d2430",
    foreground_subtle="#5b6573",
    colors=(LINE_COLOUR, BASELINE_COLOUR, TARGET_COLOUR),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=11,
    guide_stroke_color="#e3e6ea",
    guide_stroke_dasharray="0",
    major_guide_stroke_color="#d5d9de",
    major_guide_stroke_dasharray="0",
    opacity="1",
    opacity_hover="1",
)


_SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)


def _without_scripts(svg: bytes) -> bytes:
    """pygal writes its config as a <script> even with js=[]; drop it."""
    return _SCRIPT.sub(b"", svg)


def _float(value):
    return None if value is None else float(value)


def metric_trend_svg(
    metric: Metric, values, *, width: int = 760, height: int = 360, for_print: bool = False
) -> bytes:
    """The metric's values by period, with baseline and target lines and each
    point in its status colour. `values`: the metric's MetricValues, any order.

    for_print: the same picture drawn by metric_print_svg for the PDF packets."""
    values = sorted(values, key=lambda v: v.period_start)
    if for_print:
        return metric_print_svg(metric, values, width=width, height=height)
    extra = {
        "show_legend": True,
        "title": f"{metric.name} ({metric.get_unit_display()})",
        "show_minor_x_labels": len(values) <= 12,
        "x_labels_major_every": max(1, len(values) // 8),
    }
    chart = pygal.Line(
        **extra,
        style=_STYLE,
        js=[],
        width=width,
        height=height,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        x_label_rotation=0 if len(values) <= 8 else 30,
        dots_size=5,
        truncate_label=-1,
        include_x_axis=False,
        print_values=False,
        explicit_size=True,
        no_data_text="No values yet",
    )
    chart.x_labels = [fiscal.period_label(v.period_start, metric.frequency) for v in values]
    chart.add(
        "Value",
        [
            {
                "value": _float(v.value),
                "color": STATUS_COLOURS.get(v.status, STATUS_COLOURS[""]),
                "label": v.get_status_display() or "No target",
            }
            for v in values
        ],
        stroke_style={"width": 2},
    )
    n = len(values)
    if n and metric.baseline_value is not None:
        chart.add(
            f"Baseline {metric.baseline_value.normalize():f}",
            [_float(metric.baseline_value)] * n,
            show_dots=False,
            stroke_style={"width": 3, "dasharray": "3, 5"},
        )
    if n and metric.target_value is not None:
        chart.add(
            f"Target {metric.target_value.normalize():f}",
            [_float(metric.target_value)] * n,
            show_dots=False,
            stroke_style={"width": 3, "dasharray": "10, 5"},
        )
    return _without_scripts(chart.render())


def metric_sparkline_svg(metric: Metric, values) -> bytes:
    values = sorted(values, key=lambda v: v.period_start)[-8:]
    chart = pygal.Line(style=_STYLE, js=[], dots_size=2, show_dots=True)
    chart.add(
        "",
        [
            {"value": _float(v.value), "color": STATUS_COLOURS.get(v.status, STATUS_COLOURS[""])}
            for v in values
        ],
    )
    return _without_scripts(chart.render_sparkline(width=120, height=30, show_dots=True))


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


def metric_print_svg(metric: Metric, values, *, width: int = 700, height: int = 300) -> bytes:
    """The trend chart for PDF packets: the same series, status colours and
    baseline/target lines as metric_trend_svg, drawn as a few dozen plain SVG
    elements with inline attributes (no stylesheet, no scripts). A packet for
    60 departments holds about 480 of these, so they must be cheap to lay out."""
    values = sorted(values, key=lambda v: v.period_start)
    points = [(v, _float(v.value)) for v in values]
    levels = [y for _v, y in points if y is not None]
    baseline, target = _float(metric.baseline_value), _float(metric.target_value)
    levels += [y for y in (baseline, target) if y is not None]
    font = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="12" fill="#1d2430"'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if not points:
        out.append(
            f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" {font}>'
            "No values yet</text></svg>"
        )
        return "".join(out).encode()
    left, right, top, bottom = 64, 16, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = _nice_ticks(min(levels), max(levels))
    y_low, y_high = ticks[0], ticks[-1]

    def y_of(level: float) -> float:
        return top + plot_h - (level - y_low) / (y_high - y_low) * plot_h

    n = len(points)

    inset = 36  # half a period label, so the first and last labels fit on the page

    def x_of(i: int) -> float:
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
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" {font}>'
            f"{_tick_label(tick)}</text>"
        )
    every = math.ceil(n / 8)  # at most 8 period labels; counted from the latest, always shown
    for i, (v, _y) in enumerate(points):
        if (n - 1 - i) % every == 0:
            label = escape(fiscal.period_label(v.period_start, metric.frequency))
            out.append(
                f'<text x="{x_of(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                f"{font}>{label}</text>"
            )
    for level, colour, dashes in (
        (baseline, BASELINE_COLOUR, "3,5"),
        (target, TARGET_COLOUR, "10,5"),
    ):
        if level is not None:
            y = y_of(level)
            out.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="3" stroke-dasharray="{dashes}"/>'
            )
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
    out.append("</svg>")
    return "".join(out).encode()
