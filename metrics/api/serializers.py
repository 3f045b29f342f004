"""Serializers of the JSON API. Rules stay in the services: a refused rule
(RuleError) comes back as a 400 naming the field (see errors.py)."""

from rest_framework import serializers

from csoprogram.lib import fiscal
from plans.models import AreaOfFocus, CustomerServicePlan
from plans.selectors import area_shown_to

from .. import services
from ..models import VALUE_DIGITS, Metric, MetricValue, ValueCorrection
from ..rules import period_refusal


class AreaOfFocusSerializer(serializers.ModelSerializer):
    class Meta:
        model = AreaOfFocus
        fields = ["id", "plan", "department", "title", "description", "year", "status"]


class PlanSerializer(serializers.ModelSerializer):
    areas_of_focus = AreaOfFocusSerializer(many=True, read_only=True)

    class Meta:
        model = CustomerServicePlan
        fields = [
            "id",
            "department",
            "program_year",
            "status",
            "mission",
            "vision",
            "strengths",
            "opportunities",
            "submitted_at",
            "approved_at",
            "areas_of_focus",
        ]


class MetricSerializer(serializers.ModelSerializer):
    area_of_focus = serializers.SerializerMethodField()
    baseline_period = serializers.SerializerMethodField()
    target_period = serializers.SerializerMethodField()
    latest_value = serializers.DecimalField(read_only=True, allow_null=True, **VALUE_DIGITS)
    latest_status = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Metric
        fields = [
            "id",
            "code",
            "department",
            "area_of_focus",
            "name",
            "definition",
            "unit",
            "decimals",
            "direction",
            "frequency",
            "rollup",
            "baseline_value",
            "baseline_period",
            "target_value",
            "target_period",
            "amber_band",
            "data_source",
            "owner",
            "version",
            "latest_value",
            "latest_status",
        ]

    def get_area_of_focus(self, obj) -> int | None:
        """The area's id, unless the reader may not see its plan (the MDO and
        a plan never submitted)."""
        area = area_shown_to(self.context["request"].user, obj.area_of_focus)
        return area.pk if area else None

    def get_baseline_period(self, obj) -> str | None:
        return (
            fiscal.period_code(obj.baseline_period, obj.frequency) if obj.baseline_period else None
        )

    def get_target_period(self, obj) -> str | None:
        return fiscal.period_code(obj.target_period, obj.frequency) if obj.target_period else None


PERIOD_PATTERN = r"^\s*(?:[Ff][Yy]\s*)?\d{4}\s*[-/ ]?\s*[Qq][1-4]\s*$|^\s*\d{4}-\d{1,2}\s*$"


class PeriodSerializerField(serializers.RegexField):
    """A period as text: "FY2027-Q1" (quarter) or "2026-07" (month)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": "Write FY2027-Q1 or 2026-07."})
        super().__init__(PERIOD_PATTERN, **kwargs)

    def run_validation(self, data=serializers.empty):
        text = super().run_validation(data)
        try:
            return fiscal.parse_period(text)
        except fiscal.PeriodError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return value


class MetricValueSerializer(serializers.ModelSerializer):
    """Write a value: metric, period, value, note; `reason` is needed when it
    changes a value already recorded. Posting a period that has a value updates it."""

    period = PeriodSerializerField(
        source="period_code",
        max_length=20,
        help_text="FY2027-Q1 for a quarter, 2026-07 for a month.",
    )
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why a recorded value changes (needed for a correction).",
    )
    value = serializers.DecimalField(**VALUE_DIGITS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = MetricValue
        fields = [
            "id",
            "metric",
            "period",
            "period_start",
            "value",
            "note",
            "status",
            "reason",
            "updated_at",
        ]
        read_only_fields = ["id", "period_start", "status", "updated_at"]
        # The one-value-per-period rule is enforced by the service (an update, not an error).
        validators = []

    def __init__(self, *args, metrics=None, **kwargs):
        super().__init__(*args, **kwargs)
        if metrics is not None:
            self.fields["metric"].queryset = metrics

    def validate(self, attrs):
        metric = attrs.get("metric") or getattr(self.instance, "metric", None)
        period = attrs.get("period_code")
        if period is not None and metric is not None:
            refusal = period_refusal(name=metric.name, frequency=metric.frequency, period=period)
            if refusal is not None:
                raise serializers.ValidationError({"period": refusal.text})
        return attrs

    def _record(self, metric, period_start, attrs):
        mv, created = services.value_record(
            user=self.context["request"].user,
            metric=metric,
            period_start=period_start,
            value=attrs["value"],
            note=attrs.get("note"),
            reason=attrs.get("reason", ""),
        )
        self.created = created
        return mv

    def create(self, validated_data):
        return self._record(
            validated_data["metric"], validated_data["period_code"].start, validated_data
        )

    def update(self, instance, validated_data):
        data = {"value": instance.value, "note": None, **validated_data}
        period = validated_data.get("period_code")
        if period is not None and period.start != instance.period_start:
            raise serializers.ValidationError({"period": "A value's period cannot change."})
        return self._record(instance.metric, instance.period_start, data)


class ValueCorrectionSerializer(serializers.ModelSerializer):
    """A correction of a locked period, waiting for the CCSO's approval."""

    period = serializers.SerializerMethodField()

    class Meta:
        model = ValueCorrection
        fields = ["id", "metric", "period", "old_value", "new_value", "reason", "status"]
        read_only_fields = fields

    def get_period(self, obj) -> str:
        return fiscal.period_code(obj.period_start, obj.metric.frequency)
