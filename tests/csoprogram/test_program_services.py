"""The writes of the program pages go through services that check who acts
and refuse with a RuleError; the actions check access before the method."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from csoprogram.lib.rules import RuleError
from csoprogram.models import DepartmentPublication, ProgramActionItem, ProgramMeeting
from csoprogram.program_meetings import services as meetings
from csoprogram.publication import services as publishing
from tests.departments.factories import DepartmentFactory
from tests.metrics.factories import MetricFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 7)


def _meeting(ccso, *departments):
    return meetings.program_meeting_create(
        user=ccso, kind="outcomes_session", date=DAY, departments=departments
    )


def test_only_the_ccso_records_a_program_meeting(ccso, md_office, cso_fleet, dept_fleet):
    for user in (md_office, cso_fleet):
        with pytest.raises(PermissionDenied):
            _meeting(user, dept_fleet)
    meeting = _meeting(ccso, dept_fleet)
    assert meeting.created_by == ccso
    assert [(e.department, e.order) for e in meeting.agenda.all()] == [(dept_fleet, 1)]


def test_agenda_moves_up_or_down_only_and_stops_at_either_end(ccso, dept_fleet, dept_streets):
    meeting = _meeting(ccso, dept_fleet, dept_streets)
    first, second = meeting.agenda.all()
    with pytest.raises(RuleError) as refused:
        meetings.agenda_entry_move(user=ccso, entry=first, direction="sideways")
    assert refused.value.field == "direction"
    meetings.agenda_entry_move(user=ccso, entry=first, direction="up")  # already first
    assert [e.department for e in meeting.agenda.all()] == [dept_fleet, dept_streets]
    meetings.agenda_entry_move(user=ccso, entry=first, direction="down")
    assert [e.department for e in meeting.agenda.all()] == [dept_streets, dept_fleet]


def test_an_action_item_names_a_department_presenting_at_the_meeting(
    client, ccso, dept_fleet, dept_streets
):
    meeting = _meeting(ccso, dept_fleet)
    item = {"what": "Share the script", "owner": "CCSO", "due": DAY}
    with pytest.raises(RuleError) as refused:
        meetings.action_item_add(user=ccso, meeting=meeting, department=dept_streets, **item)
    assert refused.value.field == "department"
    meetings.action_item_add(user=ccso, meeting=meeting, department=dept_fleet, **item)
    meetings.action_item_add(user=ccso, meeting=meeting, department=None, **item)
    assert ProgramActionItem.objects.filter(meeting=meeting).count() == 2


def test_the_agenda_move_page_shows_the_refusal_as_a_message(client, ccso, dept_fleet):
    meeting = _meeting(ccso, dept_fleet)
    entry = meeting.agenda.get()
    client.force_login(ccso)
    url = reverse("csoprogram:meeting_move", args=[meeting.pk, entry.pk])
    response = client.post(url, {"direction": "sideways"}, follow=True)
    assert "A department moves up or down the agenda." in response.content.decode()


def test_actions_check_access_before_the_method(client, ccso, md_office, cso_streets, dept_fleet):
    meeting = _meeting(ccso, dept_fleet)
    entry = meeting.agenda.get()
    move = reverse("csoprogram:meeting_move", args=[meeting.pk, entry.pk])
    approve = reverse("csoprogram:publication_approve", args=["fleet"])
    client.force_login(cso_streets)
    assert client.get(move).status_code == 403  # a program page, not theirs
    assert client.get(approve).status_code == 404  # another department
    client.force_login(md_office)
    assert client.get(move).status_code == 403  # reads meetings, does not run them
    client.force_login(ccso)
    assert client.get(move).status_code == 405
    assert client.get(approve).status_code == 405
    missing = reverse("csoprogram:meeting_move", args=[meeting.pk + 1, entry.pk])
    assert client.post(missing, {"direction": "up"}).status_code == 404


def test_publishing_is_asked_by_the_cso_approved_once_by_the_ccso(
    ccso, cso_fleet, md_office, dept_fleet
):
    mine = MetricFactory(department=dept_fleet)
    other = MetricFactory(department=DepartmentFactory(slug="water"))
    with pytest.raises(PermissionDenied):
        publishing.publication_request(user=ccso, department=dept_fleet, metrics=[mine])
    with pytest.raises(RuleError) as refused:
        publishing.publication_request(user=cso_fleet, department=dept_fleet, metrics=[other])
    assert refused.value.field == "metrics"
    publishing.publication_request(user=cso_fleet, department=dept_fleet, metrics=[mine])
    with pytest.raises(PermissionDenied):
        publishing.publication_approve(user=md_office, department=dept_fleet)
    assert publishing.publication_approve(user=ccso, department=dept_fleet) is True
    assert publishing.publication_approve(user=ccso, department=dept_fleet) is False
    publication = DepartmentPublication.objects.get()
    assert publication.status == "published" and list(publication.metrics.all()) == [mine]
    publishing.publication_withdraw(user=cso_fleet, department=dept_fleet)
    assert DepartmentPublication.objects.get().status == "withdrawn"


def test_meeting_form_hands_its_fields_to_the_service(client, ccso, dept_fleet):
    client.force_login(ccso)
    response = client.post(
        reverse("csoprogram:meeting_create"),
        {"kind": "program_update", "date": "2026-12-01", "departments": [dept_fleet.pk]},
    )
    meeting = ProgramMeeting.objects.get()
    assert response.url == reverse("csoprogram:meeting_detail", args=[meeting.pk])
    assert meeting.created_by == ccso and meeting.agenda.get().department == dept_fleet
