import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from csoprogram.lib import fiscal
from metrics.models import Commitment, PhillyStatMeeting
from metrics.phillystat import commitments
from metrics.phillystat import services as phillystat_services
from plans.models import Impediment
from tests.metrics.factories import CommitmentFactory, PhillyStatMeetingFactory, add_value


def test_a_year_of_quarterly_meetings_is_scheduled_at_once(client, analyst_fleet, dept_fleet):
    client.force_login(analyst_fleet)
    url = reverse("metrics:meeting_schedule", args=["fleet"])
    page = client.get(url).content.decode()
    assert "Q4 meeting date" in page
    response = client.post(
        url,
        {
            "fiscal_year": 2028,
            "q1": "2027-10-20",
            "q2": "2028-01-19",
            "q3": "2028-04-19",
            "q4": "2028-07-19",
            "analyst": analyst_fleet.pk,
        },
    )
    assert response.status_code == 302
    meetings = PhillyStatMeeting.objects.filter(department=dept_fleet, fiscal_year=2028)
    assert sorted(meetings.values_list("quarter", flat=True)) == [1, 2, 3, 4]
    # Scheduling again keeps what is there.
    client.post(url, {"fiscal_year": 2028, "q1": "2027-10-27"})
    assert meetings.get(quarter=1).date == datetime.date(2027, 10, 20)


def test_the_ccso_schedules_and_the_mdo_cannot(ccso, md_office, dept_fleet):
    phillystat_services.meetings_schedule_year(
        user=ccso, department=dept_fleet, fiscal_year=2028, dates={1: datetime.date(2027, 10, 20)}
    )
    with pytest.raises(PermissionDenied):
        phillystat_services.meetings_schedule_year(
            user=md_office,
            department=dept_fleet,
            fiscal_year=2028,
            dates={2: datetime.date(2028, 1, 20)},
        )


def test_open_commitments_carry_to_the_next_meeting_until_closed(
    client, analyst_fleet, dept_fleet, last_q
):
    first = PhillyStatMeetingFactory(department=dept_fleet, period=last_q.previous())
    second = PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    commitment = CommitmentFactory(meeting=first, what="Publish the queue dashboard")
    client.force_login(analyst_fleet)
    assert "Publish the queue dashboard" in client.get(second.get_absolute_url()).content.decode()
    response = client.post(
        reverse("metrics:commitment_close", args=[commitment.pk]), {"status": "done"}
    )
    assert response.status_code == 302
    assert (
        "Publish the queue dashboard" not in client.get(second.get_absolute_url()).content.decode()
    )
    # Closing twice records the first closer only.
    assert not commitments.commitment_close(user=analyst_fleet, commitment=commitment)


def test_analyst_records_a_commitment_and_the_memo_lists_it(
    client, analyst_fleet, cso_fleet, head_fleet, dept_fleet, wait_time, last_q
):
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    client.force_login(analyst_fleet)
    response = client.post(
        reverse("metrics:commitment_create", args=[meeting.pk]),
        {"what": "Add a text-message queue", "owner": cso_fleet.pk, "due": "2027-01-15"},
    )
    assert response.status_code == 302
    made = Commitment.objects.get()
    assert (made.department, made.owner, made.status) == (dept_fleet, cso_fleet, "open")
    client.post(reverse("metrics:meeting_mark_held", args=[meeting.pk]))
    for reader in (cso_fleet, head_fleet):
        client.force_login(reader)
        memo = client.get(reverse("metrics:meeting_memo", args=[meeting.pk])).content.decode()
        assert "Add a text-message queue" in memo and escape(str(cso_fleet)) in memo
        assert wait_time.name in memo


def test_the_cso_writes_the_narrative_and_red_metrics_need_a_note(
    client, cso_fleet, dept_fleet, wait_time, last_q
):
    add_value(wait_time, last_q.start, 40)
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    client.force_login(cso_fleet)
    url = reverse("metrics:narrative_edit", args=[meeting.pk])
    response = client.post(url, {"what_changed": "New kiosk", "impediment_description": "Staffing"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = client.post(
        url,
        {
            "what_changed": "New kiosk",
            "impediment_description": "Staffing",
            "impediment_kind": "resources",
            f"note_{wait_time.pk}": "Two clerks on leave",
        },
    )
    assert response.status_code == 302
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Complete" in page and "Two clerks on leave" in page and "Staffing" in page
    # Raised from the narrative form: one impediment record, refused with the
    # narrative the first time (nothing half-saved).
    (impediment,) = Impediment.objects.filter(department=dept_fleet)
    assert (impediment.kind, impediment.description, impediment.created_by) == (
        "resources",
        "Staffing",
        cso_fleet,
    )


def test_the_meeting_page_says_what_is_missing(
    client, analyst_fleet, dept_fleet, wait_time, last_q
):
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    client.force_login(analyst_fleet)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"Values missing for {last_q.label}" in page
    assert "Not complete" in page


def test_meeting_list_query_count_does_not_grow_with_departments(
    client, django_assert_max_num_queries, ccso, dept_fleet
):
    from tests.departments.factories import DepartmentFactory

    for i in range(6):
        PhillyStatMeetingFactory(
            department=DepartmentFactory(slug=f"d{i}"), period=fiscal.last_completed_quarter()
        )
    client.force_login(ccso)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("metrics:meeting_list")).status_code == 200


def test_closing_a_commitment_with_htmx_swaps_its_row(client, analyst_fleet, dept_fleet, last_q):
    commitment = CommitmentFactory(
        meeting=PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    )
    client.force_login(analyst_fleet)
    response = client.post(
        reverse("metrics:commitment_close", args=[commitment.pk]),
        {"status": "done", "note": "Live on the website."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<tr id="commitment-{commitment.pk}">') and "Done" in html
    assert "Live on the website." in html


def test_the_close_button_carries_a_csrf_token(client, analyst_fleet, dept_fleet, last_q):
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    CommitmentFactory(meeting=meeting)
    client.force_login(analyst_fleet)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' not in html
    assert html.count('name="csrfmiddlewaretoken"') >= 2
