"""Who is who. Department roles come from DepartmentAssignment; the two
program-wide roles are groups. Results are cached on the user object for the
length of a request, so templates and helpers can ask freely."""

from django.contrib.auth.models import Group

from .models import DepartmentAssignment, DepartmentRole

CCSO_GROUP = "Chief Customer Service Officer"
MDO_GROUP = "Managing Director's Office"
PROGRAM_GROUPS = (CCSO_GROUP, MDO_GROUP)


def _group_names(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_cso_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._cso_group_names = cached
    return cached


def department_roles(user) -> dict[int, frozenset[str]]:
    """Department id -> the roles the user holds there."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_cso_department_roles", None)
    if cached is None:
        roles: dict[int, set[str]] = {}
        for dept_id, role in DepartmentAssignment.objects.filter(
            user=user, department__active=True
        ).values_list("department_id", "role"):
            roles.setdefault(dept_id, set()).add(role)
        cached = {k: frozenset(v) for k, v in roles.items()}
        user._cso_department_roles = cached
    return cached


def is_ccso(user) -> bool:
    return CCSO_GROUP in _group_names(user)


def is_mdo(user) -> bool:
    return MDO_GROUP in _group_names(user)


def is_program_wide(user) -> bool:
    """CCSO and MDO see every department."""
    return is_ccso(user) or is_mdo(user)


def department_ids_with_role(user, *roles: str) -> set[int]:
    wanted = set(roles) or set(DepartmentRole.values)
    return {d for d, held in department_roles(user).items() if held & wanted}


def has_department_role(user, department, *roles: str) -> bool:
    dept_id = department if isinstance(department, int) else department.pk
    held = department_roles(user).get(dept_id, frozenset())
    return bool(held & set(roles)) if roles else bool(held)


def is_cso(user, department=None) -> bool:
    if department is None:
        return bool(department_ids_with_role(user, DepartmentRole.CSO))
    return has_department_role(user, department, DepartmentRole.CSO)


def is_head(user, department=None) -> bool:
    if department is None:
        return bool(department_ids_with_role(user, DepartmentRole.HEAD))
    return has_department_role(user, department, DepartmentRole.HEAD)


def is_analyst(user, department=None) -> bool:
    if department is None:
        return bool(department_ids_with_role(user, DepartmentRole.ANALYST))
    return has_department_role(user, department, DepartmentRole.ANALYST)


def ensure_program_groups() -> None:
    for name in PROGRAM_GROUPS:
        Group.objects.get_or_create(name=name)
