"""What a person owns in metrics and PhillyStat, for the hand-over
(csoprogram.handover): the metrics they own as analyst, the coming PhillyStat
meetings they are the analyst of, the open commitments they own and the
reminders queued for them; and, with
a CSO's role, the quarterly narratives due. The successor of a metric or a
meeting must be a PhillyStat analyst of its department (the rule the forms
and services keep)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import formats

from csoprogram.lib import fiscal
from csoprogram.lib.handover import OwnedItem
from csoprogram.lib.rules import RuleError
from csoprogram.lib.timeline import history_user
from departments import roles

from .models import Metric
from .phillystat.models import Commitment, CommitmentStatus, PhillyStatMeeting, ReminderDelivery
from .phillystat.permissions import can_own_commitment
from .phillystat.selectors import narratives_complete


def _analyst_check(successor, department) -> None:
    if not roles.is_analyst(successor, department):
        raise RuleError(
            f"{successor} is not a PhillyStat analyst of {department.display_name}.",
            "Hand the analyst's role over with it, or choose one of the department's analysts.",
        )


def _day(d) -> str:
    return formats.date_format(d, "j M Y")


class OwnedMetricProvider:
    kind = "metric"
    heading = "Customer service metrics they own as analyst"

    def _owned(self):
        return Metric.objects.filter(active=True, department__active=True)

    def owned(self, user_ids):
        result = defaultdict(list)
        for m in self._owned().filter(owner_id__in=user_ids).select_related("department"):
            result[m.owner_id].append(
                OwnedItem(
                    self.kind,
                    m.pk,
                    f"{m.name}, {m.department.display_name}",
                    department_id=m.department_id,
                    url=m.get_absolute_url(),
                )
            )
        return result

    def hand_over(self, *, actor, person, successor, pks):
        metrics = list(self._owned().filter(owner=person, pk__in=pks).select_related("department"))
        with history_user(actor):
            for m in metrics:
                _analyst_check(successor, m.department)
                m.owner = successor
                m.save(update_fields=["owner", "updated_at"])
        return len(metrics)


class MeetingAnalystProvider:
    kind = "phillystat_meeting"
    heading = "Coming PhillyStat meetings they are the analyst of"

    def _coming(self):
        return PhillyStatMeeting.objects.filter(date__gte=fiscal.today(), department__active=True)

    def owned(self, user_ids):
        result = defaultdict(list)
        for m in (
            self._coming()
            .filter(analyst_id__in=user_ids)
            .select_related("department")
            .order_by("date")
        ):
            result[m.analyst_id].append(
                OwnedItem(
                    self.kind,
                    m.pk,
                    f"PhillyStat meeting, {m.department.display_name}, {_day(m.date)}",
                    department_id=m.department_id,
                    url=m.get_absolute_url(),
                )
            )
        return result

    def hand_over(self, *, actor, person, successor, pks):
        meetings = list(
            self._coming().filter(analyst=person, pk__in=pks).select_related("department")
        )
        with history_user(actor):
            for m in meetings:
                _analyst_check(successor, m.department)
                m.analyst = successor
                m.save(update_fields=["analyst"])
        return len(meetings)


class OwnedCommitmentProvider:
    """Open PhillyStat commitments the person owns: the successor owns them
    (someone who may own the department's commitments: its CSO, head or
    analyst, or the CCSO). The successor is not told one by one: the hand-over
    is the news."""

    kind = "commitment"
    heading = "Open PhillyStat commitments they own"

    def _open(self):
        return Commitment.objects.filter(status=CommitmentStatus.OPEN, department__active=True)

    def owned(self, user_ids):
        result = defaultdict(list)
        for c in (
            self._open()
            .filter(owner_id__in=user_ids)
            .select_related("department")
            .order_by("due", "pk")
        ):
            result[c.owner_id].append(
                OwnedItem(
                    self.kind,
                    c.pk,
                    f"“{c.what[:80]}”, {c.department.display_name}, due {_day(c.due)}",
                    department_id=c.department_id,
                    url=c.get_absolute_url(),
                )
            )
        return result

    def hand_over(self, *, actor, person, successor, pks):
        commitments = list(
            self._open().filter(owner=person, pk__in=pks).select_related("department")
        )
        checked = {}
        with history_user(actor):
            for c in commitments:
                if c.department_id not in checked:
                    checked[c.department_id] = can_own_commitment(successor, c.department)
                if not checked[c.department_id]:
                    raise RuleError(
                        f"{successor} may not own the commitments of {c.department.display_name}.",
                        "Hand a role in the department over with them, or choose its CSO, "
                        "head or analyst, or the Chief Customer Service Officer.",
                    )
                c.owner = successor
                c.save(update_fields=["owner"])
        return len(commitments)


class QueuedReminderProvider:
    """Reminders created for the person and not sent yet: they go to the
    successor instead (or are dropped when the successor has the same one)."""

    kind = "reminder"
    heading = "Reminders queued for them"

    def _queued(self):
        return ReminderDelivery.objects.filter(sent_at=None)

    def owned(self, user_ids):
        result = defaultdict(list)
        for r in (
            self._queued()
            .filter(recipient_id__in=user_ids)
            .select_related("meeting__department")
            .order_by("meeting__date", "pk")
        ):
            result[r.recipient_id].append(
                OwnedItem(
                    self.kind,
                    r.pk,
                    f"{r.get_kind_display()}: {r.subject}",
                    department_id=r.meeting.department_id,
                    url=r.meeting.get_absolute_url(),
                )
            )
        return result

    def hand_over(self, *, actor, person, successor, pks):
        queued = list(self._queued().filter(recipient=person, pk__in=pks))
        has = set(
            self._queued()
            .filter(recipient=successor)
            .values_list("meeting_id", "kind", "offset_days")
        )
        for r in queued:
            if (r.meeting_id, r.kind, r.offset_days) in has:
                r.delete()  # the successor is reminded of it already
            else:
                r.recipient = successor
                r.save(update_fields=["recipient"])
        return len(queued)


def narratives_due(department_ids) -> dict[int, list[str]]:
    """department id -> "Quarterly narrative due …" for each coming PhillyStat
    meeting whose narrative is not complete (what a CSO's role brings). Two queries."""
    meetings = list(
        PhillyStatMeeting.objects.filter(
            department_id__in=department_ids, date__gte=fiscal.today()
        ).order_by("date")
    )
    complete = narratives_complete(
        list({m.department_id for m in meetings}), list({m.fiscal_quarter for m in meetings})
    )
    due = defaultdict(list)
    for m in meetings:
        if (m.department_id, m.fiscal_year, m.quarter) not in complete:
            due[m.department_id].append(
                f"Quarterly narrative for {m.quarter_label} due before the PhillyStat "
                f"meeting on {_day(m.date)}"
            )
    return due
