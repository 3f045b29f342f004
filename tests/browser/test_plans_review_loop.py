"""The customer service plan's review loop, driven from the keyboard in real
Chromium: the CSO drafts and submits, the CCSO returns it with a comment on
the vision, the CSO revises and resubmits, the CCSO approves, and the plan is
read-only to the CSO. Every page visited passes axe (WCAG 2 A/AA)."""

import pytest

from plans.models import CustomerServicePlan, PlanStatus
from tests.browser.conftest import screenshot
from tests.focusgroups.factories import FeedbackFactory, ThemeFactory
from tests.plans.factories import ImpedimentFactory, PlanFactory

pytestmark = pytest.mark.browser


def press(page, locator, key="Enter"):
    """Reach a control with focus and operate it with the keyboard."""
    locator.focus()
    assert locator.evaluate("el => el === document.activeElement")
    page.keyboard.press(key)


def type_into(page, locator, text, *, replace=False):
    locator.focus()
    if replace:
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.press("Delete")
    page.keyboard.type(text)


def switch_to(page, login_as, user):
    page.context.clear_cookies()
    login_as(page, user)


def test_full_review_loop_from_the_keyboard(
    page, login_as, cso_fleet, ccso, dept_fleet, assert_accessible
):
    ThemeFactory(name="Wait times")
    ThemeFactory(name="Communication")
    FeedbackFactory(
        for_department=dept_fleet,
        text="My truck sat in the shop for three weeks.",
        themes=[ThemeFactory(name="Wait times")],
    )

    # The CSO starts the plan and drafts mission and vision.
    login_as(page, cso_fleet)
    page.goto("/plans/")
    assert_accessible(page, "plans-list-cso-1280")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Start the FY"))
    assert "/edit/" in page.url
    assert_accessible(page, "plan-edit-new-1280")
    type_into(page, page.get_by_label("Mission statement"), "We keep the City's vehicles ready.")
    type_into(page, page.get_by_label("Vision statement"), "Quality service.")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Save the plan"))
    assert page.get_by_text("The customer service plan is saved.").is_visible()

    # An area of focus linked to two themes.
    with page.expect_navigation():
        press(page, page.get_by_role("link", name="Add an area of focus"))
    assert_accessible(page, "area-form-1280")
    type_into(page, page.get_by_label("Area of focus"), "Vehicles back on time")
    press(page, page.get_by_label("Wait times"), "Space")
    press(page, page.get_by_label("Communication"), "Space")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Save area of focus"))
    assert page.get_by_role("heading", name="Vehicles back on time").is_visible()
    areas = page.locator("#areas-of-focus")
    assert areas.get_by_text("My truck sat in the shop for three weeks.").is_visible()

    with page.expect_navigation():  # the question first, on a page of its own
        press(page, page.get_by_role("link", name="Submit for review"))
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Submit for review"))
    assert page.get_by_text("Submitted for review").first.is_visible()
    assert_accessible(page, "plan-submitted-cso-1280")
    plan = CustomerServicePlan.objects.get(department=dept_fleet)
    assert plan.status == PlanStatus.SUBMITTED

    # The CCSO requests changes with a comment on the vision.
    switch_to(page, login_as, ccso)
    page.goto(plan.get_absolute_url())
    assert_accessible(page, "plan-review-ccso-1280")
    with page.expect_navigation():
        press(page, page.get_by_role("link", name="Request changes", exact=True))
    assert_accessible(page, "plan-request-changes-1280")
    about = page.get_by_label("About")
    about.focus()
    about.select_option("vision")
    type_into(
        page,
        page.get_by_label("What should change"),
        "Say who your customers are and what on time means.",
    )
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Request changes"))
    assert page.get_by_text("Changes requested").first.is_visible()

    # The CSO sees the comment next to the vision, revises and resubmits.
    switch_to(page, login_as, cso_fleet)
    page.goto(plan.get_absolute_url())
    assert page.get_by_text("The Chief Customer Service Officer asked for changes").is_visible()
    vision_section = page.locator("#vision")
    assert vision_section.get_by_text("Say who your customers are").is_visible()
    assert_accessible(page, "plan-changes-requested-cso-1280")
    # A reply in the review conversation, swapped in place by htmx.
    type_into(
        page,
        page.get_by_role("textbox", name="Comment"),
        "Will do: customers are the departments whose vehicles we keep.",
    )
    url_before = page.url
    press(page, page.get_by_role("button", name="Add comment"))
    conversation = page.locator("#conversation")
    conversation.get_by_text("Will do: customers are the departments").wait_for()
    assert page.url == url_before
    assert_accessible(page, "plan-conversation-reply-1280")
    with page.expect_navigation():
        press(page, page.get_by_role("link", name="Edit the plan"))
    comment = page.get_by_role("list", name="Review comments on vision statement")
    assert comment.get_by_text("Say who your customers are").is_visible()
    assert_accessible(page, "plan-edit-with-comment-1280")
    type_into(
        page,
        page.get_by_role("textbox", name="Vision statement"),
        "At the Office of Fleet Management, our vision is to deliver top quality service "
        "to our customers on time, every time.",
        replace=True,
    )
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Save the plan"))
    with page.expect_navigation():  # the question first, on a page of its own
        press(page, page.get_by_role("link", name="Submit for review"))
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Submit for review"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.vision.endswith("on time, every time.")

    # The CCSO approves.
    switch_to(page, login_as, ccso)
    page.goto(plan.get_absolute_url())
    with page.expect_navigation():
        press(page, page.get_by_role("link", name="Approve plan"))
    assert_accessible(page, "plan-approve-confirm-ccso-1280")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Approve plan"))
    assert page.get_by_text("The customer service plan is approved.").is_visible()
    assert_accessible(page, "plan-approved-ccso-1280")
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, ccso)

    # Read-only to the CSO now.
    switch_to(page, login_as, cso_fleet)
    page.goto(plan.get_absolute_url())
    assert page.get_by_text("This plan is approved and read-only.").is_visible()
    assert page.get_by_role("link", name="Edit the plan").count() == 0
    assert page.get_by_role("link", name="Submit for review").count() == 0
    assert_accessible(page, "plan-approved-cso-1280")
    response = page.goto(f"/plans/{plan.pk}/edit/")
    assert response.status == 403

    # The timeline tells the story; the history page compares versions.
    page.goto(f"/plans/{plan.pk}/history/")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Compare"))
    assert page.get_by_text("Approved").first.is_visible()
    assert_accessible(page, "plan-history-1280")


@pytest.mark.parametrize("width", [1280, 375])
def test_plan_pages_read_well_on_a_phone_and_a_laptop(
    page, login_as, width, cso_fleet, ccso, md_office, dept_fleet, assert_accessible
):
    from plans import services

    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    services.plan_request_changes(
        plan=plan, user=ccso, field="vision", comment="Name your customers in the vision."
    )
    ImpedimentFactory(department=dept_fleet, description="Two service writers retired.")
    page.set_viewport_size({"width": width, "height": 900})
    pages = [
        (cso_fleet, plan.get_absolute_url(), "plan-detail-cso"),
        (cso_fleet, f"/plans/{plan.pk}/edit/", "plan-edit-cso"),
        (cso_fleet, "/plans/departments/fleet/change-management/", "change-record-cso"),
        (ccso, "/plans/program-update/", "program-update-ccso"),
        (md_office, plan.get_absolute_url(), "plan-detail-mdo"),
    ]
    for user, url, name in pages:
        switch_to(page, login_as, user)
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page, f"{name}-{width}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{url} is {scroll_width}px wide at {width}px"
    screenshot(page, f"plan-detail-mdo-{width}-viewport", full_page=False)


def test_second_save_of_the_same_version_shows_the_conflict_and_keeps_the_text(
    page, browser, live_server, login_as, cso_fleet, dept_fleet, assert_accessible
):
    from tests.departments.factories import UserFactory, assign

    devon = assign(UserFactory(username="cso2_fleet", first_name="Devon"), dept_fleet, "cso")
    plan = PlanFactory(department=dept_fleet, mission="We keep the City's vehicles ready.")
    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        second = other.new_page()
        login_as(page, cso_fleet)
        login_as(second, devon)
        page.goto(f"/plans/{plan.pk}/edit/")
        second.goto(f"/plans/{plan.pk}/edit/")

        type_into(
            page,
            page.get_by_role("textbox", name="Mission statement"),
            "We keep the City's vehicles safe, ready and on time.",
            replace=True,
        )
        with page.expect_navigation():
            press(page, page.get_by_role("button", name="Save the plan"))

        type_into(
            second,
            second.get_by_role("textbox", name="Mission statement"),
            "We keep every City vehicle ready for the people who drive it.",
            replace=True,
        )
        with second.expect_navigation():
            press(second, second.get_by_role("button", name="Save the plan"))
        alert = second.get_by_role("alert")
        assert "saved this plan while you were editing" in alert.inner_text()
        assert "safe, ready and on time" in alert.inner_text()
        assert (
            second.get_by_role("textbox", name="Mission statement").input_value()
            == "We keep every City vehicle ready for the people who drive it."
        )
        assert_accessible(second, "plan-edit-conflict-1280")
    finally:
        other.close()
    plan.refresh_from_db()
    assert plan.mission == "We keep the City's vehicles safe, ready and on time."
