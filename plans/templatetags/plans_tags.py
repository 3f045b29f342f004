from django import template

from departments import roles

register = template.Library()


@register.simple_tag
def can_open_current_plan(user, department) -> bool:
    """Whether the department's current plan (from annotate_plan_status) may be
    opened by the user: the MDO does not see plans never submitted, and a
    plan in draft has never been submitted (a returned plan is "changes
    requested", never draft again)."""
    if not getattr(department, "current_plan_id", None):
        return False
    if department.plan_status != "draft":
        return True
    return roles.is_ccso(user) or roles.has_department_role(user, department)
