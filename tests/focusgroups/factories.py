import datetime

import factory

from focusgroups.models import Audience, CustomerType, FeedbackItem, FocusGroupSession, Theme
from tests.factories import DepartmentFactory


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


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    department = factory.LazyAttribute(lambda o: o.session.department)
    text = factory.Sequence(lambda n: f"Feedback number {n}")
    sentiment = "negative"
    customer_type = CustomerType.EXTERNAL

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)
