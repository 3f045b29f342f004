import pytest
from django.urls import reverse

from csoprogram.lib import fiscal
from csoprogram.lib.rules import RuleError
from csoprogram.stage import departments_with_stage
from departments.models import Department
from plans import areas, selectors, services
from plans.models import AreaOfFocus, CustomerServicePlan, PlanComment, PlanStatus
from tests.focusgroups.factories import FeedbackFactory, ThemeFactory
from tests.plans.factories import ImpedimentFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _edit_data(plan, **texts):
    data = {n: getattr(plan, n) for n in services.PLAN_TEXT_FIELDS}
    return data | {"version": plan.version} | texts


def test_cso_starts_a_plan_writes_it_and_submits_it_for_review(client, cso_fleet, dept_fleet):
    client.force_login(cso_fleet)
    response = client.post(reverse("plans:plan_start", args=["fleet"]))
    plan = CustomerServicePlan.objects.get(department=dept_fleet)
    assert response.url == reverse("plans:plan_edit", args=[plan.pk])
    assert plan.program_year == fiscal.current_program_year()
    client.post(
        reverse("plans:plan_edit", args=[plan.pk]),
        _edit_data(plan, mission="Safe vehicles.", vision="On time, every time."),
    )
    client.post(
        reverse("plans:area_create", args=[plan.pk]),
        {
            "title": "Turnaround",
            "year": 1,
            "status": "active",
            "themes": [ThemeFactory(name="T").pk],
        },
    )
    response = client.post(reverse("plans:plan_submit", args=[plan.pk]), follow=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.ever_submitted
    assert "submitted for review" in response.content.decode()


def test_submitting_without_mission_says_what_is_missing(client, cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet, mission="")
    client.force_login(cso_fleet)
    response = client.post(reverse("plans:plan_submit", args=[plan.pk]), follow=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert "Write the mission statement first." in response.content.decode()


def test_ccso_requests_changes_with_a_comment_shown_next_to_the_field(
    client, ccso, cso_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    client.force_login(ccso)
    client.post(
        reverse("plans:plan_request_changes", args=[plan.pk]),
        {"field": "vision", "comment": "Name your customers in the vision."},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CHANGES_REQUESTED
    comment = PlanComment.objects.get(plan=plan)
    assert (comment.field, comment.kind, comment.author) == ("vision", "changes_requested", ccso)

    client.force_login(cso_fleet)
    page = client.get(reverse("plans:plan_edit", args=[plan.pk])).content.decode()
    # The comment sits right after the vision field, before the next field.
    vision_at = page.index('name="vision"')
    assert (
        vision_at
        < page.index("Name your customers in the vision.")
        < page.index('name="strengths"')
    )


def test_request_changes_without_a_comment_is_refused(client, ccso, dept_fleet):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    client.force_login(ccso)
    response = client.post(reverse("plans:plan_request_changes", args=[plan.pk]), {"comment": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    with pytest.raises(RuleError, match="with a comment"):
        services.plan_request_changes(plan=plan, user=ccso, comment="  ")


def test_full_loop_ends_with_an_approved_plan_read_only_to_the_cso(
    client, ccso, cso_fleet, head_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet)
    services.plan_submit(plan=plan, user=cso_fleet)
    services.plan_endorse(plan=plan, user=head_fleet)
    plan = services.plan_request_changes(plan=plan, user=ccso, comment="Sharper vision, please.")
    assert plan.endorsed_by == head_fleet
    plan = services.plan_update(plan=plan, user=cso_fleet, version=plan.version, vision="Sharp.")
    plan = services.plan_submit(plan=plan, user=cso_fleet)
    assert plan.endorsed_by is None  # a new submission needs a new endorsement
    plan = services.plan_approve(plan=plan, user=ccso)
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, ccso)

    client.force_login(cso_fleet)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "read-only" in page
    assert reverse("plans:plan_edit", args=[plan.pk]) not in page
    assert client.get(reverse("plans:plan_edit", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plans:plan_submit", args=[plan.pk])).status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.plan_update(plan=plan, user=head_fleet, version=plan.version, mission="x")
    with pytest.raises(RuleError, match="cannot be edited now"):
        services.plan_update(plan=plan, user=cso_fleet, version=plan.version, mission="x")


def test_only_the_ccso_approves_or_returns_a_plan(client, cso_fleet, head_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    for user in (cso_fleet, head_fleet):
        client.force_login(user)
        assert client.post(reverse("plans:plan_approve", args=[plan.pk])).status_code == 403
        response = client.post(
            reverse("plans:plan_request_changes", args=[plan.pk]), {"comment": "no"}
        )
        assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_approving_a_plan_already_approved_says_where_it_stands(ccso, dept_fleet):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.APPROVED)
    with pytest.raises(RuleError, match="now approved"):
        services.plan_approve(plan=plan, user=ccso)


def test_cso_of_another_department_gets_404_on_every_plan_url(client, cso_streets, dept_fleet):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    area = plan.areas_of_focus.get()
    impediment = ImpedimentFactory(department=dept_fleet)
    urls = [
        reverse(name, args=[plan.pk])
        for name in (
            "plans:plan_detail",
            "plans:plan_edit",
            "plans:plan_submit",
            "plans:plan_endorse",
            "plans:plan_request_changes",
            "plans:plan_approve",
            "plans:plan_comment",
            "plans:plan_history",
            "plans:area_create",
        )
    ]
    urls += [reverse(n, args=[area.pk]) for n in ("plans:area_edit", "plans:area_confirm_progress")]
    urls += [
        reverse(n, args=["fleet"])
        for n in (
            "plans:plan_start",
            "plans:change_record",
            "plans:impediment_create",
            "plans:support_create",
            "plans:success_create",
        )
    ]
    urls.append(reverse("plans:impediment_resolve", args=[impediment.pk]))
    client.force_login(cso_streets)
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, f"{method.__name__.upper()} {url}"
            assert "Fleet" not in response.content.decode()
    assert plan not in selectors.plans_visible_to(cso_streets)


def test_mdo_cannot_see_a_never_submitted_draft(client, md_office, dept_fleet):
    plan = PlanFactory(department=dept_fleet)
    client.force_login(md_office)
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(reverse("plans:plan_history", args=[plan.pk])).status_code == 404
    assert (
        "Office of Fleet Management" not in client.get(reverse("plans:plan_list")).content.decode()
    )
    assert plan not in selectors.plans_visible_to(md_office)


def test_mdo_reads_a_plan_once_submitted_even_when_returned_for_changes(
    client, md_office, ccso, dept_fleet
):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    services.plan_request_changes(plan=plan, user=ccso, comment="Tighten the mission.")
    client.force_login(md_office)
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert "Tighten the mission." in page.content.decode()
    # Read-only: no comment form, no actions.
    assert reverse("plans:plan_comment", args=[plan.pk]) not in page.content.decode()


def test_new_program_year_starts_as_a_copy_of_the_last_plan(cso_fleet, ccso, dept_fleet):
    last = PlanFactory(department=dept_fleet, status=PlanStatus.APPROVED, program_year=2026)
    area = last.areas_of_focus.get()
    areas.area_of_focus_confirm_progress(area=area, user=ccso, note="Turnaround improved.")
    new = services.plan_create(department=dept_fleet, user=cso_fleet, program_year=2027)
    assert (new.status, new.version, new.ever_submitted) == (PlanStatus.DRAFT, 1, False)
    assert (new.mission, new.vision) == (last.mission, last.vision)
    copy = new.areas_of_focus.get()
    assert copy.title == area.title
    assert list(copy.themes.all()) == list(area.themes.all())
    assert copy.progress_confirmed_by == ccso
    last.refresh_from_db()
    assert last.status == PlanStatus.APPROVED
    with pytest.raises(RuleError, match="already has a customer service plan"):
        services.plan_create(department=dept_fleet, user=cso_fleet, program_year=2027)


def test_strengths_and_opportunities_are_suggested_from_the_focus_group_summary(
    client, cso_fleet, dept_fleet
):
    courtesy, timeliness = ThemeFactory(name="Courtesy"), ThemeFactory(name="Timeliness")
    for i in range(7):
        FeedbackFactory(
            for_department=dept_fleet,
            text=f"Kind staff {i}",
            themes=[courtesy],
            sentiment="positive",
        )
    for i in range(5):
        FeedbackFactory(for_department=dept_fleet, text=f"Slow repair {i}", themes=[timeliness])
    client.force_login(cso_fleet)
    response = client.post(reverse("plans:plan_start", args=["fleet"]), follow=True)
    page = response.content.decode()
    assert "\n- Courtesy (7 positive): “Kind staff 6”</textarea>" in page
    assert "\n- Timeliness (5 negative): “Slow repair 4”</textarea>" in page
    assert "Suggested from the focus-group feedback" in page
    # A suggestion until the CSO saves it.
    assert CustomerServicePlan.objects.get(department=dept_fleet).strengths == ""


def test_plan_status_annotation_reads_the_latest_plan_in_one_query(
    dept_fleet, dept_streets, django_assert_num_queries
):
    PlanFactory(department=dept_fleet, status=PlanStatus.APPROVED, program_year=2026)
    PlanFactory(department=dept_fleet, status=PlanStatus.CHANGES_REQUESTED, program_year=2027)
    with django_assert_num_queries(1):
        rows = dict(
            selectors.annotate_plan_status(Department.objects.all()).values_list(
                "slug", "plan_status"
            )
        )
    assert rows == {"fleet": "changes_requested", "streets": None}
    fleet = departments_with_stage().get(slug="fleet")
    assert fleet.plan_status == "changes_requested"


def test_department_page_links_to_the_plan_for_the_department_only(
    client, cso_fleet, md_office, dept_fleet
):
    plan = PlanFactory(department=dept_fleet)
    client.force_login(cso_fleet)
    page = client.get(reverse("departments:detail", args=["fleet"])).content.decode()
    assert plan.get_absolute_url() in page
    client.force_login(md_office)
    page = client.get(reverse("departments:detail", args=["fleet"])).content.decode()
    assert plan.get_absolute_url() not in page


def test_comments_come_from_cso_head_and_ccso_in_order(
    client, cso_fleet, head_fleet, ccso, analyst_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    for user, body in ((cso_fleet, "First"), (head_fleet, "Second"), (ccso, "Third")):
        client.force_login(user)
        client.post(reverse("plans:plan_comment", args=[plan.pk]), {"body": body, "field": ""})
    assert [(c.author, c.body) for c in plan.comments.all()] == [
        (cso_fleet, "First"),
        (head_fleet, "Second"),
        (ccso, "Third"),
    ]
    client.force_login(analyst_fleet)
    assert (
        client.post(reverse("plans:plan_comment", args=[plan.pk]), {"body": "x"}).status_code == 403
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert page.index("First") < page.index("Second") < page.index("Third")


def test_plan_page_shows_the_feedback_behind_each_area_of_focus(
    client, cso_fleet, dept_fleet, django_assert_max_num_queries
):
    plan = PlanFactory(department=dept_fleet)
    timeliness = ThemeFactory(name="Timeliness")
    FeedbackFactory(
        for_department=dept_fleet, text="My truck sat for three weeks.", themes=[timeliness]
    )
    FeedbackFactory(
        for_department=dept_fleet,
        text="Pickup was on time.",
        themes=[timeliness],
        sentiment="positive",
    )
    area = plan.areas_of_focus.get()
    area.feedback_items.add(
        FeedbackFactory(
            for_department=dept_fleet,
            text="Nobody told me when it would be ready.",
            themes=[timeliness],
        )
    )
    client.force_login(cso_fleet)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Timeliness</strong> · 3 feedback items (1 positive, 2 negative)" in page
    assert "Nobody told me when it would be ready." in page
    # Quotes come from the linked feedback first.
    assert "My truck sat for three weeks." not in page
    AreaOfFocus.objects.filter(pk=area.pk).update(title="Turnaround")
    area.feedback_items.clear()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "My truck sat for three weeks." in page


def test_suggestion_reads_the_focus_group_summary_with_counts_and_a_quote(cso_fleet, dept_fleet):
    wait = ThemeFactory(name="Wait times")
    FeedbackFactory(for_department=dept_fleet, text="Three weeks for a brake job.", themes=[wait])
    FeedbackFactory(for_department=dept_fleet, text="Nobody said when.", themes=[wait])
    suggestion = selectors.strengths_and_opportunities_suggestion(department=dept_fleet)
    assert suggestion == {"opportunities": "- Wait times (2 negative): “Nobody said when.”"}


def test_comment_added_with_htmx_returns_the_conversation_partial(client, head_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    client.force_login(head_fleet)
    url = reverse("plans:plan_comment", args=[plan.pk])
    response = client.post(
        url, {"body": "Fully behind this.", "field": "mission"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card mb-4"')
    assert "<html" not in page
    assert "Fully behind this." in page and "about mission statement" in page
    assert "Your comment is added." in page
    response = client.post(url, {"body": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert plan.comments.count() == 1


def test_ccso_requests_changes_to_a_part_straight_from_the_plan_page(client, ccso, dept_fleet):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    client.force_login(ccso)
    page = client.get(plan.get_absolute_url()).content.decode()
    link = f"{reverse('plans:plan_request_changes', args=[plan.pk])}?field=vision"
    assert link in page
    form = client.get(link).content.decode()
    assert '<option value="vision" selected>' in form
