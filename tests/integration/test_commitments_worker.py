"""The follow-up of commitments through a real Celery worker on real Redis:
three beats at once queue each follow-up once; the worker tells the owner a
commitment is due in 3 days, the owner and the head that one is overdue, the
CCSO that one is a week overdue, each by e-mail exactly once."""

import time
from datetime import timedelta

import pytest

from csoprogram.lib import fiscal
from csoprogram.lib.models import EmailStatus, Notification
from csoprogram.lib.outbox import outbox_flush
from metrics.models import CommitmentFollowUp
from metrics.phillystat.follow_ups import commitments_follow_up_scan
from tests.integration.conftest import sent_mail, wait_for
from tests.metrics.factories import CommitmentFactory, PhillyStatMeetingFactory

pytestmark = pytest.mark.integration


def test_each_follow_up_is_emailed_once_by_the_worker(
    start_worker, mail_dir, dept_fleet, cso_fleet, head_fleet, analyst_fleet, ccso
):
    today = fiscal.today()
    meeting = PhillyStatMeetingFactory(department=dept_fleet, date=today - timedelta(days=40))
    CommitmentFactory(
        meeting=meeting, owner=cso_fleet, due=today + timedelta(days=3), what="Post wait times"
    )
    CommitmentFactory(
        meeting=meeting, owner=analyst_fleet, due=today - timedelta(days=8), what="Fix the grid"
    )
    start_worker()
    for _ in range(3):  # three beats at once: the rows are the claim
        commitments_follow_up_scan(today=today)
    outbox_flush()
    assert CommitmentFollowUp.objects.count() == 3  # due, overdue, escalated
    wait_for(
        lambda: Notification.objects.filter(email_status=EmailStatus.SENT).count() == 4,
        timeout=60,
        what="the four follow-up e-mails sent",
    )
    time.sleep(3)
    messages = sent_mail(mail_dir)
    assert len(messages) == 4
    to = {
        person.email: [m for m in messages if person.email in m]
        for person in (cso_fleet, analyst_fleet, head_fleet, ccso)
    }
    assert "Commitment due in 3 days: Post wait times" in to[cso_fleet.email][0]
    assert "Commitment overdue" in to[analyst_fleet.email][0]
    assert "Commitment overdue" in to[head_fleet.email][0]
    assert "Commitment a week overdue" in to[ccso.email][0]
    assert all(len(found) == 1 for found in to.values())
    assert not CommitmentFollowUp.objects.filter(sent_at=None).exists()
