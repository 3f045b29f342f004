"""The plans tables of a department's exports: plans, their versions, areas of
focus, impediments, support and successes. A plan never submitted is left out
for whoever may not read it (the MDO), and so are its areas and versions; the
MDO gets no version from before a plan's first submission."""

from django.db.models import QuerySet

from csoprogram.lib.exports import ExportTable, model_columns
from departments import roles

from .models import AreaOfFocus, CustomerServicePlan, Impediment, LeaderSupport, Success
from .selectors import plans_visible_to


def _plans(department, user) -> QuerySet:
    return plans_visible_to(user).filter(department=department).order_by("program_year", "pk")


def _versions(department, user) -> QuerySet:
    versions = CustomerServicePlan.history.filter(
        id__in=_plans(department, user).values("pk")
    ).order_by("id", "history_date", "history_id")
    if not (roles.is_ccso(user) or roles.has_department_role(user, department)):
        versions = versions.filter(ever_submitted=True)
    return versions


def _areas(department, user) -> QuerySet:
    return AreaOfFocus.objects.filter(plan__in=_plans(department, user).values("pk")).order_by(
        "plan__program_year", "year", "pk"
    )


def _of_department(model, *order):
    return lambda department, user: model.objects.filter(department=department).order_by(*order)


EXPORTS = [
    ExportTable(
        "plans",
        "Customer service plans",
        "Each program year's plan: mission and vision statements, strengths, "
        "opportunities, status, who endorsed and approved it.",
        _plans,
        model_columns(CustomerServicePlan),
    ),
    ExportTable(
        "plan-versions",
        "Plan versions",
        "Every saved version of each plan, with who saved it, when and why.",
        _versions,
        model_columns(CustomerServicePlan.history.model),
    ),
    ExportTable(
        "areas-of-focus",
        "Areas of focus",
        "Each plan's areas of focus, year one and two, with their status.",
        _areas,
        model_columns(AreaOfFocus),
    ),
    ExportTable(
        "impediments",
        "Impediments",
        "Impediments met (pushback, lack of resources …), the support asked for and how "
        "each was resolved.",
        _of_department(Impediment, "created_at", "pk"),
        model_columns(Impediment),
    ),
    ExportTable(
        "support",
        "Support and encouragement",
        "The support and encouragement leaders gave.",
        _of_department(LeaderSupport, "created_at", "pk"),
        model_columns(LeaderSupport),
    ),
    ExportTable(
        "successes",
        "Successes",
        "Successes to celebrate.",
        _of_department(Success, "happened_on", "pk"),
        model_columns(Success),
    ),
]
