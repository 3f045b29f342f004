"""The metrics tables of a department's exports: metric definitions and their
versions, values with their corrections, PhillyStat meetings, quarterly
narratives (and their corrections), notes on metrics and commitments. Rows
are read generically (csoprogram.lib.exports.model_columns), so a field added
to a model is exported as it is. An area of focus of a plan the user may not
read (the MDO, a plan never submitted) is not named."""

from django.db.models import Case, CharField, F, QuerySet, Value, When

from csoprogram.lib.exports import Column, ExportTable, model_columns
from plans.selectors import plans_visible_to

from .models import Metric, MetricValue, MetricVersion, ValueCorrection
from .phillystat.models import (
    Commitment,
    MetricNote,
    NarrativeCorrection,
    PhillyStatMeeting,
    QuarterlyNarrative,
    ReviewPacket,
)


def _metrics(department, user) -> QuerySet:
    readable_plans = plans_visible_to(user).filter(department=department).values("pk")
    return (
        Metric.objects.filter(department=department)
        .annotate(
            area_shown=Case(
                When(area_of_focus__plan__in=readable_plans, then=F("area_of_focus__title")),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .order_by("code")
    )


def _filtered(model, path: str, *order):
    return lambda department, user: model.objects.filter(**{path: department}).order_by(*order)


METRIC_COLUMNS = [
    Column("area_of_focus", "area_shown") if c.name == "area_of_focus" else c
    for c in model_columns(Metric)
]
# A metric is named by its code (unique) in the tables that refer to it.
BY_CODE = {"metric": Column("metric", "metric__code")}


def _with_metric_code(model) -> list[Column]:
    return [BY_CODE.get(c.name, c) for c in model_columns(model)]


EXPORTS = [
    ExportTable(
        "metric-definitions",
        "Customer service metric definitions",
        "Each metric: definition, unit, direction, baseline, target, thresholds, "
        "frequency, data source and area of focus.",
        _metrics,
        METRIC_COLUMNS,
    ),
    ExportTable(
        "metric-definition-versions",
        "Metric definition versions",
        "Earlier definitions of each metric and when they took effect.",
        _filtered(MetricVersion, "metric__department", "metric__code", "effective_from", "pk"),
        _with_metric_code(MetricVersion),
    ),
    ExportTable(
        "metric-values",
        "Metric values",
        "One value per metric and fiscal period, with its note and status.",
        _filtered(MetricValue, "metric__department", "metric__code", "period_start"),
        _with_metric_code(MetricValue),
    ),
    ExportTable(
        "value-corrections",
        "Corrections to metric values",
        "Changes to values after their quarter was locked: old and new value, reason, "
        "who asked and who decided.",
        _filtered(ValueCorrection, "metric__department", "changed_at", "pk"),
        _with_metric_code(ValueCorrection),
    ),
    ExportTable(
        "phillystat-meetings",
        "PhillyStat meetings",
        "Each meeting: quarter, date, attendees and analyst.",
        _filtered(PhillyStatMeeting, "department", "date", "pk"),
        model_columns(PhillyStatMeeting),
    ),
    ExportTable(
        "quarterly-narratives",
        "Quarterly narratives",
        "The CSO's account of each quarter: what changed and the impediments.",
        _filtered(QuarterlyNarrative, "department", "fiscal_year", "quarter"),
        model_columns(QuarterlyNarrative),
    ),
    ExportTable(
        "narrative-corrections",
        "Corrections to quarterly narratives",
        "Changes to a narrative after its meeting, with the reason and the decision.",
        _filtered(NarrativeCorrection, "department", "requested_at", "pk"),
        model_columns(NarrativeCorrection),
    ),
    ExportTable(
        "metric-notes",
        "Notes on metrics",
        "The narrative's note on each metric (required for a value off target).",
        _filtered(MetricNote, "narrative__department", "narrative__fiscal_year", "pk"),
        _with_metric_code(MetricNote),
    ),
    ExportTable(
        "commitments",
        "Commitments",
        "Commitments made at PhillyStat meetings: what, owner, due date, status (open, done,"
        " dropped), when and by whom closed, the closing note.",
        _filtered(Commitment, "department", "due", "pk"),
        model_columns(Commitment),
    ),
]


def department_packet_files(department) -> list[tuple[str, str]]:
    """The department's ready review packets: (name in an archive, storage name)."""
    from_storage = []
    packets = ReviewPacket.objects.filter(
        department=department, status=ReviewPacket.Status.READY
    ).exclude(file="")
    for p in packets.select_related("meeting").order_by("created_at", "pk"):
        when = p.meeting.date.isoformat() if p.meeting else p.created_at.date().isoformat()
        from_storage.append((f"review-packets/{when}-packet-{p.pk}.pdf", p.file))
    return from_storage
