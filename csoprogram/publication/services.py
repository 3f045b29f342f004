"""Writes about a department's public page: ask to publish, approve, withdraw.
Each checks who acts, whoever calls it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from csoprogram.lib.rules import RuleError

from ..models import DepartmentPublication
from .permissions import can_approve_publication, can_request_publication, can_withdraw_publication


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def publication_request(*, user, department, metrics) -> DepartmentPublication:
    """The CSO asks to publish the department's page with these metrics; it
    waits for the CCSO's approval (again, if it was published before)."""
    _require(can_request_publication(user, department))
    foreign = [m for m in metrics if m.department_id != department.pk or not m.active]
    if foreign:
        raise RuleError(
            "A public page shows only the department's own active customer service metrics.",
            "Choose among them.",
            field="metrics",
        )
    with transaction.atomic():
        publication, _ = DepartmentPublication.objects.select_for_update().get_or_create(
            department=department
        )
        publication.status = DepartmentPublication.Status.REQUESTED
        publication.requested_by = user
        publication.requested_at = timezone.now()
        publication.approved_by, publication.approved_at = None, None
        publication.save()
        publication.metrics.set(metrics)
    return publication


def publication_approve(*, user, department) -> bool:
    """Publish the page the CSO asked for. False if no request was waiting
    (already approved, withdrawn, or never asked)."""
    _require(can_approve_publication(user, department))
    # Compare-and-swap: of two approvals at once, one publishes.
    return (
        DepartmentPublication.objects.filter(
            department=department, status=DepartmentPublication.Status.REQUESTED
        ).update(
            status=DepartmentPublication.Status.PUBLISHED,
            approved_by=user,
            approved_at=timezone.now(),
        )
        == 1
    )


def publication_withdraw(*, user, department) -> None:
    """Take the public page down (or cancel the request to publish)."""
    _require(can_withdraw_publication(user, department))
    DepartmentPublication.objects.filter(department=department).exclude(
        status=DepartmentPublication.Status.WITHDRAWN
    ).update(status=DepartmentPublication.Status.WITHDRAWN)
