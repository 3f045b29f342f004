"""CSV import of metric values: check line by line, then all or nothing.

Columns metric, period, value, note (`metric` is the metric's code, `period`
"FY2027 Q1" or "2026-07"). The check writes nothing and names every bad line;
the import writes every row in one transaction or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from csoprogram.lib import fiscal, table_import
from departments import roles

from .formatting import metric_format
from .locks import CORRECTION_WAITING, period_locked, value_lock_refusal
from .models import (
    VALUE_DIGITS,
    CorrectionStatus,
    Metric,
    MetricValue,
    MetricVersion,
    ValueCorrection,
)
from .rules import period_refusal
from .selectors import status_for, version_for
from .services import areas_progress_refresh

MAX_IMPORT_BYTES = table_import.MAX_BYTES
MAX_IMPORT_ROWS = table_import.MAX_ROWS
_MAX_ABS = Decimal(10) ** (VALUE_DIGITS["max_digits"] - VALUE_DIGITS["decimal_places"])


@dataclass
class ImportRow:
    line: int
    metric: Metric
    period_start: date
    period_label: str
    value: Decimal
    note: str
    existing: MetricValue | None = None
    locked: bool = False  # the period is locked: the row waits for approval

    @property
    def is_correction(self) -> bool:
        return self.existing is not None and self.existing.value != self.value

    @property
    def unchanged(self) -> bool:
        return self.existing is not None and self.existing.value == self.value

    @property
    def waits_for_approval(self) -> bool:
        return self.locked and not self.unchanged


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, why); line 0: the file

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.existing is None and not r.locked)

    @property
    def correction_count(self) -> int:
        return sum(1 for r in self.rows if r.is_correction and not r.locked)

    @property
    def pending_count(self) -> int:
        """Rows of locked periods: kept as corrections waiting for approval."""
        return sum(1 for r in self.rows if r.waits_for_approval)


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
    table = table_import.table_read(
        data,
        required=("metric", "period", "value"),
        optional=("note",),
        what="values",
        max_bytes=MAX_IMPORT_BYTES,
        max_rows=MAX_IMPORT_ROWS,
    )
    result.errors.extend(table.errors)
    if not table.rows:
        result.errors.sort()
        return result

    codes = {row["metric"].strip().lower() for _, row in table.rows}
    metrics = {
        m.code: m for m in Metric.objects.filter(code__in=codes).select_related("department")
    }
    covered = roles.department_ids_with_role(user, "analyst")
    seen: dict[tuple[int, date], int] = {}
    period_cache: dict[str, fiscal.Period | str] = {}
    for line, row in table.rows:
        code = row["metric"].strip()
        metric = metrics.get(code.lower())
        if metric is None or metric.department_id not in covered:
            # Another department's metric answers exactly like one that does
            # not exist: its code is not confirmed to anyone outside.
            result.errors.append((line, f"Unknown metric “{code}”."))
            continue
        period_text = row["period"].strip()
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
        refusal = period_refusal(name=metric.code, frequency=metric.frequency, period=period)
        if refusal is not None:
            result.errors.append((line, refusal.text))
            continue
        value = _parse_decimal(row["value"])
        if value is None:
            result.errors.append((line, f"Value “{row['value'].strip()}” is not a number."))
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
        note = row.get("note", "").strip()
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
        waiting = set(
            ValueCorrection.objects.filter(
                metric_id__in={r.metric.pk for r in result.rows},
                period_start__in=starts,
                status=CorrectionStatus.PENDING,
            ).values_list("metric_id", "period_start")
        )
        today = fiscal.today()
        for r in result.rows:
            r.existing = existing.get((r.metric.pk, r.period_start))
            # The one lock rule (metrics.locks), as for the form, grid and API.
            r.locked = period_locked(r.period_start, today=today)
            if r.waits_for_approval:
                if (r.metric.pk, r.period_start) in waiting:
                    result.errors.append((r.line, CORRECTION_WAITING.text_of_one))
                elif not r.note:
                    refusal = value_lock_refusal(
                        period_label=f"{r.metric.code} {r.period_label}",
                        period_start=r.period_start,
                    )
                    result.errors.append(
                        (r.line, f"{refusal.rule} Put the reason in the note column.")
                    )
            elif r.is_correction and not r.note:
                result.errors.append(
                    (
                        r.line,
                        f"{r.metric.code} {r.period_label} already has the value "
                        f"{metric_format(r.existing.value, r.metric)}; "
                        "put the reason for the correction in the note column.",
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
        if r.locked:
            if r.waits_for_approval:
                corrections.append(
                    ValueCorrection(
                        metric=r.metric,
                        period_start=r.period_start,
                        metric_value=r.existing,
                        old_value=r.existing.value if r.existing else None,
                        new_value=r.value,
                        reason=r.note,
                        status=CorrectionStatus.PENDING,
                        changed_by=user,
                        changed_at=now,
                    )
                )
            continue
        version = version_for(versions.get(r.metric.pk, []), r.period_start)
        status = status_for(r.metric, version, r.value, period_start=r.period_start)
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
                    metric=r.metric,
                    period_start=r.period_start,
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
        new_ids = _insert_values(new)
        MetricValue.objects.bulk_update(
            changed, ["value", "note", "status", "entered_by", "updated_at"], batch_size=500
        )
        ValueCorrection.objects.bulk_create(corrections, batch_size=2000)
        _history_record(user=user, now=now, new=new, new_ids=new_ids, changed=changed)
        if corrections and corrections[0].pk:
            ValueCorrection.history.bulk_history_create(
                corrections, default_user=user, default_change_reason=IMPORT_REASON
            )
        areas_progress_refresh(area_ids={r.metric.area_of_focus_id for r in result.rows})
    return result


IMPORT_REASON = "CSV import"


def _history_record(*, user, now, new: list[dict], new_ids, changed) -> None:
    """The bulk writes bypass django-simple-history's signals: record the new
    values and the changed ones. On PostgreSQL the new values' history is one
    INSERT … SELECT of the rows just written (`new_ids`); elsewhere they are
    read back by metric and period (one query) and recorded through the history
    manager."""
    if new_ids is not None:
        _history_insert_copies(new_ids, user=user, now=now)
    elif new:
        keys = {(v["metric_id"], v["period_start"]) for v in new}
        inserted = [
            mv
            for mv in MetricValue.objects.filter(
                metric_id__in={m for m, _ in keys}, period_start__in={p for _, p in keys}
            )
            if (mv.metric_id, mv.period_start) in keys
        ]
        MetricValue.history.bulk_history_create(
            inserted, default_user=user, default_change_reason=IMPORT_REASON, default_date=now
        )
    MetricValue.history.bulk_history_create(
        changed, update=True, default_user=user, default_change_reason=IMPORT_REASON
    )


HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _history_insert_copies(ids: list[int], *, user, now) -> None:
    """The history rows of values just inserted ("+"), copied by the database
    from the rows themselves: the same columns as django-simple-history writes."""
    if not ids:
        return
    table = MetricValue._meta.db_table
    history = MetricValue.history.model._meta
    columns = [f.column for f in MetricValue._meta.concrete_fields]
    tracked = {f.column for f in history.concrete_fields} - {"history_id"}
    differ = tracked ^ {*columns, *HISTORY_COLUMNS}
    if differ:  # a field added to the model and not to its history, or the reverse
        raise RuntimeError(f"History columns differ: {sorted(differ)}")
    names = ", ".join(f'"{c}"' for c in columns)
    extra = ", ".join(f'"{c}"' for c in HISTORY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history.db_table} ({names}, {extra}) "  # noqa: S608 - model's names
            f'SELECT {names}, %s, %s, %s, %s FROM {table} WHERE "id" = ANY(%s)',
            [now, IMPORT_REASON, "+", user.pk, ids],
        )


def _insert_values(values: list[dict]) -> list[int] | None:
    """Insert many new values (dicts of column values). On PostgreSQL one
    INSERT … SELECT FROM unnest() of column arrays, several times faster than
    building model instances for bulk_create, returning the new ids; elsewhere
    bulk_create (None: the ids are read back for the history)."""
    if connection.vendor != "postgresql":
        MetricValue.objects.bulk_create([MetricValue(**v) for v in values], batch_size=2000)
        return None
    if not values:
        return []
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
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) RETURNING id",  # noqa: S608 - fixed names
            params,
        )
        return [row[0] for row in cursor.fetchall()]
