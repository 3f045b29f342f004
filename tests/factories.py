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
    class Meta:
        model = DepartmentAssignment

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = DepartmentRole.CSO


def assign(user, department, role):
    DepartmentAssignment.objects.get_or_create(user=user, department=department, role=role)
    # Drop the per-request role cache so a new assignment is seen at once.
    for attr in ("_cso_department_roles", "_cso_group_names"):
        if hasattr(user, attr):
            delattr(user, attr)
    return user
