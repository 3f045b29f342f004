"""Data freshness: how current a department keeps its program data, as a
score out of 100 per quarter, explained part by part, with what would raise it.

Four parts of 25 points, each about the quarter: the share of active metrics
whose values for it are complete (monthly metrics: all three months); the
quarterly narrative complete before its PhillyStat meeting; commitments due in
it closed on time; a focus group session held within the year before it ended.

Honest by construction: a part that does not apply (no metrics defined yet, no
meeting for the quarter, no commitment due) gives no free points: it is left
out, with the reason, and the score is scaled to the parts that apply. A
narrative counts as on time when it was first complete by the meeting
(QuarterlyNarrative.completed_at): corrections after the meeting are kept as
corrections and do not make it late. A department with nothing started (no
approved plan, metric or PhillyStat meeting: it is still in focus groups or
drafting its plan) shows "Not started", not a score.
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
from plans.models import CustomerServicePlan, PlanStatus

FRESHNESS_PART = 25


@dataclass
class FreshnessPart:
    label: str
    points: int
    detail: str
    to_raise: str = ""  # what would raise the points, if anything
    out_of: int = FRESHNESS_PART
    explains: str = ""  # how the part is counted
    applies: bool = True  # False: left out of the score (detail says why)


@dataclass
class Freshness:
    quarter: fiscal.Quarter
    parts: list[FreshnessPart]  # every part, those left out too
    started: bool = True

    @property
    def counted(self) -> list[FreshnessPart]:
        return [p for p in self.parts if p.applies]

    @property
    def left_out(self) -> list[FreshnessPart]:
        return [p for p in self.parts if not p.applies]

    @property
    def score(self) -> int | None:
        """Out of 100, scaled to the parts that apply; None when not started
        or when nothing applies yet."""
        counted = self.counted
        if not self.started or not counted:
            return None
        return round(100 * sum(p.points for p in counted) / sum(p.out_of for p in counted))

    @property
    def label(self) -> str:
        return "Not started" if self.score is None else f"{self.score} / 100"


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
    started: set[int]  # departments reporting: an approved plan, a metric or a meeting
    approved: set[int]  # departments with an approved plan


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
        (dept, fy, q): completed or updated
        for dept, fy, q, completed, updated in QuarterlyNarrative.objects.filter(
            department_id__in=dept_ids, fiscal_year__in={q.fiscal_year for q in quarters}
        ).values_list("department_id", "fiscal_year", "quarter", "completed_at", "updated_at")
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
    # Reporting starts with an approved plan (or metrics, or a meeting):
    # before that a department is in focus groups or drafting, and its stage
    # says so; a score would only measure what it is not yet asked to do.
    approved = set(
        CustomerServicePlan.objects.filter(department_id__in=dept_ids, status=PlanStatus.APPROVED)
        .values_list("department_id", flat=True)
        .distinct()
    )
    started = approved | set(metrics) | {dept for dept, _fy, _q in meetings}
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
        started=started,
        approved=approved,
    )


def _share_part(
    label: str, done: int, out_of: int, what: str, to_raise: str, explains: str
) -> FreshnessPart:
    """Points in proportion to the share done; what would raise them until all is done."""
    return FreshnessPart(
        label,
        round(FRESHNESS_PART * done / out_of),
        f"{done} of {out_of} {what}",
        "" if done == out_of else to_raise,
        explains=explains,
    )


def _left_out(label: str, why: str, explains: str) -> FreshnessPart:
    return FreshnessPart(label, 0, why, explains=explains, applies=False)


def _metrics_part(f: _Facts, dept: int, q: fiscal.Quarter) -> FreshnessPart:
    label = "Metrics with a current value"
    explains = (
        "The share of the active customer service metrics whose values for the quarter "
        "are complete: one value for a quarterly metric, all three months for a monthly one."
    )
    ms = f.metrics[dept]
    if not ms and dept not in f.approved:
        return _left_out(label, "Left out: no customer service metrics defined yet", explains)
    if not ms:
        return FreshnessPart(
            label,
            0,
            "The plan is approved but no customer service metrics are defined",
            "Define customer service metrics with the PhillyStat analyst.",
            explains=explains,
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
    return _share_part(label, with_value, len(ms), what, "Enter the missing values.", explains)


NARRATIVE_LATE_POINTS = 10


def _narrative_part(f: _Facts, dept: int, q: fiscal.Quarter) -> FreshnessPart:
    label = "Narrative complete before the meeting"
    explains = (
        f"Full points when the quarterly narrative was complete by the PhillyStat meeting; "
        f"{NARRATIVE_LATE_POINTS} when it was completed after; none while it is not. "
        "Corrections after the meeting do not count against it."
    )
    key = (dept, q.fiscal_year, q.quarter)
    completed = f.narrative_updated.get(key)
    meeting_date = f.meetings.get(key)
    if meeting_date is None and completed is None:
        return _left_out(label, f"Left out: no PhillyStat meeting for {q.label}", explains)
    if completed is None:
        return FreshnessPart(
            label,
            0,
            f"No quarterly narrative for {q.label}",
            "Write the quarterly narrative before the PhillyStat meeting.",
            explains=explains,
        )
    if key not in f.complete:
        return FreshnessPart(
            label,
            0,
            f"Quarterly narrative for {q.label} not complete",
            "Say what changed and write a note on every metric off target.",
            explains=explains,
        )
    if meeting_date and meeting_date < f.today and completed.date() > meeting_date:
        return FreshnessPart(
            label,
            NARRATIVE_LATE_POINTS,
            "Quarterly narrative completed after the PhillyStat meeting",
            "Complete the narrative before the next meeting.",
            explains=explains,
        )
    return FreshnessPart(
        label, FRESHNESS_PART, f"Quarterly narrative for {q.label} complete", explains=explains
    )


def _commitments_part(f: _Facts, dept: int, q: fiscal.Quarter) -> FreshnessPart:
    label = "Commitments closed on time"
    explains = "The share of the commitments due in the quarter that were closed by their due date."
    due = [(d, closed) for d, closed in f.commitments[dept] if q.start <= d <= min(q.end, f.today)]
    if not due:
        return _left_out(label, f"Left out: no commitments were due in {q.label}", explains)
    on_time = sum(1 for d, closed in due if closed and closed.date() <= d)
    what = f"commitments due in {q.label} closed on time"
    return _share_part(
        label, on_time, len(due), what, "Close commitments by their due date.", explains
    )


def _focus_groups_part(f: _Facts, dept: int, q: fiscal.Quarter) -> FreshnessPart:
    label = "Focus groups within the last year"
    explains = "Full points when a focus group session was held within the year before."
    # The current score looks at today; older quarters at their end.
    horizon = f.today if q == fiscal.last_completed_quarter() else min(q.end, f.today)
    recent = [h for h in f.sessions[dept] if horizon - datetime.timedelta(days=365) <= h <= horizon]
    if not recent:
        return FreshnessPart(
            label,
            0,
            "No focus group session in the year before",
            "Hold a focus group session to hear customers again.",
            explains=explains,
        )
    return FreshnessPart(
        label,
        FRESHNESS_PART,
        f"Last focus group session held {max(recent):%-d %b %Y}",
        explains=explains,
    )


PARTS = (_metrics_part, _narrative_part, _commitments_part, _focus_groups_part)


def freshness_scores(dept_ids, quarters: list[fiscal.Quarter]) -> dict[int, list[Freshness]]:
    """department id -> a Freshness per quarter (same order as `quarters`).
    Eleven queries for any number of departments and quarters."""
    dept_ids = list(dept_ids)
    if not quarters or not dept_ids:
        return {d: [] for d in dept_ids}
    f = _facts(dept_ids, quarters)
    return {
        d: [Freshness(q, [part(f, d, q) for part in PARTS], d in f.started) for q in quarters]
        for d in dept_ids
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
