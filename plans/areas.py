"""Writes about areas of focus: the program's rules for them, in one place.

- One area of focus in year one, whatever its status (also a database
  constraint); a withdrawn area makes room and stays in the history.
- A year-N area (N ≥ 2) only once a year-(N-1) area of the department has shown
  progress: a customer service metric moved from its baseline toward its
  target (recorded here by the metrics app, area_of_focus_progress_record), or
  the CCSO confirmed it (who, when and why are kept).
- A metric is linked only to an area of a plan submitted for review
  (plans.selectors.areas_metrics_may_measure).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from csoprogram.lib.rules import RuleError
from departments import roles

from . import permissions
from .models import AreaOfFocus, CustomerServicePlan

ONE_IN_YEAR_ONE = "A plan has one area of focus in year one."


def area_of_focus_check(
    *, plan: CustomerServicePlan, year: int, status: str, area: AreaOfFocus | None = None
) -> None:
    """Raise RuleError naming the rule and what would satisfy it."""
    if year < 1:
        raise RuleError(
            "The year of an area of focus is 1 or more.", "Choose year 1, 2 …", field="year"
        )
    if status == AreaOfFocus.Status.WITHDRAWN:
        raise RuleError(
            "An area of focus is withdrawn with its own button, which asks why.",
            "Use “Withdraw this area of focus” on the plan.",
            field="status",
        )
    if year == 1:
        others = plan.areas_of_focus.filter(year=1).exclude(status=AreaOfFocus.Status.WITHDRAWN)
        if area is not None and area.pk:
            others = others.exclude(pk=area.pk)
        existing = others.first()
        if existing is not None:
            raise RuleError(
                ONE_IN_YEAR_ONE,
                f"“{existing.title}” is the year-one area: edit it, or withdraw it first "
                "if this one replaces it.",
                field="year",
            )
    if year >= 2:
        earlier = list(
            AreaOfFocus.objects.filter(department_id=plan.department_id, year=year - 1)
            .exclude(status=AreaOfFocus.Status.WITHDRAWN)
            .exclude(pk=getattr(area, "pk", None))
        )
        if not earlier:
            raise RuleError(
                f"A year-{year} area of focus follows a year-{year - 1} area of focus.",
                f"Add the year-{year - 1} area of focus first.",
                field="year",
            )
        if not any(a.has_progress for a in earlier):
            titles = ", ".join(f"“{a.title}”" for a in earlier)
            raise RuleError(
                f"A year-{year} area of focus can only be added once year {year - 1} "
                "has shown progress.",
                f"Either a customer service metric of {titles} moves from its baseline toward "
                "its target, or the Chief Customer Service Officer confirms progress on it "
                "(who, when and why are recorded).",
                field="year",
            )


def _save_area(area: AreaOfFocus, user, reason: str, themes, feedback_items) -> AreaOfFocus:
    area._history_user = user
    area._change_reason = reason
    try:
        with transaction.atomic():
            area.save()
            if themes is not None:
                area.themes.set(themes)
            if feedback_items is not None:
                area.feedback_items.set(feedback_items)
    except IntegrityError:
        # Two saves raced past the check; the database constraint held.
        raise RuleError(
            ONE_IN_YEAR_ONE,
            "Another year-one area was saved a moment ago: reload the plan.",
            code="conflict",
        ) from None
    return area


def area_of_focus_add(
    *,
    plan: CustomerServicePlan,
    user,
    title: str,
    description: str = "",
    year: int = 1,
    status: str = AreaOfFocus.Status.ACTIVE,
    themes=(),
    feedback_items=(),
) -> AreaOfFocus:
    if not permissions.can_edit_plan(user, plan):
        raise PermissionDenied
    area_of_focus_check(plan=plan, year=year, status=status)
    area = AreaOfFocus(
        plan=plan,
        department_id=plan.department_id,
        title=title,
        description=description,
        year=year,
        status=status,
    )
    return _save_area(area, user, "Added", themes, feedback_items)


def area_of_focus_update(
    *, area: AreaOfFocus, user, themes=None, feedback_items=None, **fields
) -> AreaOfFocus:
    if not permissions.can_edit_plan(user, area.plan):
        raise PermissionDenied
    if area.status == AreaOfFocus.Status.WITHDRAWN:
        raise RuleError(
            "A withdrawn area of focus is kept as it was.", "Add a new area of focus instead."
        )
    year = fields.get("year", area.year)
    status = fields.get("status", area.status)
    if year != area.year or status != area.status:
        area_of_focus_check(plan=area.plan, year=year, status=status, area=area)
    for name in ("title", "description", "year", "status"):
        if name in fields:
            setattr(area, name, fields[name])
    return _save_area(area, user, "Edited", themes, feedback_items)


def area_of_focus_withdraw(*, area: AreaOfFocus, user, reason: str) -> AreaOfFocus:
    """The CSO withdraws an area of focus while the plan is editable: it stays
    on the plan's history (who, when, why) and makes room for another one."""
    if not permissions.can_edit_plan(user, area.plan):
        raise PermissionDenied
    if not (reason or "").strip():
        raise RuleError(
            "An area of focus is withdrawn with a reason.",
            "Say why, for example what replaces it.",
            field="reason",
        )
    now = timezone.now()
    with transaction.atomic():
        won = (
            AreaOfFocus.objects.filter(pk=area.pk)
            .exclude(status=AreaOfFocus.Status.WITHDRAWN)
            .update(
                status=AreaOfFocus.Status.WITHDRAWN,
                withdrawn_by=user,
                withdrawn_at=now,
                withdrawal_reason=reason.strip(),
                updated_at=now,
            )
        )
        if not won:
            raise RuleError("The area of focus is already withdrawn.", "Reload the plan.")
        fresh = AreaOfFocus.objects.select_related("plan").get(pk=area.pk)
        AreaOfFocus.history.bulk_history_create(
            [fresh], update=True, default_user=user, default_change_reason="Withdrawn"
        )
    return fresh


def area_of_focus_confirm_progress(*, area: AreaOfFocus, user, note: str) -> AreaOfFocus:
    """The CCSO records that the area of focus has shown progress, and why."""
    if not roles.is_ccso(user):
        raise PermissionDenied
    if not note.strip():
        raise RuleError(
            "A progress confirmation says why progress is confirmed.",
            "Write what you saw, for example the result discussed at PhillyStat.",
            field="note",
        )
    area.progress_confirmed_by = user
    area.progress_confirmed_at = timezone.now()
    area.progress_confirmation_note = note.strip()
    area._history_user = user
    area._change_reason = "Progress confirmed by the CCSO"
    area.save(
        update_fields=[
            "progress_confirmed_by",
            "progress_confirmed_at",
            "progress_confirmation_note",
            "updated_at",
        ]
    )
    return area


def area_of_focus_progress_record(*, area_ids, shown_ids) -> None:
    """The metrics app records which of these areas of focus show progress now
    (a metric moved from its baseline toward its target): plans never reads
    metrics, it keeps what it is told. The first time stays; an area whose
    values no longer show it (a correction) is cleared."""
    area_ids, shown_ids = set(area_ids), set(shown_ids) & set(area_ids)
    if not area_ids:
        return
    AreaOfFocus.objects.filter(pk__in=shown_ids, progress_shown_at=None).update(
        progress_shown_at=timezone.now()
    )
    AreaOfFocus.objects.filter(pk__in=area_ids - shown_ids).filter(
        ~Q(progress_shown_at=None)
    ).update(progress_shown_at=None)
