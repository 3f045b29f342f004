"""Access to departments. Outsiders get 404 so that other departments'
records do not reveal they exist; known but read-only people get 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import roles
from .models import Department


def can_view_department(user, department) -> bool:
    return roles.is_program_wide(user) or roles.has_department_role(user, department)


def department_for_user(user, slug: str, *, roles_required: tuple[str, ...] = ()) -> Department:
    """The department with this slug, if the user may see it; else 404.

    roles_required: department roles needed to act (for example ("cso",));
    a user who may see the department but lacks them gets 403.
    """
    try:
        department = Department.objects.get(slug=slug, active=True)
    except Department.DoesNotExist:
        raise Http404("No such department.") from None
    if not can_view_department(user, department):
        raise Http404("No such department.")
    if roles_required and not roles.has_department_role(user, department, *roles_required):
        raise PermissionDenied
    return department


def require_ccso(user) -> None:
    if not roles.is_ccso(user):
        raise PermissionDenied


def require_program_wide(user) -> None:
    """CCSO or MDO; department people get 403 (the page exists, it is not theirs)."""
    if not roles.is_program_wide(user):
        raise PermissionDenied
