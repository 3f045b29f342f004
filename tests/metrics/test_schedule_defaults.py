"""The PhillyStat scheduler's form defaults to the current fiscal year's next
unscheduled quarter, not to next year while this year's meetings are missing
(issue 13, item 8)."""

import datetime

import pytest
from django.urls import reverse

from csoprogram.lib import fiscal
from metrics.phillystat.selectors import meeting_year_to_schedule
from tests.metrics.factories import PhillyStatMeetingFactory

pytestmark = pytest.mark.django_db

DEC_2 = datetime.date(2026, 12, 2)  # FY2027 Q2 with a July fiscal year


@pytest.fixture(autouse=True)
def _july_fiscal_year(settings):
    settings.FISCAL_YEAR_START_MONTH = 7


def test_with_nothing_scheduled_it_offers_this_years_quarters_still_ahead(dept_fleet):
    year, dates = meeting_year_to_schedule(dept_fleet, today=DEC_2)
    assert year == 2027
    # Q1's meeting (October) is past; Q2, Q3 and Q4 are still to be met about.
    assert sorted(dates) == ["q2", "q3", "q4"]
    assert all(d >= DEC_2 for d in dates.values())


def test_a_scheduled_quarter_is_skipped_and_the_next_unscheduled_one_offered(dept_fleet):
    PhillyStatMeetingFactory(department=dept_fleet, period=fiscal.quarter(2027, 2))
    year, dates = meeting_year_to_schedule(dept_fleet, today=DEC_2)
    assert (year, sorted(dates)) == (2027, ["q3", "q4"])


def test_next_year_only_once_this_years_are_all_scheduled(dept_fleet):
    for q in (2, 3, 4):
        PhillyStatMeetingFactory(department=dept_fleet, period=fiscal.quarter(2027, q))
    year, dates = meeting_year_to_schedule(dept_fleet, today=DEC_2)
    assert (year, sorted(dates)) == (2028, ["q1", "q2", "q3", "q4"])


def test_the_form_shows_the_current_fiscal_year(client, analyst_fleet, dept_fleet):
    """Whatever today is, the Q4 meeting (after the year ends) is still ahead,
    so with nothing scheduled the form offers the current fiscal year."""
    client.force_login(analyst_fleet)
    form = client.get(reverse("metrics:meeting_schedule", args=["fleet"])).context["form"]
    assert form.initial["fiscal_year"] == fiscal.current_quarter().fiscal_year
    assert form.initial["q4"] >= fiscal.today()
