"""One walk through the data-trust pages in a real browser: the analyst sees a
metric's trajectory and asks for a correction of a locked quarter; the CCSO
approves it on her page and reads the audit. axe checks each page at 1280
and 320 px."""

import pytest

from csoprogram.lib import fiscal
from metrics.models import MetricValue
from tests.metrics.factories import MetricFactory, add_value

pytestmark = pytest.mark.browser


@pytest.fixture
def locked_metric(transactional_db, settings, dept_fleet, analyst_fleet):
    settings.METRIC_VALUES_GRACE_DAYS = 30
    metric = MetricFactory(
        department=dept_fleet,
        name="Vehicle turnaround",
        baseline_period=fiscal.last_completed_quarter().previous().previous().start,
        target_period=fiscal.current_quarter().next().next().start,
    )
    q = fiscal.last_completed_quarter().previous()
    for quarter, value in ((q.previous(), 29), (q, 27), (q.next(), 24)):
        add_value(metric, quarter.start, value)
    return metric, q


def test_trajectory_correction_and_audit(
    page, live_server, login_as, assert_accessible, analyst_fleet, ccso, locked_metric
):
    metric, locked = locked_metric
    login_as(page, analyst_fleet)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 720})
        page.goto(f"{live_server.url}/metrics/{metric.pk}/")
        assert page.get_by_text("By fiscal quarter: trajectory and values").is_visible()
        assert_accessible(page, f"data-trust-metric-{width}")
        page.goto(f"{live_server.url}/metrics/{metric.pk}/trajectory/")
        assert_accessible(page, f"data-trust-trajectory-{width}")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}/metrics/{metric.pk}/values/new/")
    page.get_by_label("Period").fill(locked.label)
    page.get_by_label("Value (minutes)").fill("26")
    page.get_by_label("Reason for a correction").fill("Two late closures were counted twice.")
    page.get_by_role("button", name="Save value").click()
    assert page.get_by_text("Correction waiting for approval").last.is_visible()

    login_as(page, ccso)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 720})
        page.goto(f"{live_server.url}/metrics/corrections/")
        assert_accessible(page, f"data-trust-corrections-{width}")
        page.goto(f"{live_server.url}/program/audit/")
        assert_accessible(page, f"data-trust-audit-{width}")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}/metrics/corrections/")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    assert page.get_by_text("Correction approved and applied.").is_visible()
    assert MetricValue.objects.get(metric=metric, period_start=locked.start).value == 26
