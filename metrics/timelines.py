"""Timelines of metric and PhillyStat records, from their history: what the
metric page and the meeting page show under "History". A fixed number of
queries per page, whatever the number of values or changes."""

from __future__ import annotations

from csoprogram.lib import fiscal
from csoprogram.lib.timeline import TimelineEntry, newest_first, timeline_from_history

from .formatting import metric_format
from .models import (
    Commitment,
    Metric,
    MetricNote,
    MetricValue,
    NarrativeCorrection,
    PhillyStatMeeting,
    QuarterlyNarrative,
    ValueCorrection,
)

# The area of focus is left out: its title may name a plan the reader may not see.
METRIC_FIELDS = {
    "name": "Name",
    "definition": "Definition",
    "unit": "Unit",
    "decimals": "Decimals shown",
    "direction": "Direction",
    "frequency": "Frequency",
    "rollup": "Monthly values roll up by",
    "baseline_value": "Baseline",
    "baseline_period": "Baseline period",
    "target_value": "Target",
    "target_period": "Target period",
    "interim_targets": "Targets set by hand",
    "amber_band": "Amber band",
    "data_source": "Data source",
    "active": "Active",
}
NUMBER_FIELDS = {"baseline_value", "target_value", "amber_band", "value", "old_value", "new_value"}


def _shown_for(metric: Metric):
    def shown(record, name: str) -> str:
        value = getattr(record, name)
        if name in NUMBER_FIELDS:
            return metric_format(value, metric)
        if name in ("baseline_period", "target_period"):
            return fiscal.period_label(value, metric.frequency) if value else "—"
        if name == "interim_targets":
            return ", ".join(f"{k}: {v}" for k, v in (value or {}).items()) or "none"
        display = getattr(record, f"get_{name}_display", None)
        if display is not None:
            return str(display())
        if value in (None, ""):
            return "—"
        return {True: "yes", False: "no"}.get(value, str(value))

    return shown


def _history(model, **lookup):
    return model.history.filter(**lookup).select_related("history_user")


def metric_timeline(metric: Metric, *, limit: int | None = 30) -> list[TimelineEntry]:
    """The metric's definition, its values and their corrections, newest first (3 queries)."""
    shown = _shown_for(metric)

    def period(r) -> str:
        return fiscal.period_label(r.period_start, metric.frequency)

    return newest_first(
        timeline_from_history(
            _history(Metric, id=metric.pk),
            fields=METRIC_FIELDS,
            subject=lambda r: "Customer service metric",
            shown=shown,
        ),
        timeline_from_history(
            _history(MetricValue, metric_id=metric.pk),
            fields={"value": "Value", "note": "Note", "status": "Status"},
            subject=lambda r: f"Value for {period(r)}",
            shown=shown,
        ),
        timeline_from_history(
            _history(ValueCorrection, metric_id=metric.pk),
            fields={"status": "Correction", "decision_note": "Decision note"},
            subject=lambda r: f"Correction of {period(r)} to {metric_format(r.new_value, metric)}",
            shown=shown,
        ),
        limit=limit,
    )


def meeting_timeline(meeting: PhillyStatMeeting, *, limit: int | None = 30) -> list:
    """The meeting, its quarter's narrative (and notes, corrections) and its
    commitments, newest first (6 queries)."""
    narrative = QuarterlyNarrative.objects.filter(
        department_id=meeting.department_id,
        fiscal_year=meeting.fiscal_year,
        quarter=meeting.quarter,
    ).first()
    groups = [
        timeline_from_history(
            _history(PhillyStatMeeting, id=meeting.pk).select_related("analyst"),
            fields={"date": "Date", "attendees": "Attendees", "analyst": "PhillyStat analyst"},
            subject=lambda r: "PhillyStat meeting",
        ),
        timeline_from_history(
            _history(Commitment, meeting_id=meeting.pk).select_related("owner"),
            fields={
                "what": "Commitment",
                "owner": "Owner",
                "due": "Due date",
                "status": "Status",
                "closing_note": "Closing note",
                "closed_at": "Closed",
            },
            subject=lambda r: f"Commitment “{r.what[:60]}”",
        ),
    ]
    if narrative is not None:
        groups += [
            timeline_from_history(
                _history(QuarterlyNarrative, id=narrative.pk),
                fields={"what_changed": "What changed this quarter"},
                subject=lambda r: "Quarterly narrative",
            ),
            timeline_from_history(
                _history(MetricNote, narrative_id=narrative.pk).select_related("metric"),
                fields={"note": "Note"},
                subject=lambda r: f"Note on “{r.metric.name if r.metric else 'a metric'}”",
            ),
            timeline_from_history(
                _history(NarrativeCorrection, narrative_id=narrative.pk),
                fields={"status": "Correction", "decision_note": "Decision note"},
                subject=lambda r: "Correction of the narrative",
            ),
        ]
    return newest_first(*groups, limit=limit)
