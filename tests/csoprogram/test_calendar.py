"""Calendars (issue 13, item 5): each PhillyStat meeting, program meeting and
focus group session as an .ics file, and a person's private feed, read back
with a real iCalendar parser (icalendar)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from csoprogram.calendar_feed.services import calendar_feed_renew
from tests.csoprogram.factories import ProgramMeetingFactory
from tests.departments.factories import AssignmentFactory, DepartmentFactory
from tests.focusgroups.factories import SessionFactory
from tests.metrics.factories import PhillyStatMeetingFactory

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(days=12)


def _events(response) -> list:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(b"".join(response) if response.streaming else response.content)
    return list(cal.walk("VEVENT"))


def _summaries(response) -> set[str]:
    return {str(e["SUMMARY"]) for e in _events(response)}


@pytest.fixture
def fleet_meeting(dept_fleet, analyst_fleet):
    return PhillyStatMeetingFactory(
        department=dept_fleet, date=timezone.localdate() + SOON, analyst=analyst_fleet
    )


@pytest.fixture
def streets_meeting(dept_streets):
    return PhillyStatMeetingFactory(department=dept_streets, date=timezone.localdate() + SOON)


def test_a_phillystat_meeting_downloads_as_an_all_day_event(client, cso_fleet, fleet_meeting):
    client.force_login(cso_fleet)
    response = client.get(reverse("phillystat_meeting_ics", args=[fleet_meeting.pk]))
    assert "attachment;" in response["Content-Disposition"]
    (event,) = _events(response)
    assert str(event["SUMMARY"]).startswith("PhillyStat meeting: Fleet Management")
    assert event.decoded("DTSTART") == fleet_meeting.date
    assert event.decoded("DTEND") == fleet_meeting.date + datetime.timedelta(days=1)
    assert str(event["UID"]) == f"phillystat-meeting-{fleet_meeting.pk}@cso-program"
    assert str(event["URL"]).endswith(fleet_meeting.get_absolute_url())
    assert "PhillyStat analyst:" in str(event["DESCRIPTION"])


def test_another_departments_meeting_and_session_are_not_found(
    client, cso_streets, fleet_meeting, dept_fleet
):
    session = SessionFactory(department=dept_fleet)
    client.force_login(cso_streets)
    assert client.get(reverse("phillystat_meeting_ics", args=[fleet_meeting.pk])).status_code == 404
    assert client.get(reverse("focus_group_session_ics", args=[session.pk])).status_code == 404


def test_a_focus_group_session_downloads_with_its_place(client, head_fleet, dept_fleet):
    session = SessionFactory(department=dept_fleet, location="Room 202, MSB")
    client.force_login(head_fleet)
    (event,) = _events(client.get(reverse("focus_group_session_ics", args=[session.pk])))
    assert str(event["LOCATION"]) == "Room 202, MSB"
    assert event.decoded("DTSTART") == session.held_on


def test_a_program_meeting_downloads_for_the_program_only(client, md_office, cso_fleet):
    meeting = ProgramMeetingFactory(kind="outcomes_session", date=datetime.date(2026, 10, 6))
    client.force_login(md_office)
    (event,) = _events(client.get(reverse("program_meeting_ics", args=[meeting.pk])))
    assert event.decoded("DTSTART") == datetime.date(2026, 10, 6)
    client.force_login(cso_fleet)
    assert client.get(reverse("program_meeting_ics", args=[meeting.pk])).status_code == 403


def _feed_url_from_profile(client) -> str:
    response = client.post(reverse("calendar_feed_renew"))
    assert response.status_code == 200
    match = re.search(r'value="(http://testserver/calendar/[^"]+\.ics)"', response.content.decode())
    return match.group(1).removeprefix("http://testserver")


def test_a_csos_feed_holds_their_departments_meetings_sessions_and_training_only(
    client, cso_fleet, dept_fleet, fleet_meeting, streets_meeting
):
    from departments.training.models import TrainingSession
    from tests.departments.training_factories import TrainingModuleFactory

    SessionFactory(department=dept_fleet, status="planned", held_on=timezone.localdate() + SOON)
    TrainingSession.objects.create(
        module=TrainingModuleFactory(title="Listening"),
        starts_at=timezone.now() + SOON,
        place="Room 1",
        facilitator="R. Lue",
    )
    ProgramMeetingFactory(kind="outcomes_session", date=timezone.localdate() + SOON)
    client.force_login(cso_fleet)
    url = _feed_url_from_profile(client)
    client.logout()
    response = client.get(url)  # a calendar application: no session
    assert response["Cache-Control"] == "private, no-store"
    summaries = _summaries(response)
    assert any(s.startswith("PhillyStat meeting: Fleet Management") for s in summaries)
    assert any(s.startswith("Focus group session: Fleet Management") for s in summaries)
    assert "CSO training: Listening" in summaries
    assert not any("Streets" in s for s in summaries)
    assert not any("Outcomes session" in s for s in summaries)


def test_an_analysts_feed_has_the_values_due_and_the_ccsos_the_program_meetings(
    client, analyst_fleet, ccso, fleet_meeting, streets_meeting
):
    ProgramMeetingFactory(kind="program_update", date=timezone.localdate() + SOON)
    analyst = _summaries(
        client.get(reverse("calendar_feed", args=[calendar_feed_renew(user=analyst_fleet)]))
    )
    assert any(s.startswith("Metric values due: Fleet Management") for s in analyst)
    program = _summaries(
        client.get(reverse("calendar_feed", args=[calendar_feed_renew(user=ccso)]))
    )
    assert "Program update" in program
    assert any("Streets" in s for s in program) and any("Fleet" in s for s in program)


def test_a_new_address_stops_the_old_one_and_revoking_stops_both(client, cso_fleet):
    old = calendar_feed_renew(user=cso_fleet)
    new = calendar_feed_renew(user=cso_fleet)
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 200
    client.force_login(cso_fleet)
    profile = client.get(reverse("profile")).content.decode()
    assert "Revoke the calendar address" in profile and new not in profile
    assert client.post(reverse("calendar_feed_revoke")).status_code == 302
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 404


def test_a_deactivated_persons_feed_is_not_found(client, db):
    from tests.departments.factories import UserFactory

    person = UserFactory(username="gone")
    token = calendar_feed_renew(user=person)
    person.is_active = False
    person.save()
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_the_feed_costs_the_same_queries_for_ten_times_the_departments(client, ccso, analyst_fleet):
    def departments(start, n):
        for i in range(start, start + n):
            d = DepartmentFactory(slug=f"cal-{i}")
            AssignmentFactory(user=analyst_fleet, department=d, role="analyst")
            PhillyStatMeetingFactory(department=d, date=timezone.localdate() + SOON)
            SessionFactory(department=d, held_on=timezone.localdate())

    urls = [
        reverse("calendar_feed", args=[calendar_feed_renew(user=u)]) for u in (ccso, analyst_fleet)
    ]

    def queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    departments(0, 3)
    queries()  # the first read records when the address was last used
    small = queries()
    departments(3, 27)
    assert queries() == small
