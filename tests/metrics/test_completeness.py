"""Completeness of a quarter, defined once per frequency: a quarterly metric
owes one value, a monthly metric all three months. The rule, its SQL twin, the
stage, the meeting page and the reminders agree."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse

from csoprogram.lib import fiscal
from csoprogram.lib.outbox import outbox_drain
from metrics.models import Metric
from metrics.phillystat.models import ReminderDelivery, ReminderKind
from metrics.phillystat.reminders import reminder_deliver, reminders_scan
from metrics.phillystat.selectors import quarter_report
from metrics.selectors import (
    metrics_complete_for,
    quarter_completeness_label,
    quarter_value_counts,
    quarter_values_complete,
)
from tests.metrics.factories import PhillyStatMeetingFactory, add_value


def test_a_monthly_metric_owes_three_months_a_quarterly_one_value():
    assert not quarter_values_complete(frequency="monthly", periods_with_value=2)
    assert quarter_values_complete(frequency="monthly", periods_with_value=3)
    assert quarter_values_complete(frequency="quarterly", periods_with_value=1)
    assert not quarter_values_complete(frequency="quarterly", periods_with_value=0)
    assert quarter_completeness_label(frequency="monthly", periods_with_value=2) == "2 of 3 months"


def test_the_rule_and_its_sql_twin_agree_month_by_month(wait_time, resolution, last_q):
    def both():
        counts = quarter_value_counts([wait_time.pk, resolution.pk], last_q)
        python = {
            m.pk
            for m in (wait_time, resolution)
            if quarter_values_complete(
                frequency=m.frequency, periods_with_value=counts.get(m.pk, 0)
            )
        }
        sql = set(Metric.objects.filter(metrics_complete_for(last_q)).values_list("pk", flat=True))
        assert python == sql
        return sql

    assert both() == set()
    add_value(wait_time, last_q.start, 19)
    assert both() == {wait_time.pk}
    for month in last_q.months()[:2]:
        add_value(resolution, month.start, 82)
        assert both() == {wait_time.pk}
    add_value(resolution, last_q.months()[2].start, 82)
    assert both() == {wait_time.pk, resolution.pk}


def test_the_meeting_page_shows_a_partial_quarter_as_2_of_3_months(
    client, analyst_fleet, dept_fleet, wait_time, resolution, last_q
):
    add_value(wait_time, last_q.start, 19)
    for month in last_q.months()[:2]:
        add_value(resolution, month.start, 82)
    meeting = PhillyStatMeetingFactory(department=dept_fleet, period=last_q)
    report = quarter_report(dept_fleet, last_q)
    assert report.missing_values == [resolution]
    client.force_login(analyst_fleet)
    page = client.get(reverse("metrics:meeting_detail", args=[meeting.pk])).content.decode()
    september = last_q.months()[2].label
    assert f"2 of 3 months; {september} missing" in page


def test_the_analyst_is_reminded_when_one_month_is_missing(
    dept_fleet, analyst_fleet, cso_fleet, wait_time, resolution, last_q
):
    analyst_fleet.email = "analyst@example.org"
    analyst_fleet.save(update_fields=["email"])
    add_value(wait_time, last_q.start, 19)
    for month in last_q.months()[:2]:
        add_value(resolution, month.start, 82)
    PhillyStatMeetingFactory(
        department=dept_fleet, period=last_q, date=fiscal.today() + timedelta(days=7)
    )
    reminders_scan()
    delivery = ReminderDelivery.objects.get(kind=ReminderKind.ANALYST, recipient=analyst_fleet)
    outbox_drain()
    reminder_deliver(delivery_id=delivery.pk)
    texts = [item["text"] for item in delivery.missing]
    assert texts == [
        f"{last_q.label} values of “{resolution.name}”: 2 of 3 months; "
        f"{last_q.months()[2].label} missing"
    ]
    sent = [m for m in mail.outbox if "analyst@example.org" in m.to]
    assert sent and "2 of 3 months" in sent[0].body
