from django import template

from ..selectors import department_recent_sessions, department_strengths_and_opportunities

register = template.Library()


@register.simple_tag
def department_focus_groups(department):
    """Recent sessions and the strengths and opportunities of a department,
    for the focus-group panel of the department page (three queries)."""
    return {
        "sessions": department_recent_sessions(department=department),
        "summary": department_strengths_and_opportunities(department=department),
    }
