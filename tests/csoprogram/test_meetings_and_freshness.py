import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.models import ProgramActionItem, ProgramMeeting
from csoprogram.review.freshness import department_freshness
from tests.csoprogram.factories import ProgramMeetingFactory, full_department
from tests.departments.factories import DepartmentFactory
from tests.focusgroups.factories import SessionFactory
from tests.metrics.factories import (
    MetricFactory,
    PhillyStatMeetingFactory,
    QuarterlyNarrativeFactory,
    add_value,
)
from tests.plans.factories import PlanFactory, SuccessFactory

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


def test_freshness_parts_are_explained_and_the_score_scaled_to_those_that_apply(
    client, cso_fleet, dept_fleet
):
    full_department(dept_fleet)
    current = department_freshness(dept_fleet)[0]
    parts = {p.label: p for p in current.parts}
    assert parts["Metrics with a current value"].points == 25
    assert parts["Narrative complete before the meeting"].points == 0
    assert parts["Focus groups within the last year"].points == 25
    assert all(p.explains for p in current.parts)
    counted = current.counted
    expected = round(100 * sum(p.points for p in counted) / sum(p.out_of for p in counted))
    assert current.score == expected
    q = fiscal.last_completed_quarter()
    QuarterlyNarrativeFactory(
        department=dept_fleet, period=q, what_changed="Faster.", completed_at=timezone.now()
    )
    assert department_freshness(dept_fleet)[0].score > current.score
    client.force_login(cso_fleet)
    response = client.get(reverse("csoprogram:freshness", args=["fleet"]))
    assert response.status_code == 200
    assert "How it is counted" in response.content.decode()
    assert len(response.context["trend"]) == 4


def test_no_points_for_having_nothing_to_do(dept_fleet):
    """An approved plan, a metric with its value, a recent focus group, but no
    meeting and no commitment due: those two parts are left out (no free
    points), the score is scaled to the two that apply."""
    PlanFactory(department=dept_fleet, status="approved")
    metric = MetricFactory(department=dept_fleet)
    add_value(metric, fiscal.last_completed_quarter().start, 19)
    SessionFactory(department=dept_fleet, held_on=timezone.localdate())
    current = department_freshness(dept_fleet)[0]
    left_out = {p.label for p in current.left_out}
    assert left_out == {"Narrative complete before the meeting", "Commitments closed on time"}
    assert current.score == 100  # both parts that apply are done
    metric.delete()
    current = department_freshness(dept_fleet)[0]
    assert current.score == 50  # approved, so metrics are due: 0 of 25


def test_a_department_that_has_not_started_shows_not_started(client, ccso, dept_fleet):
    SessionFactory(department=dept_fleet, held_on=timezone.localdate())  # focus groups only
    current = department_freshness(dept_fleet)[0]
    assert (current.score, current.label) == (None, "Not started")
    client.force_login(ccso)
    page = client.get(reverse("csoprogram:program_review")).content.decode()
    assert "Data freshness of Office of Fleet Management: not started" in page


def test_a_correction_after_the_meeting_does_not_make_the_narrative_late(
    dept_fleet, cso_fleet, ccso
):
    from metrics.corrections import narrative_correction_decide
    from metrics.phillystat.services import narrative_save

    q = fiscal.last_completed_quarter()
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=q)
    MetricFactory(department=dept_fleet)
    before = meeting.date - datetime.timedelta(days=2)
    QuarterlyNarrativeFactory(
        department=dept_fleet,
        period=q,
        completed_at=timezone.make_aware(datetime.datetime.combine(before, datetime.time(9))),
    )
    on_time = {p.label: p.points for p in department_freshness(dept_fleet)[0].parts}
    assert on_time["Narrative complete before the meeting"] == 25
    with override_settings(NARRATIVE_GRACE_DAYS=0):
        correction = narrative_save(
            user=cso_fleet,
            department=dept_fleet,
            quarter=q,
            what_changed="Corrected after the meeting.",
            notes={},
            reason="A figure was wrong.",
        )
        narrative_correction_decide(user=ccso, correction=correction, approve=True)
    after = {p.label: p.points for p in department_freshness(dept_fleet)[0].parts}
    assert after["Narrative complete before the meeting"] == 25


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
