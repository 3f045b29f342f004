"""Who may see and run program meetings: the CCSO and the MDO read them; only
the CCSO records a meeting, orders its agenda and adds action items.
Department people get 403 (the pages exist, they are not theirs)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from csoprogram.lib.access import object_for_user
from departments import roles
from departments.permissions import require_program_wide

from ..models import ProgramMeeting, ProgramMeetingDepartment


def can_manage_program_meetings(user) -> bool:
    return roles.is_ccso(user)


def require_manage_program_meetings(user) -> None:
    if not can_manage_program_meetings(user):
        raise PermissionDenied


def program_meeting_for_user(user, pk, *, manage: bool = False) -> ProgramMeeting:
    """The meeting for the CCSO or the MDO (else 403), 404 if there is none;
    manage=True: the CCSO only (else 403)."""
    require_program_wide(user)
    return object_for_user(
        ProgramMeeting.objects.all(),
        user,
        pk=pk,
        can_view=lambda u, meeting: True,  # every program meeting is program-wide
        can_act=(lambda u, meeting: can_manage_program_meetings(u)) if manage else None,
        not_found="No such program meeting.",
    )


def agenda_entry_for_user(user, pk, entry_pk) -> ProgramMeetingDepartment:
    """A department's place on the meeting's agenda, for the CCSO to move."""
    meeting = program_meeting_for_user(user, pk, manage=True)
    return get_object_or_404(ProgramMeetingDepartment, pk=entry_pk, meeting=meeting)
