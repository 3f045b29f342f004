"""A department with something in every app, for dashboard tests."""

import datetime

from django.utils import timezone

from csoprogram.lib import fiscal
from focusgroups.models import FeedbackItem, FocusGroupSession
from metrics.models import Commitment, PhillyStatMeeting
from plans.models import Impediment
from tests.factories import DepartmentFactory
from tests.focusgroups.factories import ThemeFactory
from tests.metrics.factories import MetricFactory, add_value
from tests.plans.builders import plan


def full_department(
    department=None, *, status="approved", metrics=2, red=False, name=None, slug=None
):
    """A department with two held focus groups and feedback, a plan with an
    area of focus, metrics with values for the last completed quarter, an
    upcoming PhillyStat meeting, an overdue commitment and an open impediment."""
    if department is None:
        department = DepartmentFactory(**({"name": name, "slug": slug} if name else {}))
    theme = ThemeFactory(name="Timeliness")
    for audience in ("internal", "external"):
        session = FocusGroupSession.objects.create(
            department=department,
            held_on=timezone.localdate() - datetime.timedelta(days=40),
            audience=audience,
            status="held",
            participants=6,
        )
        for sentiment, text in (
            ("negative", "The wait was too long."),
            ("positive", "Kind staff."),
        ):
            item = FeedbackItem.objects.create(
                session=session,
                department=department,
                text=f"{text} ({department.slug})",
                sentiment=sentiment,
                customer_type=audience,
            )
            item.themes.add(theme)
    p = plan(department, status=status)
    area = p.areas_of_focus.first()
    quarter = fiscal.last_completed_quarter()
    for i in range(metrics):
        m = MetricFactory(department=department, area_of_focus=area)
        add_value(m, quarter.previous().start, 28)
        add_value(m, quarter.start, 40 if red and i == 0 else 18)
    past = PhillyStatMeeting.objects.create(
        department=department,
        fiscal_year=quarter.previous().fiscal_year,
        quarter=quarter.previous().quarter,
        date=quarter.start.replace(day=15),
    )
    PhillyStatMeeting.objects.create(
        department=department,
        fiscal_year=quarter.fiscal_year,
        quarter=quarter.quarter,
        date=timezone.localdate() + datetime.timedelta(days=5),
    )
    Commitment.objects.create(
        meeting=past,
        department=department,
        what="Post wait times",
        owner="Operations manager",
        due=timezone.localdate() - datetime.timedelta(days=3),
    )
    Impediment.objects.create(
        department=department, kind="resources", description="Phone line unstaffed."
    )
    return department


def many_departments(n: int):
    return [
        full_department(name=f"Department {i:03d}", slug=f"dept-{i:03d}", red=i % 3 == 0)
        for i in range(n)
    ]
