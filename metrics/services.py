"""Writes about customer service metrics and their values.

Every write checks who may make it (metrics.permissions.can), so the pages and
the API share one rule: only the department's analysts enter values. CSV
import is in metrics/imports.py; PhillyStat writes in metrics/phillystat/.

When values or a baseline change, the metrics app tells the plans app which
areas of focus now show progress (plans.areas.area_of_focus_progress_record):
plans never reads metrics.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from csoprogram.lib import fiscal
from csoprogram.lib.rules import RuleError
from csoprogram.lib.timeline import records_history_by_user
from plans.areas import area_of_focus_progress_record
from plans.selectors import areas_metrics_may_measure

from .formatting import metric_format
from .locks import CORRECTION_WAITING, period_locked, value_lock_refusal
from .models import (
    VERSIONED_FIELDS,
    CorrectionStatus,
    Metric,
    MetricValue,
    MetricVersion,
    StarterMetric,
    ValueCorrection,
)
from .permissions import ENTER_VALUES, PROPOSE_METRIC, can, require
from .rules import period_refusal
from .selectors import metrics_moved_toward_target, status_for, version_for
from .trajectory import interim_targets_clean

# What only the department's PhillyStat analyst sets on a metric.
ANALYST_FIELDS = (
    "baseline_value",
    "baseline_period",
    "target_value",
    "target_period",
    "amber_band",
    "owner",
)


# --- Progress of areas of focus ---------------------------------------------------------


def areas_progress_refresh(*, area_ids) -> None:
    """Tell the plans app which of these areas of focus show progress now."""
    area_ids = {a for a in area_ids if a}
    if area_ids:
        area_of_focus_progress_record(
            area_ids=area_ids, shown_ids=metrics_moved_toward_target(area_ids)
        )


# --- Metric definitions ---------------------------------------------------------------


def _unique_code(department, name: str, exclude_pk=None) -> str:
    base = slugify(f"{department.slug}-{name}")[:70].strip("-") or f"{department.slug}-metric"
    code, n = base, 2
    taken = Metric.objects.exclude(pk=exclude_pk)
    while taken.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _check_area(department, area) -> None:
    """A metric measures an area of focus of a plan submitted for review."""
    if area is not None and not areas_metrics_may_measure(department).filter(pk=area.pk).exists():
        raise RuleError(
            "A customer service metric measures an area of focus of the department's "
            "customer service plan once the plan has been submitted for review.",
            "Choose one of the areas listed, or leave it empty until the plan is submitted.",
            field="area_of_focus",
        )


@records_history_by_user
def metric_create(*, user, department, data: dict) -> Metric:
    """A CSO or analyst proposes a metric; only an analyst's baseline, target
    and band are kept (the analyst sets those)."""
    require(user, PROPOSE_METRIC, department)
    data = dict(data)
    if not can(user, ENTER_VALUES, department):
        for key in ANALYST_FIELDS:
            data.pop(key, None)
    _check_area(department, data.get("area_of_focus"))
    if Metric.objects.filter(department=department, name=data.get("name")).exists():
        raise RuleError(
            "The department already has a metric with this name.",
            "Choose another name.",
            field="name",
        )
    if "interim_targets" in data:
        data["interim_targets"] = interim_targets_clean(data["interim_targets"])
    with transaction.atomic():
        metric = Metric(department=department, proposed_by=user, **data)
        metric.code = data.get("code") or _unique_code(department, metric.name)
        _default_target_period(metric)
        metric.full_clean()
        metric.save()
        MetricVersion.objects.create(
            metric=metric,
            number=1,
            effective_from=date(1900, 1, 1),
            change_note="Defined",
            created_by=user,
            **{f: getattr(metric, f) for f in VERSIONED_FIELDS},
        )
    return metric


def _default_target_period(metric: Metric) -> None:
    """A target without a "reached by" period is reached by the end of the
    plan's program year, so the trajectory runs over the plan's period."""
    if (
        metric.target_value is not None
        and metric.target_period is None
        and metric.area_of_focus_id
        and metric.area_of_focus.plan_id
    ):
        year = metric.area_of_focus.plan.program_year
        metric.target_period = fiscal.quarter(year, 4).start


CHANGE_NOTE_NEEDED = RuleError(
    "Every change to the definition is kept as a version, with who, when and why.",
    "Say what changed and why.",
    field="change_note",
)


@records_history_by_user
def metric_update(
    *,
    user,
    metric: Metric,
    data: dict,
    effective_from: fiscal.Quarter | None = None,
    change_note: str = "",
) -> Metric:
    """The analyst changes a metric. Any change to its definition (name,
    unit, direction, baseline, target, trajectory, band) makes a new version
    with who, when and why, in force from `effective_from` (this quarter by
    default; from the start while the metric has no values); the old versions
    keep deciding the status of their periods' values."""
    require(user, ENTER_VALUES, metric.department)
    if "area_of_focus" in data and data["area_of_focus"] != metric.area_of_focus:
        _check_area(metric.department, data["area_of_focus"])
    data = dict(data)
    if "interim_targets" in data:
        data["interim_targets"] = interim_targets_clean(data["interim_targets"])
    old_area_id = metric.area_of_focus_id
    for key, value in data.items():
        setattr(metric, key, value)
    _default_target_period(metric)
    latest = metric.versions.order_by("-number").first()
    changed = [
        f for f in VERSIONED_FIELDS if latest is None or getattr(latest, f) != getattr(metric, f)
    ]
    if changed and not (change_note or "").strip():
        raise CHANGE_NOTE_NEEDED
    with transaction.atomic():
        if changed:
            if metric.values.exists():
                start = (effective_from or fiscal.current_quarter()).start
            else:
                start = latest.effective_from if latest else date(1900, 1, 1)
            if latest is not None and latest.number > 1 and latest.effective_from > start:
                raise RuleError(
                    "A later version of the definition already starts in "
                    f"{latest.effective_label}.",
                    "Choose that quarter or a later one.",
                    field="effective_from",
                )
            metric.version = (latest.number if latest else 0) + 1
            MetricVersion.objects.create(
                metric=metric,
                number=metric.version,
                effective_from=start,
                change_note=change_note.strip(),
                created_by=user,
                **{f: getattr(metric, f) for f in VERSIONED_FIELDS},
            )
        metric.full_clean(exclude=["code"])
        metric.save()
        if changed:
            metric_statuses_refresh(metric=metric)
        areas_progress_refresh(area_ids={old_area_id, metric.area_of_focus_id})
    return metric


def metric_statuses_refresh(*, metric: Metric) -> int:
    """Recompute the status and definition version of every value of the metric."""
    versions = list(metric.versions.order_by("number"))
    values = list(metric.values.all())
    for mv in values:
        version = version_for(versions, mv.period_start)
        mv.status = status_for(metric, version, mv.value, period_start=mv.period_start)
        mv.definition_version = version.number if version else metric.version
    MetricValue.objects.bulk_update(values, ["status", "definition_version"], batch_size=1000)
    return len(values)


def library_copy(*, user, department, starters, area_of_focus=None) -> list[Metric]:
    """Copy starter-library metrics into the department (names it already has are skipped)."""
    require(user, PROPOSE_METRIC, department)
    existing = set(Metric.objects.filter(department=department).values_list("name", flat=True))
    created = []
    with transaction.atomic():
        for starter in starters:
            if not isinstance(starter, StarterMetric) or starter.name in existing:
                continue
            created.append(
                metric_create(
                    user=user,
                    department=department,
                    data={
                        "name": starter.name,
                        "definition": starter.definition,
                        "unit": starter.unit,
                        "direction": starter.direction,
                        "frequency": starter.frequency,
                        "rollup": starter.rollup,
                        "data_source": starter.data_source,
                        "area_of_focus": area_of_focus,
                    },
                )
            )
    return created


# --- Values ---------------------------------------------------------------------------


def period_check(metric: Metric, period_start: date) -> None:
    refusal = period_refusal(name=metric.name, frequency=metric.frequency, period=period_start)
    if refusal is not None:
        raise RuleError(refusal.rule, refusal.remedy, field="period")


def _correction_request(*, user, metric, existing, period_start, value, note, reason):
    """A change to a locked period: kept as a correction waiting for approval
    (metrics.corrections decides); the value stays as it is meanwhile."""
    if not (reason or "").strip():
        raise value_lock_refusal(
            period_label=fiscal.period_label(period_start, metric.frequency),
            period_start=period_start,
        )
    if ValueCorrection.objects.filter(
        metric=metric, period_start=period_start, status=CorrectionStatus.PENDING
    ).exists():
        raise CORRECTION_WAITING
    try:
        with transaction.atomic():
            correction = ValueCorrection.objects.create(
                metric=metric,
                period_start=period_start,
                metric_value=existing,
                old_value=existing.value if existing else None,
                new_value=value,
                new_note=note,
                reason=reason.strip(),
                status=CorrectionStatus.PENDING,
                changed_by=user,
            )
    except IntegrityError:
        raise CORRECTION_WAITING from None  # asked a moment ago by someone else
    return correction


def _record(*, user, metric, period_start, value, note, reason) -> tuple[MetricValue, bool]:
    version = version_for(list(metric.versions.order_by("number")), period_start)
    existing = (
        MetricValue.objects.select_for_update()
        .filter(metric=metric, period_start=period_start)
        .first()
    )
    unchanged = existing is not None and existing.value == value
    if unchanged and (note is None or note == existing.note):
        return existing, False  # nothing changes: keep who entered it
    if period_locked(period_start):
        mv = existing or MetricValue(metric=metric, period_start=period_start, value=value)
        mv.pending_correction = _correction_request(
            user=user,
            metric=metric,
            existing=existing,
            period_start=period_start,
            value=value,
            note=note,
            reason=reason,
        )
        return mv, False
    if existing is None:
        try:
            with transaction.atomic():
                mv = MetricValue.objects.create(
                    metric=metric,
                    period_start=period_start,
                    value=value,
                    note=note or "",
                    status=status_for(metric, version, value, period_start=period_start),
                    definition_version=version.number if version else metric.version,
                    entered_by=user,
                )
            return mv, True
        except IntegrityError:
            # Someone entered the same period a moment ago: update theirs instead.
            existing = MetricValue.objects.select_for_update().get(
                metric=metric, period_start=period_start
            )
    if existing.value == value and (note is None or note == existing.note):
        return existing, False
    if existing.value != value:
        if not (reason or "").strip():
            raise RuleError(
                f"A value of {metric_format(existing.value, metric)} is already recorded "
                "for this period.",
                "Say why it changes.",
                field="reason",
            )
        ValueCorrection.objects.create(
            metric=metric,
            period_start=period_start,
            metric_value=existing,
            old_value=existing.value,
            new_value=value,
            reason=reason.strip(),
            changed_by=user,
        )
    existing.value = value
    if note is not None:
        existing.note = note
    existing.status = status_for(metric, version, value, period_start=period_start)
    existing.entered_by = user
    existing.save(update_fields=["value", "note", "status", "entered_by", "updated_at"])
    return existing, False


@records_history_by_user
def value_record(
    *,
    user,
    metric: Metric,
    period_start: date,
    value: Decimal,
    note: str | None = None,
    reason: str = "",
) -> tuple[MetricValue, bool]:
    """Record the metric's value for a period. A value already there is
    updated, not duplicated; changing it needs a reason, and the old value and
    who changed it are kept. Returns (value, created).

    A locked period (metrics.locks) is not changed: with a reason the change
    waits for approval as a correction (value.pending_correction, the value
    unchanged and maybe unsaved), without one it is refused (a conflict)."""
    require(user, ENTER_VALUES, metric.department)
    period_check(metric, period_start)
    with transaction.atomic():
        result = _record(
            user=user,
            metric=metric,
            period_start=period_start,
            value=Decimal(value),
            note=note,
            reason=reason,
        )
        areas_progress_refresh(area_ids={metric.area_of_focus_id})
    return result


@records_history_by_user
def values_save_grid(*, user, department, entries: list[tuple[Metric, date, Decimal]], reason=""):
    """Save a quarter's grid at once: all or nothing. Returns the number saved."""
    require(user, ENTER_VALUES, department)
    saved = 0
    with transaction.atomic():
        for metric, period_start, value in entries:
            if metric.department_id != department.pk:
                raise PermissionDenied
            period_check(metric, period_start)
            _record(
                user=user,
                metric=metric,
                period_start=period_start,
                value=Decimal(value),
                note=None,
                reason=reason,
            )
            saved += 1
        areas_progress_refresh(area_ids={m.area_of_focus_id for m, _, _ in entries})
    return saved
