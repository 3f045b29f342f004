"""Access to PhillyStat meetings, commitments and review packets: the rules of
metrics.permissions, through the one access helper."""

from csoprogram.lib.access import object_for_user
from departments import roles

from ..permissions import BUILD_PACKET, can, can_view_record, record_for_user
from .models import Commitment, PhillyStatMeeting, ReviewPacket


def meeting_for_user(user, pk: int, *, action: str | None = None) -> PhillyStatMeeting:
    meetings = PhillyStatMeeting.objects.select_related("department", "analyst")
    return record_for_user(meetings, user, pk, action=action, not_found="No such meeting.")


def commitment_for_user(user, pk: int, *, action: str | None = None) -> Commitment:
    commitments = Commitment.objects.select_related("department", "meeting")
    return record_for_user(commitments, user, pk, action=action, not_found="No such commitment.")


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
