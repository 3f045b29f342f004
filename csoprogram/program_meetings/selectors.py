"""Reads for program meetings and the program update page. A fixed number of
queries however many departments present.

What a meeting says about plans comes from the plans shown program-wide (the
plans app's rule): the MDO attends these meetings, so a plan never submitted
for review leaves no trace in them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from departments.selectors import departments_visible_to
from focusgroups.models import FocusGroupSession
from metrics.models import MetricValue
from plans.models import LeaderSupport, Success
from plans.selectors import impediments_listed_for, plans_shown_program_wide

from ..facts import departments_for_page, plural
from ..models import ProgramMeeting
from ..stage import departments_with_stage, with_stage

# A program update without a previous one counts changes over this many days.
FIRST_UPDATE_LOOKS_BACK_DAYS = 180
RECENT_SUCCESS_DAYS = 180


def program_meetings() -> QuerySet[ProgramMeeting]:
    return ProgramMeeting.objects.annotate(
        presenting=Count("agenda", distinct=True),
        open_items=Count("action_items", filter=Q(action_items__done_at=None), distinct=True),
    )


def program_meeting_detail(meeting: ProgramMeeting, user) -> dict:
    """The meeting's agenda with each presenting department's stage and, for a
    program update, what changed since the previous update, open impediments
    with the support requested, and successes."""
    agenda = list(meeting.agenda.all())
    ids = [a.department_id for a in agenda]
    by_id = {d.pk: d for d in departments_for_page(user, department_ids=ids)}
    previous = (
        ProgramMeeting.objects.filter(kind=meeting.kind, date__lt=meeting.date)
        .order_by("-date")
        .first()
    )
    since = (
        previous.date
        if previous
        else meeting.date - datetime.timedelta(days=FIRST_UPDATE_LOOKS_BACK_DAYS)
    )
    impediments = impediments_listed_for(ids)
    successes = defaultdict(list)
    for s in Success.objects.filter(
        department_id__in=ids, happened_on__gt=since, happened_on__lte=meeting.date
    ).order_by("-happened_on"):
        successes[s.department_id].append(s)
    changes = changes_since(ids, since, meeting.date)
    rows = [
        {
            "entry": a,
            "department": by_id[a.department_id],
            "impediments": impediments.get(a.department_id, []),
            "successes": successes[a.department_id],
            "changes": changes[a.department_id],
        }
        for a in agenda
        if a.department_id in by_id  # not an inactive department
    ]
    items = list(meeting.action_items.select_related("department"))
    return {"rows": rows, "action_items": items, "previous": previous, "since": since}


def changes_since(ids, since: datetime.date, until: datetime.date) -> dict[int, list[str]]:
    """What each department recorded after `since` until `until`, in words."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.max))
    end = timezone.make_aware(datetime.datetime.combine(until, datetime.time.max))
    changes: dict[int, list[str]] = defaultdict(list)
    for dept_id, n in (
        FocusGroupSession.objects.filter(
            department_id__in=ids,
            status=FocusGroupSession.Status.HELD,
            held_on__gt=since,
            held_on__lte=until,
        )
        .order_by()
        .values_list("department_id")
        .annotate(n=Count("pk"))
    ):
        changes[dept_id].append(f"{plural(n, 'focus group session')} held")
    for p in plans_shown_program_wide().filter(
        department_id__in=ids, status_changed_at__gt=start, status_changed_at__lte=end
    ):
        changes[p.department_id].append(
            f"Customer service plan now {p.get_status_display().lower()}"
        )
    for dept_id, n in (
        MetricValue.objects.filter(
            metric__department_id__in=ids, created_at__gt=start, created_at__lte=end
        )
        .order_by()
        .values_list("metric__department_id")
        .annotate(n=Count("pk"))
    ):
        changes[dept_id].append(f"{plural(n, 'metric value')} entered")
    return changes


def program_update_departments(user):
    """Per department: its stage, open impediments, the support leaders gave
    and recent successes; a queryset to page (with_stage sets each page's
    stages). Four queries for any number of departments."""
    since = timezone.localdate() - datetime.timedelta(days=RECENT_SUCCESS_DAYS)
    qs = departments_with_stage(departments_visible_to(user)).order_by("name", "pk")
    qs = qs.prefetch_related(
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
    return qs


def program_update_rows(departments) -> list:
    """One page of program_update_departments with each department's stage and
    the same impediment list the narrative, the packets and the memos show."""
    rows = with_stage(departments)
    impediments = impediments_listed_for([d.pk for d in rows])
    for d in rows:
        d.open_impediments = impediments.get(d.pk, [])
    return rows
