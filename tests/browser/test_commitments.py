"""A commitment followed up to done, in real Chromium: the analyst records it
for the CSO at the meeting; the CSO is e-mailed, is reminded three days before
it is due (the scan on a simulated clock), finds it in My work, follows the link
and marks it done with a note; the meeting page says so. The pages pass axe."""

from datetime import timedelta

import pytest
from django.core import mail

from csoprogram.lib import fiscal
from csoprogram.lib.models import OutboxMessage
from csoprogram.lib.notification_email import notification_email_send
from csoprogram.lib.notifications import EMAIL_TASK
from metrics.models import Commitment
from metrics.phillystat.follow_ups import commitment_follow_up_deliver, commitments_follow_up_scan
from tests.browser.conftest import screenshot
from tests.metrics.factories import PhillyStatMeetingFactory

pytestmark = pytest.mark.browser


def deliver_emails() -> list:
    before = len(mail.outbox)
    for message in OutboxMessage.objects.filter(task_name=EMAIL_TASK).order_by("pk"):
        notification_email_send(notification_id=message.args[0])
    return mail.outbox[before:]


def test_the_owner_is_told_finds_it_in_my_work_and_marks_it_done(
    page, login_as, analyst_fleet, cso_fleet, dept_fleet, assert_accessible, settings
):
    settings.SITE_URL = "https://cso.example.org"
    today = fiscal.today()
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, period=fiscal.last_completed_quarter(), date=today - timedelta(1)
    )
    due = today + timedelta(days=10)

    # The analyst records the commitment at the meeting, for the CSO.
    login_as(page, analyst_fleet)
    page.goto(meeting.get_absolute_url())
    page.locator("#commitment_what").fill("Publish the queue dashboard")
    page.locator("#commitment_owner").select_option(label=str(cso_fleet))
    page.locator("#commitment_due").fill(f"{due:%Y-%m-%d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Record commitment").click()
    assert page.get_by_text(f"Commitment recorded; {cso_fleet} owns it.").is_visible()
    commitment = Commitment.objects.get()
    (assigned,) = deliver_emails()
    assert assigned.to == [cso_fleet.email]
    assert "Publish the queue dashboard" in assigned.subject

    # Three days before it is due, the hourly scan reminds the CSO, once.
    made = commitments_follow_up_scan(today=due - timedelta(days=3))
    assert len(made) == 1 and commitments_follow_up_scan(today=due - timedelta(days=3)) == []
    commitment_follow_up_deliver(follow_up_id=made[0], today=due - timedelta(days=3))
    (reminder,) = deliver_emails()
    assert reminder.subject.startswith("Commitment due in 3 days")
    assert f"https://cso.example.org/metrics/commitments/{commitment.pk}/close/" in reminder.body

    # The CSO finds it in My work and marks it done with a note.
    page.context.clear_cookies()
    login_as(page, cso_fleet)
    page.goto("/inbox/")
    link = page.get_by_role("link", name="Publish the queue dashboard")
    assert link.is_visible()
    assert_accessible(page, "commitment-my-work-1280")
    screenshot(page, "commitment-my-work-1280", full_page=False)
    with page.expect_navigation():
        link.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mark a commitment done"
    assert_accessible(page, "commitment-done-1280")
    page.locator("#close_note").fill("Live on the department's web page.")
    with page.expect_navigation():
        page.get_by_role("button", name="Close commitment").click()
    assert page.get_by_text("Commitment marked done.").is_visible()
    row = page.locator(f"#commitment-{commitment.pk}")
    assert "Done" in row.inner_text() and "Live on the department's web page." in row.inner_text()
    commitment.refresh_from_db()
    assert (commitment.status, commitment.closed_by) == ("done", cso_fleet)
    page.goto("/inbox/")
    assert page.get_by_role("link", name="Publish the queue dashboard").count() == 0
