"""Factories of the focusgroups app: themes, sessions, feedback."""

import datetime

import factory
from django.utils import timezone

from focusgroups.models import Audience, CustomerType, FeedbackItem, FocusGroupSession, Theme
from tests.departments.factories import DepartmentFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Theme {n}")
    status = Theme.Status.ACCEPTED


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusGroupSession

    department = factory.SubFactory(DepartmentFactory)
    held_on = factory.LazyFunction(lambda: datetime.date(2026, 10, 1))
    audience = Audience.EXTERNAL
    status = FocusGroupSession.Status.HELD
    participants = 8
    location = "Municipal Services Building"


def _held_session(department) -> FocusGroupSession:
    """Feedback given only a department lands on one held session of it, today."""
    session, _ = FocusGroupSession.objects.get_or_create(
        department=department,
        held_on=timezone.localdate(),
        audience=Audience.EXTERNAL,
        defaults={"status": FocusGroupSession.Status.HELD, "participants": 8},
    )
    return session


class FeedbackFactory(factory.django.DjangoModelFactory):
    """Feedback of a session: FeedbackFactory(session=s, …), or
    FeedbackFactory(for_department=d, …) on a held session of that department."""

    class Meta:
        model = FeedbackItem
        skip_postgeneration_save = True

    class Params:
        for_department = None

    session = factory.Maybe(
        "for_department",
        yes_declaration=factory.LazyAttribute(lambda o: _held_session(o.for_department)),
        no_declaration=factory.SubFactory(SessionFactory),
    )
    department = factory.LazyAttribute(lambda o: o.session.department)
    text = factory.Sequence(lambda n: f"Feedback number {n}")
    sentiment = "negative"
    customer_type = CustomerType.EXTERNAL

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)
