"""Factories of the CSO training program (departments.training)."""

import factory
from django.utils import timezone

from departments.models import TrainingCompletion, TrainingModule

from .factories import UserFactory


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule

    title = factory.Sequence(lambda n: f"Module {n}")
    required = True


class TrainingCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCompletion

    module = factory.SubFactory(TrainingModuleFactory)
    user = factory.SubFactory(UserFactory)
    completed_on = factory.LazyFunction(timezone.localdate)
