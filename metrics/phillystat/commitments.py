"""Writes about commitments made at PhillyStat meetings: recording one with
its owner and due date, editing it, and closing it (done, with a note, by its
owner; dropped by the analyst or the CCSO). Who may own one is
permissions.commitment_owners; the hourly follow-up is follow_ups.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib.notifications import notify
from csoprogram.lib.rules import RuleError
from csoprogram.lib.timeline import records_history_by_user

from ..permissions import RECORD_COMMITMENT, require
from .models import Commitment, CommitmentStatus, PhillyStatMeeting
from .permissions import can_edit_commitment, can_mark_commitment_done, can_own_commitment

OWNER_REFUSED = RuleError(
    "A commitment is owned by the department's CSO, head or PhillyStat analyst, "
    "or by the Chief Customer Service Officer.",
    "Choose one from the list.",
    field="owner",
)
CLOSED_ALREADY = RuleError(
    "The commitment is closed already.", "Reload the page to see who closed it.", code="conflict"
)
DROP_NEEDS_NOTE = RuleError(
    "A dropped commitment says why it was dropped.", "Write why in the note.", field="note"
)


def _owner_check(owner, department) -> None:
    if not can_own_commitment(owner, department):
        raise OWNER_REFUSED


def _tell_owner(commitment: Commitment, *, actor) -> None:
    """The owner is told once per commitment and owner (not when they gave it
    to themselves)."""
    owner = commitment.owner
    if owner is None or owner.pk == getattr(actor, "pk", None):
        return
    meeting = commitment.meeting
    notify(
        kind="commitment_assigned",
        event_key=f"commitment:{commitment.pk}:assigned:{owner.pk}",
        recipients=[owner],
        title=f"Commitment assigned to you: {commitment.what[:120]}",
        body=(
            f"From the {meeting.department.display_name} PhillyStat meeting "
            f"({meeting.quarter_label}); due {commitment.due:%-d %B %Y}."
        ),
        url=reverse("metrics:commitment_close", kwargs={"pk": commitment.pk}),
    )


@records_history_by_user
def commitment_create(*, user, meeting: PhillyStatMeeting, what: str, owner, due) -> Commitment:
    require(user, RECORD_COMMITMENT, meeting.department)
    _owner_check(owner, meeting.department)
    with transaction.atomic():
        commitment = Commitment.objects.create(
            meeting=meeting,
            department=meeting.department,
            what=what,
            owner=owner,
            due=due,
            created_by=user,
        )
        _tell_owner(commitment, actor=user)
    return commitment


@records_history_by_user
def commitment_update(*, user, commitment: Commitment, what: str, owner, due) -> Commitment:
    """Edit an open commitment (the analyst or the CCSO); a new owner is told."""
    if not can_edit_commitment(user, commitment):
        raise PermissionDenied
    _owner_check(owner, commitment.department)
    with transaction.atomic():
        fresh = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if not fresh.is_open:
            raise CLOSED_ALREADY
        fresh.what, fresh.owner, fresh.due = what, owner, due
        fresh.save(update_fields=["what", "owner", "due"])
        _tell_owner(fresh, actor=user)
    return fresh


def commitment_close(
    *, user, commitment: Commitment, status: str = CommitmentStatus.DONE, note: str = ""
) -> bool:
    """Mark an open commitment done (its owner, the analyst or the CCSO) or
    dropped (the analyst or the CCSO, saying why). Closing twice does nothing:
    True if it closed now."""
    note = (note or "").strip()
    if status == CommitmentStatus.DONE:
        allowed = can_mark_commitment_done(user, commitment)
    elif status == CommitmentStatus.DROPPED:
        allowed = can_edit_commitment(user, commitment)
        if allowed and not note:
            raise DROP_NEEDS_NOTE
    else:
        raise ValueError(f"Unknown closing status {status!r}")
    if not allowed:
        raise PermissionDenied
    # Compare-and-swap, so two people closing at once record one closer.
    with transaction.atomic():
        closed = (
            Commitment.objects.filter(pk=commitment.pk, status=CommitmentStatus.OPEN).update(
                status=status, closed_at=timezone.now(), closed_by=user, closing_note=note
            )
            == 1
        )
        if closed:  # the update bypasses the history's signals: record it
            commitment.refresh_from_db()
            Commitment.history.bulk_history_create(
                [commitment],
                update=True,
                default_user=user,
                default_change_reason="Done" if status == CommitmentStatus.DONE else "Dropped",
            )
    return closed
