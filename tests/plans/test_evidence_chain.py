"""Customer voice → area of focus → metric → values, on the plan page, and the
year-two rule reading real metric values."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csoprogram.lib.rules import RuleError
from metrics import services as metrics_services
from plans import areas
from tests.focusgroups.factories import FeedbackFactory, ThemeFactory
from tests.metrics.factories import MetricFactory, MetricValueFactory
from tests.plans.factories import AreaOfFocusFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _metric(area, *, baseline, latest, direction="lower", suffix=""):
    metric = MetricFactory(
        department=area.department,
        area_of_focus=area,
        code=f"m-{area.pk}-{baseline}",
        name=f"Days to return a vehicle{suffix}",
        definition="Calendar days from drop-off to pickup.",
        unit="days",
        direction=direction,
        baseline_value=baseline,
        target_value=5,
    )
    if latest is not None:
        MetricValueFactory(
            metric=metric, period_start=datetime.date(2026, 7, 1), value=latest, status="amber"
        )
    return metric


def test_plan_page_shows_each_area_with_its_metrics_and_latest_values(
    client, cso_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet)
    area = plan.areas_of_focus.get()
    _metric(area, baseline=9, latest=7)
    client.force_login(cso_fleet)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Customer service metrics and latest values" in page
    assert (
        "Days to return a vehicle</a>: baseline 9 days, target 5 days; latest 7 days (Jul 2026)"
        in page
    )
    assert "Near target" in page


def test_plan_page_query_count_does_not_grow_with_areas_and_metrics(client, cso_fleet, dept_fleet):
    plan = PlanFactory(department=dept_fleet)
    client.force_login(cso_fleet)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(plan.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    _metric(plan.areas_of_focus.get(), baseline=9, latest=7)
    one = queries()
    for i in range(4):
        area = AreaOfFocusFactory(plan=plan, title=f"Year {i + 2}", year=i + 2, status="planned")
        _metric(area, baseline=10 + i, latest=8, suffix=f" ({i})")
        FeedbackFactory(
            for_department=dept_fleet, text=f"Quote {i}", themes=[ThemeFactory(name="Timeliness")]
        )
    assert queries() == one


def test_year_two_is_allowed_once_a_year_one_metric_moved_toward_its_target(
    cso_fleet, analyst_fleet, dept_fleet
):
    plan = PlanFactory(department=dept_fleet)
    year_one = plan.areas_of_focus.get()
    metric = _metric(year_one, baseline=9, latest=None)
    with pytest.raises(RuleError, match="shown progress"):
        areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Year two", year=2)
    # The analyst enters a value below the baseline (lower is better): the
    # metrics app records the progress on the area of focus.
    metrics_services.value_record(
        user=analyst_fleet, metric=metric, period_start=datetime.date(2026, 7, 1), value=8
    )
    area = areas.area_of_focus_add(plan=plan, user=cso_fleet, title="Year two", year=2)
    assert area.year == 2
