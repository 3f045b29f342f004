"""Reads about customer service plans, scoped to the user."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from csoprogram.lib import fiscal
from departments import roles
from departments.selectors import departments_visible_to
from focusgroups.models import FeedbackItem
from focusgroups.selectors import department_strengths_and_opportunities

from .models import (
    PLAN_TEXT_FIELDS,
    AreaOfFocus,
    CommentField,
    CustomerServicePlan,
    Impediment,
    LeaderSupport,
    PlanComment,
    PlanStatus,
    Success,
)
from .permissions import SHOWN_PROGRAM_WIDE, can_view_plan

SENTIMENTS = ("positive", "negative", "suggestion")


def annotate_plan_status(qs: QuerySet) -> QuerySet:
    """Add plan_status (draft / submitted / changes_requested / approved, or None)
    of the department's current plan — its latest program year — to a
    Department queryset, as one subquery (no extra query per department)."""
    latest = CustomerServicePlan.objects.filter(department=OuterRef("pk")).order_by("-program_year")
    return qs.annotate(
        plan_status=Subquery(latest.values("status")[:1]),
        current_plan_id=Subquery(latest.values("pk")[:1]),
    )


def plans_waiting_for_review(user) -> list[CustomerServicePlan]:
    """Submitted plans the user reviews (the CCSO), longest waiting first,
    each with .days_waiting."""
    if not roles.is_ccso(user):
        return []
    today = fiscal.today()
    plans = list(
        CustomerServicePlan.objects.filter(status=PlanStatus.SUBMITTED, department__active=True)
        .select_related("department")
        .order_by(F("submitted_at").asc(nulls_last=True), "department__name")
    )
    for plan in plans:
        since = plan.submitted_at or plan.status_changed_at or plan.created_at
        plan.days_waiting = (today - timezone.localdate(since)).days
    return plans


def plans_visible_to(user) -> QuerySet[CustomerServicePlan]:
    """Plans of the user's departments; the CCSO sees all; the MDO also sees
    every plan shown program-wide, never one that was not."""
    qs = CustomerServicePlan.objects.filter(department__active=True).select_related("department")
    if roles.is_ccso(user):
        return qs
    mine = Q(department_id__in=roles.department_ids_with_role(user))
    if roles.is_mdo(user):
        return qs.filter(mine | SHOWN_PROGRAM_WIDE)
    return qs.filter(mine)


def plans_shown_program_wide() -> QuerySet[CustomerServicePlan]:
    """Plans that packets, dashboards and exports read for every department."""
    return CustomerServicePlan.objects.filter(SHOWN_PROGRAM_WIDE)


def plans_approved() -> QuerySet[CustomerServicePlan]:
    """Approved plans: what a department's public page may show."""
    return plans_shown_program_wide().filter(status=PlanStatus.APPROVED)


def areas_visible_to(user) -> QuerySet[AreaOfFocus]:
    return AreaOfFocus.objects.filter(plan__in=plans_visible_to(user))


def area_shown_to(user, area: AreaOfFocus | None) -> AreaOfFocus | None:
    """The area if the user may read its plan, else None (for pages that
    mention an area next to something else, such as a metric)."""
    if area is None or not can_view_plan(user, area.plan):
        return None
    return area


def areas_metrics_may_measure(department) -> QuerySet[AreaOfFocus]:
    """The areas of focus a customer service metric of the department may be
    linked to: areas of a plan submitted for review, not withdrawn (a metric is
    read program-wide, so its area must be too)."""
    return (
        AreaOfFocus.objects.filter(department=department, plan__ever_submitted=True)
        .exclude(status=AreaOfFocus.Status.WITHDRAWN)
        .select_related("plan")
        .order_by("-plan__program_year", "year", "pk")
    )


def departments_without_current_plan(user) -> list:
    """The user's departments (as CSO) without a plan for the current year."""
    year = fiscal.current_program_year()
    ids = roles.department_ids_with_role(user, "cso")
    return list(
        departments_visible_to(user)
        .filter(pk__in=ids)
        .exclude(plans__program_year__gte=year)
        .order_by("name")
    )


def strengths_and_opportunities_suggestion(*, department) -> dict[str, str]:
    """Strengths and opportunities suggested from the focus-group summary, as
    editable lines: the theme, its counts and a quote."""
    summary = department_strengths_and_opportunities(department=department)
    result = {}
    for key in ("strengths", "opportunities"):
        lines = []
        for s in getattr(summary, key):
            counts = [f"{getattr(s, k)} {k}" for k in SENTIMENTS if getattr(s, k)]
            line = f"- {s.theme.name}" + (f" ({', '.join(counts)})" if counts else "")
            if s.quotes:
                line += f": “{s.quotes[0]}”"
            lines.append(line)
        if lines:
            result[key] = "\n".join(lines)
    return result


# -- the plan page ---------------------------------------------------------------


def comments_by_field(plan: CustomerServicePlan) -> tuple[list, dict[str, list]]:
    """All review comments in order, and the same comments keyed by the field
    they are anchored to ("" for the plan as a whole)."""
    comments = list(plan.comments.select_related("author"))
    by_field: dict[str, list] = defaultdict(list)
    for c in comments:
        if c.withdrawn_at is None:  # a withdrawn comment stays in the conversation only
            by_field[c.field].append(c)
    return comments, dict(by_field)


@dataclass
class ThemeEvidence:
    theme: object
    count: int
    positive: int
    negative: int


@dataclass
class AreaEvidence:
    area: AreaOfFocus
    themes: list[ThemeEvidence] = field(default_factory=list)
    quotes: list = field(default_factory=list)
    feedback_total: int = 0


def areas_with_evidence(plan: CustomerServicePlan, *, quotes_per_area: int = 3) -> list:
    """Each area of focus with the customer voice behind it: per theme, how many
    feedback items of the department carry it; and quotes — the feedback items
    linked to the area, else items of its themes. A fixed number of queries."""
    areas = list(
        plan.areas_of_focus.prefetch_related(
            "themes",
            Prefetch(
                "feedback_items",
                queryset=FeedbackItem.objects.select_related("session").order_by("pk"),
            ),
        ).select_related("progress_confirmed_by")
    )
    theme_ids = {t.pk for a in areas for t in a.themes.all()}
    counts: dict[int, dict] = {}
    samples: dict[int, list] = defaultdict(list)
    if theme_ids:
        rows = (
            FeedbackItem.objects.filter(department_id=plan.department_id, themes__in=theme_ids)
            .values("themes")
            .annotate(
                n=Count("pk", distinct=True),
                pos=Count("pk", filter=Q(sentiment="positive"), distinct=True),
                neg=Count("pk", filter=Q(sentiment="negative"), distinct=True),
            )
        )
        counts = {r["themes"]: r for r in rows}
        # A few quotes per theme for areas without their own linked items.
        for item in (
            FeedbackItem.objects.filter(department_id=plan.department_id, themes__in=theme_ids)
            .annotate(theme_id=F("themes"))
            .order_by("-created_at")[:60]
        ):
            if len(samples[item.theme_id]) < quotes_per_area:
                samples[item.theme_id].append(item)
    result = []
    for area in areas:
        ev = AreaEvidence(area=area)
        for theme in area.themes.all():
            row = counts.get(theme.pk, {})
            ev.themes.append(
                ThemeEvidence(theme, row.get("n", 0), row.get("pos", 0), row.get("neg", 0))
            )
        linked = list(area.feedback_items.all())
        if linked:
            ev.quotes = linked[:quotes_per_area]
        else:
            seen = set()
            for theme in area.themes.all():
                for item in samples.get(theme.pk, []):
                    if item.pk not in seen and len(ev.quotes) < quotes_per_area:
                        seen.add(item.pk)
                        ev.quotes.append(item)
        ev.feedback_total = max([t.count for t in ev.themes] + [len(linked)])
        result.append(ev)
    return result


# -- history -------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime.datetime
    who: object
    what: str
    details: list = field(default_factory=list)  # (label, before, after)
    version: int | None = None
    history_id: int | None = None


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def plan_timeline(plan: CustomerServicePlan, *, limit: int | None = None) -> list[TimelineEntry]:
    """Every recorded change to the plan and its areas of focus, and every
    review comment, newest first, with who and when."""
    entries: list[TimelineEntry] = []
    records = list(
        CustomerServicePlan.history.filter(id=plan.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous = None
    for r in records:
        details = []
        if previous is not None:
            for name in PLAN_TEXT_FIELDS:
                before, after = getattr(previous, name), getattr(r, name)
                if before != after:
                    details.append((_label(CustomerServicePlan, name), before, after))
            if previous.status != r.status:
                details.append(("Status", previous.get_status_display(), r.get_status_display()))
        what = r.history_change_reason or ("Started" if r.history_type == "+" else "Changed")
        entries.append(
            TimelineEntry(r.history_date, r.history_user, what, details, r.version, r.history_id)
        )
        previous = r
    area_records = list(
        AreaOfFocus.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    last_by_area: dict[int, object] = {}
    for r in area_records:
        before = last_by_area.get(r.id)
        details = []
        if before is not None:
            for name in ("title", "description", "year", "status"):
                if getattr(before, name) != getattr(r, name):
                    shown = (
                        (lambda rec: rec.get_status_display())
                        if name == "status"
                        else (lambda rec, n=name: str(getattr(rec, n)))
                    )
                    details.append((_label(AreaOfFocus, name), shown(before), shown(r)))
            if not details and r.history_change_reason != "Progress confirmed by the CCSO":
                # Setting themes makes a record of its own right after the
                # save: fold it into that entry.
                last_by_area[r.id] = r
                if (
                    entries
                    and entries[-1].who == r.history_user
                    and (r.history_date - before.history_date) < datetime.timedelta(seconds=5)
                ):
                    continue
                details.append(("Feedback themes", "", "changed"))
        reason = r.history_change_reason or ("Added" if r.history_type == "+" else "Edited")
        if r.history_type == "-":
            reason = "Removed"
        entries.append(
            TimelineEntry(
                r.history_date, r.history_user, f"Area of focus “{r.title}”: {reason}", details
            )
        )
        last_by_area[r.id] = r
    for c in plan.comments.select_related("author"):
        label = c.get_kind_display() if c.kind != PlanComment.Kind.COMMENT else "Comment"
        about = f" on {c.get_field_display().lower()}" if c.field else ""
        entries.append(TimelineEntry(c.created_at, c.author, f"{label}{about}", [("", "", c.body)]))
    # A comment's author may edit or withdraw it for a while: each change is
    # an entry of its own, with the text as it then was.
    changes = PlanComment.history.filter(plan_id=plan.pk, history_type="~").select_related(
        "history_user"
    )
    for h in changes:
        what = h.history_change_reason or "Comment changed"
        entries.append(TimelineEntry(h.history_date, h.history_user, what, [("", "", h.body)]))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit] if limit else entries


def plan_versions(plan: CustomerServicePlan) -> list:
    """The plan's recorded versions, newest first."""
    return list(
        CustomerServicePlan.history.filter(id=plan.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change from one text to another as (op, text) segments, op being
    "equal", "delete" or "insert", word by word (whitespace kept)."""
    import difflib
    import re

    a, b = re.split(r"(\s+)", before or ""), re.split(r"(\s+)", after or "")
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", "".join(b[j1:j2])))
    return [(op, text) for op, text in segments if text]


@dataclass
class VersionDiffRow:
    label: str
    before: str
    after: str
    changed: bool

    @property
    def segments(self) -> list[tuple[str, str]]:
        return word_diff(self.before, self.after) if self.changed else []


def plan_version_diff(plan: CustomerServicePlan, *, older_id: int, newer_id: int) -> list:
    records = {
        r.history_id: r
        for r in CustomerServicePlan.history.filter(id=plan.pk, history_id__in=[older_id, newer_id])
    }
    if older_id not in records or newer_id not in records:
        return []
    a, b = records[older_id], records[newer_id]
    rows = [
        VersionDiffRow(
            _label(CustomerServicePlan, n),
            getattr(a, n),
            getattr(b, n),
            getattr(a, n) != getattr(b, n),
        )
        for n in PLAN_TEXT_FIELDS
    ]
    rows.append(
        VersionDiffRow(
            "Status", a.get_status_display(), b.get_status_display(), a.status != b.status
        )
    )
    return rows


# -- change management ----------------------------------------------------------------


def impediments_listed(department) -> list[Impediment]:
    """The department's open impediment records, oldest first: the one list the
    quarterly narrative, the meeting page, packets, memos and the program
    update show."""
    return list(impediments_listed_for([department.pk]).get(department.pk, []))


def impediments_listed_for(department_ids) -> dict[int, list[Impediment]]:
    """impediments_listed for several departments in one query."""
    listed: dict[int, list[Impediment]] = {}
    for i in (
        Impediment.objects.filter(department_id__in=list(department_ids), status="open")
        .select_related("department")
        .order_by("created_at", "pk")
    ):
        listed.setdefault(i.department_id, []).append(i)
    return listed


def change_record(department) -> dict:
    return {
        "impediments": list(
            Impediment.objects.filter(department=department)
            .select_related("created_by", "resolved_by")
            .prefetch_related(
                Prefetch("support", queryset=LeaderSupport.objects.select_related("given_by"))
            )
        ),
        "support": list(
            LeaderSupport.objects.filter(department=department).select_related(
                "given_by", "impediment", "success"
            )
        ),
        "successes": list(
            Success.objects.filter(department=department).select_related("recorded_by")
        ),
    }


COMMENT_FIELD_CHOICES = CommentField.choices
