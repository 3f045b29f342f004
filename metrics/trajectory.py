"""Interim targets: a metric's trajectory from its baseline to its target.

Each fiscal quarter has a target: the one set by hand for that quarter
(`interim_targets`), or else the straight line from the baseline (in the
baseline's quarter) to the target (in the target's quarter); the target itself
from then on. Without a baseline or periods the target is flat. A value's
status compares it with its quarter's target in the definition in force
(metrics.selectors.status_for), so a metric that starts at its baseline is on
its trajectory, not "off target" for years.

`definition` is a Metric or a MetricVersion: both carry the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from csoprogram.lib import fiscal

PLACES = Decimal("0.0001")


def _index(q: fiscal.Quarter) -> int:
    return q.fiscal_year * 4 + q.quarter - 1


def _explicit(definition, quarter: fiscal.Quarter) -> Decimal | None:
    raw = (definition.interim_targets or {}).get(quarter.code)
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def quarter_target(definition, quarter: fiscal.Quarter) -> Decimal | None:
    """The target for one fiscal quarter (None: no target, no status)."""
    explicit = _explicit(definition, quarter)
    if explicit is not None:
        return explicit
    target = definition.target_value
    if target is None:
        return None
    baseline = definition.baseline_value
    if baseline is None or not definition.baseline_period or not definition.target_period:
        return target
    first = _index(fiscal.quarter_of(definition.baseline_period))
    last = _index(fiscal.quarter_of(definition.target_period))
    here = _index(quarter)
    if last <= first or here >= last:
        return target
    if here <= first:
        return Decimal(baseline)
    share = Decimal(here - first) / Decimal(last - first)
    return (Decimal(baseline) + (Decimal(target) - Decimal(baseline)) * share).quantize(PLACES)


def period_target(definition, period_start: date) -> Decimal | None:
    """The target of the quarter a period (month or quarter) falls in."""
    return quarter_target(definition, fiscal.quarter_of(period_start))


@dataclass
class TrajectoryPoint:
    quarter: fiscal.Quarter
    target: Decimal | None
    set_by_hand: bool


def trajectory_quarters(definition, *, on: date | None = None) -> list[fiscal.Quarter]:
    """The quarters a trajectory is shown and edited for: from the baseline's
    quarter to the target's; without both, this fiscal year and the next."""
    if definition.baseline_period and definition.target_period:
        first = fiscal.quarter_of(definition.baseline_period)
        last = fiscal.quarter_of(definition.target_period)
        if first < last and _index(last) - _index(first) <= 40:
            quarters = [first]
            while quarters[-1] < last:
                quarters.append(quarters[-1].next())
            return quarters
    year = fiscal.current_program_year(on)
    return fiscal.fiscal_year_quarters(year) + fiscal.fiscal_year_quarters(year + 1)


def trajectory(definition, quarters: list[fiscal.Quarter] | None = None) -> list[TrajectoryPoint]:
    quarters = quarters if quarters is not None else trajectory_quarters(definition)
    return [
        TrajectoryPoint(q, quarter_target(definition, q), _explicit(definition, q) is not None)
        for q in quarters
    ]


def interim_targets_clean(targets: dict) -> dict[str, str]:
    """Quarter code -> the target as text, for storing (empties dropped)."""
    clean = {}
    for code, value in (targets or {}).items():
        if value in (None, ""):
            continue
        clean[fiscal.parse_period(code).code] = f"{Decimal(str(value)).normalize():f}"
    return dict(sorted(clean.items()))
