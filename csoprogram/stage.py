"""The department's stage in the program, derived (never typed in):

Focus groups (n of 5) → Plan drafting → Plan submitted → Plan approved →
Reporting quarterly.

It reads every app, so it lives on the top floor: each app annotates the fact
it knows onto a Department queryset (focus groups held; the current plan's
status; values and narrative complete for the last quarter) and
department_stage() decides, here and nowhere else.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from departments.models import Department
from focusgroups.progress import focus_group_target, focus_group_target_met
from focusgroups.selectors import annotate_focus_group_progress
from metrics.phillystat.selectors import annotate_reporting_current
from plans.models import PlanStatus
from plans.selectors import annotate_plan_status


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    step: int  # 1..5, for progress displays
    next_step: str

    @property
    def css(self) -> str:
        return f"stage-{self.key}"


STAGE_KEYS = ("focus_groups", "plan_drafting", "plan_submitted", "plan_approved", "reporting")
STAGE_LABELS = {
    "focus_groups": "Focus groups",
    "plan_drafting": "Plan drafting",
    "plan_submitted": "Plan submitted",
    "plan_approved": "Plan approved",
    "reporting": "Reporting quarterly",
}
STAGE_CHOICES = [("", "Any stage")] + [(k, STAGE_LABELS[k]) for k in STAGE_KEYS]


def departments_with_stage(qs: QuerySet[Department] | None = None) -> QuerySet[Department]:
    """Annotate departments with what the stage is derived from, in one query."""
    if qs is None:
        qs = Department.objects.filter(active=True)
    qs = annotate_focus_group_progress(qs)
    qs = annotate_plan_status(qs)
    qs = annotate_reporting_current(qs)
    return qs


def department_stage(department: Department) -> Stage:
    """The department's stage, from the annotations of departments_with_stage()."""
    target = focus_group_target()
    held = getattr(department, "focus_groups_held", 0) or 0
    plan_status = getattr(department, "plan_status", None)
    reporting = bool(getattr(department, "reporting_current", False))

    if plan_status == PlanStatus.APPROVED:
        if reporting:
            return Stage(
                "reporting",
                "Reporting quarterly",
                5,
                "Keep values and the quarterly narrative current for each PhillyStat meeting.",
            )
        return Stage(
            "plan_approved",
            "Plan approved",
            4,
            "Enter the last quarter's metric values and write the quarterly narrative.",
        )
    if plan_status == PlanStatus.SUBMITTED:
        return Stage(
            "plan_submitted",
            "Plan submitted",
            3,
            "The Chief Customer Service Officer is reviewing the plan.",
        )
    drafting = plan_status in (PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED)
    if drafting or focus_group_target_met(held):
        nxt = (
            "Revise the plan where the reviewer asked, then submit it again."
            if plan_status == PlanStatus.CHANGES_REQUESTED
            else "Write the customer service plan and submit it for review."
        )
        return Stage("plan_drafting", "Plan drafting", 2, nxt)
    return Stage(
        "focus_groups",
        f"Focus groups ({held} of {target})",
        1,
        f"Hold and record focus group sessions ({target - held} to go).",
    )


@dataclass(frozen=True)
class StageStep:
    label: str
    state: str  # "done", "current" or "todo"

    @property
    def state_words(self) -> str:
        return {"done": "Done", "current": "Current", "todo": "To come"}[self.state]


def stage_steps(department: Department, stage: Stage) -> list[StageStep]:
    """The stepper: each stage before the current one is done, except the focus
    groups, which stay "n of target" until the target is met (a plan may be
    drafted before the fifth session)."""
    held = getattr(department, "focus_groups_held", 0) or 0
    steps = []
    for number, key in enumerate(STAGE_KEYS, start=1):
        label = STAGE_LABELS[key]
        if number == stage.step:
            state, label = "current", stage.label
        elif number < stage.step:
            state = "done"
        else:
            state = "todo"
        if key == "focus_groups" and not focus_group_target_met(held):
            label = f"Focus groups ({held} of {focus_group_target()})"
            if state == "done":
                state = "todo"
        steps.append(StageStep(label, state))
    return steps


def with_stage(departments) -> list[Department]:
    """Materialise annotated departments with .stage set on each."""
    result = list(departments)
    for d in result:
        d.stage = department_stage(d)
    return result
