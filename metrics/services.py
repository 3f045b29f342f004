"""Writes about customer service metrics, their values and PhillyStat meetings.

Every write checks who may make it (metrics.permissions.can), so the pages and
the API share one rule: only the department's analysts enter values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from departments import roles

from . import fiscal
from .models import (
    VALUE_DIGITS,
    VERSIONED_FIELDS,
    Commitment,
    Metric,
    MetricNote,
    MetricValue,
    MetricVersion,
    PhillyStatMeeting,
    QuarterlyNarrative,
    StarterMetric,
    ValueCorrection,
)
from .permissions import (
    ENTER_VALUES,
    PROPOSE_METRIC,
    RECORD_COMMITMENT,
    SCHEDULE_MEETING,
    WRITE_NARRATIVE,
    can,
    require,
)
from .status import value_status

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
_MAX_ABS = Decimal(10) ** (VALUE_DIGITS["max_digits"] - VALUE_DIGITS["decimal_places"])


# --- Metric definitions ------------------------------------------------------


def _unique_code(department, name: str, exclude_pk=None) -> str:
    base = slugify(f"{department.slug}-{name}")[:70].strip("-") or f"{department.slug}-metric"
    code, n = base, 2
    taken = Metric.objects.exclude(pk=exclude_pk)
    while taken.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def metric_create(*, user, department, data: dict) -> Metric:
    """A CSO or analyst proposes a metric; only an analyst's baseline, target
    and band are kept (the analyst sets those)."""
    require(user, PROPOSE_METRIC, department)
    data = dict(data)
    if not can(user, ENTER_VALUES, department):
        for key in ("baseline_value", "baseline_period", "target_value", "amber_band", "owner"):
            data.pop(key, None)
    if data.get("area_of_focus") and data["area_of_focus"].department_id != department.pk:
        raise ValidationError({"area_of_focus": "Choose an area of focus of this department."})
    if Metric.objects.filter(department=department, name=data.get("name")).exists():
        raise ValidationError({"name": "The department already has a metric with this name."})
    with transaction.atomic():
        metric = Metric(department=department, proposed_by=user, **data)
        metric.code = data.get("code") or _unique_code(department, metric.name)
        metric.full_clean()
        metric.save()
        MetricVersion.objects.create(
            metric=metric,
            number=1,
            effective_from=date(1900, 1, 1),
            created_by=user,
            **{f: getattr(metric, f) for f in VERSIONED_FIELDS},
        )
    return metric


def metric_update(
    *,
    user,
    metric: Metric,
    data: dict,
    effective_from: fiscal.Quarter | None = None,
    change_note: str = "",
) -> Metric:
    """The analyst changes a metric. A change to the definition, unit,
    direction, target or band after values exist makes a new version that
    applies from `effective_from` (this quarter by default); the old one is kept."""
    require(user, ENTER_VALUES, metric.department)
    if data.get("area_of_focus") and data["area_of_focus"].department_id != metric.department_id:
        raise ValidationError({"area_of_focus": "Choose an area of focus of this department."})
    changed = [f for f in VERSIONED_FIELDS if f in data and data[f] != getattr(metric, f)]
    for key, value in data.items():
        setattr(metric, key, value)
    with transaction.atomic():
        has_values = metric.values.exists()
        if changed and has_values:
            start = (effective_from or fiscal.current_quarter()).start
            if metric.versions.filter(effective_from__gte=start, number__gt=1).exists():
                raise ValidationError(
                    {"effective_from": "A later version already starts in or after this quarter."}
                )
            metric.version += 1
            MetricVersion.objects.create(
                metric=metric,
                number=metric.version,
                effective_from=start,
                change_note=change_note,
                created_by=user,
                **{f: getattr(metric, f) for f in VERSIONED_FIELDS},
            )
        elif changed:
            metric.versions.filter(number=metric.version).update(
                **{f: getattr(metric, f) for f in VERSIONED_FIELDS}
            )
        metric.full_clean(exclude=["code"])
        metric.save()
        if changed:
            metric_statuses_refresh(metric=metric)
    return metric


def _version_for(versions: list[MetricVersion], period_start: date) -> MetricVersion | None:
    """The version in effect for a period: the latest that starts on or before it."""
    chosen = None
    for v in versions:  # ordered by number, so by effective_from
        if v.effective_from <= period_start or chosen is None:
            chosen = v
    return chosen


def _status_for(metric: Metric, version: MetricVersion | None, value: Decimal) -> str:
    source = version or metric
    return value_status(
        value=value,
        target=source.target_value,
        direction=source.direction,
        amber_band=source.amber_band,
    )


def metric_statuses_refresh(*, metric: Metric) -> int:
    """Recompute the status and definition version of every value of the metric."""
    versions = list(metric.versions.order_by("number"))
    values = list(metric.values.all())
    for mv in values:
        version = _version_for(versions, mv.period_start)
        mv.status = _status_for(metric, version, mv.value)
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


# --- Values ------------------------------------------------------------------


def _check_period(metric: Metric, period_start: date, field_name: str = "period") -> None:
    if not fiscal.is_period_start(period_start, metric.frequency):
        kind = "a month" if metric.frequency == fiscal.MONTHLY else "a fiscal quarter"
        raise ValidationError({field_name: f"{metric.name} is reported by {kind}."})
    if period_start > fiscal.today():
        raise ValidationError({field_name: "This period has not started yet."})


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
    who changed it are kept. Returns (value, created)."""
    require(user, ENTER_VALUES, metric.department)
    _check_period(metric, period_start)
    value = Decimal(value)
    version = _version_for(list(metric.versions.order_by("number")), period_start)
    with transaction.atomic():
        existing = (
            MetricValue.objects.select_for_update()
            .filter(metric=metric, period_start=period_start)
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    mv = MetricValue.objects.create(
                        metric=metric,
                        period_start=period_start,
                        value=value,
                        note=note or "",
                        status=_status_for(metric, version, value),
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
            return existing, False  # nothing changes: keep who entered it
        if existing.value != value:
            if not (reason or "").strip():
                raise ValidationError(
                    {
                        "reason": f"A value of {existing.value:f} is already recorded; "
                        "say why it changes."
                    }
                )
            ValueCorrection.objects.create(
                metric_value=existing,
                old_value=existing.value,
                new_value=value,
                reason=reason.strip(),
                changed_by=user,
            )
        existing.value = value
        if note is not None:
            existing.note = note
        existing.status = _status_for(metric, version, value)
        existing.entered_by = user
        existing.save(update_fields=["value", "note", "status", "entered_by", "updated_at"])
        return existing, False


def values_save_grid(*, user, department, entries: list[tuple[Metric, date, Decimal]], reason=""):
    """Save a quarter's grid at once: all or nothing. Returns the number saved."""
    require(user, ENTER_VALUES, department)
    saved = 0
    with transaction.atomic():
        for metric, period_start, value in entries:
            if metric.department_id != department.pk:
                raise PermissionDenied
            value_record(
                user=user, metric=metric, period_start=period_start, value=value, reason=reason
            )
            saved += 1
    return saved


@dataclass
class ImportRow:
    line: int
    metric: Metric
    period_start: date
    period_label: str
    value: Decimal
    note: str
    existing: MetricValue | None = None

    @property
    def is_correction(self) -> bool:
        return self.existing is not None and self.existing.value != self.value


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, why); line 0: the file

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.existing is None)

    @property
    def correction_count(self) -> int:
        return sum(1 for r in self.rows if r.is_correction)


def _parse_decimal(text: str) -> Decimal | None:
    text = (text or "").strip().replace(",", "")
    if text.endswith("%"):
        text = text[:-1].strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= _MAX_ABS:
        return None
    return number.quantize(Decimal(1).scaleb(-VALUE_DIGITS["decimal_places"]))


def values_import_check(*, user, data: bytes) -> ImportResult:
    """Read a CSV (columns metric, period, value, note) and say, line by line,
    what is wrong. Nothing is written."""
    result = ImportResult()
    if len(data) > MAX_IMPORT_BYTES:
        result.errors.append((0, "The file is larger than 5 MB; split it into smaller files."))
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((0, "The file is not UTF-8 text; save it as CSV UTF-8."))
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        result.errors.append((0, "The file is empty."))
        return result
    missing = [c for c in ("metric", "period", "value") if c not in header]
    if missing:
        result.errors.append(
            (
                1,
                f"The first line must name the columns metric, period, value, note; "
                f"missing: {', '.join(missing)}.",
            )
        )
        return result
    i_metric, i_period, i_value = (header.index(c) for c in ("metric", "period", "value"))
    i_note = header.index("note") if "note" in header else None
    try:
        raw = [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]
    except csv.Error as exc:
        result.errors.append((reader.line_num, f"The CSV cannot be read here: {exc}."))
        return result
    if len(raw) > MAX_IMPORT_ROWS:
        result.errors.append(
            (
                0,
                f"The file has {len(raw):,} rows; "
                f"at most {MAX_IMPORT_ROWS:,} can be imported at once.",
            )
        )
        return result
    if not raw:
        result.errors.append((0, "The file has no values."))
        return result

    width = max(i_metric, i_period, i_value) + 1
    codes = {row[i_metric].strip().lower() for _, row in raw if len(row) > i_metric}
    metrics = {
        m.code: m for m in Metric.objects.filter(code__in=codes).select_related("department")
    }
    covered = roles.department_ids_with_role(user, "analyst")
    today = fiscal.today()
    seen: dict[tuple[int, date], int] = {}
    period_cache: dict[str, fiscal.Period | str] = {}
    for line, row in raw:
        if len(row) < width:
            result.errors.append((line, "The line has too few columns."))
            continue
        code = row[i_metric].strip()
        metric = metrics.get(code.lower())
        if metric is None:
            result.errors.append((line, f"Unknown metric “{code}”."))
            continue
        if metric.department_id not in covered:
            result.errors.append(
                (line, f"Metric “{code}” belongs to a department you do not cover.")
            )
            continue
        period_text = row[i_period].strip()
        period = period_cache.get(period_text)
        if period is None:
            try:
                period = fiscal.parse_period(period_text)
            except fiscal.PeriodError as exc:
                period = str(exc)
            period_cache[period_text] = period
        if isinstance(period, str):
            result.errors.append((line, period))
            continue
        wants_month = metric.frequency == fiscal.MONTHLY
        if wants_month != isinstance(period, fiscal.Month):
            kind = "monthly (write 2026-07)" if wants_month else "quarterly (write FY2027 Q1)"
            result.errors.append(
                (line, f"Period “{period_text}” does not fit {metric.code}, which is {kind}.")
            )
            continue
        if period.start > today:
            result.errors.append((line, f"Period {period.label} has not started yet."))
            continue
        value = _parse_decimal(row[i_value])
        if value is None:
            result.errors.append((line, f"Value “{row[i_value].strip()}” is not a number."))
            continue
        key = (metric.pk, period.start)
        if key in seen:
            result.errors.append(
                (
                    line,
                    f"Duplicate row: {metric.code} {period.label} is already on line {seen[key]}.",
                )
            )
            continue
        seen[key] = line
        note = row[i_note].strip() if i_note is not None and len(row) > i_note else ""
        result.rows.append(ImportRow(line, metric, period.start, period.label, value, note))

    if result.rows:
        # One query for every value already recorded for these metrics and periods.
        starts = {r.period_start for r in result.rows}
        existing = {
            (v.metric_id, v.period_start): v
            for v in MetricValue.objects.filter(
                metric_id__in={r.metric.pk for r in result.rows}, period_start__in=starts
            )
        }
        for r in result.rows:
            r.existing = existing.get((r.metric.pk, r.period_start))
            if r.is_correction and not r.note:
                result.errors.append(
                    (
                        r.line,
                        f"{r.metric.code} {r.period_label} already has the value "
                        f"{r.existing.value:f}; put the reason for the correction "
                        "in the note column.",
                    )
                )
    result.errors.sort()
    return result


def values_import(*, user, data: bytes) -> ImportResult:
    """Import a CSV all or nothing: when any line is wrong, nothing is written.
    New values are bulk-inserted; changed ones updated with their corrections kept."""
    result = values_import_check(user=user, data=data)
    if not result.ok:
        return result
    metric_ids = {r.metric.pk for r in result.rows}
    versions: dict[int, list[MetricVersion]] = {}
    for v in MetricVersion.objects.filter(metric_id__in=metric_ids).order_by("metric_id", "number"):
        versions.setdefault(v.metric_id, []).append(v)
    now = timezone.now()
    new, changed, corrections = [], [], []
    for r in result.rows:
        version = _version_for(versions.get(r.metric.pk, []), r.period_start)
        status = _status_for(r.metric, version, r.value)
        if r.existing is None:
            new.append(
                {
                    "metric_id": r.metric.pk,
                    "period_start": r.period_start,
                    "value": r.value,
                    "note": r.note,
                    "status": status,
                    "definition_version": version.number if version else r.metric.version,
                    "entered_by_id": user.pk,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            continue
        mv = r.existing
        if r.is_correction:
            corrections.append(
                ValueCorrection(
                    metric_value=mv,
                    old_value=mv.value,
                    new_value=r.value,
                    reason=r.note,
                    changed_by=user,
                    changed_at=now,
                )
            )
        mv.value, mv.note, mv.status, mv.entered_by, mv.updated_at = (
            r.value,
            r.note or mv.note,
            status,
            user,
            now,
        )
        changed.append(mv)
    with transaction.atomic():
        _insert_values(new)
        MetricValue.objects.bulk_update(
            changed, ["value", "note", "status", "entered_by", "updated_at"], batch_size=500
        )
        ValueCorrection.objects.bulk_create(corrections, batch_size=2000)
    return result


def _insert_values(values: list[dict]) -> None:
    """Insert many new values (dicts of column values). On PostgreSQL one
    INSERT … SELECT FROM unnest() of column arrays, several times faster than
    building model instances for bulk_create; elsewhere bulk_create."""
    if not values:
        return
    if connection.vendor != "postgresql":
        MetricValue.objects.bulk_create([MetricValue(**v) for v in values], batch_size=2000)
        return
    table = MetricValue._meta.db_table
    columns = [
        ("metric_id", "bigint"),
        ("period_start", "date"),
        ("value", "numeric"),
        ("note", "text"),
        ("status", "varchar"),
        ("definition_version", "integer"),
        ("entered_by_id", "bigint"),
        ("created_at", "timestamptz"),
        ("updated_at", "timestamptz"),
    ]
    names = ", ".join(f'"{c}"' for c, _ in columns)
    arrays = ", ".join(f"%s::{t}[]" for _, t in columns)
    params = [[v[c] for v in values] for c, _ in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})",  # noqa: S608 - fixed names
            params,
        )


# --- PhillyStat meetings -----------------------------------------------------


def meeting_schedule(
    *, user, department, fiscal_year: int, quarter: int, date, analyst=None, attendees=""
) -> PhillyStatMeeting:
    require(user, SCHEDULE_MEETING, department)
    if analyst is not None and not roles.is_analyst(analyst, department):
        raise ValidationError({"analyst": "Choose one of the department's PhillyStat analysts."})
    if PhillyStatMeeting.objects.filter(
        department=department, fiscal_year=fiscal_year, quarter=quarter
    ).exists():
        raise ValidationError(
            {"quarter": f"FY{fiscal_year} Q{quarter} already has a PhillyStat meeting."}
        )
    return PhillyStatMeeting.objects.create(
        department=department,
        fiscal_year=fiscal_year,
        quarter=quarter,
        date=date,
        analyst=analyst,
        attendees=attendees,
        scheduled_by=user,
    )


def meetings_schedule_year(
    *, user, department, fiscal_year: int, dates: dict[int, date], analyst=None
) -> list[PhillyStatMeeting]:
    """Schedule the year's four quarterly meetings at once; quarters that
    already have one keep it."""
    require(user, SCHEDULE_MEETING, department)
    taken = set(
        PhillyStatMeeting.objects.filter(
            department=department, fiscal_year=fiscal_year
        ).values_list("quarter", flat=True)
    )
    created = []
    with transaction.atomic():
        for q, day in sorted(dates.items()):
            if q in taken or day is None:
                continue
            created.append(
                meeting_schedule(
                    user=user,
                    department=department,
                    fiscal_year=fiscal_year,
                    quarter=q,
                    date=day,
                    analyst=analyst,
                )
            )
    return created


def meeting_update(*, user, meeting: PhillyStatMeeting, date, attendees: str, analyst=None):
    require(user, SCHEDULE_MEETING, meeting.department)
    if analyst is not None and not roles.is_analyst(analyst, meeting.department):
        raise ValidationError({"analyst": "Choose one of the department's PhillyStat analysts."})
    meeting.date, meeting.attendees, meeting.analyst = date, attendees, analyst
    meeting.save(update_fields=["date", "attendees", "analyst"])
    return meeting


def narrative_save(
    *,
    user,
    department,
    quarter: fiscal.Quarter,
    what_changed: str,
    impediments: str,
    notes: dict[int, str],
) -> QuarterlyNarrative:
    """The CSO writes the quarter's narrative with a note per metric (notes
    for red metrics are what make the narrative complete)."""
    require(user, WRITE_NARRATIVE, department)
    with transaction.atomic():
        narrative, _ = QuarterlyNarrative.objects.update_or_create(
            department=department,
            fiscal_year=quarter.fiscal_year,
            quarter=quarter.quarter,
            defaults={"what_changed": what_changed, "impediments": impediments, "written_by": user},
        )
        valid = set(Metric.objects.filter(department=department).values_list("pk", flat=True))
        for metric_id, text in notes.items():
            if metric_id not in valid:
                continue
            text = (text or "").strip()
            if text:
                MetricNote.objects.update_or_create(
                    narrative=narrative, metric_id=metric_id, defaults={"note": text}
                )
            else:
                MetricNote.objects.filter(narrative=narrative, metric_id=metric_id).delete()
    return narrative


def commitment_create(
    *, user, meeting: PhillyStatMeeting, what: str, owner: str, due
) -> Commitment:
    require(user, RECORD_COMMITMENT, meeting.department)
    return Commitment.objects.create(
        meeting=meeting,
        department=meeting.department,
        what=what,
        owner=owner,
        due=due,
        created_by=user,
    )


def commitment_close(*, user, commitment: Commitment) -> bool:
    """Close an open commitment; closing twice does nothing. True if it closed now."""
    require(user, RECORD_COMMITMENT, commitment.department)
    # Compare-and-swap, so two people closing at once record one closer.
    return (
        Commitment.objects.filter(pk=commitment.pk, closed_at=None).update(
            closed_at=timezone.now(), closed_by=user
        )
        == 1
    )
