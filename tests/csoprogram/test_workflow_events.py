"""Who the services tell, and once: plans, themes, public pages, packets, escalations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.models import EmailStatus, Notification
from csoprogram.publication.services import publication_approve, publication_request
from departments.models import DepartmentRole
from focusgroups import services as themes
from metrics.phillystat import packet_notices
from metrics.phillystat.models import ReminderDelivery, ReviewPacket
from metrics.phillystat.packet_upkeep import packets_sweep
from metrics.phillystat.reminders import reminder_deliver, reminders_scan
from plans import services as plans
from tests.departments.factories import UserFactory, assign
from tests.focusgroups.factories import ThemeFactory
from tests.metrics.factories import MetricFactory, PhillyStatMeetingFactory, ReviewPacketFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _told(kind) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", "title"))


def _who(kind) -> list[str]:
    return sorted(u for u, _ in _told(kind))


def test_the_plan_review_loop_tells_each_side_once(
    dept_fleet, cso_fleet, ccso, head_fleet, cso_streets
):
    plan = PlanFactory(department=dept_fleet, status="draft")
    plans.plan_submit(plan=plan, user=cso_fleet)
    assert _who("plan_submitted") == [ccso.username]
    (ccso_note,) = Notification.objects.filter(kind="plan_submitted")
    assert ccso_note.url == plan.get_absolute_url()
    assert ccso_note.email_status == EmailStatus.QUEUED
    plan.refresh_from_db()
    plans.plan_request_changes(plan=plan, user=ccso, comment="Say when vehicles come back.")
    assert _who("plan_changes_requested") == [cso_fleet.username]
    assert (
        "Say when vehicles come back."
        in Notification.objects.get(kind="plan_changes_requested").body
    )
    plan.refresh_from_db()
    plans.plan_submit(plan=plan, user=cso_fleet)  # the resubmission is news again
    assert _who("plan_submitted") == [ccso.username, ccso.username]
    plan.refresh_from_db()
    plans.plan_approve(plan=plan, user=ccso)
    assert _who("plan_approved") == [cso_fleet.username]
    # Nobody outside the department hears of it; the head is not a reviewer here.
    assert not Notification.objects.filter(user__in=[cso_streets, head_fleet]).exists()


def test_a_comment_tells_the_csos_and_one_by_the_cso_tells_the_ccso(
    dept_fleet, cso_fleet, ccso, head_fleet
):
    plan = PlanFactory(department=dept_fleet, status="submitted")
    plans.plan_comment_add(plan=plan, user=ccso, body="Good start.")
    assert _who("plan_comment") == [cso_fleet.username]
    plans.plan_comment_add(plan=plan, user=cso_fleet, body="Thanks, updated.")
    # The CSO is not told about their own comment; the CCSO is.
    assert _who("plan_comment") == [ccso.username, cso_fleet.username]
    plans.plan_comment_add(plan=plan, user=head_fleet, body="Endorsing soon.")
    assert _who("plan_comment") == [ccso.username, cso_fleet.username, cso_fleet.username]


def test_themes_proposed_and_decided(dept_fleet, cso_fleet, ccso):
    parking = themes.theme_propose(department=dept_fleet, proposed_by=cso_fleet, name="Parking")
    assert _who("theme_proposed") == [ccso.username]
    themes.theme_accept(theme=parking, decided_by=ccso)
    assert _told("theme_decided") == [
        (cso_fleet.username, "The theme “Parking” you proposed was accepted")
    ]
    signs = themes.theme_propose(department=dept_fleet, proposed_by=cso_fleet, name="Signage")
    themes.theme_merge(theme=signs, into=ThemeFactory(name="Wayfinding"), decided_by=ccso)
    assert (
        cso_fleet.username,
        "The theme “Signage” you proposed was merged into “Wayfinding”",
    ) in _told("theme_decided")
    # Merging an accepted duplicate decides no proposal: nobody is told.
    themes.theme_merge(theme=parking, into=ThemeFactory(name="Access"), decided_by=ccso)
    assert len(_told("theme_decided")) == 2


def test_a_public_page_requested_and_approved(dept_fleet, cso_fleet, head_fleet, ccso):
    PlanFactory(department=dept_fleet, status="approved")
    metric = MetricFactory(department=dept_fleet)
    publication_request(user=cso_fleet, department=dept_fleet, metrics=[metric])
    assert _who("publication_requested") == [ccso.username]
    assert publication_approve(user=ccso, department=dept_fleet) is True
    assert publication_approve(user=ccso, department=dept_fleet) is False
    assert _who("publication_approved") == sorted([cso_fleet.username, head_fleet.username])


def test_a_packet_ready_tells_who_asked_and_failed_tells_the_ccso(analyst_fleet, ccso, dept_fleet):
    meeting = PhillyStatMeetingFactory(department=dept_fleet)
    packet = ReviewPacketFactory(
        meeting=meeting,
        requested_by=analyst_fleet,
        status=ReviewPacket.Status.READY,
        finished_at=timezone.now(),
        pages=7,
    )
    packet_notices.packet_result_notify(packet_id=packet.pk)
    packet_notices.packet_result_notify(packet_id=packet.pk)  # a retried task
    assert _who("packet_ready") == [analyst_fleet.username]
    # A build that stopped too often fails through the sweep.
    ReviewPacket.objects.filter(pk=packet.pk).update(
        status=ReviewPacket.Status.BUILDING,
        attempts=3,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    packets_sweep()
    packet.refresh_from_db()
    assert packet.status == ReviewPacket.Status.FAILED
    assert _who("packet_failed") == sorted([analyst_fleet.username, ccso.username])
    assert "stopped 3 times" in Notification.objects.filter(kind="packet_failed").first().body


def test_escalations_are_in_the_app_once_and_emailed_by_the_reminder(dept_fleet, ccso, mailoutbox):
    head = UserFactory(username="head.esc")
    assign(head, dept_fleet, DepartmentRole.HEAD)
    MetricFactory(department=dept_fleet)
    today = fiscal.today()
    PhillyStatMeetingFactory(department=dept_fleet, date=today)
    reminders_scan(today=today)
    for delivery in ReminderDelivery.objects.all():
        reminder_deliver(delivery_id=delivery.pk)
    escalations = Notification.objects.filter(kind="escalation")
    assert sorted(escalations.values_list("user__username", flat=True)) == sorted(
        [head.username, ccso.username]
    )
    # E-mailed once, by the reminder itself.
    assert set(escalations.values_list("email_status", flat=True)) == {EmailStatus.NONE}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([head.email, ccso.email])
