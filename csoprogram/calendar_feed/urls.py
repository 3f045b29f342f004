"""Calendar routes: each meeting's .ics sits beside the meeting's page;
the private feed at /calendar/<secret>.ics (included by csoprogram/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("accounts/profile/calendar/", views.calendar_feed_renew, name="calendar_feed_renew"),
    path(
        "accounts/profile/calendar/revoke/",
        views.calendar_feed_revoke,
        name="calendar_feed_revoke",
    ),
    path(
        "metrics/meetings/<int:pk>/calendar.ics",
        views.phillystat_meeting_ics,
        name="phillystat_meeting_ics",
    ),
    path(
        "program/meetings/<int:pk>/calendar.ics",
        views.program_meeting_ics,
        name="program_meeting_ics",
    ),
    path(
        "focus-groups/sessions/<int:pk>/calendar.ics",
        views.focus_group_session_ics,
        name="focus_group_session_ics",
    ),
]
