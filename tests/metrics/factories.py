"""Factories of the metrics app: metrics (with their first definition
version), values (with their status), PhillyStat meetings, commitments."""

from decimal import Decimal

import factory

from csoprogram.lib import fiscal
from departments.models import DepartmentRole
from metrics.models import (
    VERSIONED_FIELDS,
    Commitment,
    CorrectionStatus,
    Metric,
    MetricNote,
    MetricValue,
    MetricVersion,
    NarrativeCorrection,
    PhillyStatMeeting,
    QuarterlyNarrative,
    ReviewPacket,
    StarterMetric,
    ValueCorrection,
)
from metrics.selectors import status_for
from tests.departments.factories import DepartmentFactory, UserFactory, assign


class MetricFactory(factory.django.DjangoModelFactory):
    """Quarterly, lower is better: baseline 30, target 20, amber up to 25."""

    class Meta:
        model = Metric
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
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


class MetricValueFactory(factory.django.DjangoModelFactory):
    """A value with the status the app gives it: against its quarter's target
    on the metric's trajectory (metrics.selectors.status_for)."""

    class Meta:
        model = MetricValue

    metric = factory.SubFactory(MetricFactory)
    period_start = factory.LazyFunction(lambda: fiscal.last_completed_quarter().start)
    value = Decimal("18")
    status = factory.LazyAttribute(
        lambda v: status_for(v.metric, None, Decimal(str(v.value)), period_start=v.period_start)
    )


def add_value(metric, period_start, value, **extra):
    """Shorthand of MetricValueFactory for a metric's series."""
    return MetricValueFactory(
        metric=metric, period_start=period_start, value=Decimal(str(value)), **extra
    )


class PhillyStatMeetingFactory(factory.django.DjangoModelFactory):
    """The department's meeting about `period` (a fiscal.Quarter; the last
    completed one by default), on the 20th of the month after it."""

    class Meta:
        model = PhillyStatMeeting

    class Params:
        period = factory.LazyFunction(fiscal.last_completed_quarter)

    department = factory.SubFactory(DepartmentFactory)
    fiscal_year = factory.LazyAttribute(lambda m: m.period.fiscal_year)
    quarter = factory.LazyAttribute(lambda m: m.period.quarter)
    date = factory.LazyAttribute(lambda m: m.period.next().start.replace(day=20))


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    meeting = factory.SubFactory(PhillyStatMeetingFactory)
    department = factory.LazyAttribute(lambda c: c.meeting.department)
    what = "Publish the wait-time dashboard"
    # Someone who may own it: a CSO of the meeting's department.
    owner = factory.LazyAttribute(
        lambda c: assign(UserFactory(), c.meeting.department, DepartmentRole.CSO)
    )
    due = factory.LazyAttribute(lambda c: c.meeting.date.replace(day=28))


class QuarterlyNarrativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyNarrative

    class Params:
        period = factory.LazyFunction(fiscal.last_completed_quarter)

    department = factory.SubFactory(DepartmentFactory)
    fiscal_year = factory.LazyAttribute(lambda n: n.period.fiscal_year)
    quarter = factory.LazyAttribute(lambda n: n.period.quarter)
    what_changed = "Opened a second service window."


class ReviewPacketFactory(factory.django.DjangoModelFactory):
    """A department's packet for a PhillyStat meeting (kind="outcomes" with
    meeting=None, department=None for the outcomes session's)."""

    class Meta:
        model = ReviewPacket

    kind = ReviewPacket.Kind.DEPARTMENT
    meeting = factory.SubFactory(PhillyStatMeetingFactory)
    department = factory.LazyAttribute(lambda p: p.meeting.department if p.meeting else None)
    title = factory.LazyAttribute(lambda p: f"Review packet {p.kind}")


class MetricNoteFactory(factory.django.DjangoModelFactory):
    """The narrative's note on one metric (what a red value needs)."""

    class Meta:
        model = MetricNote

    narrative = factory.SubFactory(QuarterlyNarrativeFactory)
    metric = factory.SubFactory(MetricFactory)
    note = "A fleet recall."


class StarterMetricFactory(factory.django.DjangoModelFactory):
    """A metric of the program's starter library."""

    class Meta:
        model = StarterMetric
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Starter metric {n}")
    definition = "How it is counted."
    unit = "percent"
    direction = "higher"


class ValueCorrectionFactory(factory.django.DjangoModelFactory):
    """A correction of a locked period waiting for approval (status pending)."""

    class Meta:
        model = ValueCorrection

    metric_value = factory.SubFactory(MetricValueFactory)
    metric = factory.LazyAttribute(lambda c: c.metric_value.metric)
    period_start = factory.LazyAttribute(lambda c: c.metric_value.period_start)
    old_value = factory.LazyAttribute(lambda c: c.metric_value.value)
    new_value = Decimal("21")
    reason = "The vendor's report was re-run."
    status = CorrectionStatus.PENDING


class NarrativeCorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NarrativeCorrection

    narrative = factory.SubFactory(QuarterlyNarrativeFactory)
    department = factory.LazyAttribute(lambda c: c.narrative.department)
    what_changed = "Opened a second and a third service window."
    reason = "The third window opened in the last week of the quarter."


class ReminderDeliveryFactory(factory.django.DjangoModelFactory):
    """A PhillyStat reminder created for a person and not sent yet (queued)."""

    class Meta:
        model = "metrics.ReminderDelivery"

    meeting = factory.SubFactory(PhillyStatMeetingFactory)
    kind = "cso"
    offset_days = 7
    subject = factory.LazyAttribute(lambda r: f"Narrative due for {r.meeting.quarter_label}")
    body = "Write the quarterly narrative."
