"""Reads for the program-wide dashboards: the CCSO's program review, data
freshness, the outcomes-session dashboard and the public pages.

Every selector here runs a fixed number of queries however many departments
there are: each fact is fetched for all departments at once and joined in
Python by department id.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from csoprogram.lib import fiscal
from departments import roles
from departments.models import Department
from departments.selectors import departments_visible_to
from focusgroups.models import Audience, FocusGroupSession
from metrics.models import Commitment, Metric, MetricValue, PhillyStatMeeting, QuarterlyNarrative
from metrics.selectors import annotate_latest_value
from metrics.templatetags.metrics_tags import metric_value
from plans.models import AreaOfFocus, CustomerServicePlan, Impediment, PlanStatus

from .lib.spreadsheet import safe_cell
from .models import DepartmentPublication, ProgramMeeting, ProgramMeetingDepartment
from .stage import STAGE_CHOICES, STAGE_KEYS, departments_with_stage, with_stage  # noqa: F401

STALE_AFTER_DAYS = 60
RETURNED_PLAN_FLAG_DAYS = 14
SUBMITTED_PLAN_FLAG_DAYS = 10
NARRATIVE_DUE_FLAG_DAYS = 14
ACTIVE_AREA_STATUSES = (AreaOfFocus.Status.ACTIVE, AreaOfFocus.Status.PROGRESSING)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


# -- shared facts ----------------------------------------------------------------------


def _annotate_current_plan(qs: QuerySet) -> QuerySet:
    """Fields of the department's current plan (latest program year) that the
    stage annotation does not carry."""
    latest = CustomerServicePlan.objects.filter(department=OuterRef("pk")).order_by("-program_year")
    return qs.annotate(
        plan_ever_submitted=Subquery(latest.values("ever_submitted")[:1]),
        plan_status_changed_at=Subquery(latest.values("status_changed_at")[:1]),
        plan_submitted_at=Subquery(latest.values("submitted_at")[:1]),
        plan_updated_at=Subquery(latest.values("updated_at")[:1]),
        plan_created_at=Subquery(latest.values("created_at")[:1]),
    )


def _departments(user, *, department_ids=None, plan_facts=True) -> list[Department]:
    qs = departments_visible_to(user)
    if department_ids is not None:
        qs = qs.filter(pk__in=department_ids)
    qs = departments_with_stage(qs)
    if plan_facts:
        qs = _annotate_current_plan(qs)
    return with_stage(qs.order_by("name"))


def _session_facts(dept_ids) -> dict[int, dict]:
    """department id -> held sessions and participants per audience, last session."""
    facts: dict[int, dict] = defaultdict(
        lambda: {
            "internal": 0,
            "external": 0,
            "mixed": 0,
            "people": {},
            "last_held": None,
            "last_recorded": None,
        }
    )
    rows = (
        FocusGroupSession.objects.filter(
            department_id__in=dept_ids, status=FocusGroupSession.Status.HELD
        )
        .order_by()
        .values("department_id", "audience")
        .annotate(
            n=Count("pk"),
            people=Sum("participants"),
            last=Max("held_on"),
            recorded=Max("updated_at"),
        )
    )
    for r in rows:
        f = facts[r["department_id"]]
        f[r["audience"]] = r["n"]
        f["people"][r["audience"]] = r["people"] or 0
        f["last_held"] = max(filter(None, [f["last_held"], r["last"]]), default=None)
        f["last_recorded"] = max(filter(None, [f["last_recorded"], r["recorded"]]), default=None)
    return facts


STATUS_LABELS = {"green": "On target", "amber": "Near target", "red": "Off target"}


@dataclass
class MetricLine:
    """A customer service metric as the dashboards show it: latest value,
    status (as stored by metrics.status.value_status) and target, formatted
    once here so that templates only print."""

    pk: int
    department_id: int
    name: str
    unit: str
    target_value: object
    latest_value: object
    latest_status: str
    has_quarter_value: bool
    sparkline_url: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.latest_status or "", "No target")

    @property
    def latest_text(self) -> str:
        return metric_value(self.latest_value, self.unit)

    @property
    def target_text(self) -> str:
        return metric_value(self.target_value, self.unit)


def metric_lines_html(lines: list[MetricLine]) -> str:
    """The metric lines of a card as HTML. Built here rather than in the
    template: the outcomes dashboard shows about 500 of them and the template
    engine's per-variable cost made the page several times slower than its
    SQL (benchmarks/outcomes_dashboard.py). Every value is escaped."""
    if not lines:
        return mark_safe('<p class="text-body-secondary">No customer service metrics yet.</p>')  # noqa: S308
    items = []
    for m in lines:
        status = escape(m.latest_status or "none")
        name = escape(m.name)
        spark = (
            f'<img class="sparkline" src="{escape(m.sparkline_url)}" alt="Trend of {name}"'
            ' width="120" height="30" loading="lazy">'
            if m.latest_value is not None
            else ""
        )
        items.append(
            f'<li><span class="metric-name">{name}</span><span class="metric-figures">'
            f'<span class="status-badge status-{status}"><span class="status-dot status-{status}"'
            f' aria-hidden="true"></span>{escape(m.status_label)}</span>'
            f" <span>Latest {escape(m.latest_text)}</span>"
            f' <span class="text-body-secondary">· Target {escape(m.target_text)}</span>'
            f"</span>{spark}</li>"
        )
    return mark_safe(f'<ul class="list-unstyled metric-lines">{"".join(items)}</ul>')  # noqa: S308 - every value escaped above


def feedback_summary_html(strengths, opportunities) -> str:
    """Strengths and opportunities of a card, each with a quote, as HTML
    (built here for the same reason as metric_lines_html). Escaped."""
    if not strengths and not opportunities:
        return mark_safe('<p class="text-body-secondary">No feedback recorded yet.</p>')  # noqa: S308
    items = []
    for kind, css, summaries, count, word in (
        ("Strength", "kind-strength", strengths, "positive", "positive"),
        ("Opportunity", "kind-opportunity", opportunities, "negative", "negative"),
    ):
        for s in summaries:
            quote = getattr(s, "quote", "") or (s.quotes[0] if s.quotes else "")
            items.append(
                f'<li><span class="kind {css}">{kind}</span> {escape(s.theme.name)}'
                f' <span class="small text-body-secondary">({getattr(s, count)} {word})</span>'
                + (f'<blockquote class="quote">“{escape(quote)}”</blockquote>' if quote else "")
                + "</li>"
            )
    return mark_safe(f'<ul class="list-unstyled feedback-summary">{"".join(items)}</ul>')  # noqa: S308 - escaped above


def _metric_rows(dept_ids, quarter: fiscal.Quarter) -> list[MetricLine]:
    """Active metrics with their latest value and whether the quarter has a
    value. One query; plain rows rather than model instances, because the
    outcomes dashboard shows hundreds of them."""
    in_quarter = MetricValue.objects.filter(
        metric=OuterRef("pk"), period_start__gte=quarter.start, period_start__lte=quarter.end
    )
    sparkline = reverse("metrics:metric_sparkline", args=[0]).replace("/0/", "/{}/")
    rows = (
        annotate_latest_value(Metric.objects.filter(department_id__in=dept_ids, active=True))
        .annotate(has_quarter_value=Exists(in_quarter))
        .order_by("department_id", "name")
        .values_list(
            "pk",
            "department_id",
            "name",
            "unit",
            "target_value",
            "latest_value",
            "latest_status",
            "has_quarter_value",
        )
    )
    return [MetricLine(*row, sparkline_url=sparkline.format(row[0])) for row in rows]


# -- program review --------------------------------------------------------------------


@dataclass
class ReviewRow:
    department: Department
    stage: object
    focus_groups_held: int = 0
    internal_sessions: int = 0
    external_sessions: int = 0
    plan_status: str | None = None
    plan_status_label: str = "No plan yet"
    plan_days_in_status: int | None = None
    areas_of_focus: list[str] = field(default_factory=list)
    metrics_defined: int = 0
    metrics_current: int = 0
    green: int = 0
    amber: int = 0
    red: int = 0
    next_meeting: PhillyStatMeeting | None = None
    narrative_ready: bool = False
    packet_ready: bool = False
    open_commitments: int = 0
    overdue_commitments: int = 0
    open_impediments: int = 0
    last_activity: datetime.datetime | None = None
    freshness: Freshness | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        if self.last_activity is None:
            return True
        return (timezone.now() - self.last_activity).days > STALE_AFTER_DAYS

    @property
    def values_missing(self) -> int:
        return self.metrics_defined - self.metrics_current


def _as_datetime(value) -> datetime.datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


def program_review(user) -> list[ReviewRow]:
    """One row per department with what the CCSO reviews, and the reasons a
    row needs attention. Ten queries for any number of departments."""
    today = fiscal.today()
    quarter = fiscal.last_completed_quarter()
    departments = _departments(user)
    ids = [d.pk for d in departments]
    hide_drafts = not roles.is_ccso(user)  # the MDO never sees a never-submitted plan

    sessions = _session_facts(ids)
    metrics = _metric_rows(ids, quarter)
    by_dept_metrics: dict[int, list[Metric]] = defaultdict(list)
    for m in metrics:
        by_dept_metrics[m.department_id].append(m)

    plan_ids = [d.current_plan_id for d in departments if d.current_plan_id]
    areas: dict[int, list[str]] = defaultdict(list)
    for a in AreaOfFocus.objects.filter(plan_id__in=plan_ids, status__in=ACTIVE_AREA_STATUSES):
        areas[a.plan_id].append(a.title)

    upcoming: dict[int, PhillyStatMeeting] = {}
    for meeting in (
        PhillyStatMeeting.objects.filter(department_id__in=ids, date__gte=today)
        .annotate(packet_status=F("packet__status"))
        .order_by("date")
    ):
        upcoming.setdefault(meeting.department_id, meeting)
    narratives = {
        (n.department_id, n.fiscal_year, n.quarter): n
        for n in QuarterlyNarrative.objects.filter(
            department_id__in=ids, fiscal_year__gte=quarter.fiscal_year - 1
        )
    }
    commitments = defaultdict(lambda: [0, 0])
    for row in (
        Commitment.objects.filter(department_id__in=ids, closed_at=None)
        .order_by()
        .values("department_id")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today)))
    ):
        commitments[row["department_id"]] = [row["n"], row["overdue"]]
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

    rows = []
    for d in departments:
        s = sessions[d.pk]
        hidden = hide_drafts and d.plan_status and not d.plan_ever_submitted
        row = ReviewRow(
            department=d,
            stage=d.stage,
            focus_groups_held=d.focus_groups_held,
            internal_sessions=s["internal"] + s["mixed"],
            external_sessions=s["external"] + s["mixed"],
            open_impediments=impediments.get(d.pk, 0),
        )
        if d.plan_status and not hidden:
            row.plan_status = d.plan_status
            row.plan_status_label = PlanStatus(d.plan_status).label
            since = d.plan_status_changed_at or d.plan_submitted_at or d.plan_created_at
            row.plan_days_in_status = (timezone.now() - since).days if since else None
            row.areas_of_focus = areas.get(d.current_plan_id, [])
        elif hidden:
            row.plan_status_label = "Not yet submitted"
        dm = by_dept_metrics.get(d.pk, [])
        row.metrics_defined = len(dm)
        row.metrics_current = sum(1 for m in dm if m.has_quarter_value)
        for m in dm:
            if m.latest_status in ("green", "amber", "red"):
                setattr(row, m.latest_status, getattr(row, m.latest_status) + 1)
        row.next_meeting = upcoming.get(d.pk)
        if row.next_meeting:
            n = narratives.get((d.pk, row.next_meeting.fiscal_year, row.next_meeting.quarter))
            row.narrative_ready = bool(n and n.what_changed.strip())
            row.packet_ready = row.next_meeting.packet_status == "ready"
        row.open_commitments, row.overdue_commitments = commitments[d.pk]
        row.last_activity = max(
            filter(
                None,
                [
                    _as_datetime(s["last_recorded"]),
                    None if hidden else d.plan_updated_at,
                    value_activity.get(d.pk),
                    *(n.updated_at for (dept, _, _), n in narratives.items() if dept == d.pk),
                ],
            ),
            default=None,
        )
        row.freshness = freshness[d.pk][0]
        row.flags = _attention_flags(row, quarter, today)
        rows.append(row)
    return rows


def _attention_flags(row: ReviewRow, quarter: fiscal.Quarter, today: datetime.date) -> list[str]:
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
        flags.append(f"{_plural(row.red, 'metric')} off target")
    if row.overdue_commitments:
        flags.append(f"{_plural(row.overdue_commitments, 'commitment')} overdue")
    if row.next_meeting and not row.narrative_ready:
        until = (row.next_meeting.date - today).days
        if until <= NARRATIVE_DUE_FLAG_DAYS:
            flags.append(f"PhillyStat meeting in {_days(until)}, quarterly narrative not written")
    if row.open_impediments:
        flags.append(f"{_plural(row.open_impediments, 'open impediment')}")
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
    "freshness": lambda r: (r.freshness.score if r.freshness else 0, r.department.name.lower()),
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
    "On target",
    "Near target",
    "Off target",
    "Next PhillyStat meeting",
    "Quarterly narrative ready",
    "Review packet ready",
    "Open commitments",
    "Overdue commitments",
    "Open impediments",
    "Data freshness",
    "Needs attention",
]


def review_csv_rows(rows: list[ReviewRow]):
    yield REVIEW_CSV_HEADER
    for r in rows:
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
            r.green,
            r.amber,
            r.red,
            r.next_meeting.date.isoformat() if r.next_meeting else "",
            ("yes" if r.narrative_ready else "no") if r.next_meeting else "",
            ("yes" if r.packet_ready else "no") if r.next_meeting else "",
            r.open_commitments,
            r.overdue_commitments,
            r.open_impediments,
            r.freshness.score if r.freshness else "",
            "; ".join(r.flags),
        ]


csv_safe = safe_cell  # one rule for every CSV export


# -- data freshness --------------------------------------------------------------------


@dataclass
class FreshnessPart:
    label: str
    points: int
    out_of: int
    detail: str
    to_raise: str = ""


@dataclass
class Freshness:
    quarter: fiscal.Quarter
    parts: list[FreshnessPart]

    @property
    def score(self) -> int:
        return sum(p.points for p in self.parts)


FRESHNESS_PART = 25


def freshness_scores(dept_ids, quarters: list[fiscal.Quarter]) -> dict[int, list[Freshness]]:
    """department id -> a Freshness per quarter (same order as `quarters`).

    Four parts of 25 points, each about the quarter: share of active metrics
    with a value for it; the quarterly narrative written (before its PhillyStat
    meeting when the meeting has been held); commitments due in it closed on
    time; a focus group session held within the year before it ended.
    Six queries for any number of departments and quarters.
    """
    today = fiscal.today()
    dept_ids = list(dept_ids)
    if not quarters:
        return {d: [] for d in dept_ids}
    first, last = min(quarters).start, max(quarters).end
    metrics = list(
        Metric.objects.filter(department_id__in=dept_ids, active=True).values_list(
            "pk", "department_id"
        )
    )
    valued = set(
        MetricValue.objects.filter(
            metric__department_id__in=dept_ids,
            metric__active=True,
            period_start__gte=first,
            period_start__lte=last,
        ).values_list("metric_id", "period_start")
    )
    narratives = {
        (n.department_id, n.fiscal_year, n.quarter): n
        for n in QuarterlyNarrative.objects.filter(department_id__in=dept_ids).only(
            "department_id", "fiscal_year", "quarter", "what_changed", "updated_at"
        )
    }
    meetings = {
        (m.department_id, m.fiscal_year, m.quarter): m.date
        for m in PhillyStatMeeting.objects.filter(department_id__in=dept_ids).only(
            "department_id", "fiscal_year", "quarter", "date"
        )
    }
    commitments = list(
        Commitment.objects.filter(
            department_id__in=dept_ids, due__gte=first, due__lte=min(last, today)
        ).values_list("department_id", "due", "closed_at")
    )
    sessions = list(
        FocusGroupSession.objects.filter(
            department_id__in=dept_ids,
            status=FocusGroupSession.Status.HELD,
            held_on__gte=first - datetime.timedelta(days=366),
            held_on__lte=today,
        ).values_list("department_id", "held_on")
    )
    metrics_by_dept = defaultdict(list)
    for pk, dept in metrics:
        metrics_by_dept[dept].append(pk)
    commitments_by_dept = defaultdict(list)
    for dept, due, closed in commitments:
        commitments_by_dept[dept].append((due, closed))
    sessions_by_dept = defaultdict(list)
    for dept, held in sessions:
        sessions_by_dept[dept].append(held)
    valued_by_metric = defaultdict(list)
    for metric_id, period in valued:
        valued_by_metric[metric_id].append(period)

    result = {}
    for d in dept_ids:
        per_quarter = []
        for q in quarters:
            parts = []
            # Metrics with a current value
            ms = metrics_by_dept[d]
            with_value = sum(
                1 for m in ms if any(q.start <= p <= q.end for p in valued_by_metric[m])
            )
            if ms:
                pts = round(FRESHNESS_PART * with_value / len(ms))
                detail = (
                    f"{with_value} of {len(ms)} customer service metrics have a value for {q.label}"
                )
                raise_ = "" if with_value == len(ms) else "Enter the missing values."
            else:
                pts, detail = 0, "No customer service metrics defined yet"
                raise_ = "Define customer service metrics with the PhillyStat analyst."
            parts.append(
                FreshnessPart("Metrics with a current value", pts, FRESHNESS_PART, detail, raise_)
            )
            # Narrative complete before the meeting
            n = narratives.get((d, q.fiscal_year, q.quarter))
            meeting_date = meetings.get((d, q.fiscal_year, q.quarter))
            written = bool(n and n.what_changed.strip())
            if not written:
                pts, detail = 0, f"No quarterly narrative for {q.label}"
                raise_ = "Write the quarterly narrative before the PhillyStat meeting."
            elif meeting_date and meeting_date < today and n.updated_at.date() > meeting_date:
                pts, detail = 10, "Quarterly narrative finished after the PhillyStat meeting"
                raise_ = "Finish the narrative before the meeting."
            else:
                pts, detail, raise_ = (
                    FRESHNESS_PART,
                    f"Quarterly narrative for {q.label} written",
                    "",
                )
            parts.append(
                FreshnessPart(
                    "Narrative complete before the meeting", pts, FRESHNESS_PART, detail, raise_
                )
            )
            # Commitments closed on time
            due = [
                (due, closed)
                for due, closed in commitments_by_dept[d]
                if q.start <= due <= min(q.end, today)
            ]
            on_time = sum(1 for due_on, closed in due if closed and closed.date() <= due_on)
            if due:
                pts = round(FRESHNESS_PART * on_time / len(due))
                detail = f"{on_time} of {len(due)} commitments due in {q.label} closed on time"
                raise_ = "" if on_time == len(due) else "Close commitments by their due date."
            else:
                pts, detail, raise_ = FRESHNESS_PART, f"No commitments due in {q.label}", ""
            parts.append(
                FreshnessPart("Commitments closed on time", pts, FRESHNESS_PART, detail, raise_)
            )
            # Focus groups within the last year
            # The current score looks at today; older quarters at their end.
            horizon = today if q == fiscal.last_completed_quarter() else min(q.end, today)
            recent = [
                h
                for h in sessions_by_dept[d]
                if horizon - datetime.timedelta(days=365) <= h <= horizon
            ]
            if recent:
                pts, detail, raise_ = (
                    FRESHNESS_PART,
                    f"Last focus group session held {max(recent):%-d %b %Y}",
                    "",
                )
            else:
                pts, detail = 0, "No focus group session in the year before"
                raise_ = "Hold a focus group session to hear customers again."
            parts.append(
                FreshnessPart(
                    "Focus groups within the last year", pts, FRESHNESS_PART, detail, raise_
                )
            )
            per_quarter.append(Freshness(q, parts))
        result[d] = per_quarter
    return result


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


# -- outcomes-session dashboard ----------------------------------------------------------


@dataclass
class OutcomesCard:
    department: Department
    stage: object
    plan: CustomerServicePlan | None
    areas: list[AreaOfFocus]
    strengths: list
    opportunities: list
    metrics: list[MetricLine]
    order: int = 0

    @property
    def metrics_html(self) -> str:
        return metric_lines_html(self.metrics)

    @property
    def feedback_html(self) -> str:
        return feedback_summary_html(self.strengths, self.opportunities)


@dataclass
class OutcomesTotals:
    departments: int = 0
    approved_plans: int = 0
    sessions_held: int = 0
    internal_sessions: int = 0
    external_sessions: int = 0
    internal_heard: int = 0
    external_heard: int = 0
    areas_active: int = 0
    metrics_with_value: int = 0
    metrics_on_target: int = 0


@dataclass
class OutcomesDashboard:
    totals: OutcomesTotals
    cards: list[OutcomesCard]
    meeting: ProgramMeeting | None
    quarter: fiscal.Quarter
    program_wide: bool


def _agenda_meeting(meeting_id: int | None, kind: str) -> ProgramMeeting | None:
    """The meeting whose agenda orders the dashboard: the one asked for, else
    the next one of the kind, else the latest."""
    qs = ProgramMeeting.objects.filter(kind=kind)
    if meeting_id:
        return qs.filter(pk=meeting_id).first()
    today = fiscal.today()
    return qs.filter(date__gte=today).order_by("date", "pk").first() or qs.first()


def outcomes_dashboard(
    user, *, meeting_id: int | None = None, stage: str = "", status: str = ""
) -> OutcomesDashboard:
    """Program totals and one card per department the user may see, in the
    order of the outcomes session's agenda. Department people get their own
    departments only. A fixed number of queries (about twelve)."""
    from focusgroups.selectors import departments_strengths_and_opportunities

    quarter = fiscal.last_completed_quarter()
    meeting = _agenda_meeting(meeting_id, ProgramMeeting.Kind.OUTCOMES_SESSION)
    departments = _departments(user, plan_facts=False)
    order = {}
    if meeting:
        order = {
            a.department_id: a.order
            for a in ProgramMeetingDepartment.objects.filter(meeting=meeting)
        }
    departments.sort(key=lambda d: (d.pk not in order, order.get(d.pk, 0), d.name.lower()))
    ids = [d.pk for d in departments]

    # Only submitted plans are shown: the MDO never sees a draft never submitted.
    plans: dict[int, CustomerServicePlan] = {}
    for p in (
        CustomerServicePlan.objects.filter(department_id__in=ids, ever_submitted=True)
        .only("pk", "department_id", "program_year", "mission", "vision")
        .order_by("department_id", "-program_year")
    ):
        plans.setdefault(p.department_id, p)
    areas: dict[int, list[AreaOfFocus]] = defaultdict(list)
    area_list = list(
        AreaOfFocus.objects.filter(
            plan_id__in=[p.pk for p in plans.values()], status__in=ACTIVE_AREA_STATUSES
        ).only("pk", "plan_id", "title", "year", "status")
    )
    theme_names: dict[int, list[str]] = defaultdict(list)
    for area_id, name in AreaOfFocus.themes.through.objects.filter(
        areaoffocus_id__in=[a.pk for a in area_list]
    ).values_list("areaoffocus_id", "theme__name"):
        theme_names[area_id].append(name)
    for a in area_list:
        a.theme_names = ", ".join(sorted(theme_names[a.pk]))
        areas[a.plan_id].append(a)
    metrics: dict[int, list[Metric]] = defaultdict(list)
    for m in _metric_rows(ids, quarter):
        metrics[m.department_id].append(m)
    summaries = departments_strengths_and_opportunities(departments=ids, limit=2, quotes=1)
    sessions = _session_facts(ids)

    totals = OutcomesTotals(departments=len(departments))
    cards = []
    for d in departments:
        plan = plans.get(d.pk)
        s = sessions[d.pk]
        totals.sessions_held += s["internal"] + s["external"] + s["mixed"]
        totals.internal_sessions += s["internal"] + s["mixed"]
        totals.external_sessions += s["external"] + s["mixed"]
        totals.internal_heard += s["people"].get(Audience.INTERNAL, 0)
        totals.external_heard += s["people"].get(Audience.EXTERNAL, 0)
        if d.plan_status == PlanStatus.APPROVED:
            totals.approved_plans += 1
        dept_areas = areas.get(plan.pk, []) if plan else []
        totals.areas_active += len(dept_areas)
        dm = metrics.get(d.pk, [])
        totals.metrics_with_value += sum(1 for m in dm if m.has_quarter_value)
        totals.metrics_on_target += sum(
            1 for m in dm if m.has_quarter_value and m.latest_status == "green"
        )
        summary = summaries.get(d.pk)
        if summary:
            for theme_summary in (*summary.strengths, *summary.opportunities):
                theme_summary.quote = (
                    _short(theme_summary.quotes[0]) if theme_summary.quotes else ""
                )
        cards.append(
            OutcomesCard(
                department=d,
                stage=d.stage,
                plan=plan,
                areas=dept_areas,
                strengths=summary.strengths if summary else [],
                opportunities=summary.opportunities if summary else [],
                metrics=dm,
                order=order.get(d.pk, 0),
            )
        )
    if stage in STAGE_KEYS:
        cards = [c for c in cards if c.stage.key == stage]
    if status in ("green", "amber", "red"):
        cards = [c for c in cards if any(m.latest_status == status for m in c.metrics)]
    return OutcomesDashboard(totals, cards, meeting, quarter, roles.is_program_wide(user))


def _short(text: str, limit: int = 180) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


STATUS_CHOICES = [
    ("", "Any metric status"),
    ("red", "A metric off target"),
    ("amber", "A metric near target"),
    ("green", "A metric on target"),
]


# -- program meetings ------------------------------------------------------------------


def program_meetings() -> QuerySet[ProgramMeeting]:
    return ProgramMeeting.objects.annotate(
        presenting=Count("agenda", distinct=True),
        open_items=Count("action_items", filter=Q(action_items__done_at=None), distinct=True),
    )


def program_meeting_detail(meeting: ProgramMeeting, user) -> dict:
    """The meeting's agenda with each presenting department's stage and, for a
    program update, what changed since the previous update, open impediments
    with the support requested, and successes. A fixed number of queries."""
    from plans.models import Success

    agenda = list(meeting.agenda.all())
    ids = [a.department_id for a in agenda]
    by_id = {d.pk: d for d in _departments(user, department_ids=ids)}
    previous = (
        ProgramMeeting.objects.filter(kind=meeting.kind, date__lt=meeting.date)
        .order_by("-date")
        .first()
    )
    since = previous.date if previous else meeting.date - datetime.timedelta(days=180)
    impediments = defaultdict(list)
    for i in Impediment.objects.filter(department_id__in=ids, status=Impediment.Status.OPEN):
        impediments[i.department_id].append(i)
    successes = defaultdict(list)
    for s in Success.objects.filter(
        department_id__in=ids, happened_on__gt=since, happened_on__lte=meeting.date
    ).order_by("-happened_on"):
        successes[s.department_id].append(s)
    changes = _changes_since(ids, since, meeting.date)
    items = list(meeting.action_items.select_related("department"))
    rows = []
    for a in agenda:
        d = by_id.get(a.department_id)
        if d is None:  # a department the user may not see
            continue
        rows.append(
            {
                "entry": a,
                "department": d,
                "impediments": impediments[d.pk],
                "successes": successes[d.pk],
                "changes": changes[d.pk],
            }
        )
    return {"rows": rows, "action_items": items, "previous": previous, "since": since}


def _changes_since(ids, since: datetime.date, until: datetime.date) -> dict[int, list[str]]:
    """What each department recorded between two dates, in words."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.max))
    end = timezone.make_aware(datetime.datetime.combine(until, datetime.time.max))
    changes: dict[int, list[str]] = defaultdict(list)
    for row in (
        FocusGroupSession.objects.filter(
            department_id__in=ids, status="held", held_on__gt=since, held_on__lte=until
        )
        .order_by()
        .values("department_id")
        .annotate(n=Count("pk"))
    ):
        changes[row["department_id"]].append(f"{_plural(row['n'], 'focus group session')} held")
    for p in CustomerServicePlan.objects.filter(
        department_id__in=ids,
        ever_submitted=True,
        status_changed_at__gt=start,
        status_changed_at__lte=end,
    ):
        changes[p.department_id].append(
            f"Customer service plan now {p.get_status_display().lower()}"
        )
    for row in (
        MetricValue.objects.filter(
            metric__department_id__in=ids, created_at__gt=start, created_at__lte=end
        )
        .order_by()
        .values("metric__department_id")
        .annotate(n=Count("pk"))
    ):
        changes[row["metric__department_id"]].append(f"{_plural(row['n'], 'metric value')} entered")
    return changes


# -- public pages ------------------------------------------------------------------------


def published_departments() -> QuerySet[Department]:
    return (
        Department.objects.filter(
            active=True,
            publication__status=DepartmentPublication.Status.PUBLISHED,
            plans__status=PlanStatus.APPROVED,
        )
        .distinct()
        .order_by("name")
    )


def published_department(slug: str) -> dict | None:
    """What a department has published, or None: its latest approved plan's
    mission, vision and area of focus, and the metrics it chose with their
    values. No names, no feedback, nothing unpublished."""
    department = published_departments().filter(slug=slug).first()
    if department is None:
        return None
    plan = (
        CustomerServicePlan.objects.filter(department=department, status=PlanStatus.APPROVED)
        .order_by("-program_year")
        .prefetch_related(
            Prefetch(
                "areas_of_focus",
                queryset=AreaOfFocus.objects.filter(status__in=ACTIVE_AREA_STATUSES),
                to_attr="active_areas",
            )
        )
        .first()
    )
    metrics = list(
        annotate_latest_value(
            Metric.objects.filter(
                active=True, department=department, pk__in=department.publication.metrics.all()
            ).order_by("name")
        )
    )
    return {"department": department, "plan": plan, "metrics": metrics}


def published_metric(slug: str, metric_id: int) -> Metric | None:
    department = published_departments().filter(slug=slug).first()
    if department is None:
        return None
    return Metric.objects.filter(
        pk=metric_id,
        active=True,
        department=department,
        pk__in=department.publication.metrics.all(),
    ).first()


# -- program update ----------------------------------------------------------------------

RECENT_SUCCESS_DAYS = 180


def program_update_departments(user) -> list:
    """Per department: its stage, open impediments and recent successes, in a
    fixed number of queries however many departments there are."""
    from plans.models import LeaderSupport, Success

    since = timezone.localdate() - datetime.timedelta(days=RECENT_SUCCESS_DAYS)
    qs = departments_with_stage(departments_visible_to(user)).order_by("name")
    qs = qs.prefetch_related(
        Prefetch(
            "impediments",
            queryset=Impediment.objects.filter(status=Impediment.Status.OPEN).order_by(
                "-created_at"
            ),
            to_attr="open_impediments",
        ),
        Prefetch(
            "successes",
            queryset=Success.objects.filter(happened_on__gte=since).order_by("-happened_on"),
            to_attr="recent_successes",
        ),
        Prefetch(
            "leader_support",
            queryset=LeaderSupport.objects.select_related("given_by").order_by("-created_at"),
            to_attr="support_given",
        ),
    )
    return with_stage(qs)
