"""Reads about PhillyStat: meetings, the quarter's report (values, status,
narrative and what is still missing), commitments.

The quarterly narrative's completeness is decided here, once:
narrative_complete() and its SQL twin narrative_complete_q(); every page,
reminder, packet and score asks them.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from csoprogram.lib import fiscal
from departments.selectors import departments_visible_to

from ..models import Metric, MetricNote, MetricValue, MetricVersion, Status
from ..selectors import (
    metric_quarter_value,
    metrics_complete_for,
    quarter_completeness_label,
    quarter_values_complete,
    version_for,
)
from ..trajectory import period_target
from .models import Commitment, PhillyStatMeeting, QuarterlyNarrative

# -- The narrative is complete: the rule and its SQL twin -------------------------------


def narrative_complete(*, what_changed: str, red_metric_ids, noted_metric_ids) -> bool:
    """The quarterly narrative is complete when it says what changed and has a
    note on every metric that was off target (red) in the quarter."""
    return bool((what_changed or "").strip()) and set(red_metric_ids) <= set(noted_metric_ids)


def narrative_complete_q(quarter: fiscal.Quarter, department_ref: str = "pk") -> Q:
    """SQL twin of narrative_complete, as a filter on Department (the stored
    text is stripped on save, so "" means not written)."""
    written = QuarterlyNarrative.objects.filter(
        department=OuterRef(department_ref),
        fiscal_year=quarter.fiscal_year,
        quarter=quarter.quarter,
    ).exclude(what_changed="")
    red_without_note = MetricValue.objects.filter(
        metric__department=OuterRef(department_ref),
        metric__active=True,
        period_start__gte=quarter.start,
        period_start__lte=quarter.end,
        status=Status.RED,
    ).exclude(
        Exists(
            MetricNote.objects.filter(
                metric_id=OuterRef("metric_id"),
                narrative__fiscal_year=quarter.fiscal_year,
                narrative__quarter=quarter.quarter,
            )
        )
    )
    return Q(Exists(written)) & ~Q(Exists(red_without_note))


def narratives_complete(dept_ids, quarters: list[fiscal.Quarter]) -> set[tuple[int, int, int]]:
    """(department id, fiscal year, quarter) of every complete narrative among
    these departments and quarters, in three queries."""
    dept_ids, quarters = list(dept_ids), list(quarters)
    if not dept_ids or not quarters:
        return set()
    keys = {(q.fiscal_year, q.quarter) for q in quarters}
    texts = {
        (d, fy, q): text
        for d, fy, q, text in QuarterlyNarrative.objects.filter(
            department_id__in=dept_ids, fiscal_year__in={fy for fy, _ in keys}
        ).values_list("department_id", "fiscal_year", "quarter", "what_changed")
        if (fy, q) in keys
    }
    red: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    first, last = min(quarters).start, max(quarters).end
    for metric_id, dept, start in MetricValue.objects.filter(
        metric__department_id__in=dept_ids,
        metric__active=True,
        status=Status.RED,
        period_start__gte=first,
        period_start__lte=last,
    ).values_list("metric_id", "metric__department_id", "period_start"):
        q = fiscal.quarter_of(start)
        red[(dept, q.fiscal_year, q.quarter)].add(metric_id)
    noted: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for metric_id, dept, fy, q in MetricNote.objects.filter(
        narrative__department_id__in=dept_ids
    ).values_list(
        "metric_id", "narrative__department_id", "narrative__fiscal_year", "narrative__quarter"
    ):
        noted[(dept, fy, q)].add(metric_id)
    return {
        key
        for key, text in texts.items()
        if narrative_complete(
            what_changed=text, red_metric_ids=red[key], noted_metric_ids=noted[key]
        )
    }


def annotate_reporting_current(qs: QuerySet, quarter: fiscal.Quarter | None = None) -> QuerySet:
    """Add reporting_current to a Department queryset: for the quarter (the last
    completed one by default) every active metric has its values and the
    quarterly narrative is complete. One query."""
    q = quarter or fiscal.last_completed_quarter()
    active_metrics = Metric.objects.filter(department=OuterRef("pk"), active=True)
    incomplete = active_metrics.exclude(metrics_complete_for(q))
    return qs.annotate(
        reporting_current=Case(
            When(
                Q(Exists(active_metrics)) & ~Q(Exists(incomplete)) & narrative_complete_q(q),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# -- Meetings ----------------------------------------------------------------------------


def meetings_visible_to(user) -> QuerySet[PhillyStatMeeting]:
    return PhillyStatMeeting.objects.filter(
        department__in=departments_visible_to(user)
    ).select_related("department", "analyst")


def next_meeting(meeting: PhillyStatMeeting) -> PhillyStatMeeting | None:
    return (
        PhillyStatMeeting.objects.filter(department=meeting.department, date__gt=meeting.date)
        .order_by("date")
        .first()
    )


def department_next_meeting(department) -> PhillyStatMeeting | None:
    return (
        PhillyStatMeeting.objects.filter(department=department, date__gte=fiscal.today())
        .order_by("date")
        .first()
    )


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
    # metric id -> what a monthly metric still owes: "1 of 3 months; Aug 2026 and Sep 2026 missing"
    partial: dict[int, str] = field(default_factory=dict)

    @property
    def missing_details(self) -> list[tuple[Metric, str]]:
        return [(m, self.partial.get(m.pk, "")) for m in self.missing_values]

    def missing_text(self, metric: Metric) -> str:
        """What the metric still owes for the quarter, in words (reminders, pages)."""
        if metric.pk in self.partial:
            return f"{self.quarter.label} values of “{metric.name}”: {self.partial[metric.pk]}"
        return f"{self.quarter.label} value of “{metric.name}”"

    @property
    def narrative_written(self) -> bool:
        return bool(self.narrative and self.narrative.what_changed.strip())

    @property
    def narrative_complete(self) -> bool:
        return narrative_complete(
            what_changed=self.narrative.what_changed if self.narrative else "",
            red_metric_ids={line["metric"].pk for line in self.lines if line["any_red"]},
            noted_metric_ids={pk for pk, note in self.notes.items() if note},
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
            ),
            Prefetch("versions", queryset=MetricVersion.objects.order_by("number")),
        )
    )
    narrative = (
        QuarterlyNarrative.objects.filter(
            department=department, fiscal_year=quarter.fiscal_year, quarter=quarter.quarter
        )
        .prefetch_related("metric_notes")
        .first()
    )
    return _quarter_report(quarter, metrics, narrative)


def quarter_reports(
    wanted: list[tuple[int, fiscal.Quarter]],
) -> dict[tuple[int, int, int], QuarterReport]:
    """quarter_report for many (department id, quarter) pairs in five queries,
    keyed (department id, fiscal year, quarter): the reminder scan's read."""
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return {}
    dept_ids = {d for d, _q in wanted}
    quarters = {q for _d, q in wanted}
    metrics = list(
        Metric.objects.filter(department_id__in=dept_ids, active=True).prefetch_related(
            # Each quarter's target (the version in force), as quarter_report.
            Prefetch("versions", queryset=MetricVersion.objects.order_by("number"))
        )
    )
    values: dict[int, list] = defaultdict(list)
    for v in MetricValue.objects.filter(
        metric__in=metrics,
        period_start__gte=min(q.start for q in quarters),
        period_start__lte=max(q.end for q in quarters),
    ):
        values[v.metric_id].append(v)
    narratives = {
        (n.department_id, n.fiscal_year, n.quarter): n
        for n in QuarterlyNarrative.objects.filter(
            department_id__in=dept_ids, fiscal_year__in={q.fiscal_year for q in quarters}
        ).prefetch_related("metric_notes")
    }
    by_department: dict[int, list] = defaultdict(list)
    for m in metrics:
        by_department[m.department_id].append(m)
    twice = {d for d in dept_ids if sum(1 for w, _q in wanted if w == d) > 1}
    reports = {}
    for dept_id, quarter in wanted:
        start, end = quarter.start, quarter.end
        own = []
        for m in by_department[dept_id]:
            if dept_id in twice:
                m = copy.copy(m)  # its metrics carry one quarter's values each
            m.quarter_values = [v for v in values[m.pk] if start <= v.period_start <= end]
            own.append(m)
        key = (dept_id, quarter.fiscal_year, quarter.quarter)
        reports[key] = _quarter_report(quarter, own, narratives.get(key))
    return reports


def _quarter_report(quarter, metrics, narrative) -> QuarterReport:
    """The report from the quarter's metrics (each with .quarter_values) and narrative."""
    notes = {n.metric_id: n.note for n in narrative.metric_notes.all()} if narrative else {}
    lines, missing, red_missing, partial = [], [], [], {}
    for m in metrics:
        versions = list(m.versions.all())
        value, status = metric_quarter_value(m, m.quarter_values, quarter, versions)
        in_force = version_for(versions, quarter.start) if versions else None
        any_red = any(v.status == Status.RED for v in m.quarter_values)
        held = len(m.quarter_values)
        completeness = quarter_completeness_label(frequency=m.frequency, periods_with_value=held)
        if not quarter_values_complete(frequency=m.frequency, periods_with_value=held):
            missing.append(m)
            if completeness:
                have = {v.period_start for v in m.quarter_values}
                gaps = [mo.label for mo in quarter.months() if mo.start not in have]
                partial[m.pk] = f"{completeness}; {' and '.join(gaps)} missing"
        if any_red and not notes.get(m.pk):
            red_missing.append(m)
        lines.append(
            {
                "metric": m,
                "value": value,
                "status": status,
                "any_red": any_red,
                "note": notes.get(m.pk, ""),
                "completeness": completeness,
                "target": period_target(in_force or m, quarter.start),
            }
        )
    return QuarterReport(quarter, lines, narrative, notes, missing, red_missing, partial)


# -- Commitments -------------------------------------------------------------------------


def open_commitments(department, *, before: date | None = None) -> QuerySet[Commitment]:
    """The department's open commitments (from meetings on or before `before`)."""
    qs = Commitment.objects.filter(department=department, closed_at=None).select_related(
        "meeting", "owner"
    )
    if before is not None:
        qs = qs.filter(meeting__date__lte=before)
    return qs


def carried_commitments(meeting: PhillyStatMeeting) -> QuerySet[Commitment]:
    """Open commitments from the department's earlier meetings, carried to this one."""
    return open_commitments(meeting.department).filter(meeting__date__lt=meeting.date)


def meeting_year_to_schedule(department, *, today=None) -> tuple[int, dict[str, object]]:
    """The scheduler's defaults: the current fiscal year while one of its
    quarters still to be met about has no meeting (its suggested date not
    past), else the next fiscal year; suggested dates for the quarters with
    no meeting only, from the next unscheduled one on. One query."""
    today = today or fiscal.today()
    year = fiscal.current_quarter(today).fiscal_year
    taken = set(
        PhillyStatMeeting.objects.filter(
            department=department, fiscal_year__in=(year, year + 1)
        ).values_list("fiscal_year", "quarter")
    )
    for fy in (year, year + 1):
        dates = {
            key: day
            for key, day in suggested_meeting_dates(fy).items()
            if (fy, int(key[1])) not in taken and day >= today
        }
        if dates:
            return fy, dates
    return year + 1, {}


def suggested_meeting_dates(fiscal_year: int) -> dict[str, object]:
    """Each quarter's meeting in the third week of the month after it ends, on a Wednesday."""
    result = {}
    for q in fiscal.fiscal_year_quarters(fiscal_year):
        nxt = q.next().start
        day = nxt + timedelta(days=14)
        day += timedelta(days=(2 - day.weekday()) % 7)
        result[f"q{q.quarter}"] = day
    return result
