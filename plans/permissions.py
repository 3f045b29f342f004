"""Access to customer service plans and the change-management record.

Outsiders get 404 (another department's records do not reveal they exist);
people who may see a record but not act on it get 403. The MDO reads
everything except plans never submitted, which answer 404 to it.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from departments import roles
from departments.models import Department, DepartmentRole

from .models import EDITABLE_STATUSES, AreaOfFocus, CustomerServicePlan, Impediment


def can_view_plan(user, plan: CustomerServicePlan) -> bool:
    if roles.is_ccso(user) or roles.has_department_role(user, plan.department_id):
        return True
    return roles.is_mdo(user) and plan.ever_submitted


def can_edit_plan(user, plan: CustomerServicePlan) -> bool:
    """CSOs of the department, while the plan is a draft or returned for changes."""
    return plan.status in EDITABLE_STATUSES and roles.is_cso(user, plan.department_id)


def can_comment_on_plan(user, plan: CustomerServicePlan) -> bool:
    return roles.is_ccso(user) or roles.has_department_role(
        user, plan.department_id, DepartmentRole.CSO, DepartmentRole.HEAD
    )


def can_review_plan(user, plan: CustomerServicePlan) -> bool:
    return roles.is_ccso(user)


def can_endorse_plan(user, plan: CustomerServicePlan) -> bool:
    return roles.is_head(user, plan.department_id)


def plan_for_user(user, pk, *, write: bool = False) -> CustomerServicePlan:
    """The plan, if the user may see it (else 404); with write=True, also the
    right to edit it now (else 403)."""
    try:
        plan = CustomerServicePlan.objects.select_related("department").get(
            pk=pk, department__active=True
        )
    except (CustomerServicePlan.DoesNotExist, ValueError):
        raise Http404("No such plan.") from None
    if not can_view_plan(user, plan):
        raise Http404("No such plan.")
    if write and not can_edit_plan(user, plan):
        raise PermissionDenied
    return plan


def area_of_focus_for_user(user, pk, *, write: bool = False) -> AreaOfFocus:
    try:
        area = AreaOfFocus.objects.select_related("plan__department").get(
            pk=pk, department__active=True
        )
    except (AreaOfFocus.DoesNotExist, ValueError):
        raise Http404("No such area of focus.") from None
    if not can_view_plan(user, area.plan):
        raise Http404("No such area of focus.")
    if write and not can_edit_plan(user, area.plan):
        raise PermissionDenied
    return area


def can_view_change_record(user, department) -> bool:
    return roles.is_program_wide(user) or roles.has_department_role(user, department)


def can_log_impediment(user, department) -> bool:
    """CSOs and heads write impediments and successes."""
    return roles.has_department_role(user, department, DepartmentRole.CSO, DepartmentRole.HEAD)


def can_record_support(user, department) -> bool:
    """Leaders record the support they gave: the department head and the CCSO."""
    return roles.is_ccso(user) or roles.is_head(user, department)


def can_record_success(user, department) -> bool:
    return roles.is_ccso(user) or can_log_impediment(user, department)


def change_record_department_for_user(user, slug: str, *, action: str | None = None) -> Department:
    """The department for its change-management record: 404 to outsiders;
    action ("impediment", "support", "success") needs that right, else 403."""
    try:
        department = Department.objects.get(slug=slug, active=True)
    except Department.DoesNotExist:
        raise Http404("No such department.") from None
    if not can_view_change_record(user, department):
        raise Http404("No such department.")
    checks = {
        "impediment": can_log_impediment,
        "support": can_record_support,
        "success": can_record_success,
    }
    if action and not checks[action](user, department):
        raise PermissionDenied
    return department


def impediment_for_user(user, pk, *, write: bool = False) -> Impediment:
    try:
        impediment = Impediment.objects.select_related("department").get(
            pk=pk, department__active=True
        )
    except (Impediment.DoesNotExist, ValueError):
        raise Http404("No such impediment.") from None
    if not can_view_change_record(user, impediment.department):
        raise Http404("No such impediment.")
    if write and not can_log_impediment(user, impediment.department):
        raise PermissionDenied
    return impediment
