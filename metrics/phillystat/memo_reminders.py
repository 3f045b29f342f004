"""The follow-up memo's reminder and escalation, made by the hourly reminders
scan (reminders.reminders_scan): when a meeting's follow-up memo is not sent
two days after the meeting, the analyst is reminded; after three days, the
CCSO is told. Same rows (ReminderDelivery, unique per meeting, recipient, kind
and offset; the offset is negative: days after the meeting), same delivery,
so each goes out once. A scan that runs late sends what fell due meanwhile;
meetings older than MEMO_LOOKBACK_DAYS are left alone (a first scan after
years of meetings does not remind about all of them).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from departments.models import DepartmentRole

from .models import FollowUpMemo, PhillyStatMeeting, ReminderDelivery, ReminderKind

MEMO_REMINDER_DAYS = 2
MEMO_ESCALATION_DAYS = 3
MEMO_LOOKBACK_DAYS = 14


def memo_unsent_meetings(today: date):
    """Meetings from MEMO_REMINDER_DAYS to MEMO_LOOKBACK_DAYS ago whose
    follow-up memo is not sent."""
    sent = FollowUpMemo.objects.filter(status=FollowUpMemo.Status.SENT).values("meeting_id")
    return (
        PhillyStatMeeting.objects.filter(
            date__lte=today - timedelta(days=MEMO_REMINDER_DAYS),
            date__gte=today - timedelta(days=MEMO_LOOKBACK_DAYS),
            department__active=True,
        )
        .exclude(pk__in=sent)
        .select_related("department", "analyst")
    )


def _item(meeting: PhillyStatMeeting) -> dict:
    url = reverse("metrics:meeting_memo", kwargs={"pk": meeting.pk})
    if meeting.held_at is None:
        text = "Mark the meeting held and send its follow-up memo"
    else:
        text = "Send the follow-up memo"
    return {"text": text, "url": url}


def memo_reminder_rows(
    *, meetings, today: date, people, ccso_users, already
) -> list[ReminderDelivery]:
    """The memo reminders and escalations due today and not made before, for
    the meetings of memo_unsent_meetings(today). people: department id ->
    role -> users; already: (meeting, recipient, kind, offset) made before.
    No query of its own (the scan's count stays fixed)."""
    rows = []
    for meeting in meetings:
        days_after = (today - meeting.date).days
        plan = []
        analysts = (
            [meeting.analyst]
            if meeting.analyst and meeting.analyst.is_active
            else people[meeting.department_id][DepartmentRole.ANALYST]
        )
        plan.append((ReminderKind.ANALYST, -MEMO_REMINDER_DAYS, analysts))
        if days_after >= MEMO_ESCALATION_DAYS:
            plan.append((ReminderKind.CCSO, -MEMO_ESCALATION_DAYS, ccso_users))
        item = _item(meeting)
        for kind, offset, recipients in plan:
            for person in recipients:
                if (meeting.pk, person.pk, kind, offset) in already:
                    continue
                escalation = kind == ReminderKind.CCSO
                subject = (
                    f"Follow-up memo not sent {days_after} days after the PhillyStat meeting"
                    if escalation
                    else "Follow-up memo to send"
                ) + f" ({meeting.department.display_name}, {meeting.quarter_label})"
                body = render_to_string(
                    "metrics/email/memo_reminder.txt",
                    {
                        "recipient": person,
                        "meeting": meeting,
                        "days_after": days_after,
                        "escalation": escalation,
                        "item": {**item, "url": f"{settings.SITE_URL}{item['url']}"},
                    },
                )
                rows.append(
                    ReminderDelivery(
                        meeting=meeting,
                        recipient=person,
                        kind=kind,
                        offset_days=offset,
                        subject=subject,
                        body=body,
                        missing=[item],
                    )
                )
    return rows
