import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from csoprogram.lib.rules import RuleError
from plans import areas, services
from plans.models import AreaOfFocus, PlanStatus
from tests.focusgroups.factories import FeedbackFactory, ThemeFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", ["active", "planned", "progressing", "sustained"])
def test_a_second_year_one_area_of_focus_is_refused_whatever_its_status(
    cso_fleet, dept_fleet, status
):
    plan = PlanFactory(department=dept_fleet)  # has its year-one area "Vehicles back on time"
    with pytest.raises(RuleError) as refused:
        areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Second", year=1, status=status)
    assert refused.value.rule == "A plan has one area of focus in year one."
    assert "“Vehicles back on time” is the year-one area" in refused.value.remedy
    assert refused.value.field == "year"
    assert plan.areas_of_focus.count() == 1


def test_the_area_form_refuses_a_second_year_one_area_next_to_the_year(
    client, cso_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet)
    client.force_login(cso_fleet)
    response = client.post(
        reverse("plans:area_create", args=[plan.pk]),
        {"title": "Second", "year": 1, "status": "planned", "themes": [ThemeFactory(name="T").pk]},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "A plan has one area of focus in year one." in form.errors["year"][0]
    page = response.content.decode()
    assert "withdraw it first" in page and "Second" in page  # the typed title is kept
    assert plan.areas_of_focus.count() == 1


@pytest.mark.parametrize("status", ["active", "planned"])
def test_the_database_also_refuses_a_second_year_one_area(dept_fleet, status):
    plan = PlanFactory(department=dept_fleet)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaOfFocus.objects.create(
            plan=plan, department=dept_fleet, title="Sneaky", year=1, status=status
        )


def test_a_withdrawn_area_makes_room_and_stays_in_the_history(client, cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet)
    first = plan.areas_of_focus.get()
    with pytest.raises(RuleError, match="withdrawn with a reason"):
        areas.area_of_focus_withdraw(area=first, user=cso_fleet, reason=" ")

    client.force_login(cso_fleet)
    response = client.post(
        reverse("plans:area_withdraw", args=[first.pk]), {"reason": "Replaced by call-backs."}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == AreaOfFocus.Status.WITHDRAWN
    assert (first.withdrawn_by, first.withdrawal_reason) == (cso_fleet, "Replaced by call-backs.")
    record = first.history.first()
    assert (record.history_user, record.history_change_reason) == (cso_fleet, "Withdrawn")

    second = areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Call customers back")
    assert second.year == 1
    with pytest.raises(RuleError, match="already withdrawn"):
        areas.area_of_focus_withdraw(area=first, user=cso_fleet, reason="again")
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Withdrawn</strong>" in page and "Replaced by call-backs." in page


def test_a_withdrawn_area_cannot_be_chosen_in_the_form_and_a_submitted_plan_keeps_it(
    client, cso_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    area = plan.areas_of_focus.get()
    client.force_login(cso_fleet)
    response = client.post(reverse("plans:area_withdraw", args=[area.pk]), {"reason": "x"})
    assert response.status_code == 403  # the plan is with the reviewer
    area.refresh_from_db()
    assert area.status == AreaOfFocus.Status.ACTIVE


def test_a_plan_with_only_a_withdrawn_area_cannot_be_submitted(cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet)
    areas.area_of_focus_withdraw(area=plan.areas_of_focus.get(), user=cso_fleet, reason="x")
    with pytest.raises(RuleError, match="one realistic but impactful area of focus"):
        services.plan_submit(plan=plan, user=cso_fleet)


def test_year_two_is_refused_without_progress_and_allowed_after_the_ccso_confirms(
    client, cso_fleet, ccso, dept_fleet
):
    plan = PlanFactory(department=dept_fleet)
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


def test_year_two_is_allowed_when_the_metrics_app_recorded_progress(cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet)
    year_one = plan.areas_of_focus.get()
    areas.area_of_focus_progress_record(area_ids=[year_one.pk], shown_ids=[year_one.pk])
    area = areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Year two", year=2)
    assert area.year == 2


def test_progress_recorded_then_corrected_away_no_longer_counts(cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet)
    year_one = plan.areas_of_focus.get()
    areas.area_of_focus_progress_record(area_ids=[year_one.pk], shown_ids=[year_one.pk])
    areas.area_of_focus_progress_record(area_ids=[year_one.pk], shown_ids=[])
    with pytest.raises(RuleError, match="shown progress"):
        areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Year two", year=2)


def test_year_two_needs_a_year_one_area_first(cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet, with_area=False)
    with pytest.raises(RuleError, match="Add the year-1 area of focus first"):
        areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Too soon", year=2)


def test_year_two_in_the_next_program_year_counts_the_copied_confirmation(
    cso_fleet, ccso, dept_fleet
):
    last = PlanFactory(department=dept_fleet, status=PlanStatus.APPROVED, program_year=2026)
    areas.area_of_focus_confirm_progress(
        area=last.areas_of_focus.get(), user=ccso, note="Seen at PhillyStat."
    )
    new = services.plan_create(department=dept_fleet, user=cso_fleet, program_year=2027)
    area = areas.area_of_focus_add(plan=new, user=cso_fleet, title="Next", year=2)
    assert area.plan == new


def test_area_of_focus_links_themes_and_feedback_items(client, cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet, with_area=False)
    a, b = ThemeFactory(name="Timeliness"), ThemeFactory(name="Communication")
    item = FeedbackFactory(for_department=dept_fleet, text="Nobody called me back.", themes=[b])
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
    plan = PlanFactory(department=dept_fleet, with_area=False)
    theirs = FeedbackFactory(for_department=dept_streets, text="Potholes.")
    client.force_login(cso_fleet)
    response = client.post(
        reverse("plans:area_create", args=[plan.pk]),
        {
            "title": "X",
            "year": 1,
            "status": "active",
            "themes": [ThemeFactory(name="T").pk],
            "feedback_items": [theirs.pk],
        },
    )
    assert response.status_code == 400
    assert not plan.areas_of_focus.exists()


def test_reviewer_comments_on_the_area_of_focus_show_on_its_form(
    client, cso_fleet, ccso, dept_fleet
):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    plan = services.plan_request_changes(
        plan=plan, user=ccso, field="areas_of_focus", comment="Make the area measurable."
    )
    client.force_login(cso_fleet)
    page = client.get(reverse("plans:area_edit", args=[plan.areas_of_focus.get().pk]))
    assert "Make the area measurable." in page.content.decode()
