from django import template

from departments import roles

from .. import selectors
from ..formatting import metric_format
from ..models import Status
from ..permissions import ENTER_VALUES, PROPOSE_METRIC, SCHEDULE_MEETING, can
from ..phillystat.selectors import department_next_meeting

register = template.Library()


@register.filter
def metric_value(value, definition=""):
    """12.5000 → "12.5"; with the metric (or its unit): "12.5%" or "18.9 minutes".
    The one formatting of metric numbers (metrics.formatting)."""
    return metric_format(value, definition)


@register.filter
def status_label(status) -> str:
    """The words for a status, from the one list (metrics.models.Status)."""
    return Status(status).label if status in Status.values else "No target"


@register.inclusion_tag("metrics/partials/status_badge.html")
def status_badge(status):
    return {"status": status or "", "label": status_label(status)}


@register.simple_tag
def metrics_by_area(evidence):
    """Area id -> its customer service metrics with latest values, for a list
    of areas of focus (or plans' AreaEvidence rows), in one query."""
    return selectors.metrics_by_area([getattr(e, "area", e) for e in evidence])


@register.filter
def metrics_of(by_area: dict, area_id):
    return by_area.get(area_id, [])


@register.inclusion_tag("metrics/partials/department_metrics.html", takes_context=True)
def department_metrics_panel(context, department):
    user = context["request"].user
    return {
        "department": department,
        "metrics": selectors.hide_unsubmitted_areas(user, selectors.department_metrics(department)),
        "next_meeting": department_next_meeting(department),
        "can_enter": can(user, ENTER_VALUES, department),
        "can_propose": can(user, PROPOSE_METRIC, department),
        "can_schedule": can(user, SCHEDULE_MEETING, department),
        "is_program_wide": roles.is_program_wide(user),
    }


@register.simple_tag
def definition_changes_of(metric):
    """The metric's definition changes after its first value, from its
    prefetched versions and values (no query when both are prefetched)."""
    versions = sorted(metric.versions.all(), key=lambda v: v.number)
    first = min((v.period_start for v in metric.values.all()), default=None)
    return selectors.definition_changes(versions, first)
