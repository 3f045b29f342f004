"""The loop after a PhillyStat meeting, in real Chromium: the analyst marks the
meeting held, edits the drafted follow-up memo and sends it; the worker's task
makes the PDF and e-mails it; the CSO is told and opens it. A meeting ahead
cannot be marked held. The memo pages pass axe."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from csoprogram.lib import fiscal
from csoprogram.lib.models import OutboxMessage
from metrics.phillystat import memos
from metrics.phillystat.models import FollowUpMemo
from tests.browser.conftest import screenshot
from tests.browser.test_my_work_and_notifications import click, deliver_emails, switch_to
from tests.metrics.factories import (
    CommitmentFactory,
    MetricFactory,
    PhillyStatMeetingFactory,
    add_value,
)

pytestmark = pytest.mark.browser


def test_analyst_marks_held_edits_and_sends_the_memo_and_the_cso_gets_it(
    page, login_as, dept_fleet, analyst_fleet, cso_fleet, head_fleet, assert_accessible
):
    quarter = fiscal.last_completed_quarter()
    ahead = PhillyStatMeetingFactory(
        department=dept_fleet, period=quarter.next(), date=fiscal.today() + timedelta(days=3)
    )
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet,
        period=quarter,
        date=fiscal.today() - timedelta(days=1),
        analyst=analyst_fleet,
        attendees="CSO, department head",
    )
    wait = MetricFactory(department=dept_fleet, name="Average wait time", decimals=1)
    add_value(wait, quarter.start, "18.9333")
    CommitmentFactory(meeting=meeting, what="Publish the wait-time dashboard", owner=cso_fleet)

    login_as(page, analyst_fleet)
    # A meeting ahead: no button, and the memo page says when it can be.
    page.goto(ahead.get_absolute_url())
    assert page.get_by_role("button", name="Mark the meeting held").count() == 0
    assert page.get_by_text("it can be marked held from that day on").first.is_visible()

    page.goto(meeting.get_absolute_url())
    click(page, "button", "Mark the meeting held")
    assert page.get_by_role("heading", name="Follow-up memo", level=1).is_visible()
    assert page.get_by_text("Draft", exact=True).is_visible()
    assert_accessible(page, "memo-draft-1280")
    click(page, "link", "Edit the memo")
    page.get_by_label("What was discussed: Average wait time").fill(
        "Wait times fell after the second window opened."
    )
    assert_accessible(page, "memo-edit-1280")
    click(page, "button", "Save the memo")
    assert page.get_by_text("Wait times fell after the second window opened.").is_visible()
    click(page, "button", "Send the follow-up memo")
    assert page.get_by_text("Sending", exact=True).is_visible()

    # The worker's send task (in this process), then the e-mails.
    (message,) = OutboxMessage.objects.filter(task_name=memos.SEND_TASK)
    assert memos.follow_up_memo_deliver(memo_id=message.args[0]) is True
    sent = deliver_emails()
    assert sorted(m.to[0] for m in sent) == sorted(
        u.email for u in (cso_fleet, head_fleet, analyst_fleet)
    )
    assert all(m.attachments[0][2] == "application/pdf" for m in sent)
    assert FollowUpMemo.objects.get(meeting=meeting).status == FollowUpMemo.Status.SENT

    # The CSO is told and opens the memo, sent, with its PDF.
    switch_to(page, login_as, cso_fleet)
    page.goto("/notifications/")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Follow-up memo")).first.click()
    assert page.get_by_text("Sent", exact=True).is_visible()
    pdf = page.get_by_role("link", name="Download the memo (PDF)")
    assert pdf.is_visible()
    response = page.request.get(pdf.get_attribute("href"))
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    assert_accessible(page, "memo-sent-1280")
    screenshot(page, "memo-sent-cso-1280")
    assert len(mail.outbox) == 3
