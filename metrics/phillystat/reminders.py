"""Quarterly PhillyStat reminders and escalation.

A daily scan finds meetings 14, 7 and 1 days ahead and reminds the CSOs
(narrative and red-metric explanations due) and the analysts (values missing
for the quarter under review); one day ahead it tells the department head what
is still missing, and on the meeting day the CCSO. Each reminder is a
ReminderDelivery row, unique per meeting, recipient, kind and offset: the row is
created before sending, so a second run, a retry or a second beat sends nothing
more. Delivery claims the row with a compare-and-swap, so two workers never
send the same row twice.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.notifications import notification_create
from csoprogram.lib.outbox import outbox_enqueue
from departments.models import DepartmentAssignment, DepartmentRole
from departments.roles import CCSO_GROUP

from .models import PhillyStatMeeting, ReminderDelivery, ReminderKind
from .selectors import quarter_report

logger = logging.getLogger(__name__)

REMINDER_OFFSETS = (14, 7, 1)
HEAD_ESCALATION_OFFSET = 1
CCSO_ESCALATION_OFFSET = 0
# A claimed delivery whose worker died is taken again after this long.
CLAIM_LEASE = timedelta(minutes=10)


@dataclass
class MissingItem:
    text: str
    url: str


def _abs(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


def meeting_missing(meeting: PhillyStatMeeting) -> dict[str, list[MissingItem]]:
    """What is still missing for the meeting, per audience: "cso" and "analyst"."""
    quarter = meeting.fiscal_quarter
    report = quarter_report(meeting.department, quarter)
    narrative_url = reverse("metrics:narrative_edit", kwargs={"pk": meeting.pk})
    cso: list[MissingItem] = []
    if not report.narrative_written:
        cso.append(MissingItem(f"Quarterly narrative for {quarter.label}", narrative_url))
    for metric in report.red_without_note:
        cso.append(MissingItem(f"Explanation of the red value of “{metric.name}”", narrative_url))
    analyst = [
        MissingItem(
            report.missing_text(metric),
            reverse("metrics:metric_detail", kwargs={"pk": metric.pk}),
        )
        for metric in report.missing_values
    ]
    return {"cso": cso, "analyst": analyst}


def _people(meeting, role) -> list:
    return [
        a.user
        for a in DepartmentAssignment.objects.filter(
            department_id=meeting.department_id, role=role, user__is_active=True
        ).select_related("user")
    ]


def _compose(meeting, kind, offset, items: list[MissingItem], recipient) -> tuple[str, str]:
    when = "today" if offset == 0 else ("tomorrow" if offset == 1 else f"in {offset} days")
    subjects = {
        ReminderKind.CSO: f"PhillyStat meeting {when}: quarterly narrative due",
        ReminderKind.ANALYST: f"PhillyStat meeting {when}: metric values missing",
        ReminderKind.HEAD: f"PhillyStat meeting {when}: your department's report is incomplete",
        ReminderKind.CCSO: (
            f"PhillyStat meeting {when}: {meeting.department.display_name} is not ready"
        ),
    }
    context = {
        "recipient": recipient,
        "meeting": meeting,
        "meeting_url": _abs(reverse("metrics:meeting_detail", kwargs={"pk": meeting.pk})),
        "when": when,
        "kind": kind,
        "items": [{"text": i.text, "url": _abs(i.url)} for i in items],
    }
    body = render_to_string("metrics/email/reminder.txt", context)
    return f"{subjects[kind]} ({meeting.department.display_name}, {meeting.quarter_label})", body


def _claim_row(*, meeting, recipient, kind, offset, items) -> ReminderDelivery | None:
    """Create the delivery row, or None if it exists already (sent or being sent)."""
    subject, body = _compose(meeting, kind, offset, items, recipient)
    try:
        with transaction.atomic():
            delivery = ReminderDelivery.objects.create(
                meeting=meeting,
                recipient=recipient,
                kind=kind,
                offset_days=offset,
                subject=subject,
                body=body,
                missing=[{"text": i.text, "url": i.url} for i in items],
            )
    except IntegrityError:
        return None
    outbox_enqueue(task_name="metrics.reminder_deliver", args=[delivery.pk])
    return delivery


def reminders_scan(*, today: date | None = None) -> list[int]:
    """Create (once) and queue the reminders and escalations due today."""
    today = today or fiscal.today()
    created: list[int] = []
    offsets = sorted(set(REMINDER_OFFSETS) | {HEAD_ESCALATION_OFFSET, CCSO_ESCALATION_OFFSET})
    meetings = PhillyStatMeeting.objects.filter(
        date__in=[today + timedelta(days=o) for o in offsets], department__active=True
    ).select_related("department")
    ccso_users = None
    for meeting in meetings:
        offset = (meeting.date - today).days
        missing = meeting_missing(meeting)
        plan: list[tuple[str, list, list[MissingItem]]] = []
        if offset in REMINDER_OFFSETS:
            if missing["cso"]:
                plan.append(
                    (ReminderKind.CSO, _people(meeting, DepartmentRole.CSO), missing["cso"])
                )
            if missing["analyst"]:
                plan.append(
                    (
                        ReminderKind.ANALYST,
                        _people(meeting, DepartmentRole.ANALYST),
                        missing["analyst"],
                    )
                )
        everything = missing["cso"] + missing["analyst"]
        if everything and offset == HEAD_ESCALATION_OFFSET:
            plan.append((ReminderKind.HEAD, _people(meeting, DepartmentRole.HEAD), everything))
        if everything and offset == CCSO_ESCALATION_OFFSET:
            if ccso_users is None:
                group = Group.objects.filter(name=CCSO_GROUP).first()
                ccso_users = list(group.user_set.filter(is_active=True)) if group else []
            plan.append((ReminderKind.CCSO, ccso_users, everything))
        for kind, recipients, items in plan:
            for person in recipients:
                with transaction.atomic():
                    delivery = _claim_row(
                        meeting=meeting, recipient=person, kind=kind, offset=offset, items=items
                    )
                if delivery:
                    created.append(delivery.pk)
    return created


def reminder_deliver(*, delivery_id: int) -> bool:
    """Send one reminder: in-app notification, and e-mail unless the person
    chose in-app only. True if this call sent it."""
    now = timezone.now()
    claimed = ReminderDelivery.objects.filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_LEASE), pk=delivery_id, sent_at=None
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return False  # sent already, or another worker holds it
    delivery = ReminderDelivery.objects.select_related("recipient", "meeting__department").get(
        pk=delivery_id
    )
    recipient = delivery.recipient
    emailed = False
    try:
        if recipient.reminders_by_email and recipient.email:
            html = render_to_string(
                "metrics/email/reminder.html",
                {
                    "delivery": delivery,
                    "items": [{"text": i["text"], "url": _abs(i["url"])} for i in delivery.missing],
                    "meeting_url": _abs(
                        reverse("metrics:meeting_detail", kwargs={"pk": delivery.meeting_id})
                    ),
                },
            )
            message = EmailMultiAlternatives(
                subject=delivery.subject,
                body=delivery.body,
                to=[recipient.email],
                from_email=settings.DEFAULT_FROM_EMAIL,
            )
            message.attach_alternative(html, "text/html")
            message.send()
            emailed = True
    except Exception as exc:
        # Release the claim so the retry can send it.
        ReminderDelivery.objects.filter(pk=delivery_id, sent_at=None).update(
            claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    with transaction.atomic():
        notification_create(
            user=recipient,
            title=delivery.subject,
            body="\n".join(i["text"] for i in delivery.missing),
            url=reverse("metrics:meeting_detail", kwargs={"pk": delivery.meeting_id}),
        )
        ReminderDelivery.objects.filter(pk=delivery_id).update(
            sent_at=timezone.now(), emailed=emailed
        )
    return True
