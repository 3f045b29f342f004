"""PhillyStat meetings and reporting due dates as calendar events
(csoprogram.lib.ics): a meeting's .ics download, and their part of a person's
private feed (csoprogram.calendar)."""

from __future__ import annotations

from csoprogram.lib import fiscal
from csoprogram.lib.ics import CalendarEvent

from ..locks import quarter_due_on


def meeting_event(meeting, *, base_url: str) -> CalendarEvent:
    department = meeting.department
    lines = [
        f"{department.name}'s PhillyStat meeting about {meeting.quarter_label}.",
        "The CSO's quarterly narrative and the quarter's metric values are due before it.",
    ]
    if meeting.analyst_id:
        lines.append(f"PhillyStat analyst: {meeting.analyst}.")
    if meeting.attendees.strip():
        lines.append("Attendees: " + ", ".join(meeting.attendees.split()))
    return CalendarEvent(
        uid=f"phillystat-meeting-{meeting.pk}",
        summary=f"PhillyStat meeting: {department.display_name} ({meeting.quarter_label})",
        day=meeting.date,
        description="\n".join(lines),
        url=base_url + meeting.get_absolute_url(),
    )


def values_due_event(department, quarter: fiscal.Quarter, *, base_url: str) -> CalendarEvent:
    return CalendarEvent(
        uid=f"values-due-{department.pk}-{quarter.code}",
        summary=f"Metric values due: {department.display_name} ({quarter.label})",
        day=quarter_due_on(quarter),
        description=(
            f"The {quarter.label} values of {department.name}'s customer service metrics "
            "are due today."
        ),
        url=base_url + department.get_absolute_url(),
    )
