"""The follow-up of commitments, until they are done.

An hourly scan finds the open commitments that are due within three days
(their owner is reminded), past due (the owner and the department head are
told) or a week past due (the CCSO is told). Each follow-up is due from its day
on: a scan that runs late (beat was down for a day) sends what fell due
meanwhile, as the PhillyStat reminders do.

Each follow-up is a CommitmentFollowUp row, unique per commitment, kind and
due date: the row is created before anything is sent, so a second run, a retry
or a second beat creates nothing more (a commitment given a new due date is
followed up again for it). Its delivery notifies through notify(), whose event
key is the row: each person is told once, however often the delivery runs. The
scan reads the open commitments and the follow-ups already made in a fixed
number of queries, inserts the rows in one statement and queues their
deliveries together.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.lib.notifications import notify
from csoprogram.lib.outbox import outbox_enqueue_many
from departments.models import DepartmentAssignment, DepartmentRole
from departments.roles import CCSO_GROUP

from .models import Commitment, CommitmentFollowUp, CommitmentStatus

User = get_user_model()
Kind = CommitmentFollowUp.Kind

DUE_SOON_DAYS = 3  # the owner is reminded this many days before the due date
ESCALATE_AFTER_DAYS = 7  # the CCSO is told this many days after it

DELIVER_TASK = "metrics.commitment_follow_up_deliver"
NOTIFICATION_KIND = {
    Kind.DUE: "commitment_due",
    Kind.OVERDUE: "commitment_overdue",
    Kind.ESCALATED: "commitment_escalated",
}


def follow_ups_due(due: date, today: date) -> list[str]:
    """The follow-ups a commitment due on `due` has fallen due for by `today`."""
    days = (due - today).days
    if 0 <= days <= DUE_SOON_DAYS:
        return [Kind.DUE]
    kinds = []
    if days < 0:
        kinds.append(Kind.OVERDUE)
    if days <= -ESCALATE_AFTER_DAYS:
        kinds.append(Kind.ESCALATED)
    return kinds


def commitments_follow_up_scan(*, today: date | None = None) -> list[int]:
    """Create (once) and queue the follow-ups due today, including those that
    fell due since the last run. Returns the ids of the rows made now."""
    today = today or fiscal.today()
    started = timezone.now()
    open_due = list(
        Commitment.objects.filter(
            status=CommitmentStatus.OPEN,
            department__active=True,
            due__lte=today + timedelta(days=DUE_SOON_DAYS),
        ).values_list("pk", "due")
    )
    if not open_due:
        return []
    already = set(
        CommitmentFollowUp.objects.filter(commitment_id__in=[pk for pk, _ in open_due]).values_list(
            "commitment_id", "kind", "due"
        )
    )
    rows = [
        CommitmentFollowUp(commitment_id=pk, kind=kind, due=due)
        for pk, due in open_due
        for kind in follow_ups_due(due, today)
        if (pk, kind, due) not in already
    ]
    if not rows:
        return []
    with transaction.atomic():
        # A concurrent scan may have made some of them: its rows stand.
        CommitmentFollowUp.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        created = list(
            CommitmentFollowUp.objects.filter(
                commitment_id__in={r.commitment_id for r in rows},
                created_at__gte=started,
                sent_at=None,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        outbox_enqueue_many(task_name=DELIVER_TASK, args_list=[[pk] for pk in created])
    return created


def _recipients(follow_up: CommitmentFollowUp) -> list:
    commitment = follow_up.commitment
    if follow_up.kind == Kind.DUE:
        return [commitment.owner]
    if follow_up.kind == Kind.OVERDUE:
        heads = [
            a.user
            for a in DepartmentAssignment.objects.filter(
                department_id=commitment.department_id, role=DepartmentRole.HEAD
            ).select_related("user")
        ]
        return [commitment.owner, *heads]
    return list(User.objects.filter(groups__name=CCSO_GROUP, is_active=True).distinct())


def _message(follow_up: CommitmentFollowUp, today: date) -> tuple[str, str]:
    c = follow_up.commitment
    department = c.department.display_name
    owner = str(c.owner) if c.owner else "nobody (the owner left)"
    days = (c.due - today).days
    if follow_up.kind == Kind.DUE:
        when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        title = f"Commitment due {when}: {c.what[:120]}"
    elif follow_up.kind == Kind.OVERDUE:
        title = f"Commitment overdue ({department}): {c.what[:120]}"
    else:
        title = f"Commitment a week overdue ({department}): {c.what[:120]}"
    body = (
        f"Owner: {owner}. Due {c.due:%-d %B %Y}. From the {department} PhillyStat meeting "
        f"({c.meeting.quarter_label}). The owner marks it done with a note once it is done."
    )
    return title, body


def commitment_follow_up_deliver(*, follow_up_id: int, today: date | None = None) -> bool:
    """Tell the follow-up's people, once. True if this call sent it."""
    follow_up = (
        CommitmentFollowUp.objects.select_related(
            "commitment__owner", "commitment__department", "commitment__meeting"
        )
        .filter(pk=follow_up_id)
        .first()
    )
    if follow_up is None or follow_up.sent_at is not None:
        return False
    commitment = follow_up.commitment
    if commitment.is_open and commitment.due == follow_up.due:
        title, body = _message(follow_up, today or fiscal.today())
        notify(
            kind=NOTIFICATION_KIND[follow_up.kind],
            event_key=f"commitment-follow-up:{follow_up.pk}",
            recipients=_recipients(follow_up),
            title=title,
            body=body,
            # The owner alone is reminded: to the page where they mark it done.
            # Overdue and escalated reach the head and the CCSO too: to the
            # meeting page's row (where the owner marks it done as well).
            url=(
                reverse("metrics:commitment_close", kwargs={"pk": commitment.pk})
                if follow_up.kind == Kind.DUE
                else commitment.get_absolute_url()
            ),
        )
    # Closed or given a new due date meanwhile: nothing to say any more.
    CommitmentFollowUp.objects.filter(pk=follow_up_id, sent_at=None).update(sent_at=timezone.now())
    return True
