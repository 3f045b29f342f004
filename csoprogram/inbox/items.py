"""What an item of My work is, and what the providers share."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

from csoprogram.lib import fiscal
from departments import roles
from metrics.phillystat.models import PhillyStatMeeting
from metrics.phillystat.reminders import meeting_missing
from metrics.phillystat.selectors import quarter_reports

# Most urgent first.
URGENT, SOON, WAITING, LATER = 0, 1, 2, 3
URGENCY_LABELS = {
    URGENT: "Urgent",
    SOON: "Due soon",
    WAITING: "Waiting for you",
    LATER: "Coming up",
}
# PhillyStat meetings this close are in My work (the first reminder's offset).
MEETING_WINDOW_DAYS = 14


@dataclass(frozen=True)
class InboxItem:
    """One thing to do: what, why it is there, where to do it."""

    kind: str  # the provider's word, e.g. "Plan review"
    title: str
    why: str
    url: str
    urgency: int = WAITING
    due: date | None = None
    since: date | None = None  # waiting since (older first within an urgency)

    @property
    def urgency_label(self) -> str:
        return URGENCY_LABELS[self.urgency]

    def sort_key(self):
        return (
            self.urgency,
            self.due or date.max,
            self.since or date.max,
            self.title,
        )


def urgency_for(due: date, today: date) -> int:
    """Overdue or due within two days: urgent; within a week: soon."""
    days = (due - today).days
    if days <= 2:
        return URGENT
    if days <= 7:
        return SOON
    return LATER


@dataclass
class InboxContext:
    """Who asks, and reads that several providers share (made once, on demand)."""

    user: object
    today: date = field(default_factory=fiscal.today)

    @functools.cached_property
    def is_ccso(self) -> bool:
        return roles.is_ccso(self.user)

    @functools.cached_property
    def is_program_wide(self) -> bool:
        return roles.is_program_wide(self.user)

    def department_ids(self, *role_names: str) -> set[int]:
        return roles.department_ids_with_role(self.user, *role_names)

    @functools.cached_property
    def upcoming_meetings(self) -> list:
        """The PhillyStat meetings of the person's departments within the
        window, each with .missing ({"cso": [...], "analyst": [...]})."""
        dept_ids = self.department_ids()
        if not dept_ids:
            return []
        meetings = list(
            PhillyStatMeeting.objects.filter(
                department_id__in=dept_ids,
                department__active=True,
                date__gte=self.today,
                date__lte=self.today + timedelta(days=MEETING_WINDOW_DAYS),
            )
            .select_related("department")
            .order_by("date", "pk")
        )
        reports = quarter_reports([(m.department_id, m.fiscal_quarter) for m in meetings])
        for m in meetings:
            q = m.fiscal_quarter
            m.missing = meeting_missing(m, reports[(m.department_id, q.fiscal_year, q.quarter)])
        return meetings
