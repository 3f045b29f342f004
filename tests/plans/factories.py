"""Factories of the plans app: plans in each state, areas of focus,
impediments. Built straight in the database (no service), for tests."""

import factory
from django.utils import timezone

from plans.models import AreaOfFocus, CustomerServicePlan, Impediment, PlanStatus, Success
from tests.departments.factories import DepartmentFactory
from tests.focusgroups.factories import ThemeFactory

FLEET_VISION = (
    "At the Office of Fleet Management, our vision is to deliver top quality service to our "
    "customers on time, every time."
)


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan in `status`; a plan that left draft was submitted. It has its
    year-one area of focus ("Vehicles back on time") unless with_area=False."""

    class Meta:
        model = CustomerServicePlan
        skip_postgeneration_save = True

    class Params:
        with_area = True

    department = factory.SubFactory(DepartmentFactory)
    program_year = 2027
    status = PlanStatus.DRAFT
    mission = "We keep the city's vehicles safe and ready."
    vision = FLEET_VISION
    ever_submitted = factory.LazyAttribute(lambda p: p.status != PlanStatus.DRAFT)
    submitted_at = factory.LazyAttribute(
        lambda p: timezone.now() if p.status != PlanStatus.DRAFT else None
    )

    area = factory.Maybe(
        "with_area",
        yes_declaration=factory.RelatedFactory(
            "tests.plans.factories.AreaOfFocusFactory", factory_related_name="plan"
        ),
    )


class AreaOfFocusFactory(factory.django.DjangoModelFactory):
    """An area of focus of a plan, answering the theme "Timeliness"."""

    class Meta:
        model = AreaOfFocus
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory, with_area=False)
    department = factory.LazyAttribute(lambda a: a.plan.department)
    title = "Vehicles back on time"
    year = 1
    status = AreaOfFocus.Status.ACTIVE

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(
                extracted if extracted is not None else [ThemeFactory(name="Timeliness")]
            )


class ImpedimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Impediment

    department = factory.SubFactory(DepartmentFactory)
    kind = "resources"
    description = "No staff to answer the phone line."


class SuccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Success

    department = factory.SubFactory(DepartmentFactory)
    title = "A success to celebrate"
    happened_on = factory.LazyFunction(timezone.localdate)
