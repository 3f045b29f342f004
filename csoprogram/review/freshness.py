"""Data freshness: how current a department keeps its program data, as a
score out of 100 per quarter, with what would raise it.

Four parts of 25 points, each about the quarter: the share of active metrics
with a value for it; the quarterly narrative complete (before its PhillyStat
meeting when the meeting has been held); commitments due in it closed on time;
a focus group session held within the year before it ended.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from csoprogram.lib import fiscal
from departments.models import Department
from focusgroups.models import FocusGroupSession
from metrics.models import Commitment, Metric, MetricValue, PhillyStatMeeting, QuarterlyNarrative
from metrics.phillystat.selectors import narratives_complete
from metrics.selectors import quarter_values_complete

FRESHNESS_PART = 25


@dataclass
class FreshnessPart:
    label: str
    points: int
    detail: str
    to_raise: str = ""  # what would raise the points, if anything
    out_of: int = FRESHNESS_PART


@dataclass
class Freshness:
    quarter: fiscal.Quarter
    parts: list[FreshnessPart]

    @property
    def score(self) -> int:
        return sum(p.points for p in self.parts)


@dataclass
class _Facts:
    """What the score reads for some departments and quarters."""

    today: datetime.date
    metrics: dict[int, list[tuple[int, str]]]  # department -> active (metric id, frequency)
    valued: dict[int, set[datetime.date]]  # metric -> periods with a value
    complete: set[tuple[int, int, int]]  # (department, fiscal year, quarter)
    narrative_updated: dict[tuple[int, int, int], datetime.datetime]
    meetings: dict[tuple[int, int, int], datetime.date]
    commitments: dict[int, list[tuple[datetime.date, datetime.datetime | None]]]
    sessions: dict[int, list[datetime.date]]


def _facts(dept_ids: list[int], quarters: list[fiscal.Quarter]) -> _Facts:
    today = fiscal.today()
    first, last = min(quarters).start, max(quarters).end
    metrics = defaultdict(list)
    for pk, dept, frequency in Metric.objects.filter(
        department_id__in=dept_ids, active=True
    ).values_list("pk", "department_id", "frequency"):
        metrics[dept].append((pk, frequency))
    valued = defaultdict(set)
    for metric_id, period in MetricValue.objects.filter(
        metric__department_id__in=dept_ids,
        metric__active=True,
        period_start__gte=first,
        period_start__lte=last,
    ).values_list("metric_id", "period_start"):
        valued[metric_id].add(period)
    narrative_updated = {
        (dept, fy, q): updated
        for dept, fy, q, updated in QuarterlyNarrative.objects.filter(
            department_id__in=dept_ids, fiscal_year__in={q.fiscal_year for q in quarters}
        ).values_list("department_id", "fiscal_year", "quarter", "updated_at")
    }
    meetings = {
        (dept, fy, q): date
        for dept, fy, q, date in PhillyStatMeeting.objects.filter(
            department_id__in=dept_ids
        ).values_list("department_id", "fiscal_year", "quarter", "date")
    }
    commitments = defaultdict(list)
    for dept, due, closed in Commitment.objects.filter(
        department_id__in=dept_ids, due__gte=first, due__lte=min(last, today)
    ).values_list("department_id", "due", "closed_at"):
        commitments[dept].append((due, closed))
    sessions = defaultdict(list)
    for dept, held in FocusGroupSession.objects.filter(
        department_id__in=dept_ids,
        status=FocusGroupSession.Status.HELD,
        held_on__gte=first - datetime.timedelta(days=366),
        held_on__lte=today,
    ).values_list("department_id", "held_on"):
        sessions[dept].append(held)
    return _Facts(
        today=today,
        metrics=metrics,
        valued=valued,
        # The one rule of a complete narrative (text, and a note on every red value).
        complete=narratives_complete(dept_ids, quarters),
        narrative_updated=narrative_updated,
        meetings=meetings,
        commitments=commitments,
        sessions=sessions,
    )


def _share_part(label: str, done: int, out_of: int, what: str, to_raise: str) -> FreshnessPart:
    """Points in proportion to the share done; what would raise them until all is done."""
    return FreshnessPart(
        label,
        round(FRESHNESS_PART * done / out_of),
        f"{done} of {out_of} {what}",
        "" if done == out_of else to_raise,
    )


def _metrics_part(f: _Facts, dept: int, q: fiscal.Quarter) -> FreshnessPart:
    label = "Metrics with a current value"
    ms = f.metrics[dept]
    if not ms:
        return FreshnessPart(
            label,
            0,
            "No customer service metrics defined yet",
            "Define customer service metrics with the PhillyStat analyst.",
        )
    # Complete by the one rule: a monthly metric needs each of the quarter's months.
    with_value = sum(
        1
        for m, frequency in ms
        if quarter_values_complete(
            frequency=frequency,
            periods_with_value=sum(1 for p in f.valued[m] if q.start <= p <= q.end),
        )
    )
    what = f"customer service metrics have their values for {q.label}"
    return _share_part(label, with_value, len(ms), what, "Enter the missing values.")


def _narrative_part(f: _Facts, dept: int, q: fiscal.Quarter) -> FreshnessPart:
    label = "Narrative complete before the meeting"
    key = (dept, q.fiscal_year, q.quarter)
    updated = f.narrative_updated.get(key)
    meeting_date = f.meetings.get(key)
    if updated is None:
        return FreshnessPart(
            label,
            0,
            f"No quarterly narrative for {q.label}",
            "Write the quarterly narrative before the PhillyStat meeting.",
        )
    if key not in f.complete:
        return FreshnessPart(
            label,
            0,
            f"Quarterly narrative for {q.label} not complete",
            "Say what changed and write a note on every metric off target.",
        )
    if meeting_date and meeting_date < f.today and updated.date() > meeting_date:
        return FreshnessPart(
            label,
            10,
            "Quarterly narrative finished after the PhillyStat meeting",
            "Finish the narrative before the meeting.",
        )
    return FreshnessPart(label, FRESHNESS_PART, f"Quarterly narrative for {q.label} written")


def _commitments_part(f: _Facts, dept: int, q: fiscal.Quarter) -> FreshnessPart:
    label = "Commitments closed on time"
    due = [(d, closed) for d, closed in f.commitments[dept] if q.start <= d <= min(q.end, f.today)]
    if not due:
        return FreshnessPart(label, FRESHNESS_PART, f"No commitments due in {q.label}")
    on_time = sum(1 for d, closed in due if closed and closed.date() <= d)
    what = f"commitments due in {q.label} closed on time"
    return _share_part(label, on_time, len(due), what, "Close commitments by their due date.")


def _focus_groups_part(f: _Facts, dept: int, q: fiscal.Quarter) -> FreshnessPart:
    label = "Focus groups within the last year"
    # The current score looks at today; older quarters at their end.
    horizon = f.today if q == fiscal.last_completed_quarter() else min(q.end, f.today)
    recent = [h for h in f.sessions[dept] if horizon - datetime.timedelta(days=365) <= h <= horizon]
    if not recent:
        return FreshnessPart(
            label,
            0,
            "No focus group session in the year before",
            "Hold a focus group session to hear customers again.",
        )
    return FreshnessPart(
        label, FRESHNESS_PART, f"Last focus group session held {max(recent):%-d %b %Y}"
    )


PARTS = (_metrics_part, _narrative_part, _commitments_part, _focus_groups_part)


def freshness_scores(dept_ids, quarters: list[fiscal.Quarter]) -> dict[int, list[Freshness]]:
    """department id -> a Freshness per quarter (same order as `quarters`).
    Nine queries for any number of departments and quarters."""
    dept_ids = list(dept_ids)
    if not quarters or not dept_ids:
        return {d: [] for d in dept_ids}
    f = _facts(dept_ids, quarters)
    return {
        d: [Freshness(q, [part(f, d, q) for part in PARTS]) for q in quarters] for d in dept_ids
    }


def freshness_trend_quarters(n: int = 4) -> list[fiscal.Quarter]:
    """The last n completed quarters, newest first."""
    q = fiscal.last_completed_quarter()
    result = []
    for _ in range(n):
        result.append(q)
        q = q.previous()
    return result


def department_freshness(department: Department) -> list[Freshness]:
    """The department's freshness for the last four quarters, newest first."""
    return freshness_scores([department.pk], freshness_trend_quarters())[department.pk]
