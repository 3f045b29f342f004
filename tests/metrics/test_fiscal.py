from datetime import date
from decimal import Decimal

import pytest

from csoprogram.lib import fiscal


def test_fy2027_q1_is_july_to_september_2026_with_a_july_start(settings):
    settings.FISCAL_YEAR_START_MONTH = 7
    q = fiscal.quarter(2027, 1)
    assert (q.start, q.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert q.label == "FY2027 Q1"
    assert fiscal.quarter_of(date(2026, 7, 1)) == q
    assert fiscal.quarter_of(date(2026, 9, 30)) == q


def test_the_year_end_crosses_into_the_next_fiscal_year(settings):
    settings.FISCAL_YEAR_START_MONTH = 7
    assert fiscal.quarter_of(date(2026, 6, 30)) == fiscal.quarter(2026, 4)
    assert fiscal.quarter_of(date(2026, 7, 1)) == fiscal.quarter(2027, 1)
    # The calendar year end is mid fiscal year.
    assert fiscal.quarter_of(date(2026, 12, 31)) == fiscal.quarter(2027, 2)
    assert fiscal.quarter_of(date(2027, 1, 1)) == fiscal.quarter(2027, 3)
    assert fiscal.quarter(2027, 4).next() == fiscal.quarter(2028, 1)
    assert fiscal.quarter(2027, 1).previous() == fiscal.quarter(2026, 4)
    assert fiscal.quarter(2026, 4).end == date(2026, 6, 30)


@pytest.mark.parametrize(
    ("start", "day", "expected_year", "expected_q", "q_start", "q_end"),
    [
        (1, date(2026, 1, 1), 2026, 1, date(2026, 1, 1), date(2026, 3, 31)),
        (1, date(2026, 12, 31), 2026, 4, date(2026, 10, 1), date(2026, 12, 31)),
        (10, date(2026, 10, 1), 2027, 1, date(2026, 10, 1), date(2026, 12, 31)),
        (10, date(2026, 9, 30), 2026, 4, date(2026, 7, 1), date(2026, 9, 30)),
        (10, date(2027, 1, 15), 2027, 2, date(2027, 1, 1), date(2027, 3, 31)),
        (4, date(2027, 3, 31), 2027, 4, date(2027, 1, 1), date(2027, 3, 31)),
        (4, date(2027, 4, 1), 2028, 1, date(2027, 4, 1), date(2027, 6, 30)),
        (11, date(2027, 1, 31), 2027, 1, date(2026, 11, 1), date(2027, 1, 31)),
    ],
)
def test_the_calendar_works_for_any_start_month(
    settings, start, day, expected_year, expected_q, q_start, q_end
):
    settings.FISCAL_YEAR_START_MONTH = start
    q = fiscal.quarter_of(day)
    assert (q.fiscal_year, q.quarter) == (expected_year, expected_q)
    assert (q.start, q.end) == (q_start, q_end)
    # And back: the quarter built from its name has the same dates.
    assert fiscal.quarter(expected_year, expected_q) == q


@pytest.mark.parametrize("start", range(1, 13))
def test_every_day_of_a_year_falls_in_the_quarter_that_holds_it(settings, start):
    settings.FISCAL_YEAR_START_MONTH = start
    day = date(2026, 1, 1)
    while day.year == 2026:
        q = fiscal.quarter_of(day)
        assert q.start <= day <= q.end
        assert fiscal.quarter(q.fiscal_year, q.quarter).start == q.start
        day = day.fromordinal(day.toordinal() + 1)


def test_periods_parse_from_text(settings):
    settings.FISCAL_YEAR_START_MONTH = 7
    assert fiscal.parse_period("FY2027 Q1") == fiscal.quarter(2027, 1)
    assert fiscal.parse_period("fy2027-q2") == fiscal.quarter(2027, 2)
    assert fiscal.parse_period("2026-07") == fiscal.Month(2026, 7)
    assert fiscal.parse_period("2026-07").quarter == fiscal.quarter(2027, 1)
    for bad in ("", "Q5 2027", "2026-13", "July", "FY2027 Q0", "FY0000 Q1", "0001-01"):
        with pytest.raises(fiscal.PeriodError):
            fiscal.parse_period(bad)


def test_monthly_values_roll_up_by_sum_average_or_last(settings):
    settings.FISCAL_YEAR_START_MONTH = 7
    months = [
        (date(2026, 8, 1), Decimal(20)),
        (date(2026, 7, 1), Decimal(10)),
        (date(2026, 9, 1), Decimal(60)),
    ]
    assert fiscal.roll_up(months, "sum") == 90
    assert fiscal.roll_up(months, "average") == 30
    assert fiscal.roll_up(months, "last") == 60
    series = fiscal.quarterly_series(months + [(date(2026, 10, 1), Decimal(5))], "monthly", "sum")
    assert series == [(fiscal.quarter(2027, 1), 90), (fiscal.quarter(2027, 2), 5)]


def test_period_starts_are_checked_against_the_frequency(settings):
    settings.FISCAL_YEAR_START_MONTH = 7
    assert fiscal.is_period_start(date(2026, 10, 1), "quarterly")
    assert not fiscal.is_period_start(date(2026, 11, 1), "quarterly")
    assert fiscal.is_period_start(date(2026, 11, 1), "monthly")
    assert not fiscal.is_period_start(date(2026, 11, 2), "monthly")


def test_last_completed_quarter():
    assert fiscal.last_completed_quarter(date(2026, 11, 23)) == fiscal.quarter(2027, 1)
    assert fiscal.last_completed_quarter(date(2026, 7, 1)) == fiscal.quarter(2026, 4)
