"""Background work with a real Celery worker on real Redis (CI), sharing the
test database: reminders sent exactly once, packets built through the worker.
Failure paths (killed workers, Redis down, a day without beat): test_failures.py."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from csoprogram.lib import fiscal
from csoprogram.lib.outbox import outbox_enqueue
from metrics.phillystat.models import ReminderDelivery, ReviewPacket
from metrics.phillystat.packets import meeting_packet_request
from metrics.phillystat.reminders import reminders_scan
from tests.integration.conftest import sent_mail, wait_for
from tests.metrics.factories import (
    MetricFactory,
    PhillyStatMeetingFactory,
    QuarterlyNarrativeFactory,
    add_value,
)
from tests.plans.factories import AreaOfFocusFactory, PlanFactory

pytestmark = pytest.mark.integration


def _meeting_in(department, days: int):

    return PhillyStatMeetingFactory(
        department=department, date=fiscal.today() + timedelta(days=days)
    )


@pytest.fixture
def fleet_due(dept_fleet, cso_fleet, analyst_fleet, head_fleet):
    """Fleet's meeting a week ahead, with no narrative and no value for the quarter."""
    cso_fleet.email, analyst_fleet.email = "cso@example.org", "analyst@example.org"
    cso_fleet.save(update_fields=["email"])
    analyst_fleet.save(update_fields=["email"])
    area = AreaOfFocusFactory(
        plan=PlanFactory(department=dept_fleet, status="approved", with_area=False)
    )
    MetricFactory(department=dept_fleet, area_of_focus=area, name="Vehicle turnaround")
    return _meeting_in(dept_fleet, 7)


def test_a_reminder_run_lands_in_the_mailbox_once(start_worker, mail_dir, fleet_due):
    start_worker()
    created = reminders_scan()
    assert len(created) == 2  # the CSO (narrative) and the analyst (values)
    wait_for(
        lambda: ReminderDelivery.objects.filter(sent_at__isnull=False).count() == 2,
        what="both reminders sent",
    )
    # A second run, as after a retry or a second beat, creates and sends nothing.
    assert reminders_scan() == []
    time.sleep(2)
    mails = sent_mail(mail_dir)
    assert len(mails) == 2
    cso_mail = next(m for m in mails if "cso@example.org" in m)
    assert "Quarterly narrative for" in cso_mail
    assert "Content-Type: text/html" in cso_mail  # plain text and HTML versions
    analyst_mail = next(m for m in mails if "analyst@example.org" in m)
    assert "value of “Vehicle turnaround”" in analyst_mail
    assert "http://testserver/metrics/" in analyst_mail


def test_two_beats_and_repeated_scans_send_no_duplicate(start_worker, mail_dir, fleet_due):
    start_worker()
    # Four scans at once through the worker (two beats firing, plus retries).
    for _ in range(4):
        outbox_enqueue(task_name="metrics.phillystat_reminders_scan")
    wait_for(
        lambda: ReminderDelivery.objects.filter(sent_at__isnull=False).count() == 2,
        what="reminders sent",
    )
    time.sleep(3)
    assert ReminderDelivery.objects.count() == 2
    assert len(sent_mail(mail_dir)) == 2


def test_no_reminder_when_everything_is_in(
    start_worker, mail_dir, dept_fleet, cso_fleet, analyst_fleet
):

    area = AreaOfFocusFactory(
        plan=PlanFactory(department=dept_fleet, status="approved", with_area=False)
    )
    metric = MetricFactory(department=dept_fleet, area_of_focus=area, name="Vehicle turnaround")
    meeting = _meeting_in(dept_fleet, 14)
    add_value(metric, meeting.fiscal_quarter.start, 19)  # green: no explanation needed
    QuarterlyNarrativeFactory(
        department=dept_fleet,
        period=meeting.fiscal_quarter,
        what_changed="Turnaround improved after the new intake desk.",
    )
    assert reminders_scan() == []


def test_escalation_reaches_the_head_a_day_before_and_is_recorded_once(
    start_worker, mail_dir, dept_fleet, cso_fleet, head_fleet
):
    head_fleet.email = "head@example.org"
    head_fleet.save(update_fields=["email"])
    meeting = _meeting_in(dept_fleet, 1)
    start_worker()
    reminders_scan()
    reminders_scan()
    assert (
        ReminderDelivery.objects.filter(meeting=meeting, kind="head", recipient=head_fleet).count()
        == 1
    )
    wait_for(
        lambda: ReminderDelivery.objects.filter(kind="head", sent_at__isnull=False).exists(),
        what="head escalation sent",
    )
    assert any("head@example.org" in m for m in sent_mail(mail_dir))


# Killed builds and a Redis outage: tests/integration/test_failures.py, with
# production timeouts.


def test_department_packet_builds_through_the_worker_and_downloads_for_the_department_only(
    start_worker, media_root, dept_fleet, analyst_fleet, cso_streets
):
    area = AreaOfFocusFactory(
        plan=PlanFactory(department=dept_fleet, status="approved", with_area=False)
    )
    metric = MetricFactory(department=dept_fleet, area_of_focus=area, name="Vehicle turnaround")
    add_value(metric, fiscal.last_completed_quarter().start, 24)
    meeting = _meeting_in(dept_fleet, 3)
    start_worker()
    packet = meeting_packet_request(meeting=meeting, user=analyst_fleet)
    wait_for(
        lambda: ReviewPacket.objects.get(pk=packet.pk).status == "ready", timeout=60, what="packet"
    )
    client = Client()
    client.force_login(analyst_fleet)
    response = client.get(reverse("metrics:packet_download", args=[packet.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    outsider = Client()
    outsider.force_login(cso_streets)
    assert outsider.get(reverse("metrics:packet_download", args=[packet.pk])).status_code == 404
