"""The city's fiscal calendar, in one place.

A fiscal year is named after the calendar year it ends in: with the year
starting in July (settings.FISCAL_YEAR_START_MONTH = 7), FY2027 runs from
1 July 2026 to 30 June 2027 and FY2027 Q1 is July–September 2026. With a
January start, the fiscal year is the calendar year.

A period is a fiscal quarter or a calendar month; both are stored as the date
of their first day (MetricValue.period_start) and shown as "FY2027 Q1" or
"Jul 2026". Parsing accepts "FY2027 Q1", "FY2027-Q1", "2027Q1" and "2026-07".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

MONTHLY = "monthly"
QUARTERLY = "quarterly"


def start_month() -> int:
    return settings.FISCAL_YEAR_START_MONTH


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def fiscal_year_of(day: date, *, start: int | None = None) -> int:
    start = start or start_month()
    if start == 1:
        return day.year
    return day.year + 1 if day.month >= start else day.year


@dataclass(frozen=True, order=True)
class Quarter:
    fiscal_year: int
    quarter: int  # 1..4
    start_month: int = 7

    def __post_init__(self):
        if not 1 <= self.quarter <= 4:
            raise ValueError("A fiscal quarter is 1 to 4.")

    @property
    def start(self) -> date:
        # FY N starts in the calendar year N-1 unless the year starts in January.
        first_year = self.fiscal_year - 1 if self.start_month != 1 else self.fiscal_year
        y, m = _add_months(first_year, self.start_month, 3 * (self.quarter - 1))
        return date(y, m, 1)

    @property
    def end(self) -> date:
        y, m = _add_months(self.start.year, self.start.month, 2)
        return date(y, m, calendar.monthrange(y, m)[1])

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.quarter}"

    @property
    def code(self) -> str:
        return f"FY{self.fiscal_year}-Q{self.quarter}"

    def months(self) -> list[Month]:
        s = self.start
        return [Month(*_add_months(s.year, s.month, i)) for i in range(3)]

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.fiscal_year + 1, 1, self.start_month)
        return Quarter(self.fiscal_year, self.quarter + 1, self.start_month)

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.fiscal_year - 1, 4, self.start_month)
        return Quarter(self.fiscal_year, self.quarter - 1, self.start_month)

    def __str__(self):
        return self.label


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        return f"{calendar.month_abbr[self.month]} {self.year}"

    @property
    def code(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def quarter(self) -> Quarter:
        return quarter_of(self.start)

    def __str__(self):
        return self.label


Period = Quarter | Month


def quarter(fiscal_year: int, q: int) -> Quarter:
    return Quarter(fiscal_year, q, start_month())


def quarter_of(day: date, *, start: int | None = None) -> Quarter:
    start = start or start_month()
    q = ((day.month - start) % 12) // 3 + 1
    return Quarter(fiscal_year_of(day, start=start), q, start)


def fiscal_year_quarters(fiscal_year: int) -> list[Quarter]:
    return [quarter(fiscal_year, q) for q in (1, 2, 3, 4)]


def today() -> date:
    return timezone.localdate()


def current_program_year(on: date | None = None) -> int:
    """The fiscal year we are in, which is also the program year a new
    customer service plan is written for: FY2027 from 1 July 2026 (with the
    default start month, 7)."""
    return fiscal_year_of(on or today())


def current_quarter(on: date | None = None) -> Quarter:
    return quarter_of(on or today())


def last_completed_quarter(on: date | None = None) -> Quarter:
    return current_quarter(on).previous()


def is_period_start(day: date, frequency: str) -> bool:
    """True when `day` is the first day of a period of this frequency."""
    if day.day != 1:
        return False
    if frequency == MONTHLY:
        return True
    return quarter_of(day).start == day


def period_at(period_start: date, frequency: str) -> Period:
    """The period (quarter or month) that starts on period_start."""
    if frequency == MONTHLY:
        return Month(period_start.year, period_start.month)
    return quarter_of(period_start)


def period_label(period_start: date, frequency: str) -> str:
    return period_at(period_start, frequency).label


def period_code(period_start: date, frequency: str) -> str:
    return period_at(period_start, frequency).code


_QUARTER_RE = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[-/ ]?\s*Q([1-4])\s*$", re.IGNORECASE)
_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-01)?\s*$")


class PeriodError(ValueError):
    pass


def parse_period(text: str) -> Period:
    """ "FY2027 Q1" → Quarter; "2026-07" → Month. Raises PeriodError otherwise."""
    text = (text or "").strip()
    m = _QUARTER_RE.match(text)
    if m and 1900 < int(m.group(1)) < 2200:
        return quarter(int(m.group(1)), int(m.group(2)))
    m = _MONTH_RE.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1900 < year < 2200:
            return Month(year, month)
    raise PeriodError(f"“{text}” is not a period; write FY2027 Q1 or 2026-07.")


def periods_between(first: date, last: date, frequency: str) -> list[Period]:
    """Every period of the frequency from the one holding `first` to the one holding `last`."""
    result: list[Period] = []
    if frequency == MONTHLY:
        y, m = first.year, first.month
        while date(y, m, 1) <= last:
            result.append(Month(y, m))
            y, m = _add_months(y, m, 1)
        return result
    q = quarter_of(first)
    while q.start <= last:
        result.append(q)
        q = q.next()
    return result


ROLLUP_SUM = "sum"
ROLLUP_AVERAGE = "average"
ROLLUP_LAST = "last"


def roll_up(monthly: list[tuple[date, Decimal]], method: str) -> Decimal | None:
    """Combine the monthly values of one quarter: sum, average or the last month's."""
    if not monthly:
        return None
    values = [v for _, v in sorted(monthly)]
    if method == ROLLUP_SUM:
        return sum(values, Decimal(0))
    if method == ROLLUP_AVERAGE:
        return sum(values, Decimal(0)) / len(values)
    if method == ROLLUP_LAST:
        return values[-1]
    raise ValueError(f"Unknown roll-up {method!r}")


def quarterly_series(
    values: list[tuple[date, Decimal]], frequency: str, method: str
) -> list[tuple[Quarter, Decimal]]:
    """A metric's values by fiscal quarter, rolling monthly values up."""
    if frequency != MONTHLY:
        return [(quarter_of(d), v) for d, v in sorted(values)]
    by_quarter: dict[Quarter, list[tuple[date, Decimal]]] = {}
    for d, v in values:
        by_quarter.setdefault(quarter_of(d), []).append((d, v))
    return [(q, roll_up(items, method)) for q, items in sorted(by_quarter.items())]
