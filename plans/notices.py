"""Who is told when a plan moves through review (notify() in the ground floor).

Each event's key names the plan and its version, so a retried request tells
nobody twice and a new submission is news again.
"""

from csoprogram.lib.notifications import notify
from departments import roles
from departments.models import DepartmentRole
from departments.recipients import ccso_people, department_people_in


def _name(user) -> str:
    return user.get_full_name() or user.username if user else "Someone"


def _csos(plan) -> list:
    return department_people_in(plan.department_id, DepartmentRole.CSO)


def plan_submitted_notify(*, plan, user) -> list[int]:
    department = plan.department.display_name
    return notify(
        kind="plan_submitted",
        event_key=f"plan:{plan.pk}:submitted:{plan.version}",
        recipients=ccso_people(),
        title=f"{department} submitted its customer service plan for review",
        body=f"{_name(user)} submitted the FY{plan.program_year} plan. It waits for your review.",
        url=plan.get_absolute_url(),
    )


def plan_changes_requested_notify(*, plan, user, comment: str) -> list[int]:
    return notify(
        kind="plan_changes_requested",
        event_key=f"plan:{plan.pk}:changes_requested:{plan.version}",
        recipients=_csos(plan),
        title=f"Changes requested on your FY{plan.program_year} customer service plan",
        body=f"{_name(user)} returned the plan: {comment.strip()}",
        url=plan.get_absolute_url(),
    )


def plan_approved_notify(*, plan, user, comment: str = "") -> list[int]:
    return notify(
        kind="plan_approved",
        event_key=f"plan:{plan.pk}:approved:{plan.version}",
        recipients=_csos(plan),
        title=f"Your FY{plan.program_year} customer service plan is approved",
        body=f"{_name(user)} approved the plan." + (f" {comment.strip()}" if comment else ""),
        url=plan.get_absolute_url(),
    )


def plan_comment_notify(*, comment) -> list[int]:
    """A comment tells the department's CSOs; one by a CSO tells the CCSO too.
    Nobody is told about their own comment."""
    plan, author = comment.plan, comment.author
    recipients = _csos(plan)
    if author is not None and roles.is_cso(author, plan.department_id):
        recipients += ccso_people()
    return notify(
        kind="plan_comment",
        event_key=f"plan-comment:{comment.pk}",
        recipients=[p for p in recipients if author is None or p.pk != author.pk],
        title=f"{_name(author)} commented on the {plan.department.display_name} plan",
        body=comment.body[:500],
        url=plan.get_absolute_url(),
    )
