"""Calendar downloads and the private feed. A meeting's .ics answers whoever
may read the meeting (404 for another department's); the feed answers its
secret address only, with no sign-in (calendar applications have none)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from csoprogram.lib.access import read_only
from csoprogram.lib.ics import ics_response
from focusgroups.calendar import session_event
from focusgroups.permissions import session_for_user
from metrics.phillystat.calendar import meeting_event
from metrics.phillystat.permissions import meeting_for_user

from ..program_meetings.permissions import program_meeting_for_user
from . import selectors, services


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@read_only(lambda request, pk: meeting_for_user(request.user, pk))
def phillystat_meeting_ics(request, meeting, pk):
    return ics_response(
        [meeting_event(meeting, base_url=_base_url(request))],
        name=str(meeting),
        filename=f"phillystat-{meeting.department.slug}-{meeting.date:%Y-%m-%d}.ics",
    )


@read_only(lambda request, pk: program_meeting_for_user(request.user, pk))
def program_meeting_ics(request, meeting, pk):
    return ics_response(
        [selectors.program_meeting_event(meeting, base_url=_base_url(request))],
        name=str(meeting),
        filename=f"{meeting.kind.replace('_', '-')}-{meeting.date:%Y-%m-%d}.ics",
    )


@read_only(lambda request, pk: session_for_user(request.user, pk))
def focus_group_session_ics(request, session, pk):
    return ics_response(
        [session_event(session, base_url=_base_url(request))],
        name=str(session),
        filename=f"focus-group-{session.department.slug}-{session.held_on:%Y-%m-%d}.ics",
    )


@login_not_required
@require_GET
def calendar_feed(request, token):
    user = services.calendar_feed_user(token)
    response = ics_response(
        selectors.person_calendar(user, base_url=_base_url(request)),
        name=f"CSO Program — {user}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def calendar_feed_renew(request):
    """The new address is shown on this answer once, never again."""
    token = services.calendar_feed_renew(user=request.user)
    return render(
        request,
        "registration/calendar_feed_created.html",
        {"feed_url": request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token}))},
    )


@require_POST
def calendar_feed_revoke(request):
    if services.calendar_feed_revoke(user=request.user):
        messages.success(request, "Your calendar address is revoked: calendars using it stop.")
    return redirect("profile")
