"""Access to customer service plans and the change-management record.

Outsiders get 404 (another department's records do not reveal they exist);
people who may see a record but not act on it get 403. The MDO, and every
page, packet and export read program-wide, sees a plan only once it was
submitted for review (plan_shown_program_wide); a plan never submitted answers
404 to the MDO and leaves no trace in what it reads. The only thing the MDO
writes is support and encouragement (can_record_support).
"""

from django.db.models import Q

from csoprogram.lib.access import object_for_user
from departments import roles
from departments.models import Department, DepartmentRole

from .models import EDITABLE_STATUSES, AreaOfFocus, CustomerServicePlan, Impediment, PlanComment


def plan_shown_program_wide(plan: CustomerServicePlan) -> bool:
    """The rule: a plan is seen outside its department (by the MDO, in
    packets, dashboards and exports) once it was submitted for review."""
    return plan.ever_submitted


# SQL twin of plan_shown_program_wide, as a filter on CustomerServicePlan.
SHOWN_PROGRAM_WIDE = Q(ever_submitted=True)


def can_view_plan(user, plan: CustomerServicePlan) -> bool:
    if roles.is_ccso(user) or roles.has_department_role(user, plan.department_id):
        return True
    return roles.is_mdo(user) and plan_shown_program_wide(plan)


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


def _plan_record_for_user(queryset, user, pk, *, plan_of, write, act, not_found):
    """A plan or a part of one: seen by who may see the plan (404 otherwise);
    write=True: edited only while the plan may be (403 otherwise)."""
    edit = lambda u, r: can_edit_plan(u, plan_of(r))  # noqa: E731
    return object_for_user(
        queryset.filter(department__active=True),
        user,
        pk=pk,
        can_view=lambda u, r: can_view_plan(u, plan_of(r)),
        can_act=edit if write else act,
        not_found=not_found,
    )


def plan_for_user(user, pk, *, write: bool = False, act=None) -> CustomerServicePlan:
    """The plan, if the user may see it (else 404); with write=True, also the
    right to edit it now (else 403); act: another right, such as can_review_plan."""
    plans = CustomerServicePlan.objects.select_related("department")
    return _plan_record_for_user(
        plans, user, pk, plan_of=lambda p: p, write=write, act=act, not_found="No such plan."
    )


def area_of_focus_for_user(user, pk, *, write: bool = False, act=None) -> AreaOfFocus:
    areas = AreaOfFocus.objects.select_related("plan__department")
    missing = "No such area of focus."
    return _plan_record_for_user(
        areas, user, pk, plan_of=lambda a: a.plan, write=write, act=act, not_found=missing
    )


def plan_comment_for_user(user, pk, *, act=None) -> PlanComment:
    """A review comment, seen by who may see its plan (404 otherwise); act: a
    further right (403 otherwise)."""
    comments = PlanComment.objects.select_related("plan__department", "author")
    return object_for_user(
        comments.filter(plan__department__active=True),
        user,
        pk=pk,
        can_view=lambda u, c: can_view_plan(u, c.plan),
        can_act=act,
        not_found="No such comment.",
    )


def can_view_change_record(user, department) -> bool:
    return roles.is_program_wide(user) or roles.has_department_role(user, department)


def can_log_impediment(user, department) -> bool:
    """CSOs and heads write impediments and successes."""
    return roles.has_department_role(user, department, DepartmentRole.CSO, DepartmentRole.HEAD)


def can_record_support(user, department) -> bool:
    """Leaders record the support and encouragement they gave: the department
    head, the CCSO and the Managing Director's Office (the only thing the MDO
    writes)."""
    return roles.is_program_wide(user) or roles.is_head(user, department)


def can_record_success(user, department) -> bool:
    return roles.is_ccso(user) or can_log_impediment(user, department)


CHANGE_RECORD_ACTIONS = {
    "impediment": can_log_impediment,
    "support": can_record_support,
    "success": can_record_success,
}


def change_record_department_for_user(user, slug: str, *, action: str | None = None) -> Department:
    """The department for its change-management record: 404 to outsiders;
    action ("impediment", "support", "success") needs that right, else 403."""
    return object_for_user(
        Department.objects.filter(active=True),
        user,
        slug=slug,
        can_view=can_view_change_record,
        can_act=CHANGE_RECORD_ACTIONS[action] if action else None,
        not_found="No such department.",
    )


def impediment_for_user(user, pk, *, write: bool = False) -> Impediment:
    log = lambda u, i: can_log_impediment(u, i.department)  # noqa: E731
    return object_for_user(
        Impediment.objects.select_related("department").filter(department__active=True),
        user,
        pk=pk,
        can_view=lambda u, i: can_view_change_record(u, i.department),
        can_act=log if write else None,
        not_found="No such impediment.",
    )
