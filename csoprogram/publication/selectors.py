"""Reads for publishing: a department's publishing status, and what the
anonymous public may see. A department is public only while its publishing
is approved and it has an approved plan (plans.selectors.plans_approved);
everything else answers as if it did not exist."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from departments.models import Department
from metrics.models import Metric
from metrics.selectors import annotate_latest_value
from plans.models import AreaOfFocus, CustomerServicePlan
from plans.selectors import plans_approved

from ..facts import ACTIVE_AREA_STATUSES
from ..models import DepartmentPublication


def department_publication(department: Department) -> DepartmentPublication | None:
    return (
        DepartmentPublication.objects.filter(department=department)
        .prefetch_related("metrics")
        .first()
    )


def department_has_approved_plan(department: Department) -> bool:
    return plans_approved().filter(department=department).exists()


def published_departments() -> QuerySet[Department]:
    return Department.objects.filter(
        active=True,
        publication__status=DepartmentPublication.Status.PUBLISHED,
        pk__in=plans_approved().values("department_id"),
    ).order_by("name")


def _published(slug: str) -> Department | None:
    return published_departments().select_related("publication").filter(slug=slug).first()


def _published_metrics(department: Department) -> QuerySet[Metric]:
    return Metric.objects.filter(
        active=True, department=department, pk__in=department.publication.metrics.all()
    )


def published_department(slug: str) -> dict | None:
    """What a department has published, or None: its latest approved plan's
    mission, vision and areas of focus, and the metrics it chose with their
    values. No names, no feedback, nothing unpublished."""
    department = _published(slug)
    if department is None:
        return None
    plan: CustomerServicePlan | None = (
        plans_approved()
        .filter(department=department)
        .order_by("-program_year")
        .prefetch_related(
            Prefetch(
                "areas_of_focus",
                queryset=AreaOfFocus.objects.filter(status__in=ACTIVE_AREA_STATUSES),
                to_attr="active_areas",
            )
        )
        .first()
    )
    metrics = list(annotate_latest_value(_published_metrics(department).order_by("name")))
    return {"department": department, "plan": plan, "metrics": metrics}


def published_metric(slug: str, metric_id: int) -> Metric | None:
    """A metric the department published, with its values (for its trend)."""
    department = _published(slug)
    if department is None:
        return None
    return _published_metrics(department).filter(pk=metric_id).prefetch_related("values").first()
