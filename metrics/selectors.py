"""Reads about customer service metrics and PhillyStat meetings, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from departments.selectors import departments_visible_to

from . import fiscal
from .models import (
    Commitment,
    Metric,
    MetricNote,
    MetricValue,
    MetricVersion,
    PhillyStatMeeting,
    QuarterlyNarrative,
    Status,
    ValueCorrection,
)
from .status import moved_toward_target, value_status


def annotate_reporting_current(qs: QuerySet) -> QuerySet:
    """Add reporting_current to a Department queryset: for the last completed
    fiscal quarter, every active metric has a value, and the quarterly
    narrative is written with a note for every red value. One query."""
    q = fiscal.last_completed_quarter()
    in_quarter = Q(period_start__gte=q.start, period_start__lte=q.end)
    active_metrics = Metric.objects.filter(department=OuterRef("pk"), active=True)
    metric_without_value = active_metrics.filter(
        ~Exists(MetricValue.objects.filter(in_quarter, metric=OuterRef("pk")))
    )
    narrative_written = QuarterlyNarrative.objects.filter(
        department=OuterRef("pk"), fiscal_year=q.fiscal_year, quarter=q.quarter
    ).exclude(what_changed="")
    red_without_note = MetricValue.objects.filter(
        in_quarter, metric__department=OuterRef("pk"), metric__active=True, status=Status.RED
    ).exclude(
        Exists(
            MetricNote.objects.filter(
                metric_id=OuterRef("metric_id"),
                narrative__fiscal_year=q.fiscal_year,
                narrative__quarter=q.quarter,
            )
        )
    )
    return qs.annotate(
        reporting_current=Case(
            When(
                Exists(active_metrics)
                & ~Exists(metric_without_value)
                & Exists(narrative_written)
                & ~Exists(red_without_note),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _latest_value_qs():
    return MetricValue.objects.filter(metric=OuterRef("pk")).order_by("-period_start")


def annotate_latest_value(qs: QuerySet[Metric]) -> QuerySet[Metric]:
    latest = _latest_value_qs()
    return qs.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        latest_period=Subquery(latest.values("period_start")[:1]),
    )


def area_of_focus_has_progress(area_of_focus) -> bool:
    """True when at least one metric of the area moved from its baseline toward
    its target. The plans service asks this before a year-two area of focus."""
    metrics = annotate_latest_value(
        Metric.objects.filter(area_of_focus=area_of_focus, baseline_value__isnull=False)
    ).only("pk", "baseline_value", "direction")
    return any(
        moved_toward_target(baseline=m.baseline_value, latest=m.latest_value, direction=m.direction)
        for m in metrics
    )


def metrics_visible_to(user, *, department=None) -> QuerySet[Metric]:
    qs = Metric.objects.filter(department__in=departments_visible_to(user))
    if department is not None:
        qs = qs.filter(department=department)
    return annotate_latest_value(qs.select_related("department", "area_of_focus", "owner"))


def metric_versions(metric: Metric) -> list[MetricVersion]:
    return list(metric.versions.select_related("created_by").order_by("number"))


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
        Prefetch("corrections", queryset=ValueCorrection.objects.select_related("changed_by"))
    )
    rows = []
    for mv in values.order_by("period_start"):
        version = versions.get(mv.definition_version)
        changed = ""
        if version and version.number > 1:
            changed = f"Definition changed in {version.effective_label}"
        rows.append(ValueRow(mv, version, changed, list(mv.corrections.all())))
    return rows


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
        in_force = [v for v in versions if v.effective_from <= quarter.start] or versions[:1]
        source = in_force[-1] if in_force else metric
        months = sum(1 for r in rows if quarter.start <= r.value.period_start <= quarter.end)
        result.append(
            {
                "quarter": quarter,
                "value": value,
                "months": months,
                "status": value_status(
                    value=value,
                    target=source.target_value,
                    direction=source.direction,
                    amber_band=source.amber_band,
                ),
            }
        )
    return result


def metric_quarter_value(metric: Metric, values: list[MetricValue], quarter: fiscal.Quarter):
    """(value, status) for a quarter, rolling monthly values up as the metric says."""
    items = [
        (v.period_start, v.value) for v in values if quarter.start <= v.period_start <= quarter.end
    ]
    if not items:
        return None, ""
    if metric.frequency == fiscal.QUARTERLY:
        value = items[0][1]
        return value, next(v.status for v in values if v.period_start == items[0][0])
    value = fiscal.roll_up(items, metric.rollup)
    return value, value_status(
        value=value,
        target=metric.target_value,
        direction=metric.direction,
        amber_band=metric.amber_band,
    )


def meetings_visible_to(user) -> QuerySet[PhillyStatMeeting]:
    return PhillyStatMeeting.objects.filter(
        department__in=departments_visible_to(user)
    ).select_related("department", "analyst")


@dataclass
class QuarterReport:
    """What a PhillyStat meeting is about: each metric's value and status for
    the quarter, the narrative and what is still missing."""

    quarter: fiscal.Quarter
    lines: list[dict]
    narrative: QuarterlyNarrative | None
    notes: dict[int, str]
    missing_values: list[Metric]
    red_without_note: list[Metric]

    @property
    def narrative_complete(self) -> bool:
        return bool(self.narrative and self.narrative.what_changed.strip()) and not (
            self.red_without_note
        )


def quarter_report(department, quarter: fiscal.Quarter) -> QuarterReport:
    metrics = list(
        Metric.objects.filter(department=department, active=True).prefetch_related(
            Prefetch(
                "values",
                queryset=MetricValue.objects.filter(
                    period_start__gte=quarter.start, period_start__lte=quarter.end
                ),
                to_attr="quarter_values",
            )
        )
    )
    narrative = (
        QuarterlyNarrative.objects.filter(
            department=department, fiscal_year=quarter.fiscal_year, quarter=quarter.quarter
        )
        .prefetch_related("metric_notes")
        .first()
    )
    notes = {n.metric_id: n.note for n in narrative.metric_notes.all()} if narrative else {}
    lines, missing, red_missing = [], [], []
    for m in metrics:
        value, status = metric_quarter_value(m, m.quarter_values, quarter)
        any_red = any(v.status == Status.RED for v in m.quarter_values)
        if value is None:
            missing.append(m)
        if any_red and not notes.get(m.pk):
            red_missing.append(m)
        lines.append(
            {
                "metric": m,
                "value": value,
                "status": status,
                "any_red": any_red,
                "note": notes.get(m.pk, ""),
            }
        )
    return QuarterReport(quarter, lines, narrative, notes, missing, red_missing)


def open_commitments(department, *, before: date | None = None) -> QuerySet[Commitment]:
    """The department's open commitments (from meetings on or before `before`)."""
    qs = Commitment.objects.filter(department=department, closed_at=None).select_related("meeting")
    if before is not None:
        qs = qs.filter(meeting__date__lte=before)
    return qs


def carried_commitments(meeting: PhillyStatMeeting) -> QuerySet[Commitment]:
    """Open commitments from the department's earlier meetings, carried to this one."""
    return open_commitments(meeting.department).filter(meeting__date__lt=meeting.date)


def next_meeting(meeting: PhillyStatMeeting) -> PhillyStatMeeting | None:
    return (
        PhillyStatMeeting.objects.filter(department=meeting.department, date__gt=meeting.date)
        .order_by("date")
        .first()
    )


def department_metric_summary(department) -> dict:
    """For the department page: metrics with latest status and the next meeting."""
    metrics = list(
        annotate_latest_value(
            Metric.objects.filter(department=department, active=True).select_related(
                "area_of_focus"
            )
        )
    )
    upcoming = (
        PhillyStatMeeting.objects.filter(department=department, date__gte=fiscal.today())
        .order_by("date")
        .first()
    )
    return {"metrics": metrics, "next_meeting": upcoming}


def value_for_period(metric: Metric, period_start: date) -> Decimal | None:
    return (
        MetricValue.objects.filter(metric=metric, period_start=period_start)
        .values_list("value", flat=True)
        .first()
    )
