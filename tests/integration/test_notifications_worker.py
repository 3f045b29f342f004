"""Workflow notifications through a real Celery worker on real Redis (CI):
each person gets each event's e-mail once, however often it is notified or
its task is queued; the daily digest goes out once per person and day."""

import time

import pytest
from django.db import transaction

from csoprogram.lib.models import EmailStatus, Notification
from csoprogram.lib.notification_email import digests_scan
from csoprogram.lib.notifications import notification_preferences_save, notify
from csoprogram.lib.outbox import outbox_enqueue, outbox_flush
from plans import services as plans
from tests.integration.conftest import sent_mail, wait_for
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.integration


def test_a_submitted_plan_emails_the_ccso_once(start_worker, mail_dir, dept_fleet, cso_fleet, ccso):
    start_worker()
    plan = PlanFactory(department=dept_fleet, status="draft")
    plans.plan_submit(plan=plan, user=cso_fleet)
    outbox_flush()
    wait_for(
        lambda: Notification.objects.filter(email_status=EmailStatus.SENT).count() == 1,
        what="the CCSO's e-mail sent",
    )
    # The same event again, and its e-mail task queued twice more (a retry, a
    # drain racing the publisher): nothing more goes out.
    (note,) = Notification.objects.all()
    with transaction.atomic():
        notify(kind="plan_submitted", event_key=note.event_key, recipients=[ccso], title="x")
        for _ in range(2):
            outbox_enqueue(task_name="csoprogram.notification_email", args=[note.pk])
    outbox_flush()
    time.sleep(3)
    (message,) = sent_mail(mail_dir)
    assert ccso.email in message
    assert "submitted its customer service plan for review" in message
    assert f"http://testserver{plan.get_absolute_url()}" in message
    assert "Content-Type: text/html" in message


def test_the_daily_digest_goes_out_once(start_worker, mail_dir, cso_fleet, ccso):
    notification_preferences_save(user=cso_fleet, email_kinds=["plan_approved"], daily_digest=True)
    notify(kind="plan_approved", event_key="e1", recipients=[cso_fleet], title="Plan approved")
    notify(kind="plan_comment", event_key="e2", recipients=[cso_fleet], title="A comment")
    start_worker()
    assert Notification.objects.filter(email_status=EmailStatus.DIGEST).count() == 1
    for _ in range(3):  # three beats at once
        digests_scan(hour=9)
    outbox_flush()
    wait_for(
        lambda: Notification.objects.filter(email_status=EmailStatus.DIGESTED).count() == 1,
        what="the digest sent",
    )
    time.sleep(3)
    (message,) = sent_mail(mail_dir)
    assert cso_fleet.email in message and "Plan approved" in message
    assert "A comment" not in message  # turned off by e-mail
