"""My work's items about the follow-up memo of PhillyStat meetings: the
analyst's memos to send, and the CCSO's memos escalated as late."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from metrics.phillystat.memo_reminders import (
    MEMO_ESCALATION_DAYS,
    MEMO_LOOKBACK_DAYS,
    MEMO_REMINDER_DAYS,
)
from metrics.phillystat.models import (
    FollowUpMemo,
    PhillyStatMeeting,
    ReminderDelivery,
    ReminderKind,
)

from .items import SOON, URGENT, InboxContext, InboxItem


def _unsent(meetings):
    sent = FollowUpMemo.objects.filter(status=FollowUpMemo.Status.SENT).values("meeting_id")
    return meetings.exclude(pk__in=sent)


def follow_up_memos_to_send(ctx: InboxContext) -> list[InboxItem]:
    """The analyst's meetings held (or past) in the last weeks whose follow-up
    memo is not sent: due two days after the meeting."""
    ids = ctx.department_ids("analyst")
    if not ids:
        return []
    meetings = _unsent(
        PhillyStatMeeting.objects.filter(
            department_id__in=ids,
            department__active=True,
            date__lte=ctx.today,
            date__gte=ctx.today - timedelta(days=MEMO_LOOKBACK_DAYS),
        )
    ).select_related("department", "follow_up_memo")
    items = []
    for m in meetings.order_by("date", "pk"):
        memo = getattr(m, "follow_up_memo", None)
        due = m.date + timedelta(days=MEMO_REMINDER_DAYS)
        if m.held_at is None:
            why = f"The meeting was on {m.date:%-d %B}: mark it held, then send its memo."
        elif memo is not None and memo.status == FollowUpMemo.Status.SENDING:
            continue  # on its way
        else:
            why = f"Held on {m.date:%-d %B}; the memo goes out within two days of the meeting."
        items.append(
            InboxItem(
                kind="Follow-up memo",
                title=f"Send the follow-up memo of the {m.department.display_name} "
                f"{m.quarter_label} meeting",
                why=why,
                url=reverse("metrics:meeting_memo", kwargs={"pk": m.pk}),
                urgency=URGENT if ctx.today >= due else SOON,
                due=due,
            )
        )
    return items


def follow_up_memos_late(ctx: InboxContext) -> list[InboxItem]:
    """Follow-up memos escalated to this person (the CCSO) and still not sent."""
    if not ctx.is_ccso:
        return []
    escalated = ReminderDelivery.objects.filter(
        recipient=ctx.user,
        kind=ReminderKind.CCSO,
        offset_days=-MEMO_ESCALATION_DAYS,
        meeting__in=_unsent(PhillyStatMeeting.objects.all()),
    ).select_related("meeting__department")
    return [
        InboxItem(
            kind="Escalation",
            title=f"The {d.meeting.department.display_name} follow-up memo is late",
            why=f"The {d.meeting.quarter_label} meeting was on {d.meeting.date:%-d %B} and its "
            "memo is not sent; the analyst was reminded.",
            url=reverse("metrics:meeting_memo", kwargs={"pk": d.meeting_id}),
            urgency=URGENT,
            due=d.meeting.date + timedelta(days=MEMO_REMINDER_DAYS),
        )
        for d in escalated.order_by("meeting__date", "pk")
    ]
