"""Access to departments. Outsiders get 404 so that other departments'
records do not reveal they exist; known but read-only people get 403."""

from django.core.exceptions import PermissionDenied

from csoprogram.lib.access import object_for_user

from . import roles
from .models import Department


def can_view_department(user, department) -> bool:
    return roles.is_program_wide(user) or roles.has_department_role(user, department)


def department_for_user(user, slug: str, *, roles_required: tuple[str, ...] = ()) -> Department:
    """The department with this slug, if the user may see it; else 404.

    roles_required: department roles needed to act (for example ("cso",));
    a user who may see the department but lacks them gets 403.
    """
    return object_for_user(
        Department.objects.filter(active=True),
        user,
        slug=slug,
        can_view=can_view_department,
        can_act=(lambda u, d: roles.has_department_role(u, d, *roles_required))
        if roles_required
        else None,
        not_found="No such department.",
    )


def require_ccso(user) -> None:
    if not roles.is_ccso(user):
        raise PermissionDenied


def require_program_wide(user) -> None:
    """CCSO or MDO; department people get 403 (the page exists, it is not theirs)."""
    if not roles.is_program_wide(user):
        raise PermissionDenied
