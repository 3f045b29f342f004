"""The reporting calendar, in one place: when a quarter's values are due,
when the quarter locks, and whether a period or a narrative is locked.

A quarter's values are due METRIC_VALUES_DUE_DAYS after it ends and can be
changed freely until METRIC_VALUES_GRACE_DAYS after it ends; then the quarter
is locked: a change (a correction, or a value entered that late) needs a reason
and the approval of the CCSO or a designated approver (metrics.corrections).
A quarterly narrative locks the same way once its PhillyStat meeting is held
(plus NARRATIVE_GRACE_DAYS, 0 by default).
Every write path asks here: the value form, the grid, the CSV import, the API
and the narrative form.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from csoprogram.lib import fiscal
from csoprogram.lib.rules import RuleError


def quarter_due_on(quarter: fiscal.Quarter) -> date:
    return quarter.end + timedelta(days=settings.METRIC_VALUES_DUE_DAYS)


def quarter_locks_after(quarter: fiscal.Quarter) -> date:
    """The last day a quarter's values can be changed freely."""
    return quarter.end + timedelta(days=settings.METRIC_VALUES_GRACE_DAYS)


def period_locked(period_start: date, *, today: date | None = None) -> bool:
    """Whether a period (a month or a quarter) is locked: its fiscal quarter's
    grace window has closed."""
    return (today or fiscal.today()) > quarter_locks_after(fiscal.quarter_of(period_start))


def value_lock_refusal(*, period_label: str, period_start: date) -> RuleError:
    quarter = fiscal.quarter_of(period_start)
    return RuleError(
        f"{period_label} is locked: {quarter.label} closed for changes on "
        f"{quarter_locks_after(quarter):%-d %b %Y}.",
        "Give the reason for the correction; it is applied once the Chief Customer "
        "Service Officer approves it.",
        field="reason",
        code="conflict",
    )


CORRECTION_WAITING = RuleError(
    "A correction of this period is already waiting for approval.",
    "Wait for the decision, or ask the Chief Customer Service Officer.",
    field="reason",
    code="conflict",
)


def narrative_locked(meeting_date: date | None, *, today: date | None = None) -> bool:
    """A quarterly narrative is locked once its PhillyStat meeting is held
    (and NARRATIVE_GRACE_DAYS more have passed; none by default)."""
    if meeting_date is None:
        return False
    return (today or fiscal.today()) > meeting_date + timedelta(days=settings.NARRATIVE_GRACE_DAYS)


NARRATIVE_LOCKED = RuleError(
    "The PhillyStat meeting has been held, so the quarterly narrative is locked.",
    "Give the reason for the correction; it is applied once the Chief Customer "
    "Service Officer approves it.",
    field="reason",
    code="conflict",
)
