"""Plans in each state, built straight in the database for tests."""

from django.utils import timezone

from focusgroups.models import FeedbackItem, FocusGroupSession, Theme
from plans.models import AreaOfFocus, CustomerServicePlan, Impediment, PlanStatus


def theme(name: str) -> Theme:
    return Theme.objects.get_or_create(name=name)[0]


def feedback(department, text, *, themes=(), sentiment="negative", customer_type="external"):
    session, _ = FocusGroupSession.objects.get_or_create(
        department=department,
        held_on=timezone.localdate(),
        audience="external",
        defaults={"status": "held", "participants": 8},
    )
    item = FeedbackItem.objects.create(
        session=session,
        department=department,
        text=text,
        sentiment=sentiment,
        customer_type=customer_type,
    )
    item.themes.set(themes)
    return item


def plan(department, *, status=PlanStatus.DRAFT, program_year=2027, with_area=True, **texts):
    values = {
        "mission": "We keep the city's vehicles safe and ready.",
        "vision": "At the Office of Fleet Management, our vision is to deliver top quality "
        "service to our customers on time, every time.",
        **texts,
    }
    p = CustomerServicePlan.objects.create(
        department=department,
        program_year=program_year,
        status=status,
        ever_submitted=status != PlanStatus.DRAFT,
        submitted_at=timezone.now() if status != PlanStatus.DRAFT else None,
        **values,
    )
    if with_area:
        area(p)
    return p


def area(plan_, *, title="Vehicles back on time", year=1, status=AreaOfFocus.Status.ACTIVE, **kw):
    a = AreaOfFocus.objects.create(
        plan=plan_, department=plan_.department, title=title, year=year, status=status, **kw
    )
    a.themes.add(theme("Timeliness"))
    return a


def impediment(department, **kw):
    values = {"kind": "resources", "description": "No staff to answer the phone line."} | kw
    return Impediment.objects.create(department=department, **values)
