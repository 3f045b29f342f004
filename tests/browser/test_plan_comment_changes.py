"""A CSO posts a comment twice by mistake, withdraws one (after a confirmation
page) and edits the other, within 15 minutes; later the links are gone. axe
checks the confirmation and edit pages."""

import datetime

import pytest
from django.utils import timezone

from plans.models import PlanComment, PlanStatus
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.browser


def test_a_cso_withdraws_a_double_comment_and_edits_the_other(
    page, login_as, cso_fleet, dept_fleet, transactional_db, assert_accessible
):
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.SUBMITTED)
    for _ in range(2):
        PlanComment.objects.create(
            plan=plan, author=cso_fleet, body="Vehicles back on time.", plan_version=plan.version
        )
    login_as(page, cso_fleet)
    page.goto(plan.get_absolute_url())
    conversation = page.locator("#conversation")
    assert conversation.get_by_role("link", name="Withdraw").count() == 2

    with page.expect_navigation():
        conversation.get_by_role("link", name="Withdraw").last.click()
    assert page.get_by_role("heading", name="Withdraw your comment").is_visible()
    assert_accessible(page, "plan-comment-withdraw-confirm-1280")
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw the comment").click()
    assert page.get_by_text("Your comment is withdrawn").is_visible()
    assert conversation.get_by_text("Withdrawn by its author").is_visible()

    with page.expect_navigation():
        conversation.get_by_role("link", name="Edit").first.click()
    assert_accessible(page, "plan-comment-edit-1280")
    page.get_by_label("Comment").fill("Vehicles back on time, every time.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the comment").click()
    assert conversation.get_by_text("Vehicles back on time, every time.").is_visible()
    assert conversation.get_by_text("edited").is_visible()

    # Fifteen minutes later (the clock moved): no more links.
    PlanComment.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    page.reload()
    assert conversation.get_by_role("link", name="Edit").count() == 0
    page.goto(f"/plans/{plan.pk}/history/")
    assert page.get_by_text("Withdrawn by its author").first.is_visible()
    assert page.get_by_text("Edited by its author").first.is_visible()
