"""My work: each persona sees what they must do next, most urgent first, with
a link and why; never another department's work; in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csoprogram.inbox.selectors import inbox_for
from csoprogram.lib import fiscal
from csoprogram.models import DepartmentPublication
from departments.models import DepartmentRole
from metrics.phillystat.models import ReminderDelivery, ReminderKind, ReviewPacket
from tests.csoprogram.factories import (
    DepartmentPublicationFactory,
    ProgramMeetingFactory,
    full_department,
)
from tests.departments.factories import DepartmentFactory, UserFactory, assign
from tests.focusgroups.factories import SessionFactory, ThemeFactory
from tests.metrics.factories import MetricFactory, PhillyStatMeetingFactory, ReviewPacketFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def _titles(user):
    return [i.title for i in inbox_for(user)]


def _meeting_in(dept, days):
    return PhillyStatMeetingFactory(
        department=dept, date=fiscal.today() + datetime.timedelta(days=days)
    )


def test_ccso_sees_reviews_themes_pages_escalations_and_failed_packets_most_urgent_first(
    ccso, dept_fleet, dept_streets, cso_fleet
):
    PlanFactory(department=dept_fleet, status="submitted", submitted_at=_days_ago(20))
    PlanFactory(department=dept_streets, status="submitted", submitted_at=_days_ago(2))
    ThemeFactory(name="Parking", status="proposed", proposed_by=cso_fleet, proposed_for=dept_fleet)
    DepartmentPublicationFactory(department=dept_streets)
    meeting = _meeting_in(dept_fleet, 0)
    ReminderDelivery.objects.create(
        meeting=meeting,
        recipient=ccso,
        kind=ReminderKind.CCSO,
        offset_days=0,
        subject="x",
        body="x",
        missing=[{"text": "Narrative", "url": "/"}, {"text": "Value", "url": "/"}],
    )
    ReviewPacketFactory(
        meeting=_meeting_in(dept_streets, 3),
        status=ReviewPacket.Status.FAILED,
        error="The section of Streets could not be built",
    )
    items = inbox_for(ccso)
    titles = [i.title for i in items]
    assert titles[:3] == [
        # Urgent: the escalation (due today), the plan waiting 20 days, the failed packet.
        f"{dept_fleet.display_name} is not ready for its PhillyStat meeting",
        f"Review the {dept_fleet.display_name} plan",
        "Retry the packet “Review packet department”",
    ]
    review = items[1]
    assert review.why.startswith("Submitted for review 20 days ago")
    assert review.url == reverse("plans:plan_detail", args=[dept_fleet.plans.get().pk])
    assert f"Review the {dept_streets.display_name} plan" in titles
    assert "Decide 1 proposed theme" in titles
    assert f"Approve the public page of {dept_streets.display_name}" in titles
    assert "2 items still missing" in items[0].why


def test_cso_sees_changes_requested_narrative_red_notes_and_focus_groups(
    cso_fleet, cso_streets, dept_fleet, dept_streets
):
    full_department(dept_fleet, status="changes_requested", red=True)  # meeting in 5 days
    SessionFactory(department=dept_streets)  # 1 of 5 held, no plan yet
    titles = _titles(cso_fleet)
    assert f"Revise the {dept_fleet.display_name} plan" in titles
    quarter = fiscal.last_completed_quarter()
    assert f"Quarterly narrative for {quarter.label}" in titles
    assert any(t.startswith("Explanation of the red value") for t in titles)
    narrative = next(i for i in inbox_for(cso_fleet) if i.kind == "Narrative")
    assert "5 days away" in narrative.why
    assert narrative.url == reverse("metrics:narrative_edit", args=[narrative_meeting(dept_fleet)])
    # The other department's CSO has their own work, and none of Fleet's.
    assert _titles(cso_streets) == ["Hold 4 more focus groups"]


def narrative_meeting(dept):
    return dept.phillystat_meetings.filter(date__gte=fiscal.today()).get().pk


def test_analyst_sees_missing_values_meetings_to_schedule_and_packets_to_check(
    analyst_fleet, dept_fleet
):
    meeting = _meeting_in(dept_fleet, 4)
    PlanFactory(department=dept_fleet, status="approved")
    MetricFactory(department=dept_fleet, name="Vehicle turnaround")
    ReviewPacketFactory(meeting=meeting, status=ReviewPacket.Status.READY)
    other = DepartmentFactory(slug="records", name="Department of Records")
    assign(analyst_fleet, other, DepartmentRole.ANALYST)
    PlanFactory(department=other, status="approved")
    titles = _titles(analyst_fleet)
    assert any("value of “Vehicle turnaround”" in t for t in titles)
    assert f"Check the review packet for {dept_fleet.display_name}" in titles
    assert f"Schedule the {other.display_name} PhillyStat meetings" in titles
    assert f"Schedule the {dept_fleet.display_name} PhillyStat meetings" not in titles


def test_head_sees_what_the_department_owes_and_the_plan_to_endorse(head_fleet, dept_fleet):
    _meeting_in(dept_fleet, 1)
    MetricFactory(department=dept_fleet)
    PlanFactory(department=dept_fleet, status="submitted")
    meeting = dept_fleet.phillystat_meetings.get()
    ReminderDelivery.objects.create(
        meeting=meeting,
        recipient=head_fleet,
        kind=ReminderKind.HEAD,
        offset_days=1,
        subject="x",
        body="x",
        missing=[{"text": "Narrative", "url": "/"}],
    )
    items = inbox_for(head_fleet)
    titles = [i.title for i in items]
    assert titles[0] == f"{dept_fleet.display_name} is not ready for its PhillyStat meeting"
    assert f"{dept_fleet.display_name} still owes 2 items for its PhillyStat meeting" in titles
    assert f"Endorse the {dept_fleet.display_name} plan" in titles


def test_mdo_sees_the_next_outcomes_session(md_office):
    ProgramMeetingFactory(date=fiscal.today() + datetime.timedelta(days=10))
    ProgramMeetingFactory(date=fiscal.today() - datetime.timedelta(days=10))
    (item,) = inbox_for(md_office)
    assert item.kind == "Outcomes session" and "next outcomes session" in item.why


def test_the_page_lists_the_work_with_links_and_the_navigation_counts_it(client, ccso, dept_fleet):
    PlanFactory(department=dept_fleet, status="submitted", submitted_at=_days_ago(3))
    client.force_login(ccso)
    html = client.get(reverse("inbox")).content.decode()
    assert f"Review the {dept_fleet.display_name} plan" in html
    assert "Submitted for review 3 days ago" in html
    assert reverse("plans:plan_detail", args=[dept_fleet.plans.get().pk]) in html
    # Any page now shows the count beside My work, without computing it again.
    departments = client.get(reverse("departments:list")).content.decode()
    assert '1<span class="visually-hidden"> to do</span>' in departments
    home = client.get(reverse("home")).content.decode()
    assert "My work" in home and f"Review the {dept_fleet.display_name} plan" in home


def test_nothing_to_do_says_so(client, cso_streets):
    PlanFactory(department=cso_streets.assignments.get().department, status="approved")
    client.force_login(cso_streets)
    assert "Nothing waits for you" in client.get(reverse("inbox")).content.decode()


def _queries(user) -> int:
    user = type(user).objects.get(pk=user.pk)  # no cached roles
    with CaptureQueriesContext(connection) as ctx:
        inbox_for(user)
    return len(ctx.captured_queries)


def test_the_inbox_runs_the_same_number_of_queries_for_2_and_20_departments(ccso):
    everyone = UserFactory(username="all.roles")

    def add(i):
        d = full_department(name=f"Department {i:03d}", slug=f"d-{i:03d}", red=i % 2 == 0)
        for role in (DepartmentRole.CSO, DepartmentRole.HEAD, DepartmentRole.ANALYST):
            assign(everyone, d, role)
        PlanFactory(department=DepartmentFactory(slug=f"s-{i:03d}"), status="submitted")
        DepartmentPublicationFactory(department=d, status=DepartmentPublication.Status.REQUESTED)
        ReviewPacketFactory(meeting=d.phillystat_meetings.order_by("-date").first())

    for i in range(2):
        add(i)
    small = (_queries(ccso), _queries(everyone))
    assert len(inbox_for(everyone)) > 4
    for i in range(2, 20):
        add(i)
    assert (_queries(ccso), _queries(everyone)) == small
