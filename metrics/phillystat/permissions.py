"""Access to PhillyStat meetings, commitments and review packets: the rules of
metrics.permissions, through the one access helper; and who may own, edit and
close a commitment."""

from django.db.models import Q, QuerySet

from csoprogram.lib.access import object_for_user
from departments import roles
from departments.models import DepartmentRole, User

from ..permissions import BUILD_PACKET, RECORD_COMMITMENT, can, can_view_record, record_for_user
from .models import Commitment, PhillyStatMeeting, ReviewPacket


def meeting_for_user(user, pk: int, *, action: str | None = None) -> PhillyStatMeeting:
    meetings = PhillyStatMeeting.objects.select_related("department", "analyst")
    return record_for_user(meetings, user, pk, action=action, not_found="No such meeting.")


def can_view_packet(user, packet: ReviewPacket) -> bool:
    if packet.kind == ReviewPacket.Kind.OUTCOMES:
        # Covers every department: program-wide people only.
        return roles.is_program_wide(user)
    return can_view_record(user, packet)


def can_build_packet(user, department) -> bool:
    """Analysts of the department and the CCSO build packets on demand
    (the outcomes-session packet: the CCSO)."""
    return can(user, BUILD_PACKET, department)


def packet_for_user(user, pk: int, *, build: bool = False) -> ReviewPacket:
    """The packet if the user may see it (404 otherwise); build=True also
    requires the right to (re)build it (403 otherwise)."""
    return object_for_user(
        ReviewPacket.objects.select_related("department", "meeting"),
        user,
        pk=pk,
        can_view=can_view_packet,
        can_act=(lambda u, p: can_build_packet(u, p.department)) if build else None,
        not_found="No such packet.",
    )


# -- Commitments ----------------------------------------------------------------------


def commitment_owners(department) -> QuerySet:
    """Who may own a commitment of the department: its CSOs, head and analysts,
    and the CCSO. The one rule: the form offers these, the services refuse others."""
    return (
        User.objects.filter(
            Q(
                assignments__department=department,
                assignments__role__in=[
                    DepartmentRole.CSO,
                    DepartmentRole.HEAD,
                    DepartmentRole.ANALYST,
                ],
            )
            | Q(groups__name=roles.CCSO_GROUP),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def can_own_commitment(user, department) -> bool:
    return user is not None and commitment_owners(department).filter(pk=user.pk).exists()


def can_edit_commitment(user, commitment: Commitment) -> bool:
    """Record, edit, drop: the department's analysts and the CCSO."""
    return can(user, RECORD_COMMITMENT, commitment.department)


def can_mark_commitment_done(user, commitment: Commitment) -> bool:
    """The owner marks it done (and those who may edit it)."""
    return (user.is_authenticated and commitment.owner_id == user.pk) or can_edit_commitment(
        user, commitment
    )


def commitment_for_user(user, pk: int, *, edit: bool = False, done: bool = False) -> Commitment:
    """The commitment if the user may see it (404 otherwise); edit=True also
    requires the right to edit or drop it, done=True to mark it done (403)."""
    act = can_edit_commitment if edit else can_mark_commitment_done if done else None
    return object_for_user(
        Commitment.objects.select_related("department", "meeting", "owner"),
        user,
        pk=pk,
        can_view=can_view_record,
        can_act=act,
        not_found="No such commitment.",
    )


def commitments_with_rights(commitments, user) -> list[Commitment]:
    """The commitments, each with .can_done and .can_edit for this user (the
    rows of a meeting page), without a query per commitment."""
    commitments = list(commitments)
    # can() takes a department or its id: no query per row.
    editor = {d: can(user, RECORD_COMMITMENT, d) for d in {c.department_id for c in commitments}}
    for c in commitments:
        c.can_edit = editor.get(c.department_id, False)
        c.can_done = c.can_edit or (user.is_authenticated and c.owner_id == user.pk)
    return commitments
