"""Who is told about theme proposals and decisions (notify() in the ground floor)."""

from django.urls import reverse

from csoprogram.lib.notifications import notify
from departments.models import DepartmentRole
from departments.recipients import ccso_people, department_people_in


def theme_proposed_notify(*, theme) -> list[int]:
    department = theme.proposed_for.display_name if theme.proposed_for else "A department"
    return notify(
        kind="theme_proposed",
        event_key=f"theme:{theme.pk}:proposed",
        recipients=ccso_people(),
        title=f"{department} proposed the theme “{theme.name}”",
        body="Accept it, merge it into an existing theme or reject it on the theme board.",
        url=reverse("focusgroups:theme_board"),
    )


def theme_decided_notify(*, theme, merged_into=None) -> list[int]:
    """The proposer and the CSOs of the department it was proposed for."""
    recipients = [theme.proposed_by] if theme.proposed_by else []
    if theme.proposed_for_id:
        recipients += department_people_in(theme.proposed_for_id, DepartmentRole.CSO)
    decision = (
        f"merged into “{merged_into.name}”" if merged_into else theme.get_status_display().lower()
    )
    return notify(
        kind="theme_decided",
        event_key=f"theme:{theme.pk}:decided",
        recipients=list({p.pk: p for p in recipients}.values()),
        title=f"The theme “{theme.name}” you proposed was {decision}",
        body="Feedback tagged with it follows the decision.",
        url=reverse("focusgroups:theme_board"),
    )
