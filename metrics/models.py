from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from csoprogram.lib import fiscal
from departments.models import Department
from plans.models import AreaOfFocus


class Unit(models.TextChoices):
    PERCENT = "percent", "%"
    MINUTES = "minutes", "minutes"
    DAYS = "days", "days"
    COUNT = "count", "count"
    SCORE = "score", "score"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Frequency(models.TextChoices):
    MONTHLY = fiscal.MONTHLY, "Monthly"
    QUARTERLY = fiscal.QUARTERLY, "Quarterly"


class RollUp(models.TextChoices):
    SUM = fiscal.ROLLUP_SUM, "Sum of the months"
    AVERAGE = fiscal.ROLLUP_AVERAGE, "Average of the months"
    LAST = fiscal.ROLLUP_LAST, "Last month of the quarter"


class Status(models.TextChoices):
    GREEN = "green", "On target"
    AMBER = "amber", "Near target"
    RED = "red", "Off target"


VALUE_DIGITS = {"max_digits": 14, "decimal_places": 4}

# The fields whose change makes a new version of a metric's definition: the
# whole definition, kept with who changed it, when and why.
VERSIONED_FIELDS = (
    "name",
    "definition",
    "unit",
    "direction",
    "baseline_value",
    "baseline_period",
    "target_value",
    "target_period",
    "interim_targets",
    "amber_band",
)


class Metric(models.Model):
    """A customer service metric of a department, linked to an area of focus."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="metrics")
    area_of_focus = models.ForeignKey(
        AreaOfFocus,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="metrics",
        verbose_name="Area of focus",
    )
    code = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Short identifier used in CSV files and the API, e.g. fleet-wait-time.",
    )
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="How the metric is counted.")
    unit = models.CharField(max_length=10, choices=Unit.choices)
    decimals = models.PositiveSmallIntegerField(
        "Decimals shown",
        default=1,
        validators=[MaxValueValidator(4)],
        help_text="How many decimals pages and packets show (0 to 4); values keep theirs.",
    )
    direction = models.CharField(max_length=6, choices=Direction.choices)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    rollup = models.CharField(
        "Monthly values roll up by", max_length=10, choices=RollUp.choices, default=RollUp.AVERAGE
    )
    baseline_value = models.DecimalField("Baseline", null=True, blank=True, **VALUE_DIGITS)
    baseline_period = models.DateField("Baseline period", null=True, blank=True)
    target_value = models.DecimalField("Target", null=True, blank=True, **VALUE_DIGITS)
    target_period = models.DateField("Target period (reached by)", null=True, blank=True)
    # The trajectory's targets set by hand, by fiscal quarter code ("FY2027-Q1": "25.5");
    # other quarters interpolate from baseline to target (metrics.trajectory).
    interim_targets = models.JSONField("Interim targets", default=dict, blank=True)
    amber_band = models.DecimalField(
        "Amber band",
        default=0,
        help_text="How far short of the target still counts as amber, in the metric's unit.",
        **VALUE_DIGITS,
    )
    data_source = models.CharField("Data source", max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_metrics",
        verbose_name="Owning analyst",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="unique_metric_name_per_department"
            ),
            models.CheckConstraint(condition=Q(amber_band__gte=0), name="amber_band_not_negative"),
            models.CheckConstraint(condition=Q(version__gte=1), name="metric_version_positive"),
            models.CheckConstraint(condition=Q(decimals__lte=4), name="metric_decimals_0_to_4"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("metrics:metric_detail", kwargs={"pk": self.pk})

    @property
    def baseline_label(self) -> str:
        return (
            fiscal.period_label(self.baseline_period, self.frequency)
            if self.baseline_period
            else ""
        )

    @property
    def target_label(self) -> str:
        if not self.target_period:
            return ""
        return fiscal.period_label(self.target_period, self.frequency)


class MetricVersion(models.Model):
    """A past or present version of a metric's definition. Version n applies to
    values from `effective_from` (the first day of a fiscal quarter) on."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    name = models.CharField(max_length=200, blank=True)
    definition = models.TextField()
    unit = models.CharField(max_length=10, choices=Unit.choices)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    baseline_value = models.DecimalField(null=True, blank=True, **VALUE_DIGITS)
    baseline_period = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(null=True, blank=True, **VALUE_DIGITS)
    target_period = models.DateField(null=True, blank=True)
    interim_targets = models.JSONField(default=dict, blank=True)
    amber_band = models.DecimalField(default=0, **VALUE_DIGITS)
    change_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["metric", "number"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "number"], name="unique_metric_version"),
        ]

    def __str__(self):
        return f"{self.metric} v{self.number}"

    @property
    def effective_label(self) -> str:
        return fiscal.quarter_of(self.effective_from).label

    @property
    def frequency(self) -> str:
        return self.metric.frequency

    @property
    def decimals(self) -> int:
        return self.metric.decimals


class MetricValue(models.Model):
    """The value of a metric for one period (a month or a fiscal quarter)."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(help_text="First day of the month or fiscal quarter.")
    value = models.DecimalField(**VALUE_DIGITS)
    note = models.TextField(blank=True)
    # Computed by metrics.status.value_status when the value or the target changes.
    status = models.CharField(max_length=5, choices=Status.choices, blank=True)
    definition_version = models.PositiveIntegerField(default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["metric", "period_start"]
        constraints = [
            # The program's rule: one value per metric per period.
            models.UniqueConstraint(
                fields=["metric", "period_start"], name="one_value_per_metric_period"
            ),
        ]
        indexes = [models.Index(fields=["period_start", "status"])]

    def __str__(self):
        return f"{self.metric}, {self.period_label}: {self.value}"

    @property
    def period_label(self) -> str:
        return fiscal.period_label(self.period_start, self.metric.frequency)

    @property
    def period_code(self) -> str:
        return fiscal.period_code(self.period_start, self.metric.frequency)


class CorrectionStatus(models.TextChoices):
    APPLIED = "applied", "Corrected"  # within the grace window: applied at once
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ValueCorrection(models.Model):
    """A change to a value already recorded, or to a locked period: the old
    value, the new one, who asked and why stay visible. Within the grace window
    it is applied at once; after, it waits for the CCSO's (or a designated
    approver's) approval (metrics.corrections)."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="corrections")
    period_start = models.DateField()
    metric_value = models.ForeignKey(
        MetricValue, on_delete=models.CASCADE, null=True, blank=True, related_name="corrections"
    )
    old_value = models.DecimalField(null=True, blank=True, **VALUE_DIGITS)
    new_value = models.DecimalField(**VALUE_DIGITS)
    new_note = models.TextField(null=True, blank=True, help_text="None: the note stays.")
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.APPLIED
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="correction_needs_reason"),
            # One correction waits for approval per metric and period at a time.
            models.UniqueConstraint(
                fields=["metric", "period_start"],
                condition=Q(status="pending"),
                name="one_pending_correction_per_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "changed_at"])]
        permissions = [
            ("approve_valuecorrection", "Can approve corrections to locked periods"),
        ]

    def __str__(self):
        return f"{self.old_value} → {self.new_value}"

    @property
    def period_label(self) -> str:
        return fiscal.period_label(self.period_start, self.metric.frequency)

    @property
    def is_pending(self) -> bool:
        return self.status == CorrectionStatus.PENDING

    @property
    def department(self):
        return self.metric.department

    @property
    def decide_url(self) -> str:
        return reverse("metrics:value_correction_decide", kwargs={"pk": self.pk})


class StarterMetric(models.Model):
    """The program's small library of customer-service metrics, copied into departments."""

    name = models.CharField(max_length=200, unique=True)
    definition = models.TextField()
    unit = models.CharField(max_length=10, choices=Unit.choices)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    rollup = models.CharField(max_length=10, choices=RollUp.choices, default=RollUp.AVERAGE)
    data_source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# PhillyStat meetings, narratives, commitments, reminders and review packets
# live in metrics/phillystat; imported here so that Django finds them.
from .history import register_history  # noqa: E402
from .phillystat.models import (  # noqa: E402,F401
    Commitment,
    CommitmentFollowUp,
    CommitmentStatus,
    FollowUpMemo,
    MetricNote,
    NarrativeCorrection,
    PacketSection,
    PhillyStatMeeting,
    QuarterlyNarrative,
    ReminderDelivery,
    ReminderKind,
    ReviewPacket,
)

register_history()
