"""A focus group session as a calendar event (csoprogram.lib.ics)."""

from csoprogram.lib.ics import CalendarEvent


def session_event(session, *, base_url: str) -> CalendarEvent:
    department = session.department
    lines = [f"Focus group of {department.name} with {session.get_audience_display().lower()}."]
    if session.facilitator_id:
        lines.append(f"Facilitator: {session.facilitator}.")
    if session.participants:
        lines.append(f"Participants: {session.participants}.")
    return CalendarEvent(
        uid=f"focus-group-session-{session.pk}",
        summary=f"Focus group session: {department.display_name} "
        f"({session.get_audience_display().lower()})",
        day=session.held_on,
        location=session.location,
        description="\n".join(lines),
        url=base_url + session.get_absolute_url(),
    )
