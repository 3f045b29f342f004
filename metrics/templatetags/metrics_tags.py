from decimal import Decimal

from django import template

from departments import roles

from .. import selectors
from ..permissions import ENTER_VALUES, PROPOSE_METRIC, SCHEDULE_MEETING, can

register = template.Library()


@register.filter
def metric_value(value, unit: str = ""):
    """12.5000 → "12.5"; with the unit: "12.5%" or "12.5 minutes"."""
    if value is None or value == "":
        return "—"
    number = Decimal(value).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    text = f"{number:,f}"
    if unit == "percent":
        return f"{text}%"
    if unit in ("minutes", "days"):
        return f"{text} {unit}"
    return text


@register.inclusion_tag("metrics/partials/status_badge.html")
def status_badge(status):
    labels = {"green": "On target", "amber": "Near target", "red": "Off target"}
    return {"status": status or "", "label": labels.get(status or "", "No target")}


@register.inclusion_tag("metrics/partials/department_metrics.html", takes_context=True)
def department_metrics_panel(context, department):
    user = context["request"].user
    summary = selectors.department_metric_summary(department)
    return {
        "department": department,
        "metrics": summary["metrics"],
        "next_meeting": summary["next_meeting"],
        "can_enter": can(user, ENTER_VALUES, department),
        "can_propose": can(user, PROPOSE_METRIC, department),
        "can_schedule": can(user, SCHEDULE_MEETING, department),
        "is_program_wide": roles.is_program_wide(user),
    }
