"""The providers of My work: one small function per kind of item.

Each takes an InboxContext and returns InboxItems, in a fixed number of
queries whatever the number of departments. PROVIDERS lists them; add a
provider there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from departments.models import Department, DepartmentRole
from focusgroups.models import Theme
from focusgroups.progress import focus_group_target
from focusgroups.selectors import annotate_focus_group_progress
from metrics.phillystat.models import (
    Commitment,
    CommitmentStatus,
    PhillyStatMeeting,
    ReminderDelivery,
    ReminderKind,
    ReviewPacket,
)
from plans.models import CustomerServicePlan, PlanStatus
from plans.selectors import annotate_plan_status

from ..models import DepartmentPublication, ProgramMeeting
from .items import LATER, SOON, URGENT, WAITING, InboxContext, InboxItem, urgency_for
from .memo_providers import follow_up_memos_late, follow_up_memos_to_send

CSO, HEAD, ANALYST = DepartmentRole.CSO, DepartmentRole.HEAD, DepartmentRole.ANALYST
# A plan waiting longer than this for review is urgent.
REVIEW_URGENT_AFTER_DAYS = 14


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _ago(n: int) -> str:
    return "today" if n <= 0 else "yesterday" if n == 1 else f"{n} days ago"


# -- The Chief Customer Service Officer ------------------------------------------------


def plans_to_review(ctx: InboxContext) -> list[InboxItem]:
    if not ctx.is_ccso:
        return []
    items = []
    for plan in CustomerServicePlan.objects.filter(
        status=PlanStatus.SUBMITTED, department__active=True
    ).select_related("department"):
        since = timezone.localdate(plan.submitted_at) if plan.submitted_at else ctx.today
        waiting = (ctx.today - since).days
        items.append(
            InboxItem(
                kind="Plan review",
                title=f"Review the {plan.department.display_name} plan",
                why=f"Submitted for review {_ago(waiting)}"
                + ("; the head endorsed it." if plan.endorsed_at else "."),
                url=plan.get_absolute_url(),
                urgency=URGENT if waiting >= REVIEW_URGENT_AFTER_DAYS else WAITING,
                since=since,
            )
        )
    return items


def themes_to_decide(ctx: InboxContext) -> list[InboxItem]:
    if not ctx.is_ccso:
        return []
    proposed = list(
        Theme.objects.filter(status=Theme.Status.PROPOSED).order_by("created_at", "pk")[:51]
    )
    if not proposed:
        return []
    n = len(proposed)
    names = ", ".join(f"“{t.name}”" for t in proposed[:3]) + (" and more" if n > 3 else "")
    return [
        InboxItem(
            kind="Themes",
            title=f"Decide {'over 50' if n > 50 else n} proposed theme{'s' if n != 1 else ''}",
            why=f"CSOs proposed {names}; accept, merge or reject each on the theme board.",
            url=reverse("focusgroups:theme_board"),
        )
    ]


def public_pages_to_approve(ctx: InboxContext) -> list[InboxItem]:
    if not ctx.is_ccso:
        return []
    return [
        InboxItem(
            kind="Public page",
            title=f"Approve the public page of {p.department.display_name}",
            why="Its CSO asked to publish it"
            + (f" on {timezone.localdate(p.requested_at):%-d %B}." if p.requested_at else "."),
            url=reverse("csoprogram:publication", kwargs={"slug": p.department.slug}),
            since=timezone.localdate(p.requested_at) if p.requested_at else None,
        )
        for p in DepartmentPublication.objects.filter(
            status=DepartmentPublication.Status.REQUESTED, department__active=True
        ).select_related("department")
    ]


def escalations(ctx: InboxContext) -> list[InboxItem]:
    """Escalations sent to this person (a head the day before, the CCSO on the
    day) about meetings not yet past."""
    items = []
    for d in (
        ReminderDelivery.objects.filter(
            recipient=ctx.user,
            kind__in=[ReminderKind.HEAD, ReminderKind.CCSO],
            meeting__date__gte=ctx.today,
        )
        .select_related("meeting__department")
        .order_by("meeting__date", "pk")
    ):
        m = d.meeting
        items.append(
            InboxItem(
                kind="Escalation",
                title=f"{m.department.display_name} is not ready for its PhillyStat meeting",
                why=f"{len(d.missing)} item{'s' if len(d.missing) != 1 else ''} still missing "
                f"for the {m.quarter_label} meeting on {m.date:%-d %B}.",
                url=reverse("metrics:meeting_detail", kwargs={"pk": m.pk}),
                urgency=URGENT,
                due=m.date,
            )
        )
    return items


def failed_packets(ctx: InboxContext) -> list[InboxItem]:
    if not ctx.is_ccso:
        return []
    return [
        InboxItem(
            kind="Review packet",
            title=f"Retry the packet “{p.title}”",
            why=f"Its build failed: {p.error[:160]}",
            url=(
                reverse("metrics:meeting_detail", kwargs={"pk": p.meeting_id})
                if p.meeting_id
                else reverse("metrics:packet_list")
            ),
            urgency=URGENT,
            since=timezone.localdate(p.finished_at) if p.finished_at else None,
        )
        for p in ReviewPacket.objects.filter(
            Q(meeting=None) | Q(meeting__date__gte=ctx.today), status=ReviewPacket.Status.FAILED
        ).order_by("pk")
    ]


def overdue_commitments(ctx: InboxContext) -> list[InboxItem]:
    """Each department's overdue commitments: for the CCSO across departments,
    for a head their department's (both are told when one is overdue). Those
    the person owns are under commitments_owned."""
    overdue_qs = Commitment.objects.filter(
        status=CommitmentStatus.OPEN, due__lt=ctx.today, department__active=True
    )
    if not ctx.is_ccso:
        heads_of = ctx.department_ids(HEAD)
        if not heads_of:
            return []
        overdue_qs = overdue_qs.filter(department_id__in=heads_of)
    by_department: dict[int, list[Commitment]] = {}
    for c in (
        overdue_qs.exclude(owner=ctx.user)
        .select_related("department", "owner")
        .order_by("due", "pk")
    ):
        by_department.setdefault(c.department_id, []).append(c)
    items = []
    for overdue in by_department.values():
        oldest, n = overdue[0], len(overdue)
        late = _days((ctx.today - oldest.due).days)
        items.append(
            InboxItem(
                kind="Commitments",
                title=f"{oldest.department.display_name}: {n} commitment{'s' if n != 1 else ''} "
                "overdue",
                why=f"The oldest was due {oldest.due:%-d %B} ({late} ago), owned by "
                f"{oldest.owner or 'nobody'}: “{oldest.what[:80]}”.",
                url=oldest.get_absolute_url(),
                urgency=URGENT,
                due=oldest.due,
            )
        )
    return items


# -- Everyone who owns a commitment ------------------------------------------------------


def commitments_owned(ctx: InboxContext) -> list[InboxItem]:
    """The open commitments the person owns, overdue first; each links to the
    page where its owner marks it done with a note."""
    items = []
    for c in (
        Commitment.objects.filter(
            owner=ctx.user, status=CommitmentStatus.OPEN, department__active=True
        )
        .select_related("department", "meeting")
        .order_by("due", "pk")
    ):
        days = (c.due - ctx.today).days
        when = (
            f"overdue since {c.due:%-d %B} ({_days(-days)})"
            if days < 0
            else "due today"
            if days == 0
            else f"due {c.due:%-d %B} (in {_days(days)})"
        )
        items.append(
            InboxItem(
                kind="Commitment",
                title=c.what[:120],
                why=f"You committed to it at the {c.department.display_name} PhillyStat "
                f"meeting ({c.meeting.quarter_label}); {when}. Mark it done with a note.",
                url=reverse("metrics:commitment_close", kwargs={"pk": c.pk}),
                urgency=urgency_for(c.due, ctx.today),
                due=c.due,
            )
        )
    return items


# -- Customer Service Officers ----------------------------------------------------------


def changes_requested(ctx: InboxContext) -> list[InboxItem]:
    ids = ctx.department_ids(CSO)
    if not ids:
        return []
    return [
        InboxItem(
            kind="Plan",
            title=f"Revise the {plan.department.display_name} plan",
            why="The Chief Customer Service Officer requested changes; "
            "revise it where the comments say, then submit it again.",
            url=plan.get_absolute_url(),
            urgency=SOON,
            since=timezone.localdate(plan.status_changed_at) if plan.status_changed_at else None,
        )
        for plan in CustomerServicePlan.objects.filter(
            department_id__in=ids, status=PlanStatus.CHANGES_REQUESTED
        ).select_related("department")
    ]


def _meeting_items(ctx: InboxContext, role: str, audience: str, kind: str) -> list[InboxItem]:
    ids = ctx.department_ids(role)
    items = []
    for m in ctx.upcoming_meetings:
        if m.department_id not in ids:
            continue
        for missing in m.missing[audience]:
            items.append(
                InboxItem(
                    kind=kind,
                    title=missing.text,
                    why=f"Due for the {m.department.display_name} PhillyStat meeting "
                    f"on {m.date:%-d %B} ({_days((m.date - ctx.today).days)} away).",
                    url=missing.url,
                    urgency=urgency_for(m.date, ctx.today),
                    due=m.date,
                )
            )
    return items


def narrative_due(ctx: InboxContext) -> list[InboxItem]:
    """The quarterly narrative and the notes red values need."""
    return _meeting_items(ctx, CSO, "cso", "Narrative")


def focus_groups_to_hold(ctx: InboxContext) -> list[InboxItem]:
    ids = ctx.department_ids(CSO)
    if not ids:
        return []
    target = focus_group_target()
    items = []
    for d in annotate_plan_status(
        annotate_focus_group_progress(Department.objects.filter(pk__in=ids, active=True))
    ):
        if d.plan_status is None and d.focus_groups_held < target:
            to_go = target - d.focus_groups_held
            items.append(
                InboxItem(
                    kind="Focus groups",
                    title=f"Hold {to_go} more focus group{'s' if to_go != 1 else ''}",
                    why=f"{d.display_name} has held {d.focus_groups_held} of {target}; "
                    "the plan is written from what they hear.",
                    url=reverse("focusgroups:session_list"),
                    urgency=LATER,
                )
            )
    return items


# -- PhillyStat analysts ----------------------------------------------------------------


def values_missing(ctx: InboxContext) -> list[InboxItem]:
    return _meeting_items(ctx, ANALYST, "analyst", "Metric values")


def meetings_to_schedule(ctx: InboxContext) -> list[InboxItem]:
    """Departments reporting on an approved plan with no PhillyStat meeting ahead."""
    ids = ctx.department_ids(ANALYST)
    if not ids:
        return []
    ahead = PhillyStatMeeting.objects.filter(department=OuterRef("pk"), date__gte=ctx.today)
    departments = annotate_plan_status(
        Department.objects.filter(pk__in=ids, active=True).annotate(has_next=Exists(ahead))
    )
    return [
        InboxItem(
            kind="PhillyStat",
            title=f"Schedule the {d.display_name} PhillyStat meetings",
            why="Its plan is approved and no PhillyStat meeting is scheduled ahead.",
            url=reverse("metrics:meeting_schedule", kwargs={"slug": d.slug}),
            urgency=SOON,
        )
        for d in departments
        if d.plan_status == PlanStatus.APPROVED and not d.has_next
    ]


def packets_to_check(ctx: InboxContext) -> list[InboxItem]:
    ids = ctx.department_ids(ANALYST)
    if not ids:
        return []
    return [
        InboxItem(
            kind="Review packet",
            title=f"Check the review packet for {p.meeting.department.display_name}",
            why=f"Ready for the {p.meeting.quarter_label} meeting on {p.meeting.date:%-d %B}; "
            "read it before it is presented.",
            url=reverse("metrics:meeting_detail", kwargs={"pk": p.meeting_id}),
            urgency=urgency_for(p.meeting.date, ctx.today),
            due=p.meeting.date,
        )
        for p in ReviewPacket.objects.filter(
            status=ReviewPacket.Status.READY,
            meeting__department_id__in=ids,
            meeting__date__gte=ctx.today,
            meeting__date__lte=ctx.today + timedelta(days=7),
        ).select_related("meeting__department")
    ]


# -- Department heads -------------------------------------------------------------------


def department_owes(ctx: InboxContext) -> list[InboxItem]:
    """What the head's department still owes: before its meeting, and the plan."""
    ids = ctx.department_ids(HEAD)
    if not ids:
        return []
    items = []
    for m in ctx.upcoming_meetings:
        owed = m.missing["cso"] + m.missing["analyst"]
        if m.department_id in ids and owed:
            items.append(
                InboxItem(
                    kind="Department",
                    title=f"{m.department.display_name} still owes {len(owed)} "
                    f"item{'s' if len(owed) != 1 else ''} for its PhillyStat meeting",
                    why="; ".join(o.text for o in owed[:3]) + ("…" if len(owed) > 3 else "."),
                    url=reverse("metrics:meeting_detail", kwargs={"pk": m.pk}),
                    urgency=urgency_for(m.date, ctx.today),
                    due=m.date,
                )
            )
    for plan in CustomerServicePlan.objects.filter(
        department_id__in=ids, status=PlanStatus.SUBMITTED, endorsed_at=None
    ).select_related("department"):
        items.append(
            InboxItem(
                kind="Plan",
                title=f"Endorse the {plan.department.display_name} plan",
                why="Your CSO submitted it for review; the CCSO sees your endorsement.",
                url=plan.get_absolute_url(),
                since=timezone.localdate(plan.submitted_at) if plan.submitted_at else None,
            )
        )
    return items


# -- The Managing Director's Office -----------------------------------------------------


def program_meetings_ahead(ctx: InboxContext) -> list[InboxItem]:
    if not ctx.is_program_wide:
        return []
    meetings = list(ProgramMeeting.objects.filter(date__gte=ctx.today).order_by("date", "pk")[:3])
    return [
        InboxItem(
            kind=m.get_kind_display(),
            title=f"{m} on {m.date:%A %-d %B}",
            why="The next outcomes session: the dashboard is what the departments present."
            if m.kind == ProgramMeeting.Kind.OUTCOMES_SESSION
            else "A program meeting ahead.",
            url=reverse("csoprogram:meeting_detail", kwargs={"pk": m.pk}),
            urgency=urgency_for(m.date, ctx.today),
            due=m.date,
        )
        for m in meetings
    ]


PROVIDERS: list[Callable[[InboxContext], list[InboxItem]]] = [
    plans_to_review,
    themes_to_decide,
    public_pages_to_approve,
    escalations,
    follow_up_memos_late,
    failed_packets,
    overdue_commitments,
    commitments_owned,
    changes_requested,
    narrative_due,
    focus_groups_to_hold,
    values_missing,
    meetings_to_schedule,
    packets_to_check,
    follow_up_memos_to_send,
    department_owes,
    program_meetings_ahead,
]
