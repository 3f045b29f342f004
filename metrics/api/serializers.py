"""Serializers of the JSON API. Rules stay in the services: a refused rule
(RuleError) comes back as a 400 naming the field (see errors.py)."""

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound

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


# The years fiscal.parse_period takes (1901 to 2199), so the schema admits
# exactly what the API accepts: no "0000Q1", no month 13.
_YEAR = r"(?:19(?:0[1-9]|[1-9][0-9])|2[01][0-9]{2})"
PERIOD_PATTERN = (
    rf"^\s*(?:[Ff][Yy]\s*)?{_YEAR}\s*[-/ ]?\s*[Qq][1-4]\s*$"
    rf"|^\s*{_YEAR}-(?:0?[1-9]|1[0-2])\s*$"
)


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


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        # At least one digit, at most 10 before and 4 after the point.
        "pattern": r"^-?(?:\d{1,10}(?:\.\d{0,4})?|\.\d{1,4})$",
        "example": "18.5",
    }
)
class ValueField(serializers.DecimalField):
    """A metric value as text ("18.5"); a JSON number is read too."""


class VisibleMetricField(serializers.PrimaryKeyRelatedField):
    """The metric of a value: one the user does not see answers 404, like its page."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return self.get_queryset().get(pk=int(data))
        except (TypeError, ValueError, OverflowError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        except ObjectDoesNotExist:
            raise NotFound({"metric": "No such metric."}) from None


class MetricValueSerializer(serializers.ModelSerializer):
    """Write a value: metric, period, value, note; `reason` is needed when it
    changes a value already recorded. Posting a period that has a value updates it."""

    period = PeriodSerializerField(
        source="period_code",
        max_length=20,
        help_text="FY2027-Q1 for a quarter, 2026-07 for a month. A value's period cannot "
        "change: on update give its own period or leave it out.",
    )
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why a recorded value changes (needed for a correction).",
    )
    metric = VisibleMetricField(queryset=Metric.objects.none())
    value = ValueField(**VALUE_DIGITS)
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

    def to_internal_value(self, data):
        # A body with fields this API does not have, or a PATCH with none of
        # its own, is refused rather than answered 200 having done nothing.
        if hasattr(data, "keys"):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["No such field, or one that cannot be written."] for name in unknown}
                )
            if self.partial and not set(data.keys()) & writable:
                raise serializers.ValidationError(
                    {"non_field_errors": ["Nothing to change: send value or note."]}
                )
        elif data is not None:
            raise serializers.ValidationError(
                {"non_field_errors": ["The body is a JSON object of the value's fields."]}
            )
        return super().to_internal_value(data)

    def validate(self, attrs):
        if self.instance is not None:
            metric = attrs.get("metric")
            if metric is not None and metric.pk != self.instance.metric_id:
                raise serializers.ValidationError({"metric": "A value's metric cannot change."})
            period = attrs.get("period_code")
            if period is not None and period.start != self.instance.period_start:
                raise serializers.ValidationError({"period": "A value's period cannot change."})
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
