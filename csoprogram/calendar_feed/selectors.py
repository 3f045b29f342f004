"""What a person's private calendar feed holds: only what they may see, and
only what is theirs. Department people: the PhillyStat meetings and focus
group sessions of the departments where they hold a role, the metric values
due in the departments they are the analyst of, and, for CSOs, the training
program's sessions. The CCSO and the MDO: the program meetings and every
department's PhillyStat meeting. A fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.ics import CalendarEvent
from departments import roles
from departments.models import Department, DepartmentRole
from departments.training.models import TrainingSession
from focusgroups.calendar import session_event
from focusgroups.models import FocusGroupSession
from metrics.phillystat.calendar import meeting_event, values_due_event
from metrics.phillystat.models import PhillyStatMeeting

from ..models import ProgramMeeting

# The feed covers a quarter back and a year ahead.
PAST_DAYS, AHEAD_DAYS = 92, 366


def program_meeting_event(meeting: ProgramMeeting, *, base_url: str) -> CalendarEvent:
    kind = meeting.get_kind_display()
    lines = [f"{kind} of the CSO Program."]
    if meeting.attendees.strip():
        lines.append("Attendees: " + ", ".join(meeting.attendees.split("\n")))
    return CalendarEvent(
        uid=f"program-meeting-{meeting.pk}",
        summary=str(meeting) if meeting.title else kind,
        day=meeting.date,
        description="\n".join(lines),
        url=base_url + reverse("csoprogram:meeting_detail", kwargs={"pk": meeting.pk}),
    )


def _training_event(session: TrainingSession, *, base_url: str) -> CalendarEvent:
    where = "Online" if session.online else "In person"
    return CalendarEvent(
        uid=f"training-session-{session.pk}",
        summary=f"CSO training: {session.module.title}",
        starts_at=session.starts_at,
        duration=timedelta(hours=2),
        location=session.place,
        description=f"{where}. Facilitator: {session.facilitator}.",
        url=base_url + reverse("training:session_detail", kwargs={"pk": session.pk}),
    )


def person_calendar(user, *, base_url: str) -> list[CalendarEvent]:
    today = fiscal.today()
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=AHEAD_DAYS)
    events: list[CalendarEvent] = []
    if roles.is_program_wide(user):
        for m in ProgramMeeting.objects.filter(date__range=(first, last)):
            events.append(program_meeting_event(m, base_url=base_url))
        meeting_departments = Department.objects.filter(active=True)
    else:
        meeting_departments = Department.objects.filter(
            active=True, pk__in=list(roles.department_roles(user))
        )
    for m in PhillyStatMeeting.objects.filter(
        department__in=meeting_departments, date__range=(first, last)
    ).select_related("department", "analyst"):
        events.append(meeting_event(m, base_url=base_url))
    mine = Department.objects.filter(active=True, pk__in=list(roles.department_roles(user)))
    for s in FocusGroupSession.objects.filter(
        department__in=mine, held_on__range=(first, last)
    ).select_related("department", "facilitator"):
        events.append(session_event(s, base_url=base_url))
    analyst_of = roles.department_ids_with_role(user, DepartmentRole.ANALYST)
    if analyst_of:
        quarters = [fiscal.last_completed_quarter(), fiscal.current_quarter()]
        for d in Department.objects.filter(active=True, pk__in=analyst_of):
            events.extend(values_due_event(d, q, base_url=base_url) for q in quarters)
    if roles.is_cso(user):
        for s in TrainingSession.objects.filter(
            module__active=True, starts_at__gte=timezone.now() - timedelta(days=PAST_DAYS)
        ).select_related("module"):
            events.append(_training_event(s, base_url=base_url))
    return events
