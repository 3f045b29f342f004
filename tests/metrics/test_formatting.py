"""Numbers formatted once: the metric's unit and decimals, everywhere."""

from decimal import Decimal

import pytest

from metrics.formatting import metric_format, metric_number
from metrics.services import value_record
from tests.metrics.factories import MetricFactory, add_value


def test_a_quarter_roll_up_is_rounded_to_the_metrics_decimals():
    rolled_up = Decimal("56.8") / 3  # 18.9333…
    assert metric_number(rolled_up, unit="minutes", decimals=1) == "18.9 minutes"
    assert metric_number(rolled_up, unit="minutes", decimals=2) == "18.93 minutes"
    assert metric_number(rolled_up, unit="minutes", decimals=0) == "19 minutes"


def test_stored_zeros_and_units_are_shown_plainly():
    assert metric_number(Decimal("12.0000"), unit="minutes") == "12 minutes"
    assert metric_number(Decimal("87.5000"), unit="percent") == "87.5%"
    assert metric_number(Decimal("1234.5000"), unit="count", decimals=0) == "1,235"
    assert metric_number(Decimal("-0.01"), unit="score") == "0"
    assert metric_number(None) == "—"


@pytest.mark.django_db
def test_the_correction_error_prints_the_value_as_the_page_does(analyst_fleet, dept_fleet, last_q):
    metric = MetricFactory(department=dept_fleet, decimals=0)
    add_value(metric, last_q.start, 12)
    with pytest.raises(Exception) as refused:
        value_record(user=analyst_fleet, metric=metric, period_start=last_q.start, value=14)
    assert "A value of 12 minutes is already recorded" in str(refused.value)
    assert "12.0000" not in str(refused.value)
    assert metric_format(Decimal("12.0000"), metric) == "12 minutes"
