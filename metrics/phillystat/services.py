"""Writes about PhillyStat: scheduling meetings, the CSO's quarterly
narrative with its notes on metrics. Commitments: commitments.py."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.rules import RuleError, rule_errors_raise
from csoprogram.lib.timeline import records_history_by_user
from departments import roles
from plans.change_management import impediment_create
from plans.models import ImpedimentKind

from ..locks import CORRECTION_WAITING, NARRATIVE_LOCKED, narrative_locked
from ..models import Metric, MetricNote, Status
from ..permissions import SCHEDULE_MEETING, WRITE_NARRATIVE, require
from .models import (
    NarrativeCorrection,
    PhillyStatMeeting,
    QuarterlyNarrative,
)

ANALYST_REFUSED = RuleError(
    "The meeting's PhillyStat analyst is one of the department's analysts.",
    "Choose one from the list.",
    field="analyst",
)


@records_history_by_user
def meeting_schedule(
    *, user, department, fiscal_year: int, quarter: int, date, analyst=None, attendees=""
) -> PhillyStatMeeting:
    require(user, SCHEDULE_MEETING, department)
    if analyst is not None and not roles.is_analyst(analyst, department):
        raise ANALYST_REFUSED
    if PhillyStatMeeting.objects.filter(
        department=department, fiscal_year=fiscal_year, quarter=quarter
    ).exists():
        raise RuleError(
            f"FY{fiscal_year} Q{quarter} already has a PhillyStat meeting.",
            "Open it to change its date.",
            field="quarter",
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


@records_history_by_user
def meeting_update(*, user, meeting: PhillyStatMeeting, date, attendees: str, analyst=None):
    require(user, SCHEDULE_MEETING, meeting.department)
    if analyst is not None and not roles.is_analyst(analyst, meeting.department):
        raise ANALYST_REFUSED
    meeting.date, meeting.attendees, meeting.analyst = date, attendees, analyst
    meeting.save(update_fields=["date", "attendees", "analyst"])
    return meeting


@records_history_by_user
def narrative_save(
    *,
    user,
    department,
    quarter: fiscal.Quarter,
    what_changed: str,
    notes: dict[int, str],
    reason: str = "",
    new_impediment: dict | None = None,
) -> QuarterlyNarrative | NarrativeCorrection:
    """The CSO writes the quarter's narrative with a note per metric. A metric
    that was off target (red) in the quarter needs its note: the narrative is
    refused without it (narrative_complete asks the same).

    Once the quarter's PhillyStat meeting is held the narrative is locked
    (metrics.locks): a change needs a reason and waits for approval as a
    NarrativeCorrection (returned instead of the narrative).

    Impediments are the department's records (plans): new_impediment (kind,
    description, support_requested) raises one through the plans service,
    saved with the narrative or not at all."""
    require(user, WRITE_NARRATIVE, department)
    what_changed = (what_changed or "").strip()
    notes = {pk: (text or "").strip() for pk, text in notes.items()}
    _red_notes_check(department, quarter, notes)
    meeting_date = (
        PhillyStatMeeting.objects.filter(
            department=department, fiscal_year=quarter.fiscal_year, quarter=quarter.quarter
        )
        .values_list("date", flat=True)
        .first()
    )
    with transaction.atomic():
        if narrative_locked(meeting_date):
            saved = _narrative_correction_request(
                user=user,
                department=department,
                quarter=quarter,
                what_changed=what_changed,
                notes=notes,
                reason=reason,
            )
        else:
            saved = _narrative_write(
                user=user,
                department=department,
                quarter=quarter,
                what_changed=what_changed,
                notes=notes,
            )
        if new_impediment and (new_impediment.get("description") or "").strip():
            impediment_create(
                department=department,
                user=user,
                kind=new_impediment.get("kind") or ImpedimentKind.OTHER,
                description=new_impediment["description"].strip(),
                support_requested=(new_impediment.get("support_requested") or "").strip(),
            )
    return saved


def _red_notes_check(department, quarter: fiscal.Quarter, notes: dict[int, str]) -> None:
    red = (
        Metric.objects.filter(
            department=department,
            active=True,
            values__period_start__gte=quarter.start,
            values__period_start__lte=quarter.end,
            values__status=Status.RED,
        )
        .distinct()
        .order_by("name")
    )
    rule_errors_raise(
        [
            RuleError(
                f"“{m.name}” was off target in {quarter.label}, so the narrative explains it.",
                "Write a note on it.",
                field=f"note_{m.pk}",
            )
            for m in red
            if not notes.get(m.pk)
        ]
    )


def _narrative_write(*, user, department, quarter, what_changed, notes) -> QuarterlyNarrative:
    metrics = set(Metric.objects.filter(department=department).values_list("pk", flat=True))
    with transaction.atomic():
        narrative, _ = QuarterlyNarrative.objects.update_or_create(
            department=department,
            fiscal_year=quarter.fiscal_year,
            quarter=quarter.quarter,
            defaults={
                "what_changed": what_changed,
                "written_by": user,
            },
        )
        for metric_id, text in notes.items():
            if metric_id not in metrics:
                continue
            if text:
                MetricNote.objects.update_or_create(
                    narrative=narrative, metric_id=metric_id, defaults={"note": text}
                )
            else:
                MetricNote.objects.filter(narrative=narrative, metric_id=metric_id).delete()
        if what_changed:
            # The red notes were checked above: complete now. Kept once, so a
            # correction after the meeting does not make it look late.
            QuarterlyNarrative.objects.filter(pk=narrative.pk, completed_at=None).update(
                completed_at=timezone.now()
            )
    return narrative


def _narrative_correction_request(
    *, user, department, quarter, what_changed, notes, reason
) -> NarrativeCorrection:
    if not (reason or "").strip():
        raise NARRATIVE_LOCKED
    narrative, _ = QuarterlyNarrative.objects.get_or_create(
        department=department,
        fiscal_year=quarter.fiscal_year,
        quarter=quarter.quarter,
        defaults={"written_by": user},
    )
    try:
        with transaction.atomic():
            return NarrativeCorrection.objects.create(
                narrative=narrative,
                department=department,
                what_changed=what_changed,
                notes={str(k): v for k, v in notes.items()},
                reason=reason.strip(),
                requested_by=user,
            )
    except IntegrityError:
        raise CORRECTION_WAITING from None


def narrative_correction_apply(*, correction: NarrativeCorrection) -> QuarterlyNarrative:
    """Write an approved correction (metrics.corrections decides)."""
    narrative = correction.narrative
    return _narrative_write(
        user=correction.requested_by,
        department=correction.department,
        quarter=fiscal.quarter(narrative.fiscal_year, narrative.quarter),
        what_changed=correction.what_changed,
        notes={int(k): v for k, v in correction.notes.items()},
    )
