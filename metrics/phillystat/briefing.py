"""The briefing memo before a PhillyStat meeting, in the Stat order:
follow-up items (the commitments still open from earlier meetings), standing
items (the metrics with their values and the quarterly narrative, with the
department's open impediments), and new items (what is new since the previous
meeting: metrics added, impediments raised, metrics off target)."""

from __future__ import annotations

from django.utils import timezone

from plans.selectors import impediments_listed

from ..models import Metric, Status
from .models import PhillyStatMeeting
from .selectors import carried_commitments, quarter_report


def previous_meeting(meeting: PhillyStatMeeting) -> PhillyStatMeeting | None:
    return (
        PhillyStatMeeting.objects.filter(department=meeting.department, date__lt=meeting.date)
        .order_by("-date")
        .first()
    )


def briefing_memo(meeting: PhillyStatMeeting) -> dict:
    report = quarter_report(meeting.department, meeting.fiscal_quarter)
    previous = previous_meeting(meeting)
    impediments = impediments_listed(meeting.department)
    new_items: list[str] = []
    if previous is not None:
        since = previous.date
        for m in Metric.objects.filter(
            department=meeting.department, active=True, created_at__date__gt=since
        ).order_by("name"):
            new_items.append(f"New customer service metric: {m.name}.")
        for i in impediments:
            if timezone.localdate(i.created_at) > since:
                new_items.append(
                    f"New impediment ({i.get_kind_display().lower()}): {i.description}"
                )
    for line in report.lines:
        if line["status"] == Status.RED:
            new_items.append(
                f"“{line['metric'].name}” is off target in {report.quarter.label}"
                + (f": {line['note']}" if line["note"] else "; the narrative has no note on it.")
            )
    return {
        "meeting": meeting,
        "report": report,
        "previous": previous,
        "follow_up": list(carried_commitments(meeting)),
        "impediments": impediments,
        "new_items": new_items,
    }
