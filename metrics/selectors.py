"""Reads about customer service metrics and their values, scoped to the user.

PhillyStat reads (meetings, the quarter's report, commitments) are in
metrics/phillystat/selectors.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from csoprogram.lib import fiscal
from departments.selectors import departments_visible_to
from plans.selectors import area_shown_to

from .models import Metric, MetricValue, MetricVersion, ValueCorrection
from .status import moved_toward_target_q, value_status
from .trajectory import period_target, trajectory

# -- Values complete for a quarter: the rule and its SQL twin -------------------------


def quarter_periods_owed(frequency: str) -> int:
    """How many values a metric owes for a fiscal quarter: a monthly metric
    one per month (three), a quarterly metric one."""
    return 3 if frequency == fiscal.MONTHLY else 1


def quarter_values_complete(*, frequency: str, periods_with_value: int) -> bool:
    """Whether a metric has what it owes for a fiscal quarter: a quarterly
    metric its one value; a monthly metric a value for each of the three months."""
    return periods_with_value >= quarter_periods_owed(frequency)


def quarter_completeness_label(*, frequency: str, periods_with_value: int) -> str:
    """ "2 of 3 months" for a monthly metric; "" for a quarterly one (one value or none)."""
    if frequency != fiscal.MONTHLY:
        return ""
    return f"{min(periods_with_value, 3)} of 3 months"


def metrics_complete_for(quarter: fiscal.Quarter) -> Q:
    """SQL twin of quarter_values_complete, as a filter on Metric: a quarterly
    metric has a value in the quarter; a monthly one has each of its months."""

    def has(**period):
        return Exists(MetricValue.objects.filter(metric=OuterRef("pk"), **period))

    in_quarter = has(period_start__gte=quarter.start, period_start__lte=quarter.end)
    every_month = Q(*(has(period_start=m.start) for m in quarter.months()))
    return (Q(frequency=fiscal.MONTHLY) & every_month) | (
        ~Q(frequency=fiscal.MONTHLY) & Q(in_quarter)
    )


def quarter_value_counts(metric_ids, quarter: fiscal.Quarter) -> dict[int, int]:
    """metric id -> how many of its periods in the quarter have a value (one
    query); quarter_values_complete() says whether that is enough."""
    return dict(
        MetricValue.objects.filter(
            metric_id__in=metric_ids, period_start__gte=quarter.start, period_start__lte=quarter.end
        )
        .order_by()
        .values_list("metric_id")
        .annotate(n=Count("pk"))
    )


# -- Metrics ---------------------------------------------------------------------------


def _latest_value_qs():
    return MetricValue.objects.filter(metric=OuterRef("pk")).order_by("-period_start")


def annotate_latest_value(qs: QuerySet[Metric]) -> QuerySet[Metric]:
    latest = _latest_value_qs()
    return qs.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        latest_period=Subquery(latest.values("period_start")[:1]),
    )


def hide_unsubmitted_areas(user, metrics):
    """Drop the area of focus from metrics whose plan the user may not see (the
    MDO never reads an area of a plan that was never submitted). Expects the
    metrics' area_of_focus__plan to be loaded."""
    for metric in metrics:
        if metric.area_of_focus_id and area_shown_to(user, metric.area_of_focus) is None:
            metric.area_of_focus = None
    return metrics


def metrics_visible_to(user, *, department=None) -> QuerySet[Metric]:
    qs = Metric.objects.filter(department__in=departments_visible_to(user))
    if department is not None:
        qs = qs.filter(department=department)
    return annotate_latest_value(qs.select_related("department", "area_of_focus__plan", "owner"))


def metric_versions(metric: Metric) -> list[MetricVersion]:
    return list(metric.versions.select_related("created_by", "metric").order_by("number"))


def version_for(versions: list[MetricVersion], period_start: date) -> MetricVersion | None:
    """The version in force for a period: the latest that starts on or before it."""
    chosen = None
    for v in versions:  # ordered by number, so by effective_from
        if v.effective_from <= period_start or chosen is None:
            chosen = v
    return chosen


def status_for(
    metric: Metric, version: MetricVersion | None, value: Decimal, *, period_start: date
) -> str:
    """A value's status against the definition in force for its period: its
    quarter's target on the trajectory (metrics.trajectory), that version's
    direction and amber band."""
    source = version or metric
    return value_status(
        value=value,
        target=period_target(source, period_start),
        direction=source.direction,
        amber_band=source.amber_band,
    )


def definition_changes(versions: list[MetricVersion], first_period: date | None) -> list:
    """The versions that changed the definition after the metric's first
    value ("Definition changed in FY2027 Q2"), oldest first."""
    if first_period is None:
        return []
    return [v for v in versions if v.number > 1 and v.effective_from > first_period]


@dataclass
class ValueRow:
    value: MetricValue
    version: MetricVersion | None
    definition_changed: str = ""  # "Definition changed in FY2027 Q2" on values it affects
    corrections: list[ValueCorrection] = field(default_factory=list)


def metric_value_rows(metric: Metric) -> list[ValueRow]:
    """The metric's values, oldest first, each with its definition version and corrections."""
    versions = {v.number: v for v in metric_versions(metric)}
    values = metric.values.select_related("entered_by").prefetch_related(
        Prefetch(
            "corrections",
            queryset=ValueCorrection.objects.select_related("changed_by", "decided_by"),
        )
    )
    rows = []
    for mv in values.order_by("period_start"):
        version = versions.get(mv.definition_version)
        changed = ""
        if version and version.number > 1:
            changed = f"Definition changed in {version.effective_label}"
        rows.append(ValueRow(mv, version, changed, list(mv.corrections.all())))
    return rows


def metric_late_values_pending(metric: Metric) -> list[ValueCorrection]:
    """Values asked for a locked period that had none, waiting for approval."""
    return list(
        metric.corrections.filter(status="pending", metric_value=None).select_related(
            "changed_by", "metric"
        )
    )


def metric_quarter_rollup(metric: Metric, rows: list[ValueRow]) -> list[dict]:
    """A monthly metric's quarters, rolled up as its definition says (sum,
    average or last month), each with its status against the target then in force."""
    versions = sorted(
        {r.version.number: r.version for r in rows if r.version}.values(), key=lambda v: v.number
    )
    series = fiscal.quarterly_series(
        [(r.value.period_start, r.value.value) for r in rows], metric.frequency, metric.rollup
    )
    result = []
    for quarter, value in series:
        version = version_for(versions, quarter.start) if versions else None
        months = sum(1 for r in rows if quarter.start <= r.value.period_start <= quarter.end)
        result.append(
            {
                "quarter": quarter,
                "value": value,
                "months": months,
                "target": period_target(version or metric, quarter.start),
                "status": status_for(metric, version, value, period_start=quarter.start),
            }
        )
    return result


def metric_quarter_rows(metric: Metric, rows: list[ValueRow]) -> list[dict]:
    """The metric page's quarters, newest first: each quarter with a value or
    on the trajectory, with its target (set by hand or interpolated, from the
    version in force then), its value (rolled up for a monthly metric) and status."""
    by_quarter = {q["quarter"]: q for q in metric_quarter_rollup(metric, rows)}
    versions = metric_versions(metric)
    for point in trajectory(metric):
        if point.quarter not in by_quarter and point.target is not None:
            version = version_for(versions, point.quarter.start)
            by_quarter[point.quarter] = {
                "quarter": point.quarter,
                "value": None,
                "months": 0,
                "target": period_target(version or metric, point.quarter.start),
                "status": "",
            }
    hand_set = set()
    for q in by_quarter:
        version = version_for(versions, q.start)
        if q.code in ((version or metric).interim_targets or {}):
            hand_set.add(q)
    result = []
    for q in sorted(by_quarter, reverse=True):
        row = dict(by_quarter[q])
        row["set_by_hand"] = q in hand_set
        row["completeness"] = (
            quarter_completeness_label(frequency=metric.frequency, periods_with_value=row["months"])
            if row["value"] is not None
            else ""
        )
        result.append(row)
    return result


def metric_quarter_value(
    metric: Metric,
    values: list[MetricValue],
    quarter: fiscal.Quarter,
    versions: list[MetricVersion] | None = None,
):
    """(value, status) for a quarter, rolling monthly values up as the metric
    says; a roll-up's status against the quarter's target in the version then
    in force (`versions`, ordered by number)."""
    items = [
        (v.period_start, v.value) for v in values if quarter.start <= v.period_start <= quarter.end
    ]
    if not items:
        return None, ""
    if metric.frequency == fiscal.QUARTERLY:
        value = items[0][1]
        return value, next(v.status for v in values if v.period_start == items[0][0])
    value = fiscal.roll_up(items, metric.rollup)
    version = version_for(versions, quarter.start) if versions else None
    return value, status_for(metric, version, value, period_start=quarter.start)


def department_metrics(department) -> list[Metric]:
    """For the department page: its active metrics with their latest value."""
    return list(
        annotate_latest_value(
            Metric.objects.filter(department=department, active=True).select_related(
                "area_of_focus__plan"
            )
        )
    )


def metrics_by_area(areas) -> dict[int, list[Metric]]:
    """The active customer service metrics of each area of focus with their
    latest value, in one query: area id -> metrics (for the evidence chain on
    the plan page)."""
    ids = [a.pk for a in areas]
    result: dict[int, list[Metric]] = {i: [] for i in ids}
    if not ids:
        return result
    for metric in annotate_latest_value(
        Metric.objects.filter(area_of_focus_id__in=ids, active=True).order_by("name")
    ):
        result[metric.area_of_focus_id].append(metric)
    return result


def value_for_period(metric: Metric, period_start: date) -> Decimal | None:
    return (
        MetricValue.objects.filter(metric=metric, period_start=period_start)
        .values_list("value", flat=True)
        .first()
    )


def metrics_moved_toward_target(area_ids) -> set[int]:
    """Areas of focus (ids) with a metric whose latest value moved from its
    baseline toward its target: the year-one progress the year-two rule asks."""
    latest = _latest_value_qs().values("value")[:1]
    moved = (
        Metric.objects.filter(area_of_focus_id__in=area_ids, baseline_value__isnull=False)
        .annotate(latest_value=Subquery(latest))
        .filter(moved_toward_target_q(latest="latest_value"))
    )
    return set(moved.values_list("area_of_focus_id", flat=True))
