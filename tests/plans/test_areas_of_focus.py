import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from csoprogram.lib.rules import RuleError
from plans import areas, services
from plans.models import AreaOfFocus, PlanStatus
from tests.plans import builders

pytestmark = pytest.mark.django_db


def test_a_second_active_year_one_area_of_focus_is_refused(client, cso_fleet, dept_fleet):
    plan = builders.plan(dept_fleet)  # has its active year-one area "Vehicles back on time"
    with pytest.raises(RuleError) as refused:
        areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Second", year=1)
    assert refused.value.rule == "A plan has exactly one active area of focus in year one."
    assert "“Vehicles back on time” is already active" in refused.value.remedy

    client.force_login(cso_fleet)
    response = client.post(
        reverse("plans:area_create", args=[plan.pk]),
        {"title": "Second", "year": 1, "status": "active", "themes": [builders.theme("T").pk]},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "exactly one active area of focus in year one" in page
    assert "save this one as planned" in page
    assert plan.areas_of_focus.count() == 1


def test_the_database_also_refuses_a_second_active_year_one_area(dept_fleet):
    plan = builders.plan(dept_fleet)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaOfFocus.objects.create(
            plan=plan, department=dept_fleet, title="Sneaky", year=1, status="active"
        )


def test_a_planned_second_year_one_area_is_allowed_and_cannot_be_made_active(cso_fleet, dept_fleet):
    plan = builders.plan(dept_fleet)
    second = areas.area_of_focus_add(
        plan=plan, user=cso_fleet, title="Later", year=1, status="planned"
    )
    with pytest.raises(RuleError, match="exactly one active"):
        areas.area_of_focus_update(area=second, user=cso_fleet, status="active")


def test_year_two_is_refused_without_progress_and_allowed_after_the_ccso_confirms(
    client, cso_fleet, ccso, dept_fleet
):
    plan = builders.plan(dept_fleet)
    year_one = plan.areas_of_focus.get()
    with pytest.raises(RuleError) as refused:
        areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Year two", year=2)
    assert "only be added once year 1 has shown progress" in refused.value.rule
    assert "baseline toward its target" in refused.value.remedy
    assert "Chief Customer Service Officer confirms progress" in refused.value.remedy

    with pytest.raises(services.PermissionDenied):
        areas.area_of_focus_confirm_progress(area=year_one, user=cso_fleet, note="I say so")
    with pytest.raises(RuleError, match="says why"):
        areas.area_of_focus_confirm_progress(area=year_one, user=ccso, note=" ")

    client.force_login(ccso)
    client.post(
        reverse("plans:area_confirm_progress", args=[year_one.pk]),
        {"note": "Turnaround fell from 9 to 6 days."},
    )
    year_one.refresh_from_db()
    assert year_one.progress_confirmed_by == ccso
    assert year_one.progress_confirmed_at is not None
    assert year_one.progress_confirmation_note == "Turnaround fell from 9 to 6 days."
    record = year_one.history.first()
    assert (record.history_user, record.history_change_reason) == (
        ccso,
        "Progress confirmed by the CCSO",
    )

    area = areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Year two", year=2)
    assert area.year == 2


def test_year_two_is_allowed_when_a_metric_of_year_one_moved_toward_its_target(
    cso_fleet, dept_fleet, monkeypatch
):
    import metrics.selectors

    plan = builders.plan(dept_fleet)
    asked = []
    monkeypatch.setattr(
        metrics.selectors,
        "area_of_focus_has_progress",
        lambda area: asked.append(area.title) or True,
    )
    areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Year two", year=2)
    assert asked == ["Vehicles back on time"]


def test_year_two_needs_a_year_one_area_first(cso_fleet, dept_fleet):
    plan = builders.plan(dept_fleet, with_area=False)
    with pytest.raises(RuleError, match="Add the year-1 area of focus first"):
        areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Too soon", year=2)


def test_year_two_in_the_next_program_year_counts_the_copied_confirmation(
    cso_fleet, ccso, dept_fleet
):
    last = builders.plan(dept_fleet, status=PlanStatus.APPROVED, program_year=2026)
    areas.area_of_focus_confirm_progress(
        area=last.areas_of_focus.get(), user=ccso, note="Seen at PhillyStat."
    )
    new = services.plan_create(department=dept_fleet, user=cso_fleet, program_year=2027)
    area = areas.area_of_focus_add(plan=new, user=cso_fleet, title="Next", year=2)
    assert area.plan == new


def test_area_of_focus_links_themes_and_feedback_items(client, cso_fleet, dept_fleet):
    plan = builders.plan(dept_fleet, with_area=False)
    a, b = builders.theme("Timeliness"), builders.theme("Communication")
    item = builders.feedback(dept_fleet, "Nobody called me back.", themes=[b])
    client.force_login(cso_fleet)
    response = client.post(
        reverse("plans:area_create", args=[plan.pk]),
        {
            "title": "Call customers back",
            "year": 1,
            "status": "active",
            "themes": [a.pk, b.pk],
            "feedback_items": [item.pk],
        },
    )
    assert response.status_code == 302
    area = plan.areas_of_focus.get()
    assert set(area.themes.all()) == {a, b}
    assert list(area.feedback_items.all()) == [item]
    assert area.history.first().history_user == cso_fleet


def test_feedback_of_another_department_cannot_be_linked(
    client, cso_fleet, dept_fleet, dept_streets
):
    plan = builders.plan(dept_fleet, with_area=False)
    theirs = builders.feedback(dept_streets, "Potholes.")
    client.force_login(cso_fleet)
    response = client.post(
        reverse("plans:area_create", args=[plan.pk]),
        {
            "title": "X",
            "year": 1,
            "status": "active",
            "themes": [builders.theme("T").pk],
            "feedback_items": [theirs.pk],
        },
    )
    assert response.status_code == 400
    assert not plan.areas_of_focus.exists()


def test_reviewer_comments_on_the_area_of_focus_show_on_its_form(
    client, cso_fleet, ccso, dept_fleet
):
    plan = builders.plan(dept_fleet, status=PlanStatus.SUBMITTED)
    plan = services.plan_request_changes(
        plan=plan, user=ccso, field="areas_of_focus", comment="Make the area measurable."
    )
    client.force_login(cso_fleet)
    page = client.get(reverse("plans:area_edit", args=[plan.areas_of_focus.get().pk]))
    assert "Make the area measurable." in page.content.decode()
