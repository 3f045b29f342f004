"""Factories of the program-wide pages, and a department with something in
every app (built from each app's factories) for dashboard tests."""

import datetime

import factory
from django.utils import timezone

from csoprogram.lib import fiscal
from csoprogram.models import DepartmentPublication, ProgramMeeting, ProgramMeetingDepartment
from tests.departments.factories import DepartmentFactory
from tests.focusgroups.factories import FeedbackFactory, SessionFactory, ThemeFactory
from tests.metrics.factories import (
    CommitmentFactory,
    MetricFactory,
    PhillyStatMeetingFactory,
    add_value,
)
from tests.plans.factories import ImpedimentFactory, PlanFactory


class ProgramMeetingFactory(factory.django.DjangoModelFactory):
    """An outcomes session (or, kind="program_update", a program update);
    agenda=[departments] puts them on its agenda in that order."""

    class Meta:
        model = ProgramMeeting
        skip_postgeneration_save = True

    kind = ProgramMeeting.Kind.OUTCOMES_SESSION
    date = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def agenda(self, create, extracted, **kwargs):
        for order, department in enumerate(extracted or [], start=1):
            ProgramMeetingDepartmentFactory(meeting=self, department=department, order=order)


class ProgramMeetingDepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramMeetingDepartment

    meeting = factory.SubFactory(ProgramMeetingFactory)
    department = factory.SubFactory(DepartmentFactory)
    order = 1


class DepartmentPublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentPublication

    department = factory.SubFactory(DepartmentFactory)
    status = DepartmentPublication.Status.REQUESTED


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
        session = SessionFactory(
            department=department,
            held_on=timezone.localdate() - datetime.timedelta(days=40),
            audience=audience,
            participants=6,
        )
        for sentiment, text in (
            ("negative", "The wait was too long."),
            ("positive", "Kind staff."),
        ):
            FeedbackFactory(
                session=session,
                text=f"{text} ({department.slug})",
                sentiment=sentiment,
                customer_type=audience,
                themes=[theme],
            )
    area = PlanFactory(department=department, status=status).areas_of_focus.first()
    quarter = fiscal.last_completed_quarter()
    for i in range(metrics):
        m = MetricFactory(department=department, area_of_focus=area)
        add_value(m, quarter.previous().start, 28)
        add_value(m, quarter.start, 40 if red and i == 0 else 18)
    past = PhillyStatMeetingFactory(
        department=department, period=quarter.previous(), date=quarter.start.replace(day=15)
    )
    PhillyStatMeetingFactory(
        department=department,
        period=quarter,
        date=timezone.localdate() + datetime.timedelta(days=5),
    )
    CommitmentFactory(
        meeting=past,
        what="Post wait times",
        due=timezone.localdate() - datetime.timedelta(days=3),
    )
    ImpedimentFactory(department=department, description="Phone line unstaffed.")
    return department


def many_departments(n: int):
    return [
        full_department(name=f"Department {i:03d}", slug=f"dept-{i:03d}", red=i % 3 == 0)
        for i in range(n)
    ]
