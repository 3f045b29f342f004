"""Builders for metrics tests: plans with an area of focus, metrics, values, meetings."""

from decimal import Decimal

import factory

from csoprogram.lib import fiscal
from metrics.models import (
    VERSIONED_FIELDS,
    Commitment,
    Metric,
    MetricValue,
    MetricVersion,
    PhillyStatMeeting,
)
from metrics.status import value_status
from plans.models import AreaOfFocus, CustomerServicePlan


def approved_area(
    department, *, title="Faster vehicle turnaround", ever_submitted=True, status="approved"
):
    plan, _ = CustomerServicePlan.objects.get_or_create(
        department=department,
        program_year=2027,
        defaults={"status": status, "ever_submitted": ever_submitted},
    )
    area, _ = AreaOfFocus.objects.get_or_create(
        plan=plan, department=department, title=title, defaults={"year": 1}
    )
    return area


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric
        skip_postgeneration_save = True

    department = None
    name = factory.Sequence(lambda n: f"Average wait time {n}")
    code = factory.LazyAttribute(
        lambda m: f"{m.department.slug}-{m.name}".lower().replace(" ", "-")
    )
    definition = "Minutes from arrival until served."
    unit = "minutes"
    direction = "lower"
    frequency = "quarterly"
    baseline_value = Decimal("30")
    baseline_period = factory.LazyFunction(lambda: fiscal.quarter(2025, 1).start)
    target_value = Decimal("20")
    amber_band = Decimal("5")

    @factory.post_generation
    def first_version(self, create, extracted, **kwargs):
        if create:
            MetricVersion.objects.create(
                metric=self,
                number=1,
                effective_from=fiscal.quarter(2000, 1).start,
                **{f: getattr(self, f) for f in VERSIONED_FIELDS},
            )


def add_value(metric, period_start, value, **extra):
    value = Decimal(str(value))
    return MetricValue.objects.create(
        metric=metric,
        period_start=period_start,
        value=value,
        status=value_status(
            value=value,
            target=metric.target_value,
            direction=metric.direction,
            amber_band=metric.amber_band,
        ),
        **extra,
    )


def meeting_for(department, quarter=None, **extra):
    quarter = quarter or fiscal.last_completed_quarter()
    extra.setdefault("date", quarter.next().start.replace(day=20))
    return PhillyStatMeeting.objects.create(
        department=department, fiscal_year=quarter.fiscal_year, quarter=quarter.quarter, **extra
    )


def commitment_for(meeting, **extra):
    extra.setdefault("what", "Publish the wait-time dashboard")
    extra.setdefault("owner", "Fleet operations manager")
    extra.setdefault("due", meeting.date.replace(day=28))
    return Commitment.objects.create(meeting=meeting, department=meeting.department, **extra)
