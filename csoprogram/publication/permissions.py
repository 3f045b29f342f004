"""Who does what with a department's public page. Everyone who may see the
department reads its publishing status; outsiders get 404."""

from csoprogram.lib.access import object_for_user
from departments import roles
from departments.models import Department
from departments.permissions import can_view_department


def can_request_publication(user, department) -> bool:
    return roles.is_cso(user, department)


def can_approve_publication(user, department) -> bool:
    return roles.is_ccso(user)


def can_withdraw_publication(user, department) -> bool:
    return roles.is_ccso(user) or roles.is_cso(user, department)


def publication_department_for_user(user, slug: str, *, act=None) -> Department:
    """The department, if the user may see it (else 404); act: one of the
    rights above, else 403."""
    return object_for_user(
        Department.objects.filter(active=True),
        user,
        slug=slug,
        can_view=can_view_department,
        can_act=act,
        not_found="No such department.",
    )
