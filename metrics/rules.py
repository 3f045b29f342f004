"""Rules about a metric's periods, in one place: every form, serializer, CSV
import and service asks period_refusal()."""

from __future__ import annotations

from datetime import date

from csoprogram.lib import fiscal
from csoprogram.lib.rules import RuleError


def period_refusal(
    *, name: str, frequency: str, period: fiscal.Period | date, started: bool = True
) -> RuleError | None:
    """Why a period does not fit a metric, or None when it does.

    A monthly metric takes months ("2026-07"), a quarterly one fiscal quarters
    ("FY2027 Q1"); with started=True (values), the period has begun.
    `period` is a parsed period or the first day of one.
    """
    if isinstance(period, date):
        fits = fiscal.is_period_start(period, frequency)
        start = period
    else:
        fits = isinstance(period, fiscal.Month) == (frequency == fiscal.MONTHLY)
        start = period.start
    if not fits:
        if frequency == fiscal.MONTHLY:
            return RuleError(f"{name} is reported by month.", "Write a month, such as 2026-07.")
        return RuleError(
            f"{name} is reported by fiscal quarter.", "Write a quarter, such as FY2027 Q1."
        )
    if started and start > fiscal.today():
        label = period.label if not isinstance(period, date) else start.isoformat()
        return RuleError(f"{label} has not started yet.", "Enter values for periods that began.")
    return None
