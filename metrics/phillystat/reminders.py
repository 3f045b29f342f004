"""Quarterly PhillyStat reminders and escalation (and, after the meeting, the
follow-up memo's: memo_reminders.py).

An hourly scan reminds the CSOs (narrative and red-metric explanations due)
and the analysts (values missing for the quarter under review) 14, 7 and 1
days before each meeting; one day ahead it tells the department head what is
still missing, and on the meeting day the CCSO. A reminder is due from its day
until the next one is: a scan that runs late (beat was down for a day) sends
what fell due meanwhile, but never a reminder the next one has replaced (no
7-day reminder on the day before the meeting, when the 1-day one is due).

Each reminder is a ReminderDelivery row, unique per meeting, recipient, kind
and offset: the row is created before sending, so a second run, a retry or a
second beat sends nothing more. Delivery claims the row with a compare-and-swap,
so two workers never send the same row twice. The scan reads everything for
every due meeting in a fixed number of queries, inserts the rows in one
statement (conflicts ignored) and queues their deliveries together.
"""

import functools
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.notifications import notification_create, notify
from csoprogram.lib.outbox import outbox_enqueue_many
from departments.models import DepartmentAssignment, DepartmentRole
from departments.roles import CCSO_GROUP

from .memo_reminders import memo_reminder_rows, memo_unsent_meetings
from .models import PhillyStatMeeting, ReminderDelivery, ReminderKind
from .selectors import QuarterReport, quarter_report, quarter_reports

logger = logging.getLogger(__name__)
User = get_user_model()

REMINDER_OFFSETS = (14, 7, 1)
ESCALATION_KINDS = (ReminderKind.HEAD, ReminderKind.CCSO)
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


def meeting_missing(
    meeting: PhillyStatMeeting, report: QuarterReport | None = None
) -> dict[str, list[MissingItem]]:
    """What is still missing for the meeting, per audience: "cso" and "analyst"."""
    quarter = meeting.fiscal_quarter
    report = report or quarter_report(meeting.department, quarter)
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


def due_offset(days_ahead: int, offsets) -> int | None:
    """The reminder slot due `days_ahead` days before a meeting: the nearest
    offset not yet passed (7 when the meeting is 5 days away), or None when
    the meeting is further away than every offset, or past."""
    candidates = [o for o in offsets if o >= days_ahead >= 0]
    return min(candidates) if candidates else None


@functools.cache
def _reminder_template():
    # Loaded once: the scan writes hundreds of bodies (the template loader
    # reads and parses the file on each call when DEBUG is on).
    return get_template("metrics/email/reminder.txt")


def _compose(meeting, kind, days_ahead, items: list[MissingItem], recipient) -> tuple[str, str]:
    when = (
        "today" if days_ahead == 0 else ("tomorrow" if days_ahead == 1 else f"in {days_ahead} days")
    )
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
    body = _reminder_template().render(context)
    return f"{subjects[kind]} ({meeting.department.display_name}, {meeting.quarter_label})", body


def _meeting_plan(meeting, days_ahead, missing, people, ccso_users) -> list[tuple]:
    """(kind, offset slot, recipients, items) due for the meeting today."""
    plan = []
    slot = due_offset(days_ahead, REMINDER_OFFSETS)
    if slot is not None:
        if missing["cso"]:
            plan.append((ReminderKind.CSO, slot, people[DepartmentRole.CSO], missing["cso"]))
        if missing["analyst"]:
            plan.append(
                (ReminderKind.ANALYST, slot, people[DepartmentRole.ANALYST], missing["analyst"])
            )
    everything = missing["cso"] + missing["analyst"]
    if everything and due_offset(days_ahead, [HEAD_ESCALATION_OFFSET]) is not None:
        plan.append(
            (ReminderKind.HEAD, HEAD_ESCALATION_OFFSET, people[DepartmentRole.HEAD], everything)
        )
    if everything and days_ahead == CCSO_ESCALATION_OFFSET:
        plan.append((ReminderKind.CCSO, CCSO_ESCALATION_OFFSET, ccso_users, everything))
    return plan


def reminders_scan(*, today: date | None = None) -> list[int]:
    """Create (once) and queue the reminders and escalations due today,
    including those that fell due since the last run."""
    today = today or fiscal.today()
    started = timezone.now()
    furthest = max(REMINDER_OFFSETS + (HEAD_ESCALATION_OFFSET, CCSO_ESCALATION_OFFSET))
    meetings = list(
        PhillyStatMeeting.objects.filter(
            date__gte=today, date__lte=today + timedelta(days=furthest), department__active=True
        ).select_related("department")
    )
    # Meetings held whose follow-up memo is late (memo_reminders).
    unsent = list(memo_unsent_meetings(today))
    if not meetings and not unsent:
        return []
    reports = quarter_reports([(m.department_id, m.fiscal_quarter) for m in meetings])
    people: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for a in DepartmentAssignment.objects.filter(
        department_id__in={m.department_id for m in meetings + unsent}, user__is_active=True
    ).select_related("user"):
        people[a.department_id][a.role].append(a.user)
    ccso_users = list(
        User.objects.filter(groups__name=CCSO_GROUP, is_active=True).order_by("pk").distinct()
    )
    already = set(
        ReminderDelivery.objects.filter(meeting__in=meetings + unsent).values_list(
            "meeting_id", "recipient_id", "kind", "offset_days"
        )
    )
    rows = memo_reminder_rows(
        meetings=unsent, today=today, people=people, ccso_users=ccso_users, already=already
    )
    for meeting in meetings:
        days_ahead = (meeting.date - today).days
        q = meeting.fiscal_quarter
        report = reports[(meeting.department_id, q.fiscal_year, q.quarter)]
        missing = meeting_missing(meeting, report)
        plan = _meeting_plan(
            meeting, days_ahead, missing, people[meeting.department_id], ccso_users
        )
        for kind, slot, recipients, items in plan:
            for person in recipients:
                if (meeting.pk, person.pk, kind, slot) in already:
                    continue
                subject, body = _compose(meeting, kind, days_ahead, items, person)
                rows.append(
                    ReminderDelivery(
                        meeting=meeting,
                        recipient=person,
                        kind=kind,
                        offset_days=slot,
                        subject=subject,
                        body=body,
                        missing=[{"text": i.text, "url": i.url} for i in items],
                    )
                )
    if not rows:
        return []
    with transaction.atomic():
        # A concurrent scan may have made some of them: its rows stand.
        ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        created = list(
            ReminderDelivery.objects.filter(
                meeting__in=meetings + unsent, created_at__gte=started, sent_at=None
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        outbox_enqueue_many(
            task_name="metrics.reminder_deliver", args_list=[[pk] for pk in created]
        )
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
    in_app = {
        "title": delivery.subject,
        "body": "\n".join(i["text"] for i in delivery.missing),
        "url": reverse("metrics:meeting_detail", kwargs={"pk": delivery.meeting_id}),
    }
    with transaction.atomic():
        if delivery.kind in ESCALATION_KINDS:
            # An escalation is a workflow event too (My work, the program
            # review); it was e-mailed above, so it is in the app only here.
            notify(
                kind="escalation",
                event_key=f"reminder:{delivery.pk}",
                recipients=[recipient],
                email=False,
                **in_app,
            )
        else:
            notification_create(user=recipient, **in_app)
        ReminderDelivery.objects.filter(pk=delivery_id).update(
            sent_at=timezone.now(), emailed=emailed
        )
    return True
