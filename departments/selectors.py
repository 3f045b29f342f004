"""Reads about departments and their people, scoped to the user."""

from django.db.models import QuerySet

from . import roles
from .models import Department, DepartmentAssignment, DepartmentRole


def departments_visible_to(user) -> QuerySet[Department]:
    qs = Department.objects.filter(active=True)
    if roles.is_program_wide(user):
        return qs
    return qs.filter(pk__in=roles.department_ids_with_role(user))


def department_people(department: Department) -> dict[str, list]:
    people: dict[str, list] = {r: [] for r in DepartmentRole.values}
    for a in DepartmentAssignment.objects.filter(department=department).select_related("user"):
        people[a.role].append(a.user)
    return people
