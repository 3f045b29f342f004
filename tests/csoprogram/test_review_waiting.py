"""The CCSO finds what waits for review: the program review links each row's
plan and meeting and shows escalations; /plans/ lists the plans waiting."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib import fiscal
from metrics.phillystat.models import ReminderDelivery, ReminderKind
from tests.metrics.factories import PhillyStatMeetingFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_program_review_links_the_plan_and_meeting_and_shows_escalations(
    client, ccso, head_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet, status="submitted")
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, date=fiscal.today() + datetime.timedelta(days=1)
    )
    ReminderDelivery.objects.create(
        meeting=meeting,
        recipient=head_fleet,
        kind=ReminderKind.HEAD,
        offset_days=1,
        subject="x",
        body="x",
    )
    client.force_login(ccso)
    html = client.get(reverse("csoprogram:program_review")).content.decode()
    assert f'<a href="{plan.get_absolute_url()}" aria-label="Submitted for review' in html
    assert f'href="{meeting.get_absolute_url()}"' in html
    today = timezone.localdate()
    assert f"Escalated to the department head on {today:%-d %b}" in html
    assert "</span>Escalated to the department head</li>" in html  # among the row's flags


def test_plans_page_has_a_waiting_for_my_review_section_and_filter(
    client, ccso, cso_fleet, dept_fleet, dept_streets
):
    waiting = PlanFactory(
        department=dept_fleet,
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(days=6),
    )
    PlanFactory(department=dept_streets, status="draft")
    client.force_login(ccso)
    html = client.get(reverse("plans:plan_list")).content.decode()
    assert "Waiting for my review" in html and "waiting 6 days" in html
    only = client.get(reverse("plans:plan_list"), {"show": "waiting"}).content.decode()
    assert waiting.get_absolute_url() in only
    assert dept_streets.name not in only.split("Customer service plans you can see")[1]
    # A CSO reviews nothing: no such section.
    client.force_login(cso_fleet)
    assert "Waiting for my review" not in client.get(reverse("plans:plan_list")).content.decode()
