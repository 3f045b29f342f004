"""Writes about customer service plans: the status flow and the review
conversation. Areas of focus are in plans/areas.py, the change-management
record in plans/change_management.py.

Every save of a plan is a compare-and-swap on its version, so two people
editing the same plan never overwrite each other; each one leaves a history
record with who and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.rules import RuleError
from departments import roles

from . import notices, permissions
from .models import (
    EDITABLE_STATUSES,
    PLAN_TEXT_FIELDS,
    AreaOfFocus,
    CommentField,
    CustomerServicePlan,
    PlanComment,
    PlanStatus,
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str

    @property
    def segments(self) -> list[tuple[str, str]]:
        from .selectors import word_diff

        return word_diff(self.before, self.after)


class PlanConflict(Exception):
    """The plan was saved by someone else since the version being edited."""

    def __init__(self, *, current: CustomerServicePlan, changes: list[FieldChange], by: list):
        self.current = current
        self.changes = changes
        self.by = by
        super().__init__(f"Plan {current.pk} changed since it was opened.")


def _record_plan_history(pk: int, user, reason: str) -> CustomerServicePlan:
    """Queryset updates send no signals; write the history record ourselves."""
    fresh = CustomerServicePlan.objects.select_related("department").get(pk=pk)
    CustomerServicePlan.history.bulk_history_create(
        [fresh], update=True, default_user=user, default_change_reason=reason[:100]
    )
    return fresh


def _field_label(name: str) -> str:
    return str(CustomerServicePlan._meta.get_field(name).verbose_name).capitalize()


# -- the plan -----------------------------------------------------------------


def plan_create(*, department, user, program_year: int | None = None) -> CustomerServicePlan:
    """Start the department's plan for a program year. It begins as a copy of
    the department's last plan (texts and areas of focus)."""
    if not roles.is_cso(user, department):
        raise PermissionDenied
    year = program_year or fiscal.current_program_year()
    previous = (
        CustomerServicePlan.objects.filter(department=department, program_year__lt=year)
        .order_by("-program_year")
        .first()
    )
    if CustomerServicePlan.objects.filter(department=department, program_year__gte=year).exists():
        raise RuleError(
            f"The department already has a customer service plan for FY{year}.",
            "Open that plan to continue it.",
        )
    if previous is not None:
        texts = {f: getattr(previous, f) for f in PLAN_TEXT_FIELDS}
        reason = f"Started as a copy of the FY{previous.program_year} plan"
    else:
        # Strengths and opportunities are suggested in the edit form from the
        # focus-group summary; they become the plan's text when the CSO saves.
        texts = dict.fromkeys(PLAN_TEXT_FIELDS, "")
        reason = "Started"
    try:
        with transaction.atomic():
            plan = CustomerServicePlan(department=department, program_year=year, **texts)
            plan._history_user = user
            plan._change_reason = reason
            plan.save()
            if previous is not None:
                _copy_areas_of_focus(previous, plan, user)
    except IntegrityError:
        # Another CSO of the department started the plan at the same moment.
        raise RuleError(
            f"The department already has a customer service plan for FY{year}.",
            "Open that plan to continue it.",
        ) from None
    return plan


def _copy_areas_of_focus(source: CustomerServicePlan, plan: CustomerServicePlan, user) -> None:
    for old in source.areas_of_focus.prefetch_related("themes", "feedback_items"):
        new = AreaOfFocus(
            plan=plan,
            department=plan.department,
            title=old.title,
            description=old.description,
            year=old.year,
            status=old.status,
            progress_confirmed_by=old.progress_confirmed_by,
            progress_confirmed_at=old.progress_confirmed_at,
            progress_confirmation_note=old.progress_confirmation_note,
        )
        new._history_user = user
        new._change_reason = f"Copied from the FY{source.program_year} plan"
        new.save()
        new.themes.set(old.themes.all())
        new.feedback_items.set(old.feedback_items.all())


def plan_changes_since(plan: CustomerServicePlan, version: int) -> tuple[list[FieldChange], list]:
    """What changed in the plan's texts since `version`, and who saved since."""
    history = CustomerServicePlan.history.filter(id=plan.pk)
    base = history.filter(version__lte=version).order_by("-history_date", "-history_id").first()
    later = history.filter(version__gt=version).select_related("history_user")
    by = []
    for record in later.order_by("history_date", "history_id"):
        if record.history_user and record.history_user not in by:
            by.append(record.history_user)
    changes = []
    for name in PLAN_TEXT_FIELDS:
        before = getattr(base, name, "") if base else ""
        after = getattr(plan, name)
        if before != after:
            changes.append(FieldChange(name, _field_label(name), before, after))
    return changes, by


def plan_update(*, plan: CustomerServicePlan, user, version: int, **texts) -> CustomerServicePlan:
    """Save the plan's texts, if nobody saved since `version` (the version the
    person opened). A stale save raises PlanConflict with what changed; a save
    after the plan left draft / changes requested raises RuleError."""
    if not roles.is_cso(user, plan.department_id):
        raise PermissionDenied
    # The status is checked in the same update as the version.
    values = {name: texts[name] for name in PLAN_TEXT_FIELDS if name in texts}
    with transaction.atomic():
        # Compare-and-swap: only the save that still holds the current version
        # wins; a second save of the same version updates nothing.
        won = CustomerServicePlan.objects.filter(
            pk=plan.pk, version=version, status__in=EDITABLE_STATUSES
        ).update(**values, version=version + 1, updated_at=timezone.now())
        if won:
            return _record_plan_history(plan.pk, user, "Edited")
    current = CustomerServicePlan.objects.select_related("department").get(pk=plan.pk)
    if current.status not in EDITABLE_STATUSES:
        raise RuleError(
            f"The plan is {current.get_status_display().lower()} and cannot be edited now.",
            "Your text is kept below; copy it into a comment if it still matters.",
            code="conflict",
        )
    changes, by = plan_changes_since(current, version)
    raise PlanConflict(current=current, changes=changes, by=by)


def _transition(
    plan: CustomerServicePlan, user, *, from_statuses, to_status, reason: str, **extra
) -> CustomerServicePlan:
    now = timezone.now()
    won = CustomerServicePlan.objects.filter(pk=plan.pk, status__in=from_statuses).update(
        status=to_status, status_changed_at=now, version=F("version") + 1, updated_at=now, **extra
    )
    if not won:
        current = CustomerServicePlan.objects.get(pk=plan.pk)
        raise RuleError(
            f"The plan is now {current.get_status_display().lower()}, so this step does not apply.",
            "Reload the plan to see where it stands.",
            code="conflict",
        )
    return _record_plan_history(plan.pk, user, reason)


def plan_submit(*, plan: CustomerServicePlan, user) -> CustomerServicePlan:
    """The CSO submits the plan for review by the CCSO."""
    if not roles.is_cso(user, plan.department_id):
        raise PermissionDenied
    missing = [_field_label(f) for f in ("mission", "vision") if not getattr(plan, f).strip()]
    if missing:
        raise RuleError(
            "A plan is submitted with its mission statement and vision statement.",
            f"Write the {' and the '.join(m.lower() for m in missing)} first.",
        )
    if not plan.areas_of_focus.exclude(status=AreaOfFocus.Status.WITHDRAWN).exists():
        raise RuleError(
            "A plan is submitted with one realistic but impactful area of focus for year one.",
            "Add the area of focus first.",
        )
    with transaction.atomic():
        fresh = _transition(
            plan,
            user,
            from_statuses=EDITABLE_STATUSES,
            to_status=PlanStatus.SUBMITTED,
            reason="Submitted for review",
            submitted_at=timezone.now(),
            ever_submitted=True,
            # A new submission needs a new endorsement.
            endorsed_by=None,
            endorsed_at=None,
        )
        notices.plan_submitted_notify(plan=fresh, user=user)
    return fresh


def plan_endorse(*, plan: CustomerServicePlan, user, note: str = "") -> CustomerServicePlan:
    """The department head endorses a submitted plan."""
    if not permissions.can_endorse_plan(user, plan):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        won = CustomerServicePlan.objects.filter(
            pk=plan.pk, status=PlanStatus.SUBMITTED, endorsed_by__isnull=True
        ).update(endorsed_by=user, endorsed_at=now, version=F("version") + 1, updated_at=now)
        if not won:
            raise RuleError(
                "Only a submitted plan not yet endorsed can be endorsed.",
                "Reload the plan to see where it stands.",
            )
        fresh = _record_plan_history(plan.pk, user, "Endorsed by the department head")
        _comment(fresh, user, note or "I endorse this plan.", kind=PlanComment.Kind.ENDORSED)
    return fresh


def plan_request_changes(
    *, plan: CustomerServicePlan, user, comment: str, field: str = ""
) -> CustomerServicePlan:
    """The CCSO returns a submitted plan with a comment saying what to change."""
    if not permissions.can_review_plan(user, plan):
        raise PermissionDenied
    if not comment.strip():
        raise RuleError("Changes are requested with a comment.", "Say what the CSO should change.")
    with transaction.atomic():
        fresh = _transition(
            plan,
            user,
            from_statuses=[PlanStatus.SUBMITTED],
            to_status=PlanStatus.CHANGES_REQUESTED,
            reason="Changes requested",
        )
        _comment(fresh, user, comment, field=field, kind=PlanComment.Kind.CHANGES_REQUESTED)
        notices.plan_changes_requested_notify(plan=fresh, user=user, comment=comment)
    return fresh


def plan_approve(*, plan: CustomerServicePlan, user, comment: str = "") -> CustomerServicePlan:
    """The CCSO approves a submitted plan; it is read-only from then on."""
    if not permissions.can_review_plan(user, plan):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        fresh = _transition(
            plan,
            user,
            from_statuses=[PlanStatus.SUBMITTED],
            to_status=PlanStatus.APPROVED,
            reason="Approved",
            approved_by=user,
            approved_at=now,
        )
        if comment.strip():
            _comment(fresh, user, comment, kind=PlanComment.Kind.APPROVED)
        notices.plan_approved_notify(plan=fresh, user=user, comment=comment)
    return fresh


def _comment(plan, user, body, *, field="", kind=PlanComment.Kind.COMMENT) -> PlanComment:
    if field not in CommentField.values:
        field = ""
    return PlanComment.objects.create(
        plan=plan,
        author=user,
        field=field,
        body=body.strip(),
        kind=kind,
        plan_version=plan.version,
    )


def plan_comment_add(*, plan: CustomerServicePlan, user, body: str, field: str = "") -> PlanComment:
    if not permissions.can_comment_on_plan(user, plan):
        raise PermissionDenied
    if not body.strip():
        raise RuleError("A comment needs some text.", "Write the comment, then send it.")
    with transaction.atomic():
        comment = _comment(plan, user, body, field=field)
        notices.plan_comment_notify(comment=comment)
    return comment
