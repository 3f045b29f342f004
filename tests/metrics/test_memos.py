"""The PhillyStat memos: the meeting marked held drafts the follow-up memo,
edited by the analyst or the CCSO and sent once with its PDF; its reminder
and escalation; the briefing memo."""

import subprocess
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse

from csoprogram.inbox.selectors import inbox_for as inbox_items
from csoprogram.lib import fiscal
from csoprogram.lib.models import Notification, OutboxMessage
from csoprogram.lib.notification_email import notification_email_send
from csoprogram.lib.notifications import EMAIL_TASK
from metrics.phillystat import memos, reminders
from metrics.phillystat.models import FollowUpMemo, ReminderDelivery, ReminderKind
from plans.models import Impediment
from tests.metrics.factories import (
    CommitmentFactory,
    MetricFactory,
    PhillyStatMeetingFactory,
    add_value,
)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://cso.example.org"


@pytest.fixture
def held_meeting(dept_fleet, analyst_fleet, cso_fleet, head_fleet):
    """Fleet's meeting three days ago, with a metric and a commitment."""
    quarter = fiscal.last_completed_quarter()
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet,
        period=quarter,
        date=fiscal.today() - timedelta(days=3),
        analyst=analyst_fleet,
        attendees="CSO, department head, PhillyStat analyst",
    )
    metric = MetricFactory(department=dept_fleet, name="Average wait time", decimals=1)
    add_value(metric, quarter.start, "18.9333")
    CommitmentFactory(meeting=meeting, what="Publish the wait-time dashboard", owner=cso_fleet)
    return meeting


def _run_outbox(task_name):
    """Run the queued messages of a task in this process (the worker's job)."""
    from metrics.phillystat import tasks as metric_tasks

    runners = {
        memos.SEND_TASK: lambda pk: metric_tasks.follow_up_memo_send.run(pk),
        EMAIL_TASK: lambda pk: notification_email_send(notification_id=pk),
    }
    done = []
    for message in OutboxMessage.objects.filter(task_name=task_name).order_by("pk"):
        done.append(runners[task_name](*message.args))
    return done


def test_meeting_cannot_be_marked_held_before_its_date(client, dept_fleet, analyst_fleet):
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, date=fiscal.today() + timedelta(days=3)
    )
    client.force_login(analyst_fleet)
    response = client.post(reverse("metrics:meeting_mark_held", args=[meeting.pk]), follow=True)
    html = response.content.decode()
    assert "it can be marked held from that day on" in html
    meeting.refresh_from_db()
    assert meeting.held_at is None
    assert not FollowUpMemo.objects.filter(meeting=meeting).exists()
    # The memo page never says "held" for a meeting ahead.
    memo_page = client.get(reverse("metrics:meeting_memo", args=[meeting.pk])).content.decode()
    assert "held " + meeting.date.strftime("%-d") not in memo_page
    assert "drafted when the meeting is marked held" in memo_page


def test_marking_held_records_who_and_when_and_drafts_the_memo(client, held_meeting, analyst_fleet):
    client.force_login(analyst_fleet)
    response = client.post(reverse("metrics:meeting_mark_held", args=[held_meeting.pk]))
    assert response.status_code == 302
    held_meeting.refresh_from_db()
    assert held_meeting.held_by == analyst_fleet and held_meeting.held_at is not None
    memo = held_meeting.follow_up_memo
    assert memo.status == FollowUpMemo.Status.DRAFT
    assert "CSO, department head" in memo.attendance
    assert memo.discussion[0]["metric"] == "Average wait time"
    assert memo.discussion[0]["value"] == "18.9 minutes"
    assert memo.commitments == [
        {
            "what": "Publish the wait-time dashboard",
            "owner": str(held_meeting.commitments.get().owner),
            "due": held_meeting.commitments.get().due.isoformat(),
        }
    ]
    # The meeting's history says so.
    page = client.get(held_meeting.get_absolute_url()).content.decode()
    assert "PhillyStat meeting changed: Marked held" in page
    assert "Marked held by" in page
    # Twice: the first who and when stay, one memo.
    first = held_meeting.held_at
    client.post(reverse("metrics:meeting_mark_held", args=[held_meeting.pk]))
    held_meeting.refresh_from_db()
    assert held_meeting.held_at == first and FollowUpMemo.objects.count() == 1


def test_cso_cannot_mark_held_or_edit_the_memo(client, held_meeting, cso_fleet, analyst_fleet):
    client.force_login(cso_fleet)
    assert (
        client.post(reverse("metrics:meeting_mark_held", args=[held_meeting.pk])).status_code == 403
    )
    memos.meeting_mark_held(user=analyst_fleet, meeting=held_meeting)
    assert client.get(reverse("metrics:memo_edit", args=[held_meeting.pk])).status_code == 403
    assert client.post(reverse("metrics:memo_send", args=[held_meeting.pk])).status_code == 403


def test_the_draft_is_edited_and_sent_once_with_its_pdf(
    client,
    held_meeting,
    analyst_fleet,
    cso_fleet,
    head_fleet,
    ccso,
    django_capture_on_commit_callbacks,
):
    memos.meeting_mark_held(user=ccso, meeting=held_meeting)
    metric_id = held_meeting.follow_up_memo.discussion[0]["metric_id"]
    client.force_login(analyst_fleet)
    response = client.post(
        reverse("metrics:memo_edit", args=[held_meeting.pk]),
        {
            "attendance": "CSO, department head, PhillyStat analyst",
            f"discussed_{metric_id}": "Wait times fell after the second window opened.",
            "other_notes": "Next review in March.",
        },
    )
    assert response.status_code == 302
    memo = FollowUpMemo.objects.get(meeting=held_meeting)
    assert memo.discussion[0]["note"] == "Wait times fell after the second window opened."
    assert memo.edited_by == analyst_fleet

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("metrics:memo_send", args=[held_meeting.pk]))
        client.post(reverse("metrics:memo_send", args=[held_meeting.pk]))  # a double click
    assert OutboxMessage.objects.filter(task_name=memos.SEND_TASK).count() == 1
    # The worker's task, run twice (a retry): sent once.
    assert _run_outbox(memos.SEND_TASK) == [True]
    assert _run_outbox(memos.SEND_TASK) == [False]
    memo.refresh_from_db()
    assert memo.status == FollowUpMemo.Status.SENT and memo.sent_by == analyst_fleet
    assert default_storage.exists(memo.file)
    with default_storage.open(memo.file, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    told = set(Notification.objects.filter(kind="memo_sent").values_list("user", flat=True))
    # The attendees by role (CSO, head, analyst) and the owner named "Tracey" (the CSO).
    assert told == {cso_fleet.pk, head_fleet.pk, analyst_fleet.pk}
    # The e-mails, once each, text and HTML, the PDF attached.
    _run_outbox(EMAIL_TASK)
    _run_outbox(EMAIL_TASK)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (cso_fleet, head_fleet, analyst_fleet)
    )
    message = mail.outbox[0]
    assert "Publish the wait-time dashboard" in message.body
    assert message.alternatives[0][1] == "text/html"
    (name, data, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf" and data.startswith(b"%PDF-") and name.endswith(".pdf")
    # Sent: no more edits, the PDF is served to the department.
    assert client.get(reverse("metrics:memo_edit", args=[held_meeting.pk])).status_code == 302
    client.force_login(cso_fleet)
    pdf = client.get(reverse("metrics:memo_pdf", args=[held_meeting.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_memo_pdf_renders_its_sections(held_meeting, analyst_fleet, tmp_path):
    memo = memos.meeting_mark_held(user=analyst_fleet, meeting=held_meeting)
    Impediment.objects.create(
        department=held_meeting.department, kind="resources", description="Two vacancies"
    )
    pdf, pages, _ = memos.render_pdf(memos.memo_pdf_html(memo))
    assert pages >= 1
    path = tmp_path / "memo.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "Follow-up memo",
        "Attendance",
        "What was discussed",
        "18.9 minutes",
        "Publish the wait-time dashboard",
        "Tracey",
        "Two vacancies",
    ):
        assert words in text


def test_memo_pdf_is_not_served_before_it_is_sent(client, held_meeting, analyst_fleet):
    memos.meeting_mark_held(user=analyst_fleet, meeting=held_meeting)
    client.force_login(analyst_fleet)
    assert client.get(reverse("metrics:memo_pdf", args=[held_meeting.pk])).status_code == 404


def test_unsent_memo_reminds_the_analyst_after_two_days_and_the_ccso_after_three(
    dept_fleet, analyst_fleet, ccso, cso_fleet
):
    meeting_day = fiscal.today() - timedelta(days=20)
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, date=meeting_day, analyst=analyst_fleet
    )
    memos.meeting_mark_held(user=analyst_fleet, meeting=meeting, today=meeting_day)

    def memo_rows():
        return set(
            ReminderDelivery.objects.filter(meeting=meeting, offset_days__lt=0).values_list(
                "recipient", "kind", "offset_days"
            )
        )

    # The clock: the meeting day, the day after: nothing.
    for days in (0, 1):
        reminders.reminders_scan(today=meeting_day + timedelta(days=days))
    assert memo_rows() == set()
    # Two days after: the analyst, once however often the scan runs.
    for _ in range(3):
        reminders.reminders_scan(today=meeting_day + timedelta(days=2))
    assert memo_rows() == {(analyst_fleet.pk, ReminderKind.ANALYST, -2)}
    # Three days after: the CCSO too, once.
    reminders.reminders_scan(today=meeting_day + timedelta(days=3))
    reminders.reminders_scan(today=meeting_day + timedelta(days=4))
    assert memo_rows() == {
        (analyst_fleet.pk, ReminderKind.ANALYST, -2),
        (ccso.pk, ReminderKind.CCSO, -3),
    }
    # Delivered once each; the CCSO's is an escalation in the app.
    # (The scan on the meeting day also made the usual pre-meeting ones.)
    for d in ReminderDelivery.objects.filter(meeting=meeting, offset_days__lt=0):
        assert reminders.reminder_deliver(delivery_id=d.pk) is True
        assert reminders.reminder_deliver(delivery_id=d.pk) is False
    escalated = Notification.objects.filter(
        user=ccso, kind="escalation", title__startswith="Follow-up memo"
    )
    assert escalated.count() == 1
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects[0].startswith("Follow-up memo not sent 3 days after")
    assert subjects[1].startswith("Follow-up memo to send")


def test_late_scan_catches_up_and_a_sent_memo_stops_the_reminders(
    dept_fleet, analyst_fleet, ccso, django_capture_on_commit_callbacks
):
    meeting_day = fiscal.today() - timedelta(days=20)
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, date=meeting_day, analyst=analyst_fleet
    )
    memo = memos.meeting_mark_held(user=analyst_fleet, meeting=meeting, today=meeting_day)
    # Beat was down until day 5: both fall due at once.
    reminders.reminders_scan(today=meeting_day + timedelta(days=5))
    assert ReminderDelivery.objects.filter(meeting=meeting).count() == 2
    # Another meeting whose memo went out in time is never reminded about.
    other_day = meeting_day + timedelta(days=1)
    other = PhillyStatMeetingFactory(
        department=dept_fleet,
        period=fiscal.current_quarter(),
        date=other_day,
        analyst=analyst_fleet,
    )
    other_memo = memos.meeting_mark_held(user=analyst_fleet, meeting=other, today=other_day)
    with django_capture_on_commit_callbacks(execute=False):
        memos.follow_up_memo_send(user=analyst_fleet, memo=other_memo)
    assert memos.follow_up_memo_deliver(memo_id=other_memo.pk) is True
    reminders.reminders_scan(today=other_day + timedelta(days=4))
    assert not ReminderDelivery.objects.filter(meeting=other).exists()
    assert memo.status == FollowUpMemo.Status.DRAFT


def test_analyst_sees_the_memo_to_send_in_my_work(held_meeting, analyst_fleet, cso_fleet):
    memos.meeting_mark_held(user=analyst_fleet, meeting=held_meeting)
    items = [i for i in inbox_items(analyst_fleet) if i.kind == "Follow-up memo"]
    assert len(items) == 1
    assert items[0].url == reverse("metrics:meeting_memo", args=[held_meeting.pk])
    assert "within two days" in items[0].why
    assert not [i for i in inbox_items(cso_fleet) if i.kind == "Follow-up memo"]


def test_briefing_memo_lists_follow_up_standing_and_new_items(
    client, dept_fleet, cso_fleet, analyst_fleet
):
    quarter = fiscal.last_completed_quarter()
    earlier = PhillyStatMeetingFactory(
        department=dept_fleet, period=quarter.previous(), date=fiscal.today() - timedelta(days=90)
    )
    CommitmentFactory(meeting=earlier, what="Hire two front-desk staff", owner=analyst_fleet)
    meeting = PhillyStatMeetingFactory(
        department=dept_fleet, period=quarter, date=fiscal.today() + timedelta(days=5)
    )
    metric = MetricFactory(department=dept_fleet, name="Average wait time")
    add_value(metric, quarter.start, "28.46")
    Impediment.objects.create(department=dept_fleet, kind="pushback", description="Union pushback")
    client.force_login(cso_fleet)
    html = client.get(reverse("metrics:briefing_memo", args=[meeting.pk])).content.decode()
    assert "Hire two front-desk staff" in html  # follow-up item
    assert "28.5 minutes" in html  # standing item, with its unit, rounded
    assert "Union pushback" in html
    assert "New impediment (pushback): Union pushback" in html  # new item
    assert "held" not in html.lower().replace("threshold", "")
    detail = client.get(reverse("metrics:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("metrics:briefing_memo", args=[meeting.pk]) in detail


def test_recipients_are_the_attendees_and_the_commitment_owners(
    held_meeting, analyst_fleet, cso_fleet, head_fleet, ccso, cso_streets
):
    memo = memos.meeting_mark_held(user=analyst_fleet, meeting=held_meeting)
    FollowUpMemo.objects.filter(pk=memo.pk).update(attendance="Rosetta White (CCSO)")
    held_meeting.commitments.update(owner=head_fleet)
    memo.refresh_from_db()
    # The CCSO by role, the head as owner, the analyst of the meeting; not the
    # CSO (not named), never another department's people.
    assert {u.pk for u in memos.memo_recipients(memo)} == {
        ccso.pk,
        head_fleet.pk,
        analyst_fleet.pk,
    }


def test_a_stalled_send_can_be_asked_again_but_not_a_recent_one(
    held_meeting, analyst_fleet, django_capture_on_commit_callbacks
):
    memo = memos.meeting_mark_held(user=analyst_fleet, meeting=held_meeting)
    with django_capture_on_commit_callbacks(execute=False):
        assert memos.follow_up_memo_send(user=analyst_fleet, memo=memo) is True
        assert memos.follow_up_memo_send(user=analyst_fleet, memo=memo) is False
        # The clock: its task was lost, 31 minutes ago.
        FollowUpMemo.objects.filter(pk=memo.pk).update(
            send_requested_at=memo.send_requested_at - memos.SEND_LEASE - timedelta(minutes=1)
        )
        memo.refresh_from_db()
        assert memos.memo_send_stalled(memo)
        assert memos.follow_up_memo_send(user=analyst_fleet, memo=memo) is True
    assert OutboxMessage.objects.filter(task_name=memos.SEND_TASK).count() == 2
    assert _run_outbox(memos.SEND_TASK) == [True, False]
    assert Notification.objects.filter(kind="memo_sent").count() == len(memos.memo_recipients(memo))


def test_memo_reminders_keep_the_scans_query_count_fixed(analyst_fleet, ccso):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.departments.factories import DepartmentFactory

    meeting_day = fiscal.today() - timedelta(days=20)

    def scan_queries(n_departments):
        ReminderDelivery.objects.all().delete()
        for _ in range(n_departments):
            PhillyStatMeetingFactory(
                department=DepartmentFactory(), date=meeting_day, analyst=analyst_fleet
            )
        with CaptureQueriesContext(connection) as queries:
            made = reminders.reminders_scan(today=meeting_day + timedelta(days=3))
        return len(queries), len(made)

    small, made_small = scan_queries(2)
    large, made_large = scan_queries(6)
    assert made_large > made_small > 0
    assert large == small
