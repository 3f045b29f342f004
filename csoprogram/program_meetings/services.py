"""Writes about program meetings: record a meeting with the departments
presenting, move a department on the agenda, add an action item. Each checks
that the CCSO acts, whoever calls it."""

from __future__ import annotations

import datetime

from django.db import transaction

from csoprogram.lib.rules import RuleError

from ..models import ProgramActionItem, ProgramMeeting, ProgramMeetingDepartment
from .permissions import require_manage_program_meetings

DIRECTIONS = ("up", "down")


def program_meeting_create(
    *,
    user,
    kind: str,
    date: datetime.date,
    title: str = "",
    attendees: str = "",
    notes: str = "",
    departments=(),
) -> ProgramMeeting:
    """Record a program meeting; the departments present in the order given."""
    require_manage_program_meetings(user)
    with transaction.atomic():
        meeting = ProgramMeeting.objects.create(
            kind=kind, date=date, title=title, attendees=attendees, notes=notes, created_by=user
        )
        ProgramMeetingDepartment.objects.bulk_create(
            ProgramMeetingDepartment(meeting=meeting, department=d, order=order)
            for order, d in enumerate(departments, start=1)
        )
    return meeting


def agenda_entry_move(*, user, entry: ProgramMeetingDepartment, direction: str) -> None:
    """Move a presenting department one place earlier ("up") or later ("down");
    at either end of the agenda nothing moves."""
    require_manage_program_meetings(user)
    if direction not in DIRECTIONS:
        raise RuleError("A department moves up or down the agenda.", field="direction")
    with transaction.atomic():
        # Locked, so two moves at once cannot give two departments one place.
        agenda = list(
            ProgramMeetingDepartment.objects.filter(meeting_id=entry.meeting_id)
            .order_by("order", "pk")
            .select_for_update()
        )
        index = next(i for i, a in enumerate(agenda) if a.pk == entry.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(agenda):
            return
        agenda[index], agenda[other] = agenda[other], agenda[index]
        for order, a in enumerate(agenda, start=1):
            if a.order != order:
                a.order = order
                a.save(update_fields=["order"])


def action_item_add(
    *, user, meeting: ProgramMeeting, what: str, owner: str, due: datetime.date, department=None
) -> ProgramActionItem:
    """An action item of the meeting, for the whole program or for one of the
    departments presenting at it."""
    require_manage_program_meetings(user)
    if department is not None and not meeting.agenda.filter(department=department).exists():
        raise RuleError(
            f"{department.display_name} does not present at this meeting.",
            "Choose a department presenting, or none for the whole program.",
            field="department",
        )
    return ProgramActionItem.objects.create(
        meeting=meeting, what=what, owner=owner, due=due, department=department
    )
