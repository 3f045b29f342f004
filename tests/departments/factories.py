"""Factories of the departments app: people, departments, assignments."""

import factory
from django.contrib.auth.models import Group

from departments.models import Department, DepartmentAssignment, DepartmentRole, User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    short_name = factory.LazyAttribute(lambda d: d.name)
    slug = factory.Sequence(lambda n: f"dept-{n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A role of a person in a department. The person's cached roles are
    dropped, so a new assignment is seen at once."""

    class Meta:
        model = DepartmentAssignment
        django_get_or_create = ("user", "department", "role")
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = DepartmentRole.CSO

    @factory.post_generation
    def _fresh_roles(self, create, extracted, **kwargs):
        for attr in ("_cso_department_roles", "_cso_group_names"):
            if hasattr(self.user, attr):
                delattr(self.user, attr)


def assign(user, department, role):
    """The user, now holding `role` in `department` (for persona fixtures)."""
    AssignmentFactory(user=user, department=department, role=role)
    return user
