import datetime

import pytest
from django.urls import reverse

from csoprogram.lib import fiscal
from csoprogram.models import ProgramActionItem, ProgramMeeting
from csoprogram.review.freshness import department_freshness
from tests.csoprogram.factories import ProgramMeetingFactory, full_department
from tests.departments.factories import DepartmentFactory
from tests.metrics.factories import QuarterlyNarrativeFactory
from tests.plans.factories import SuccessFactory

pytestmark = pytest.mark.django_db


def test_ccso_records_a_program_meeting_and_reorders_its_agenda(client, ccso):
    a = DepartmentFactory(name="Alpha", slug="alpha")
    b = DepartmentFactory(name="Bravo", slug="bravo")
    client.force_login(ccso)
    response = client.post(
        reverse("csoprogram:meeting_create"),
        {
            "kind": "outcomes_session",
            "date": "2026-10-06",
            "attendees": "Managing Director\nDepartment heads",
            "notes": "Customer Service Week",
            "departments": [a.pk, b.pk],
        },
    )
    meeting = ProgramMeeting.objects.get()
    assert response.url == reverse("csoprogram:meeting_detail", args=[meeting.pk])
    assert [e.department.slug for e in meeting.agenda.all()] == ["alpha", "bravo"]
    second = meeting.agenda.get(department=b)
    client.post(
        reverse("csoprogram:meeting_move", args=[meeting.pk, second.pk]), {"direction": "up"}
    )
    assert [e.department.slug for e in meeting.agenda.all()] == ["bravo", "alpha"]
    client.post(
        reverse("csoprogram:action_item_add", args=[meeting.pk]),
        {"what": "Share the intake script", "owner": "CCSO", "due": "2026-11-01"},
    )
    assert ProgramActionItem.objects.get().meeting == meeting
    detail = client.get(reverse("csoprogram:meeting_detail", args=[meeting.pk]))
    assert [r["department"].slug for r in detail.context["rows"]] == ["bravo", "alpha"]


def test_action_item_without_owner_shows_the_error_next_to_the_field(client, ccso):
    meeting = ProgramMeetingFactory(kind="program_update", date=datetime.date(2026, 12, 1))
    client.force_login(ccso)
    response = client.post(
        reverse("csoprogram:action_item_add", args=[meeting.pk]), {"what": "x", "due": "2026-12-9"}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_program_update_lists_changes_impediments_and_successes(client, md_office, dept_fleet):
    full_department(dept_fleet)
    SuccessFactory(department=dept_fleet, title="Wait time halved")
    meeting = ProgramMeetingFactory(kind="program_update", agenda=[dept_fleet])
    client.force_login(md_office)
    response = client.get(reverse("csoprogram:meeting_detail", args=[meeting.pk]))
    row = response.context["rows"][0]
    assert [i.description for i in row["impediments"]] == ["Phone line unstaffed."]
    assert [s.title for s in row["successes"]] == ["Wait time halved"]
    assert "2 focus group sessions held" in row["changes"]
    assert "Phone line unstaffed." in response.content.decode()


def test_freshness_score_has_four_parts_and_rises_with_the_narrative(client, cso_fleet, dept_fleet):
    full_department(dept_fleet)
    current = department_freshness(dept_fleet)[0]
    parts = {p.label: p.points for p in current.parts}
    assert parts["Metrics with a current value"] == 25
    assert parts["Narrative complete before the meeting"] == 0
    assert parts["Focus groups within the last year"] == 25
    assert 0 <= current.score <= 100
    q = fiscal.last_completed_quarter()
    QuarterlyNarrativeFactory(department=dept_fleet, period=q, what_changed="Faster.")
    assert department_freshness(dept_fleet)[0].score == current.score + 25
    client.force_login(cso_fleet)
    response = client.get(reverse("csoprogram:freshness", args=["fleet"]))
    assert response.status_code == 200
    assert '<strong class="freshness-score">100</strong>' in response.content.decode()
    assert len(response.context["trend"]) == 4


def test_freshness_of_an_empty_department_is_low_and_says_what_to_do(dept_fleet):
    current = department_freshness(dept_fleet)[0]
    assert current.score == 25  # only "no commitments due" counts
    assert any("Define customer service metrics" in p.to_raise for p in current.parts)


def test_demo_meetings_are_seeded_once_in_agenda_order(ccso, dept_fleet, dept_streets):
    from csoprogram import demo
    from csoprogram.models import DepartmentPublication

    full_department(dept_fleet)
    demo.seed({"ccso": ccso})
    demo.seed({"ccso": ccso})
    session = ProgramMeeting.objects.get(kind="outcomes_session")
    assert [e.department.slug for e in session.agenda.all()] == ["fleet", "streets"]
    assert ProgramMeeting.objects.count() == 2
    assert DepartmentPublication.objects.get().status == "published"
