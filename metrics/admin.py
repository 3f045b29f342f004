from django.contrib import admin

from .models import (
    Commitment,
    Metric,
    MetricNote,
    MetricValue,
    MetricVersion,
    PhillyStatMeeting,
    QuarterlyNarrative,
    StarterMetric,
    ValueCorrection,
)


class MetricVersionInline(admin.TabularInline):
    model = MetricVersion
    extra = 0
    readonly_fields = ["created_by", "created_at"]


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "code", "frequency", "target_value", "version", "active"]
    list_filter = ["department", "frequency", "active"]
    search_fields = ["name", "code"]
    list_select_related = ["department"]
    inlines = [MetricVersionInline]


class ValueCorrectionInline(admin.TabularInline):
    model = ValueCorrection
    extra = 0
    readonly_fields = ["old_value", "new_value", "reason", "changed_by", "changed_at"]


@admin.register(MetricValue)
class MetricValueAdmin(admin.ModelAdmin):
    list_display = ["metric", "period_start", "value", "status", "entered_by", "updated_at"]
    list_filter = ["status", "metric__department"]
    list_select_related = ["metric", "entered_by"]
    raw_id_fields = ["metric"]
    inlines = [ValueCorrectionInline]


@admin.register(StarterMetric)
class StarterMetricAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "direction", "frequency"]


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    fields = ["what", "owner", "due", "status", "closed_at"]
    raw_id_fields = ["owner"]


@admin.register(PhillyStatMeeting)
class PhillyStatMeetingAdmin(admin.ModelAdmin):
    list_display = ["department", "fiscal_year", "quarter", "date", "analyst"]
    list_filter = ["department", "fiscal_year"]
    list_select_related = ["department", "analyst"]
    inlines = [CommitmentInline]


class MetricNoteInline(admin.TabularInline):
    model = MetricNote
    extra = 0


@admin.register(QuarterlyNarrative)
class QuarterlyNarrativeAdmin(admin.ModelAdmin):
    list_display = ["department", "fiscal_year", "quarter", "written_by", "updated_at"]
    list_filter = ["department"]
    inlines = [MetricNoteInline]
