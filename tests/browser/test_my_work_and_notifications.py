"""The review loop as the people in it are told about it, in real Chromium:
the CSO submits, the CCSO finds it in My work and has an e-mail; returns it
with a comment; the CSO is told and resubmits; the CCSO approves and the CSO
is told. My work passes axe at 1280 and 320 pixels."""

import pytest
from django.core import mail

from csoprogram.lib.models import OutboxMessage
from csoprogram.lib.notification_email import notification_email_send
from csoprogram.lib.notifications import EMAIL_TASK
from plans.models import CustomerServicePlan, PlanStatus
from tests.browser.conftest import screenshot
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.browser


def switch_to(page, login_as, user):
    page.context.clear_cookies()
    login_as(page, user)


def deliver_emails() -> list:
    """Run the e-mail tasks the outbox queued, as the worker would; return
    the messages they sent."""
    before = len(mail.outbox)
    for message in OutboxMessage.objects.filter(task_name=EMAIL_TASK).order_by("pk"):
        notification_email_send(notification_id=message.args[0])
    return mail.outbox[before:]


def click(page, role, name):
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()


def test_each_side_is_told_and_finds_it_in_my_work(
    page, login_as, cso_fleet, ccso, dept_fleet, assert_accessible, settings
):
    settings.SITE_URL = "https://cso.example.org"
    plan = PlanFactory(department=dept_fleet, status=PlanStatus.DRAFT)
    name = dept_fleet.display_name

    # The CSO submits.
    login_as(page, cso_fleet)
    page.goto(plan.get_absolute_url())
    click(page, "link", "Submit for review")  # the question first
    click(page, "button", "Submit for review")
    (to_ccso,) = deliver_emails()
    assert to_ccso.to == [ccso.email]
    assert to_ccso.subject == f"{name} submitted its customer service plan for review"
    assert f"https://cso.example.org{plan.get_absolute_url()}" in to_ccso.body
    assert f'href="https://cso.example.org{plan.get_absolute_url()}"' in to_ccso.alternatives[0][0]

    # The CCSO finds it in My work, with why, and follows the link.
    switch_to(page, login_as, ccso)
    page.goto("/inbox/")
    item = page.get_by_role("link", name=f"Review the {name} plan")
    assert item.is_visible()
    assert page.get_by_text("Submitted for review today").is_visible()
    assert page.get_by_role("link", name="My work 1 to do").is_visible()
    assert_accessible(page, "inbox-ccso-1280")
    screenshot(page, "inbox-ccso-1280-viewport", full_page=False)
    page.set_viewport_size({"width": 320, "height": 720})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "inbox-ccso-320")
    page.set_viewport_size({"width": 1280, "height": 720})
    with page.expect_navigation():
        item.click()
    click(page, "link", "Request changes")
    page.get_by_label("What should change").fill("Say what on time means.")
    click(page, "button", "Request changes")

    # The CSO is told, in the app and by e-mail, and sees it in My work.
    (to_cso,) = deliver_emails()
    assert to_cso.to == [cso_fleet.email]
    assert "Say what on time means." in to_cso.body
    switch_to(page, login_as, cso_fleet)
    page.goto("/notifications/")
    assert page.get_by_text("Changes requested on your FY").first.is_visible()
    page.goto("/inbox/")
    assert page.get_by_role("link", name=f"Revise the {name} plan").is_visible()
    assert_accessible(page, "inbox-cso-1280")
    page.goto(plan.get_absolute_url())
    click(page, "link", "Submit for review")  # the question first
    click(page, "button", "Submit for review")
    (again,) = deliver_emails()
    assert again.to == [ccso.email]

    # The CCSO approves; the CSO is told.
    switch_to(page, login_as, ccso)
    page.goto("/plans/?show=waiting")
    assert page.get_by_role("heading", name="Waiting for my review").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=f"{dept_fleet.name}, FY").click()
    click(page, "link", "Approve plan")
    click(page, "button", "Approve plan")
    assert CustomerServicePlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED
    (approved,) = deliver_emails()
    assert approved.to == [cso_fleet.email] and "is approved" in approved.subject
    switch_to(page, login_as, cso_fleet)
    page.goto("/notifications/")
    assert page.get_by_text(
        f"Your FY{plan.program_year} customer service plan is approved"
    ).first.is_visible()
    assert_accessible(page, "notifications-cso-approved-1280")
