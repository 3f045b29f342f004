"""Commitments owned by people: who may own one (one rule, in the form and the
service), the life cycle (recorded, edited, marked done with a note by its
owner, dropped with a reason), and the hourly follow-up (due in 3 days, overdue,
a week overdue), each exactly once on a simulated clock, a missed day caught up,
in a fixed number of queries."""

import csv
import importlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from csoprogram.lib import fiscal
from csoprogram.lib.notifications import NOTIFICATION_KINDS
from csoprogram.lib.rules import RuleError
from csoprogram.models import Notification, OutboxMessage
from departments.models import DepartmentRole
from metrics.models import Commitment, CommitmentFollowUp
from metrics.phillystat import commitments
from metrics.phillystat.follow_ups import (
    DELIVER_TASK,
    commitment_follow_up_deliver,
    commitments_follow_up_scan,
    follow_ups_due,
)
from tests.departments.factories import DepartmentFactory, UserFactory, assign
from tests.metrics.factories import CommitmentFactory, PhillyStatMeetingFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def meeting(dept_fleet):
    return PhillyStatMeetingFactory(
        department=dept_fleet, period=fiscal.last_completed_quarter(), date=fiscal.today() - DAY
    )


def _told(user, kind: str) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


# -- Who may own one ---------------------------------------------------------------------


def test_the_department_people_and_the_ccso_may_own_a_commitment_and_nobody_else(
    meeting, analyst_fleet, cso_fleet, head_fleet, ccso, cso_streets, md_office
):
    for owner in (cso_fleet, head_fleet, analyst_fleet, ccso):
        made = commitments.commitment_create(
            user=analyst_fleet, meeting=meeting, what="x", owner=owner, due=fiscal.today()
        )
        assert made.owner == owner
    for outsider in (cso_streets, md_office):
        with pytest.raises(RuleError) as refused:
            commitments.commitment_create(
                user=analyst_fleet, meeting=meeting, what="y", owner=outsider, due=fiscal.today()
            )
        assert "owner" in refused.value.error_dict
    assert Commitment.objects.filter(what="y").count() == 0


def test_the_form_offers_the_owners_and_refuses_an_outsider_next_to_the_field(
    client, meeting, analyst_fleet, cso_fleet, cso_streets
):
    client.force_login(analyst_fleet)
    url = reverse("metrics:commitment_create", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert f'value="{cso_fleet.pk}"' in page and f'value="{cso_streets.pk}"' not in page
    response = client.post(url, {"what": "Publish", "owner": cso_streets.pk, "due": "2027-01-15"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "CSO, head or PhillyStat analyst" in form.errors["owner"][0]
    assert not Commitment.objects.exists()


# -- The life cycle ----------------------------------------------------------------------


def test_owner_is_told_marks_it_done_with_a_note_and_it_stops_being_carried(
    client, meeting, analyst_fleet, cso_fleet, dept_fleet
):
    client.force_login(analyst_fleet)
    response = client.post(
        reverse("metrics:commitment_create", args=[meeting.pk]),
        {"what": "Publish the queue dashboard", "owner": cso_fleet.pk, "due": "2027-01-15"},
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert _told(cso_fleet, "commitment_assigned") == 1
    assert OutboxMessage.objects.filter(task_name="csoprogram.notification_email").exists()
    following = PhillyStatMeetingFactory(
        department=dept_fleet,
        period=meeting.fiscal_quarter.next(),
        date=meeting.date + timedelta(days=90),
    )
    client.force_login(cso_fleet)
    page = client.get(following.get_absolute_url()).content.decode()
    assert "Publish the queue dashboard" in page and "Mark done" in page
    # From My work: the page to mark it done.
    close_url = reverse("metrics:commitment_close", args=[commitment.pk])
    page = client.get(close_url).content.decode()
    assert "Mark a commitment done" in page and 'value="dropped"' not in page
    response = client.post(close_url, {"status": "done", "note": "Live on the website."})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.closed_by, commitment.closing_note) == (
        "done",
        cso_fleet,
        "Live on the website.",
    )
    assert commitment.closed_at is not None
    page = client.get(following.get_absolute_url()).content.decode()
    assert "Publish the queue dashboard" not in page


def test_the_owner_may_not_drop_or_edit_it_the_analyst_drops_it_saying_why(
    client, meeting, analyst_fleet, cso_fleet, head_fleet
):
    commitment = CommitmentFactory(meeting=meeting, owner=cso_fleet)
    with pytest.raises(PermissionDenied):
        commitments.commitment_close(
            user=cso_fleet, commitment=commitment, status="dropped", note="No budget."
        )
    client.force_login(cso_fleet)
    assert client.get(reverse("metrics:commitment_edit", args=[commitment.pk])).status_code == 403
    # Someone who neither owns nor edits it may not close it.
    client.force_login(head_fleet)
    response = client.post(reverse("metrics:commitment_close", args=[commitment.pk]))
    assert response.status_code == 403
    client.force_login(analyst_fleet)
    url = reverse("metrics:commitment_close", args=[commitment.pk])
    response = client.post(url, {"status": "dropped", "note": ""})
    assert response.status_code == 400
    assert "says why it was dropped" in response.context["form"].errors["note"][0]
    commitment.refresh_from_db()
    assert commitment.is_open
    assert client.post(url, {"status": "dropped", "note": "Superseded."}).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.closed_by) == ("dropped", analyst_fleet)
    # Closing again changes nothing.
    assert not commitments.commitment_close(user=cso_fleet, commitment=commitment)


def test_the_analyst_edits_it_and_a_new_owner_is_told(
    client, meeting, analyst_fleet, cso_fleet, head_fleet, cso_streets
):
    commitment = CommitmentFactory(meeting=meeting, owner=cso_fleet)
    client.force_login(analyst_fleet)
    url = reverse("metrics:commitment_edit", args=[commitment.pk])
    response = client.post(
        url, {"what": "Hire a clerk", "owner": cso_streets.pk, "due": "2027-02-01"}
    )
    assert response.status_code == 400
    response = client.post(
        url, {"what": "Hire a clerk", "owner": head_fleet.pk, "due": "2027-02-01"}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.what, commitment.owner, str(commitment.due)) == (
        "Hire a clerk",
        head_fleet,
        "2027-02-01",
    )
    assert _told(head_fleet, "commitment_assigned") == 1
    # The meeting's history says who changed it.
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "Hire a clerk" in page.content.decode()


# -- The follow-up -----------------------------------------------------------------------


def test_notification_kinds_and_the_hourly_schedule_are_registered():
    assert {"commitment_due", "commitment_overdue", "commitment_escalated"} <= set(
        NOTIFICATION_KINDS
    )
    # The schedule is data of migration 0014; a transactional test elsewhere may
    # have emptied the table since, so the migration's step runs again (it
    # gets or creates) before the schedule is read.
    from django.apps import apps

    schedule = importlib.import_module("metrics.migrations.0014_commitment_follow_up_schedule")
    schedule.create(apps, None)
    task = PeriodicTask.objects.get(task="metrics.commitments_follow_up_scan")
    assert (task.interval.every, task.interval.period) == (1, "hours")
    assert task.enabled


@pytest.mark.parametrize(
    ("days", "kinds"),
    [(5, []), (4, []), (3, ["due"]), (1, ["due"]), (0, ["due"]), (-1, ["overdue"])]
    + [(-6, ["overdue"]), (-7, ["overdue", "escalated"]), (-30, ["overdue", "escalated"])],
)
def test_the_follow_ups_due_by_days_to_the_due_date(days, kinds):
    today = fiscal.today()
    assert follow_ups_due(today + timedelta(days=days), today) == kinds


def _run(today) -> list[int]:
    """One beat of the scan on `today`, and its deliveries run (twice: a retry
    must tell nobody again)."""
    made = commitments_follow_up_scan(today=today)
    for pk in made:
        commitment_follow_up_deliver(follow_up_id=pk, today=today)
        assert not commitment_follow_up_deliver(follow_up_id=pk, today=today)
    return made


def test_each_follow_up_tells_each_person_once_on_a_simulated_clock_with_a_missed_day(
    meeting, cso_fleet, head_fleet, ccso, analyst_fleet
):
    due = fiscal.today() + timedelta(days=20)
    commitment = CommitmentFactory(meeting=meeting, owner=cso_fleet, due=due)
    Notification.objects.all().delete()
    assert _run(due - timedelta(days=5)) == []
    assert _run(due - timedelta(days=4)) == []
    # Beat was down on the day three days before: the day after catches up.
    assert len(_run(due - timedelta(days=2))) == 1
    assert _told(cso_fleet, "commitment_due") == 1
    title = Notification.objects.get(user=cso_fleet, kind="commitment_due").title
    assert title.startswith("Commitment due in 2 days")
    for day in (2, 1, 0):  # every hour of the following days: nothing more
        for _hour in range(2):
            assert _run(due - timedelta(days=day)) == []
    assert _run(due + DAY)  # overdue: the owner and the head
    assert _told(cso_fleet, "commitment_overdue") == _told(head_fleet, "commitment_overdue") == 1
    assert _told(ccso, "commitment_overdue") == 0
    head_told = Notification.objects.get(user=head_fleet, kind="commitment_overdue")
    assert head_told.url == commitment.get_absolute_url()  # the head may open it
    for day in range(2, 7):
        assert _run(due + timedelta(days=day)) == []
    # A missed week: the CCSO is told on the next run, once.
    assert len(_run(due + timedelta(days=9))) == 1
    assert _run(due + timedelta(days=10)) == []
    assert _told(ccso, "commitment_escalated") == 1
    assert _told(cso_fleet, "commitment_escalated") == 0
    assert _told(analyst_fleet, "commitment_due") + _told(analyst_fleet, "commitment_overdue") == 0
    assert set(commitment.follow_ups.values_list("kind", flat=True)) == {
        "due",
        "overdue",
        "escalated",
    }
    assert OutboxMessage.objects.filter(task_name=DELIVER_TASK).count() == 3


def test_a_commitment_closed_is_not_followed_up_and_a_new_due_date_is(
    meeting, cso_fleet, analyst_fleet
):
    today = fiscal.today()
    closed = CommitmentFactory(meeting=meeting, owner=cso_fleet, due=today + DAY, what="closed")
    commitments.commitment_close(user=cso_fleet, commitment=closed, note="Done early.")
    moved = CommitmentFactory(meeting=meeting, owner=cso_fleet, due=today + DAY, what="moved")
    made = commitments_follow_up_scan(today=today)
    assert list(
        CommitmentFollowUp.objects.filter(pk__in=made).values_list("commitment", flat=True)
    ) == [moved.pk]
    # Given a new due date before the delivery ran: that delivery says nothing.
    commitments.commitment_update(
        user=analyst_fleet, commitment=moved, what="moved", owner=cso_fleet, due=today + 2 * DAY
    )
    Notification.objects.all().delete()
    commitment_follow_up_deliver(follow_up_id=made[0], today=today)
    assert _told(cso_fleet, "commitment_due") == 0
    # The new due date is followed up again.
    assert len(_run(today)) == 1
    assert _told(cso_fleet, "commitment_due") == 1


def _scan_queries(n: int, offset: int) -> tuple[int, int]:
    today = fiscal.today()
    for i in range(n):
        dept = DepartmentFactory(slug=f"c{offset + i}", name=f"Department c{offset + i}")
        owner = assign(UserFactory(), dept, DepartmentRole.CSO)
        meeting = PhillyStatMeetingFactory(department=dept, date=today - 30 * DAY)
        for days in (2, -1, -10):
            CommitmentFactory(meeting=meeting, owner=owner, due=today + timedelta(days=days))
    CommitmentFollowUp.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        made = commitments_follow_up_scan(today=today)
    return len(ctx.captured_queries), len(made)


def test_the_scan_runs_the_same_queries_for_three_and_thirty_commitments_a_department():
    small, small_made = _scan_queries(1, 0)
    large, large_made = _scan_queries(10, 100)
    assert large_made == 4 * 11 and small_made == 4
    assert large == small, (small, large)


def test_the_export_lists_owner_due_date_and_status(client, meeting, cso_fleet, md_office):
    today = fiscal.today()
    CommitmentFactory(meeting=meeting, owner=cso_fleet, due=today - DAY, what="Late one")
    done = CommitmentFactory(meeting=meeting, owner=cso_fleet, due=today + DAY, what="Done one")
    commitments.commitment_close(user=cso_fleet, commitment=done, note="Finished early.")
    client.force_login(md_office)
    response = client.get(reverse("metrics:commitment_export", args=["fleet"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:6] == [
        "PhillyStat meeting",
        "Commitment",
        "Owner",
        "Due date",
        "Status",
        "Overdue",
    ]
    by_what = {r[1]: r for r in rows[1:]}
    assert by_what["Late one"][2:6] == [str(cso_fleet), f"{today - DAY:%Y-%m-%d}", "Open", "yes"]
    assert by_what["Done one"][4:6] == ["Done", "no"]
    assert by_what["Done one"][7:] == [str(cso_fleet), "Finished early."]


def test_the_meeting_page_costs_the_same_for_2_and_12_commitments(
    client, meeting, cso_fleet, dept_fleet, analyst_fleet
):
    following = PhillyStatMeetingFactory(
        department=dept_fleet,
        period=meeting.fiscal_quarter.next(),
        date=meeting.date + timedelta(days=90),
    )

    def give(n):
        for i in range(n):
            CommitmentFactory(meeting=meeting, owner=cso_fleet, what=f"Carried {i}")
            commitments.commitment_create(
                user=analyst_fleet,
                meeting=following,
                what=f"Made {i}",
                owner=cso_fleet,
                due=meeting.date,
            )

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(following.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(cso_fleet)
    give(1)
    small = queries()
    give(5)
    assert queries() == small
