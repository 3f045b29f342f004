"""Who is told about a department's workflow events (notify() recipients)."""

from django.contrib.auth import get_user_model

from .models import DepartmentAssignment
from .roles import CCSO_GROUP


def ccso_people() -> list:
    """The active Chief Customer Service Officers."""
    User = get_user_model()
    return list(User.objects.filter(groups__name=CCSO_GROUP, is_active=True).distinct())


def department_people_in(department_id: int, *roles: str) -> list:
    """The department's active people holding one of these roles."""
    return [
        a.user
        for a in DepartmentAssignment.objects.filter(
            department_id=department_id, role__in=roles, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    ]
