"""The follow-up memo through a real Celery worker on real Redis: the worker
renders its PDF, stores it, and each recipient gets one e-mail (text and
HTML, the PDF attached), however often sending is asked."""

import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage

from csoprogram.lib import fiscal
from csoprogram.lib.models import EmailStatus, Notification
from csoprogram.lib.outbox import outbox_enqueue, outbox_flush
from metrics.phillystat import memos
from metrics.phillystat.models import FollowUpMemo
from tests.integration.conftest import sent_mail, wait_for
from tests.metrics.factories import CommitmentFactory, PhillyStatMeetingFactory

pytestmark = pytest.mark.integration


def test_the_follow_up_memo_is_sent_once_with_its_pdf(
    start_worker, mail_dir, dept_fleet, analyst_fleet, cso_fleet, head_fleet
):
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet,
        date=fiscal.today() - timedelta(days=1),
        analyst=analyst_fleet,
        attendees="CSO, department head",
    )
    CommitmentFactory(meeting=meeting, what="Publish the wait-time dashboard", owner=cso_fleet)
    memo = memos.meeting_mark_held(user=analyst_fleet, meeting=meeting)
    start_worker()
    assert memos.follow_up_memo_send(user=analyst_fleet, memo=memo) is True
    assert memos.follow_up_memo_send(user=analyst_fleet, memo=memo) is False  # a double click
    # The send task queued again (a drain racing the publisher): still once.
    outbox_enqueue(task_name=memos.SEND_TASK, args=[memo.pk])
    outbox_flush()
    wait_for(
        lambda: (
            Notification.objects.filter(kind="memo_sent", email_status=EmailStatus.SENT).count()
            == 3
        ),
        timeout=90,
        what="the memo e-mailed to the CSO, the head and the analyst",
    )
    time.sleep(3)
    memo.refresh_from_db()
    assert memo.status == FollowUpMemo.Status.SENT
    with default_storage.open(memo.file, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    messages = sent_mail(mail_dir)
    assert len(messages) == 3
    for person in (cso_fleet, head_fleet, analyst_fleet):
        (message,) = [m for m in messages if f"To: {person.email}" in m]
        assert "Content-Type: text/html" in message
        assert "Content-Type: application/pdf" in message
        assert 'filename="follow-up-memo-fleet-' in message
        assert "Publish the wait-time dashboard" in message
