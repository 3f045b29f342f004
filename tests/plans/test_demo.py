import pytest

from departments import demo as departments_demo
from plans import demo
from plans.models import AreaOfFocus, CustomerServicePlan, PlanComment, PlanStatus

pytestmark = pytest.mark.django_db


def _counts():
    return (
        CustomerServicePlan.objects.count(),
        AreaOfFocus.objects.count(),
        PlanComment.objects.count(),
        CustomerServicePlan.history.count(),
    )


def test_demo_plans_show_every_stage_and_seeding_twice_changes_nothing():
    context = {}
    departments_demo.seed(context)
    demo.seed(context)
    first = _counts()
    demo.seed(context)
    assert _counts() == first

    statuses = {slug: plan.status for slug, plan in context["plans"].items()}
    assert statuses["fleet"] == PlanStatus.APPROVED
    assert statuses["streets"] == PlanStatus.CHANGES_REQUESTED
    assert statuses["library"] == PlanStatus.DRAFT
    assert statuses["li"] == PlanStatus.SUBMITTED
    assert context["plans"]["fleet"].vision == demo.FLEET_VISION
    assert PlanComment.objects.filter(
        plan=context["plans"]["streets"], field="vision", kind="changes_requested"
    ).exists()
    water = context["areas_of_focus"]["water"]
    assert [a.year for a in water] == [1, 2]
    assert [a.title for a in context["areas_of_focus"]["fleet"]] == [
        "Vehicles back to departments on time"
    ]
