"""Calendar files (iCalendar, RFC 5545) built with the `icalendar` package:
a meeting to download, or a person's private feed. Apps describe their events
as CalendarEvent values; this module knows nothing of what they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//CSO Program//Calendar//EN"
UID_DOMAIN = "cso-program"


@dataclass(frozen=True)
class CalendarEvent:
    """`day` for an all-day event (a meeting with a date only, a due date);
    `starts_at` (aware) for one with a time, lasting `duration`."""

    uid: str
    summary: str
    day: date | None = None
    starts_at: datetime | None = None
    duration: timedelta = timedelta(hours=1)
    description: str = ""
    location: str = ""
    url: str = ""


def calendar_bytes(events: list[CalendarEvent], *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for e in events:
        event = Event()
        event.add("uid", f"{e.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("summary", e.summary)
        if e.starts_at is not None:
            event.add("dtstart", e.starts_at)
            event.add("dtend", e.starts_at + e.duration)
        else:
            event.add("dtstart", e.day)
            event.add("dtend", e.day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        if e.description:
            event.add("description", e.description)
        if e.location:
            event.add("location", e.location)
        if e.url:
            event.add("url", e.url)
        cal.add_component(event)
    return cal.to_ical()


def ics_response(events: list[CalendarEvent], *, name: str, filename: str = "") -> HttpResponse:
    """text/calendar; a download when `filename` is given, else a feed that a
    calendar application subscribes to."""
    response = HttpResponse(calendar_bytes(events, name=name), content_type="text/calendar")
    response["Content-Type"] = "text/calendar; charset=utf-8"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
