"""Trend charts as SVG, drawn on the server with pygal, so the page and the
PDF packet show the same picture. pygal's JavaScript is turned off (js=[]):
the site's CSP forbids scripts outside our static files, and the packet has none."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from . import fiscal
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


_PRINT_ONLY = re.compile(rb"<desc\b.*?</desc>|<title>.*?</title>", re.DOTALL)


def metric_trend_svg(
    metric: Metric, values, *, width: int = 760, height: int = 360, for_print: bool = False
) -> bytes:
    """The metric's values by period, with baseline and target lines and each
    point in its status colour. `values`: the metric's MetricValues, any order.

    for_print: the same chart for PDF packets, without the hover tooltips and
    minor guides a page uses, so that a 60-department packet renders quickly."""
    values = sorted(values, key=lambda v: v.period_start)
    if for_print:
        # The packet names the metric and explains the lines beside the chart,
        # and needs no hover tooltips or minor guides: far less for the PDF to draw.
        extra = {
            "show_y_guides": False,
            "y_labels_major_count": 5,
            "show_minor_y_labels": False,
            "show_minor_x_labels": False,
            "x_labels_major_every": 2,
            "show_legend": False,
        }
    else:
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
    svg = _without_scripts(chart.render())
    return _PRINT_ONLY.sub(b"", svg) if for_print else svg


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
