from django.contrib import admin

from .models import FeedbackItem, FocusGroupSession, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "proposed_for", "merged_into", "decided_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    raw_id_fields = ["proposed_by", "decided_by", "merged_into"]


class FeedbackInline(admin.TabularInline):
    model = FeedbackItem
    extra = 0
    fields = ["text", "sentiment", "customer_type", "possible_solution", "shared_with_csos"]


@admin.register(FocusGroupSession)
class FocusGroupSessionAdmin(admin.ModelAdmin):
    list_display = ["department", "held_on", "audience", "status", "participants"]
    list_filter = ["status", "audience", "department"]
    date_hierarchy = "held_on"
    list_select_related = ["department"]
    raw_id_fields = ["facilitator", "created_by"]
    inlines = [FeedbackInline]


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "department", "sentiment", "customer_type", "shared_with_csos"]
    list_filter = ["sentiment", "customer_type", "shared_with_csos", "department"]
    search_fields = ["text", "possible_solution"]
    list_select_related = ["department"]
    raw_id_fields = ["session", "created_by"]
    filter_horizontal = ["themes"]
