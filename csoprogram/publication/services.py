"""Writes about a department's public page: ask to publish, approve, withdraw.
Each checks who acts, whoever calls it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib.notifications import notify
from csoprogram.lib.rules import RuleError
from departments.models import DepartmentRole
from departments.recipients import ccso_people, department_people_in

from ..models import DepartmentPublication
from .permissions import can_approve_publication, can_request_publication, can_withdraw_publication


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _page_url(department) -> str:
    return reverse("csoprogram:publication", kwargs={"slug": department.slug})


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
        notify(
            kind="publication_requested",
            event_key=f"publication:{publication.pk}:requested:{publication.requested_at.isoformat()}",
            recipients=ccso_people(),
            title=f"{department.display_name} asks to publish its public page",
            body=f"{len(metrics)} metric{'s' if len(metrics) != 1 else ''} chosen. "
            "Approve it to put the page online.",
            url=_page_url(department),
        )
    return publication


def publication_approve(*, user, department) -> bool:
    """Publish the page the CSO asked for. False if no request was waiting
    (already approved, withdrawn, or never asked)."""
    _require(can_approve_publication(user, department))
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-swap: of two approvals at once, one publishes.
        published = (
            DepartmentPublication.objects.filter(
                department=department, status=DepartmentPublication.Status.REQUESTED
            ).update(
                status=DepartmentPublication.Status.PUBLISHED, approved_by=user, approved_at=now
            )
            == 1
        )
        if published:
            notify(
                kind="publication_approved",
                event_key=f"publication:{department.pk}:approved:{now.isoformat()}",
                recipients=department_people_in(
                    department.pk, DepartmentRole.CSO, DepartmentRole.HEAD
                ),
                title=f"The public page of {department.display_name} is online",
                body="The Chief Customer Service Officer approved it.",
                url=_page_url(department),
            )
    return published


def publication_withdraw(*, user, department) -> None:
    """Take the public page down (or cancel the request to publish)."""
    _require(can_withdraw_publication(user, department))
    DepartmentPublication.objects.filter(department=department).exclude(
        status=DepartmentPublication.Status.WITHDRAWN
    ).update(status=DepartmentPublication.Status.WITHDRAWN)
