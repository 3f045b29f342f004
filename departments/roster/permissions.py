"""Who may manage the roster: the Chief Customer Service Officer and
administrators. Everyone else gets 403 on every roster page before any record
is looked up, so the answer says nothing about which people exist."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from departments import roles
from departments.models import Department, DepartmentAssignment, User

from .selectors import person_for_roster


def can_manage_roster(user) -> bool:
    return roles.is_ccso(user) or bool(user.is_authenticated and user.is_superuser)


def require_roster_manager(user) -> None:
    if not can_manage_roster(user):
        raise PermissionDenied


def person_for_manager(user, pk: int) -> User:
    require_roster_manager(user)
    try:
        return person_for_roster(pk)
    except User.DoesNotExist:
        raise Http404("No such person.") from None


def department_for_manager(user, pk: int) -> Department:
    """Archived departments too: they stay readable to the CCSO."""
    require_roster_manager(user)
    return get_object_or_404(Department, pk=pk)


def assignment_for_manager(user, pk: int) -> DepartmentAssignment:
    require_roster_manager(user)
    return get_object_or_404(
        DepartmentAssignment.objects.select_related("user", "department"), pk=pk
    )
