"""Corrections of locked periods: a change asked for after the grace window
(metrics.locks) waits here until the CCSO or a designated approver decides.
Approving applies it through the same writes as any value or narrative; the
correction keeps who asked, when, old → new, why, and who decided.

The request side is in metrics.services (values) and
metrics.phillystat.services (narratives)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib.notifications import notification_create
from csoprogram.lib.rules import RuleError
from csoprogram.lib.timeline import records_history_by_user
from departments.selectors import departments_visible_to

from .formatting import metric_format
from .models import CorrectionStatus, MetricValue, NarrativeCorrection, ValueCorrection
from .permissions import APPROVE_CORRECTION, can
from .phillystat.services import narrative_correction_apply
from .selectors import status_for, version_for
from .services import areas_progress_refresh

NOT_YOUR_OWN = RuleError(
    "A correction is approved by someone other than the person who asked for it.",
    "Ask another approver.",
)


def value_corrections_pending(user) -> QuerySet[ValueCorrection]:
    return (
        ValueCorrection.objects.filter(
            status=CorrectionStatus.PENDING,
            metric__department__in=departments_visible_to(user),
        )
        .select_related("metric__department", "changed_by", "metric_value")
        .order_by("changed_at", "pk")
    )


def narrative_corrections_pending(user) -> QuerySet[NarrativeCorrection]:
    return (
        NarrativeCorrection.objects.filter(
            status=CorrectionStatus.PENDING, department__in=departments_visible_to(user)
        )
        .select_related("narrative", "department", "requested_by")
        .order_by("requested_at", "pk")
    )


def _decide(model, *, user, record, approve: bool, note: str, asked_by_id) -> bool:
    if not can(user, APPROVE_CORRECTION, None):
        raise PermissionDenied
    if asked_by_id == user.pk:
        raise NOT_YOUR_OWN
    # Compare-and-swap: two approvers deciding at once record one decision.
    decided = (
        model.objects.filter(pk=record.pk, status=CorrectionStatus.PENDING).update(
            status=CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED,
            decided_by=user,
            decided_at=timezone.now(),
            decision_note=(note or "").strip(),
        )
        == 1
    )
    if decided:  # the update bypasses the history's signals: record the decision
        record.refresh_from_db()
        model.history.bulk_history_create(
            [record],
            update=True,
            default_user=user,
            default_change_reason="Approved" if approve else "Not approved",
        )
    return decided


def _tell(person, *, title: str, url: str) -> None:
    if person is not None and person.is_active:
        notification_create(user=person, title=title, url=url)


@records_history_by_user
def value_correction_decide(
    *, user, correction: ValueCorrection, approve: bool, note: str = ""
) -> bool:
    """Approve (apply) or reject a correction waiting for approval. True if
    this call decided it; False if it was decided already."""
    with transaction.atomic():
        if not _decide(
            ValueCorrection,
            user=user,
            record=correction,
            approve=approve,
            note=note,
            asked_by_id=correction.changed_by_id,
        ):
            return False
        metric = correction.metric
        if approve:
            _apply(correction)
        new = metric_format(correction.new_value, metric)
        _tell(
            correction.changed_by,
            title=f"Correction of {metric.name}, {correction.period_label} to {new} "
            f"{'approved' if approve else 'not approved'}",
            url=reverse("metrics:metric_detail", kwargs={"pk": metric.pk}),
        )
    return True


def _apply(correction: ValueCorrection) -> None:
    metric, start = correction.metric, correction.period_start
    version = version_for(list(metric.versions.order_by("number")), start)
    status = status_for(metric, version, correction.new_value, period_start=start)
    mv = MetricValue.objects.select_for_update().filter(metric=metric, period_start=start).first()
    if mv is None:
        mv = MetricValue.objects.create(
            metric=metric,
            period_start=start,
            value=correction.new_value,
            note=correction.new_note or "",
            status=status,
            definition_version=version.number if version else metric.version,
            entered_by=correction.changed_by,
        )
    else:
        correction.old_value = mv.value  # what it replaced, at approval
        mv.value, mv.status, mv.entered_by = correction.new_value, status, correction.changed_by
        if correction.new_note is not None:
            mv.note = correction.new_note
        mv.save(update_fields=["value", "note", "status", "entered_by", "updated_at"])
    correction.metric_value = mv
    correction.save(update_fields=["metric_value", "old_value"])
    areas_progress_refresh(area_ids={metric.area_of_focus_id})


@records_history_by_user
def narrative_correction_decide(
    *, user, correction: NarrativeCorrection, approve: bool, note: str = ""
) -> bool:
    with transaction.atomic():
        if not _decide(
            NarrativeCorrection,
            user=user,
            record=correction,
            approve=approve,
            note=note,
            asked_by_id=correction.requested_by_id,
        ):
            return False
        if approve:
            narrative_correction_apply(correction=correction)
        narrative = correction.narrative
        _tell(
            correction.requested_by,
            title=f"Correction of the FY{narrative.fiscal_year} Q{narrative.quarter} narrative "
            f"{'approved' if approve else 'not approved'}",
            url=narrative.department.get_absolute_url(),
        )
    return True
