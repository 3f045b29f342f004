"""The program review's rows: one per department, with what the CCSO reviews
and the reasons, in words, a row needs attention; filters, sorts and the CSV.

A fixed number of queries for any number of departments. Plan facts come from
the plans the user may read (plans_visible_to): the MDO sees no trace of a
plan never submitted for review, neither in the page nor in the CSV.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from csoprogram.lib import fiscal
from departments.models import Department
from departments.training.selectors import training_progress
from metrics.models import (
    Commitment,
    MetricValue,
    PhillyStatMeeting,
    QuarterlyNarrative,
    Status,
)
from metrics.phillystat.models import ReminderDelivery, ReminderKind
from metrics.phillystat.selectors import narratives_complete
from plans.models import AreaOfFocus, CustomerServicePlan, Impediment, PlanStatus
from plans.selectors import plans_visible_to

from ..facts import (
    ACTIVE_AREA_STATUSES,
    as_datetime,
    departments_for_page,
    metric_lines,
    plural,
    session_facts,
)
from ..stage import STAGE_KEYS
from .freshness import Freshness, freshness_scores

STALE_AFTER_DAYS = 60
RETURNED_PLAN_FLAG_DAYS = 14
SUBMITTED_PLAN_FLAG_DAYS = 10
NARRATIVE_DUE_FLAG_DAYS = 14
# What the plan column says when the user may read no plan of the department:
# the same words whether there is none or a draft never submitted, so the MDO
# cannot tell a draft exists.
NO_PLAN_SHOWN = "Not yet submitted"
STATUS_ORDER = (Status.GREEN, Status.AMBER, Status.RED)
ESCALATED_TO = {ReminderKind.HEAD: "the department head", ReminderKind.CCSO: "the CCSO"}


def _days(n: int) -> str:
    return plural(n, "day")


@dataclass
class ReviewRow:
    department: Department
    stage: object
    focus_groups_held: int = 0
    internal_sessions: int = 0
    external_sessions: int = 0
    plan_id: int | None = None
    plan_status: str | None = None
    plan_status_label: str = NO_PLAN_SHOWN
    plan_days_in_status: int | None = None
    areas_of_focus: list[str] = field(default_factory=list)
    metrics_defined: int = 0
    metrics_current: int = 0
    green: int = 0
    amber: int = 0
    red: int = 0
    next_meeting: PhillyStatMeeting | None = None
    narrative_ready: bool = False  # complete, by the one rule (metrics.phillystat)
    narrative_started: bool = False
    packet_ready: bool = False
    # Escalations about the next meeting: (who, when), e.g. ("the department head", date)
    escalations: list[tuple[str, datetime.date]] = field(default_factory=list)
    open_commitments: int = 0
    overdue_commitments: int = 0
    open_impediments: int = 0
    last_activity: datetime.datetime | None = None
    freshness: Freshness | None = None
    flags: list[str] = field(default_factory=list)
    training: list = field(default_factory=list)  # departments.training CsoTraining, per CSO

    @property
    def stale(self) -> bool:
        if self.last_activity is None:
            return True
        return (timezone.now() - self.last_activity).days > STALE_AFTER_DAYS

    @property
    def values_missing(self) -> int:
        return self.metrics_defined - self.metrics_current

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """(status, number of metrics whose latest value has it), green first."""
        return [(s.value, getattr(self, s.value)) for s in STATUS_ORDER]


def _plans_shown(user, ids) -> dict[int, CustomerServicePlan]:
    """department id -> the latest plan the user may read (for the MDO, the
    latest one submitted for review). One query."""
    plans: dict[int, CustomerServicePlan] = {}
    for p in (
        plans_visible_to(user)
        .filter(department_id__in=ids)
        .select_related(None)
        .only(
            "pk",
            "department_id",
            "program_year",
            "status",
            "status_changed_at",
            "submitted_at",
            "created_at",
            "updated_at",
        )
        .order_by("department_id", "-program_year")
    ):
        plans.setdefault(p.department_id, p)
    return plans


def _next_meetings(ids, today) -> dict[int, PhillyStatMeeting]:
    upcoming: dict[int, PhillyStatMeeting] = {}
    for meeting in (
        PhillyStatMeeting.objects.filter(department_id__in=ids, date__gte=today)
        .annotate(packet_status=F("packet__status"))
        .order_by("date")
    ):
        upcoming.setdefault(meeting.department_id, meeting)
    return upcoming


def program_review(user) -> list[ReviewRow]:
    """One row per department the user may see. About twenty queries for any number
    of departments."""
    today = fiscal.today()
    quarter = fiscal.last_completed_quarter()
    departments = departments_for_page(user)
    ids = [d.pk for d in departments]

    sessions = session_facts(ids)
    metrics = metric_lines(ids, quarter)
    plans = _plans_shown(user, ids)
    areas: dict[int, list[str]] = defaultdict(list)
    for plan_id, title in AreaOfFocus.objects.filter(
        plan_id__in=[p.pk for p in plans.values()], status__in=ACTIVE_AREA_STATUSES
    ).values_list("plan_id", "title"):
        areas[plan_id].append(title)
    upcoming = _next_meetings(ids, today)
    complete = narratives_complete(
        ids, list({m.fiscal_quarter for m in upcoming.values()})
    )  # the one rule of a complete narrative
    narratives = {
        (dept_id, fy, q): updated
        for dept_id, fy, q, updated in QuarterlyNarrative.objects.filter(
            department_id__in=ids, fiscal_year__gte=quarter.fiscal_year - 1
        ).values_list("department_id", "fiscal_year", "quarter", "updated_at")
    }
    last_narrative: dict[int, datetime.datetime] = {}
    for (dept_id, _, _), updated in narratives.items():
        last_narrative[dept_id] = max(updated, last_narrative.get(dept_id, updated))
    commitments = defaultdict(lambda: (0, 0))
    for dept_id, n, overdue in (
        Commitment.objects.filter(department_id__in=ids, closed_at=None)
        .order_by()
        .values_list("department_id")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today)))
    ):
        commitments[dept_id] = (n, overdue)
    impediments = dict(
        Impediment.objects.filter(department_id__in=ids, status=Impediment.Status.OPEN)
        .order_by()
        .values_list("department_id")
        .annotate(n=Count("pk"))
    )
    value_activity = dict(
        MetricValue.objects.filter(metric__department_id__in=ids)
        .order_by()
        .values_list("metric__department_id")
        .annotate(last=Max("updated_at"))
    )
    freshness = freshness_scores(ids, [quarter])
    escalated: dict[int, list] = defaultdict(list)
    for meeting_id, kind, created in (
        ReminderDelivery.objects.filter(
            meeting__in=list(upcoming.values()), kind__in=[ReminderKind.HEAD, ReminderKind.CCSO]
        )
        .order_by("created_at")
        .values_list("meeting_id", "kind", "created_at")
    ):
        who = ESCALATED_TO[kind]
        if who not in [w for w, _ in escalated[meeting_id]]:
            escalated[meeting_id].append((who, timezone.localdate(created)))
    training = training_progress(ids)

    rows = []
    for d in departments:
        s = sessions[d.pk]
        plan = plans.get(d.pk)
        row = ReviewRow(
            department=d,
            stage=d.stage,
            focus_groups_held=d.focus_groups_held,
            internal_sessions=s.with_internal,
            external_sessions=s.with_external,
            open_impediments=impediments.get(d.pk, 0),
        )
        if plan:
            row.plan_id = plan.pk
            row.plan_status = plan.status
            row.plan_status_label = plan.get_status_display()
            since = plan.status_changed_at or plan.submitted_at or plan.created_at
            row.plan_days_in_status = (timezone.now() - since).days if since else None
            row.areas_of_focus = areas.get(plan.pk, [])
        dm = metrics.get(d.pk, [])
        row.metrics_defined = len(dm)
        row.metrics_current = sum(1 for m in dm if m.has_quarter_value)
        for m in dm:
            if m.latest_status in Status.values:
                setattr(row, m.latest_status, getattr(row, m.latest_status) + 1)
        row.next_meeting = upcoming.get(d.pk)
        if row.next_meeting:
            q = row.next_meeting.fiscal_quarter
            key = (d.pk, q.fiscal_year, q.quarter)
            row.narrative_ready = key in complete
            row.narrative_started = key in narratives
            row.packet_ready = row.next_meeting.packet_status == "ready"
            row.escalations = escalated.get(row.next_meeting.pk, [])
        row.open_commitments, row.overdue_commitments = commitments[d.pk]
        row.last_activity = max(
            filter(
                None,
                [
                    as_datetime(s.last_recorded),
                    plan.updated_at if plan else None,
                    value_activity.get(d.pk),
                    last_narrative.get(d.pk),
                ],
            ),
            default=None,
        )
        row.freshness = freshness[d.pk][0]
        row.flags = attention_flags(row, quarter, today)
        row.training = training.get(d.pk, [])
        rows.append(row)
    return rows


def attention_flags(row: ReviewRow, quarter: fiscal.Quarter, today: datetime.date) -> list[str]:
    """Why the CCSO should look at this department, in words."""
    flags = []
    days = row.plan_days_in_status
    returned = row.plan_status == PlanStatus.CHANGES_REQUESTED
    if returned and days is not None and days >= RETURNED_PLAN_FLAG_DAYS:
        flags.append(f"plan returned {_days(days)} ago")
    waiting = row.plan_status == PlanStatus.SUBMITTED
    if waiting and days is not None and days >= SUBMITTED_PLAN_FLAG_DAYS:
        flags.append(f"plan waiting for review for {_days(days)}")
    if row.plan_status == PlanStatus.APPROVED:
        if row.metrics_defined == 0:
            flags.append("plan approved but no customer service metrics defined")
        elif row.metrics_current == 0:
            flags.append(f"no values for {quarter.label}")
        elif row.values_missing:
            flags.append(
                f"{row.values_missing} of {row.metrics_defined} metrics have no value "
                f"for {quarter.label}"
            )
    if row.red:
        flags.append(f"{plural(row.red, 'metric')} {Status.RED.label.lower()}")
    if row.overdue_commitments:
        flags.append(f"{plural(row.overdue_commitments, 'commitment')} overdue")
    if row.next_meeting and not row.narrative_ready:
        until = (row.next_meeting.date - today).days
        if until <= NARRATIVE_DUE_FLAG_DAYS:
            state = "not complete" if row.narrative_started else "not written"
            flags.append(f"PhillyStat meeting in {_days(until)}, quarterly narrative {state}")
    if row.escalations:
        flags.append(f"escalated to {' and '.join(who for who, _ in row.escalations)}")
    if row.open_impediments:
        flags.append(plural(row.open_impediments, "open impediment"))
    if row.stale:
        flags.append(
            "no recorded activity yet"
            if row.last_activity is None
            else f"no activity for {_days((timezone.now() - row.last_activity).days)}"
        )
    return flags


REVIEW_SORTS = {
    "department": lambda r: r.department.name.lower(),
    "stage": lambda r: (r.stage.step, r.department.name.lower()),
    "plan_days": lambda r: -(r.plan_days_in_status or -1),
    "red": lambda r: (-r.red, r.department.name.lower()),
    "overdue": lambda r: (-r.overdue_commitments, r.department.name.lower()),
    "freshness": lambda r: (
        r.freshness.score if r.freshness and r.freshness.score is not None else -1,
        r.department.name.lower(),
    ),
    "flags": lambda r: (-len(r.flags), r.department.name.lower()),
    "impediments": lambda r: (-r.open_impediments, r.department.name.lower()),
}


def filter_and_sort_review(
    rows: list[ReviewRow],
    *,
    stage="",
    overdue=False,
    red=False,
    stale=False,
    flagged=False,
    sort="department",
) -> list[ReviewRow]:
    if stage in STAGE_KEYS:
        rows = [r for r in rows if r.stage.key == stage]
    if overdue:
        rows = [r for r in rows if r.overdue_commitments]
    if red:
        rows = [r for r in rows if r.red]
    if stale:
        rows = [r for r in rows if r.stale]
    if flagged:
        rows = [r for r in rows if r.flags]
    return sorted(rows, key=REVIEW_SORTS.get(sort, REVIEW_SORTS["department"]))


REVIEW_CSV_HEADER = [
    "Department",
    "Stage",
    "Focus groups held",
    "Internal customer sessions",
    "External customer sessions",
    "Customer service plan",
    "Days in plan status",
    "Area of focus",
    "Customer service metrics",
    "Metrics with a value for the last quarter",
    *(s.label for s in STATUS_ORDER),
    "Next PhillyStat meeting",
    "Quarterly narrative ready",
    "Review packet ready",
    "Open commitments",
    "Overdue commitments",
    "Open impediments",
    "Data freshness",
    "Needs attention",
]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def review_csv_rows(rows: list[ReviewRow]):
    """The header, then a line per row (cells made spreadsheet-safe by the response)."""
    yield REVIEW_CSV_HEADER
    for r in rows:
        meeting = r.next_meeting
        yield [
            r.department.name,
            r.stage.label,
            r.focus_groups_held,
            r.internal_sessions,
            r.external_sessions,
            r.plan_status_label,
            "" if r.plan_days_in_status is None else r.plan_days_in_status,
            "; ".join(r.areas_of_focus),
            r.metrics_defined,
            r.metrics_current,
            *(n for _, n in r.status_counts),
            meeting.date.isoformat() if meeting else "",
            _yes_no(r.narrative_ready) if meeting else "",
            _yes_no(r.packet_ready) if meeting else "",
            r.open_commitments,
            r.overdue_commitments,
            r.open_impediments,
            (r.freshness.label if r.freshness.score is None else r.freshness.score)
            if r.freshness
            else "",
            "; ".join(r.flags),
        ]
