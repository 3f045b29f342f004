import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from csoprogram.stage import department_stage, departments_with_stage
from focusgroups import services
from focusgroups.models import FocusGroupSession
from focusgroups.selectors import annotate_focus_group_progress
from tests.departments.factories import DepartmentFactory
from tests.focusgroups.factories import FeedbackFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_cso_creates_a_held_session_for_their_department(client, cso_fleet, dept_fleet):
    client.force_login(cso_fleet)
    response = client.post(
        reverse("focusgroups:session_create", kwargs={"slug": "fleet"}),
        {
            "held_on": "2026-10-14",
            "audience": "external",
            "status": "held",
            "participants": "11",
            "location": "Fleet shop, 4301 Delaware Ave",
            "facilitator": cso_fleet.pk,
            "notes": "Vendors and towing contractors.",
        },
    )
    session = FocusGroupSession.objects.get()
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert session.department == dept_fleet
    assert session.facilitator == cso_fleet
    assert session.created_by == cso_fleet
    assert (session.participants, session.status) == (11, "held")


def test_a_held_session_cannot_be_dated_in_the_future(client, cso_fleet):
    client.force_login(cso_fleet)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("focusgroups:session_create", kwargs={"slug": "fleet"}),
        {
            "held_on": tomorrow.isoformat(),
            "audience": "internal",
            "status": "held",
            "participants": 3,
        },
    )
    assert response.status_code == 200
    assert "cannot be dated in the future" in response.content.decode()
    assert not FocusGroupSession.objects.exists()


def test_a_planned_session_may_be_in_the_future(cso_fleet, dept_fleet):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = services.session_create(
        department=dept_fleet, created_by=cso_fleet, held_on=tomorrow, audience="internal"
    )
    assert session.status == FocusGroupSession.Status.PLANNED


def test_the_facilitator_must_be_a_cso_of_the_department(cso_streets, dept_fleet, cso_fleet):
    with pytest.raises(ValidationError) as exc:
        services.session_create(
            department=dept_fleet,
            created_by=cso_fleet,
            held_on=datetime.date(2026, 9, 1),
            audience="internal",
            facilitator=cso_streets,
        )
    assert "facilitator" in exc.value.error_dict


def test_a_session_with_feedback_cannot_go_back_to_planned(cso_fleet, dept_fleet):
    item = FeedbackFactory(session=SessionFactory(department=dept_fleet))
    with pytest.raises(ValidationError):
        services.session_update(session=item.session, status=FocusGroupSession.Status.PLANNED)
    item.session.refresh_from_db()
    assert item.session.status == FocusGroupSession.Status.HELD


def test_cso_edits_a_session(client, cso_fleet, dept_fleet):
    session = SessionFactory(department=dept_fleet, participants=4)
    client.force_login(cso_fleet)
    response = client.post(
        reverse("focusgroups:session_edit", kwargs={"pk": session.pk}),
        {"held_on": "2026-09-30", "audience": "mixed", "status": "held", "participants": 12},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.audience, session.participants) == ("mixed", 12)
    assert session.held_on == datetime.date(2026, 9, 30)


def test_deleting_a_session_deletes_its_feedback(client, cso_fleet, dept_fleet):
    session = SessionFactory(department=dept_fleet)
    FeedbackFactory.create_batch(2, session=session)
    client.force_login(cso_fleet)
    page = client.get(reverse("focusgroups:session_delete", kwargs={"pk": session.pk}))
    assert "2 feedback items" in page.content.decode()
    client.post(reverse("focusgroups:session_delete", kwargs={"pk": session.pk}))
    assert not FocusGroupSession.objects.exists()
    assert not dept_fleet.feedback_items.exists()


def test_session_list_shows_only_the_users_departments(client, cso_streets, dept_fleet):
    SessionFactory(department=dept_fleet, location="Fleet garage")
    SessionFactory(department=cso_streets.assignments.get().department, location="Streets yard")
    client.force_login(cso_streets)
    html = client.get(reverse("focusgroups:session_list")).content.decode()
    assert "Streets Department" in html
    assert "Office of Fleet Management" not in html


def test_ccso_session_list_shows_every_department(client, ccso, dept_fleet, dept_streets):
    client.force_login(ccso)
    html = client.get(reverse("focusgroups:session_list")).content.decode()
    assert "Office of Fleet Management" in html and "Streets Department" in html
    assert "New focus group session" not in html


def test_progress_counts_held_sessions_and_who_was_heard(dept_fleet, dept_streets):
    SessionFactory(department=dept_fleet, audience="internal")
    SessionFactory(department=dept_fleet, audience="internal")
    SessionFactory(department=dept_fleet, audience="external", status="planned")
    SessionFactory(department=dept_streets, audience="mixed")
    rows = {d.slug: d for d in annotate_focus_group_progress(DepartmentFactory._meta.model.objects)}
    fleet, streets = rows["fleet"], rows["streets"]
    assert (fleet.focus_groups_held, fleet.heard_internal, fleet.heard_external) == (2, True, False)
    assert (streets.focus_groups_held, streets.heard_internal, streets.heard_external) == (
        1,
        True,
        True,
    )


def test_stage_moves_to_plan_drafting_at_the_target(settings, dept_fleet):
    settings.FOCUS_GROUP_TARGET = 3
    SessionFactory.create_batch(2, department=dept_fleet)
    d = departments_with_stage().get(pk=dept_fleet.pk)
    assert department_stage(d).label == "Focus groups (2 of 3)"
    SessionFactory(department=dept_fleet)
    d = departments_with_stage().get(pk=dept_fleet.pk)
    assert department_stage(d).key == "plan_drafting"


def test_progress_annotation_is_one_query_for_many_departments(django_assert_num_queries):
    for i in range(20):
        SessionFactory(department=DepartmentFactory(slug=f"d{i}", name=f"D{i}"))
    with django_assert_num_queries(1):
        rows = list(annotate_focus_group_progress(DepartmentFactory._meta.model.objects.all()))
    assert all(r.focus_groups_held == 1 for r in rows)


def test_department_page_panel_shows_progress_and_strengths(client, cso_fleet, dept_fleet, themes):
    session = SessionFactory(department=dept_fleet, audience="external")
    FeedbackFactory(
        session=session,
        sentiment="positive",
        text="Drivers were kind",
        themes=[themes["Staff courtesy"]],
    )
    client.force_login(cso_fleet)
    html = client.get(dept_fleet.get_absolute_url()).content.decode()
    assert "Focus groups 1 of 5" in html
    assert 'External customers: <span class="fw-semibold status-green">heard' in html
    assert 'Internal customers: <span class="fw-semibold status-amber">not yet heard' in html
    assert "Staff courtesy" in html
    assert reverse("focusgroups:session_create", kwargs={"slug": "fleet"}) in html
