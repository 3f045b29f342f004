"""Background work with a real Celery worker on real Redis (CI), sharing the
test database: reminders sent exactly once, packets that survive a SIGKILL,
and work that waits out a Redis outage."""

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from csoprogram.lib import fiscal
from csoprogram.lib.outbox import outbox_drain, outbox_enqueue
from csoprogram.models import OutboxMessage
from metrics.phillystat.models import ReminderDelivery, ReviewPacket
from metrics.phillystat.packets import meeting_packet_request, outcomes_packet_request
from metrics.phillystat.reminders import reminders_scan
from tests.conftest import require_service
from tests.departments.factories import DepartmentFactory
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


def _outcomes_fixture(n_departments: int = 12):
    """Enough departments with charts that an outcomes packet takes a few seconds."""
    for i in range(n_departments):
        dept = DepartmentFactory(name=f"Department {i:02d}", slug=f"d{i:02d}")
        area = AreaOfFocusFactory(
            plan=PlanFactory(department=dept, status="approved", with_area=False)
        )
        for m in range(4):
            metric = MetricFactory(department=dept, area_of_focus=area, name=f"Metric {m} of {i}")
            q = fiscal.last_completed_quarter()
            for k in range(8):
                add_value(metric, q.start, 20 + (k * 7 + m) % 13)
                q = q.previous()


def _stray_files(media_root):
    return [
        p
        for p in media_root.rglob("*")
        if p.is_file() and (p.suffix == ".part" or "tmp" in p.relative_to(media_root).parts)
    ]


# Shorter than in production (1 hour, 6 minutes) so the test sees the
# redelivery; still longer than one build, as production's are.
VISIBILITY, LEASE = 15, 10


def test_a_worker_killed_mid_build_leaves_exactly_one_ready_packet_after_restart(
    start_worker, media_root
):
    _outcomes_fixture(6)
    # Short leases so that the redelivered build is taken over within the test.
    worker = start_worker(CELERY_VISIBILITY_TIMEOUT=VISIBILITY, PACKET_BUILD_LEASE_SECONDS=LEASE)
    packet = outcomes_packet_request()
    wait_for(
        lambda: ReviewPacket.objects.get(pk=packet.pk).status == "building",
        interval=0.05,
        what="the build to start",
    )
    worker.kill()
    packet.refresh_from_db()
    assert packet.status == "building"
    # Redis hands an unacknowledged task to a new worker once its visibility
    # timeout has passed; the new worker restores such tasks when it starts.
    time.sleep(VISIBILITY + 1)
    start_worker(CELERY_VISIBILITY_TIMEOUT=VISIBILITY, PACKET_BUILD_LEASE_SECONDS=LEASE)
    wait_for(
        lambda: ReviewPacket.objects.get(pk=packet.pk).status == "ready",
        timeout=90,
        what="the packet to be rebuilt after the crash",
    )
    packet.refresh_from_db()
    assert ReviewPacket.objects.count() == 1
    assert packet.attempts >= 2
    pdfs = list(media_root.rglob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].name.endswith(f"{packet.checksum[:16]}.pdf")
    assert not _stray_files(media_root)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_redis_down_pages_answer_quickly_and_work_is_sent_when_it_returns(
    real_services, settings, start_worker, media_root, dept_fleet, analyst_fleet
):
    server = shutil.which("redis-server")
    require_service(server is not None, "redis-server")
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"

    def run_redis():
        proc = subprocess.Popen(  # noqa: S603
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _can_connect(port), what="redis to start")
        return proc

    redis_proc = run_redis()
    try:
        settings.CELERY_BROKER_URL = url
        start_worker(broker_url=url)
        redis_proc.terminate()
        redis_proc.wait(timeout=10)

        area = AreaOfFocusFactory(
            plan=PlanFactory(department=dept_fleet, status="approved", with_area=False)
        )
        MetricFactory(department=dept_fleet, area_of_focus=area)
        meeting = _meeting_in(dept_fleet, 20)
        client = Client()
        client.force_login(analyst_fleet)
        started = time.monotonic()
        response = client.post(reverse("metrics:meeting_packet_build", args=[meeting.pk]))
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 3, f"the page waited {elapsed:.1f}s on the missing broker"
        assert client.get(reverse("metrics:meeting_detail", args=[meeting.pk])).status_code == 200
        pending = OutboxMessage.objects.get(sent_at=None)
        assert pending.task_name == "metrics.packet_build"

        redis_proc = run_redis()  # Redis is back; the worker reconnects
        OutboxMessage.objects.update(created_at=pending.created_at - timedelta(minutes=5))
        assert outbox_drain() == 1
        wait_for(
            lambda: ReviewPacket.objects.filter(meeting=meeting, status="ready").exists(),
            timeout=60,
            what="the queued packet to be built after Redis returned",
        )
    finally:
        if redis_proc.poll() is None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)


def _can_connect(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


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
