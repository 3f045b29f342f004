import pytest

from csoprogram.lib import fiscal
from tests.metrics.factories import MetricFactory
from tests.plans.factories import AreaOfFocusFactory, PlanFactory


@pytest.fixture
def area_fleet(dept_fleet):
    """The year-one area of focus of Fleet's approved plan."""
    plan = PlanFactory(department=dept_fleet, status="approved", with_area=False)
    return AreaOfFocusFactory(plan=plan, title="Faster vehicle turnaround")


@pytest.fixture
def wait_time(dept_fleet, area_fleet):
    """Quarterly, lower is better: target 20 minutes, amber up to 25."""
    return MetricFactory(
        department=dept_fleet, area_of_focus=area_fleet, name="Average wait time", code="fleet-wait"
    )


@pytest.fixture
def resolution(dept_fleet, area_fleet):
    """Monthly, higher is better: target 80%, amber from 75%."""
    return MetricFactory(
        department=dept_fleet,
        area_of_focus=area_fleet,
        name="First-contact resolution",
        code="fleet-fcr",
        unit="percent",
        direction="higher",
        frequency="monthly",
        baseline_value=70,
        target_value=80,
        amber_band=5,
    )


@pytest.fixture
def streets_metric(dept_streets):
    return MetricFactory(
        department=dept_streets, name="Pothole repair time", code="streets-potholes"
    )


@pytest.fixture
def last_q():
    return fiscal.last_completed_quarter()
