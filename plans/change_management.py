"""Writes about the change-management record: impediments met, support and
encouragement given by leaders, successes to celebrate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from csoprogram.lib.rules import RuleError

from . import permissions
from .models import Impediment, LeaderSupport, Success


def impediment_create(
    *,
    department,
    user,
    kind: str,
    description: str,
    support_requested: str = "",
    who_can_help: str = "",
) -> Impediment:
    if not permissions.can_log_impediment(user, department):
        raise PermissionDenied
    impediment = Impediment(
        department=department,
        kind=kind,
        description=description,
        support_requested=support_requested,
        who_can_help=who_can_help,
        created_by=user,
    )
    impediment._history_user = user
    impediment.save()
    return impediment


def impediment_resolve(*, impediment: Impediment, user, resolution: str) -> Impediment:
    if not permissions.can_log_impediment(user, impediment.department):
        raise PermissionDenied
    if not resolution.strip():
        raise RuleError(
            "A resolved impediment says how it was resolved.",
            "Write the resolution.",
            field="resolution",
        )
    now = timezone.now()
    with transaction.atomic():
        won = Impediment.objects.filter(pk=impediment.pk, status=Impediment.Status.OPEN).update(
            status=Impediment.Status.RESOLVED,
            resolution=resolution.strip(),
            resolved_by=user,
            resolved_at=now,
            updated_at=now,
        )
        if not won:
            raise RuleError("The impediment is already resolved.", "Reload the page.")
        fresh = Impediment.objects.get(pk=impediment.pk)
        Impediment.history.bulk_history_create(
            [fresh], update=True, default_user=user, default_change_reason="Resolved"
        )
    return fresh


def support_record(
    *, department, user, description: str, impediment=None, success=None
) -> LeaderSupport:
    """Support and encouragement given, on one of the department's impediments
    or successes (or on neither)."""
    if not permissions.can_record_support(user, department):
        raise PermissionDenied
    for record in (impediment, success):
        if record is not None and record.department_id != department.pk:
            raise PermissionDenied
    if impediment is not None and success is not None:
        raise RuleError(
            "Support is given on an impediment or on a success, not both.",
            "Choose one of them, or record the support twice.",
            field="success",
        )
    return LeaderSupport.objects.create(
        department=department,
        impediment=impediment,
        success=success,
        description=description,
        given_by=user,
    )


def success_record(*, department, user, title: str, happened_on, description: str = "") -> Success:
    if not permissions.can_record_success(user, department):
        raise PermissionDenied
    return Success.objects.create(
        department=department,
        title=title,
        description=description,
        happened_on=happened_on,
        recorded_by=user,
    )
