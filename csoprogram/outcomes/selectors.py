"""Reads for the outcomes-session dashboard and its presentation mode.

A card shows only what is presented at an outcomes session: the latest plan
shown program-wide (submitted for review at least once, the plans app's rule),
so no one, the MDO included, reads a plan never submitted or its areas here.
A fixed number of queries for any number of departments.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from csoprogram.lib import fiscal
from departments import roles
from departments.models import Department
from departments.training.selectors import training_progress
from focusgroups.models import Audience
from focusgroups.selectors import departments_strengths_and_opportunities
from metrics.models import Status
from plans.models import AreaOfFocus, CustomerServicePlan, PlanStatus
from plans.selectors import plans_shown_program_wide

from ..facts import (
    ACTIVE_AREA_STATUSES,
    MetricLine,
    departments_for_page,
    metric_lines,
    session_facts,
)
from ..models import ProgramMeeting, ProgramMeetingDepartment
from ..stage import STAGE_KEYS, Stage


@dataclass(frozen=True)
class CardDepartment:
    pk: int
    name: str
    slug: str


@dataclass(frozen=True)
class CardPlan:
    mission: str
    vision: str


@dataclass(frozen=True)
class CardArea:
    title: str
    year: int
    status_label: str
    theme_names: str


@dataclass(frozen=True)
class CardTheme:
    """A strength or an opportunity: the theme, how much feedback made it one
    (positive for a strength, negative for an opportunity), the newest quote."""

    name: str
    count: int
    quote: str


@dataclass
class OutcomesCard:
    """What a department's card shows, as plain values only, so that
    `version` fingerprints all of it."""

    department: CardDepartment
    stage: Stage
    plan: CardPlan | None
    areas: list[CardArea]
    strengths: list[CardTheme]
    opportunities: list[CardTheme]
    metrics: list[MetricLine]
    order: int = 0

    @property
    def version(self) -> str:
        """Changes whenever anything the card shows changes: the key of the
        card's cached HTML (the dashboard renders hundreds of metric lines;
        a card is rendered again only when its department changed)."""
        return hashlib.blake2b(repr(self).encode(), digest_size=16).hexdigest()


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
    # The CSO training program: the active CSOs of these departments, and
    # those who completed every required module (names, for the session).
    csos: int = 0
    trained: list[str] = field(default_factory=list)
    training_required: int = 0


@dataclass(frozen=True)
class AgendaEntry:
    """A department's place on the dashboard: enough to list it (and to
    fetch its card when it is shown)."""

    department: CardDepartment
    stage: Stage
    order: int


@dataclass
class OutcomesDashboard:
    """The program totals over every department the user may see, and the
    departments the filters keep, in agenda order. `cards` holds the cards of
    the departments shown (outcomes_cards): a page, never all of them."""

    totals: OutcomesTotals
    entries: list[AgendaEntry]
    meeting: ProgramMeeting | None
    quarter: fiscal.Quarter
    program_wide: bool
    metrics: dict[int, list[MetricLine]] = field(default_factory=dict, repr=False)
    cards: list[OutcomesCard] = field(default_factory=list)


def agenda_meeting(meeting_id: int | None) -> ProgramMeeting | None:
    """The outcomes session whose agenda orders the dashboard: the one asked
    for, else the next one, else the latest."""
    qs = ProgramMeeting.objects.filter(kind=ProgramMeeting.Kind.OUTCOMES_SESSION)
    if meeting_id:
        return qs.filter(pk=meeting_id).first()
    return qs.filter(date__gte=fiscal.today()).order_by("date", "pk").first() or qs.first()


def _plans_presented(ids, *fields) -> dict[int, CustomerServicePlan]:
    """department id -> its latest plan shown program-wide (with `fields`). One query."""
    plans: dict[int, CustomerServicePlan] = {}
    for p in (
        plans_shown_program_wide()
        .filter(department_id__in=ids)
        .only("pk", "department_id", "program_year", *fields)
        .order_by("department_id", "-program_year")
    ):
        plans.setdefault(p.department_id, p)
    return plans


def _areas(plan_ids) -> dict[int, list[CardArea]]:
    """plan id -> its active areas of focus with the themes they answer. Two queries."""
    area_list = list(
        AreaOfFocus.objects.filter(plan_id__in=plan_ids, status__in=ACTIVE_AREA_STATUSES)
        .only("pk", "plan_id", "title", "year", "status")
        .order_by("plan_id", "year", "pk")
    )
    theme_names: dict[int, list[str]] = defaultdict(list)
    for area_id, name in AreaOfFocus.themes.through.objects.filter(
        areaoffocus_id__in=[a.pk for a in area_list]
    ).values_list("areaoffocus_id", "theme__name"):
        theme_names[area_id].append(name)
    areas: dict[int, list[CardArea]] = defaultdict(list)
    for a in area_list:
        areas[a.plan_id].append(
            CardArea(a.title, a.year, a.get_status_display(), ", ".join(sorted(theme_names[a.pk])))
        )
    return areas


def _themes(summaries, count: str) -> list[CardTheme]:
    return [
        CardTheme(s.theme.name, getattr(s, count), s.quotes[0] if s.quotes else "")
        for s in summaries
    ]


def _training_totals(totals: OutcomesTotals, progress) -> None:
    people = {t.user.pk: t for rows in progress.values() for t in rows}
    totals.csos = len(people)
    totals.training_required = next((t.total_required for t in people.values()), 0)
    if totals.training_required:
        totals.trained = sorted((str(t.user) for t in people.values() if t.done), key=str.lower)


def outcomes_dashboard(
    user, *, meeting_id: int | None = None, stage: str = "", status: str = ""
) -> OutcomesDashboard:
    """Program totals over every department the user may see, and the
    departments the filters keep in the order of the outcomes session's agenda
    (presenting departments first, the others after them by name). Department
    people get their own departments only. No card yet: outcomes_cards fetches
    the cards of the departments shown. About ten queries for any number of
    departments, each fetching a few small columns per department."""
    quarter = fiscal.last_completed_quarter()
    meeting = agenda_meeting(meeting_id)
    departments = departments_for_page(user)
    order = {}
    if meeting:
        order = dict(
            ProgramMeetingDepartment.objects.filter(meeting=meeting).values_list(
                "department_id", "order"
            )
        )
    departments.sort(key=lambda d: (d.pk not in order, order.get(d.pk, 0), d.name.lower()))
    ids = [d.pk for d in departments]

    plans = _plans_presented(ids)
    metrics = metric_lines(ids, quarter)
    sessions = session_facts(ids)

    totals = OutcomesTotals(departments=len(departments))
    _training_totals(totals, training_progress(ids))
    totals.areas_active = AreaOfFocus.objects.filter(
        plan_id__in=[p.pk for p in plans.values()], status__in=ACTIVE_AREA_STATUSES
    ).count()
    entries = []
    for d in departments:
        s = sessions[d.pk]
        totals.sessions_held += s.held
        totals.internal_sessions += s.with_internal
        totals.external_sessions += s.with_external
        totals.internal_heard += s.people.get(Audience.INTERNAL, 0)
        totals.external_heard += s.people.get(Audience.EXTERNAL, 0)
        if d.plan_status == PlanStatus.APPROVED:
            totals.approved_plans += 1
        current = [m for m in metrics.get(d.pk, []) if m.has_quarter_value]
        totals.metrics_with_value += len(current)
        totals.metrics_on_target += sum(1 for m in current if m.latest_status == Status.GREEN)
        if stage in STAGE_KEYS and d.stage.key != stage:
            continue
        if status in Status.values and not any(
            m.latest_status == status for m in metrics.get(d.pk, [])
        ):
            continue
        entries.append(
            AgendaEntry(CardDepartment(d.pk, d.name, d.slug), d.stage, order.get(d.pk, 0))
        )
    return OutcomesDashboard(
        totals, entries, meeting, quarter, roles.is_program_wide(user), metrics=metrics
    )


def outcomes_cards(entries: list[AgendaEntry], metrics) -> list[OutcomesCard]:
    """The cards of `entries` (a page of a dashboard's entries, or one
    department), with `metrics` (department id -> metric lines, as
    metric_lines gives them): only their plans, areas and quotes are fetched.
    Five queries at most."""
    ids = [e.department.pk for e in entries]
    if not ids:
        return []
    plans = _plans_presented(ids, "mission", "vision")
    areas = _areas([p.pk for p in plans.values()])
    summaries = departments_strengths_and_opportunities(departments=ids, limit=2, quotes=1)
    cards = []
    for e in entries:
        plan = plans.get(e.department.pk)
        summary = summaries.get(e.department.pk)
        cards.append(
            OutcomesCard(
                department=e.department,
                stage=e.stage,
                plan=CardPlan(plan.mission, plan.vision) if plan else None,
                areas=areas.get(plan.pk, []) if plan else [],
                strengths=_themes(summary.strengths, "positive") if summary else [],
                opportunities=_themes(summary.opportunities, "negative") if summary else [],
                metrics=metrics.get(e.department.pk, []),
                order=e.order,
            )
        )
    return cards


def outcomes_card(user, *, slug: str, meeting_id: int | None = None) -> OutcomesCard | None:
    """One department's card as the dashboard shows it (its place on the
    agenda included), or None if the user may not see that department."""
    ids = list(Department.objects.filter(slug=slug).values_list("pk", flat=True))
    departments = departments_for_page(user, department_ids=ids) if ids else []
    if not departments:
        return None
    d = departments[0]
    meeting = agenda_meeting(meeting_id)
    order = (
        ProgramMeetingDepartment.objects.filter(meeting=meeting, department=d)
        .values_list("order", flat=True)
        .first()
        if meeting
        else None
    )
    entry = AgendaEntry(CardDepartment(d.pk, d.name, d.slug), d.stage, order or 0)
    metrics = metric_lines([d.pk], fiscal.last_completed_quarter())
    return outcomes_cards([entry], metrics)[0]
