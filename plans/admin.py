from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AreaOfFocus,
    CustomerServicePlan,
    Impediment,
    LeaderSupport,
    PlanComment,
    Success,
)


@admin.register(CustomerServicePlan)
class CustomerServicePlanAdmin(SimpleHistoryAdmin):
    list_display = ["department", "program_year", "status", "version", "updated_at"]
    list_filter = ["status", "program_year"]
    list_select_related = ["department"]
    # Plans change through the program's pages, where saves are checked for
    # conflicts and the status flow is enforced.
    readonly_fields = ["status", "version", "ever_submitted"]


@admin.register(AreaOfFocus)
class AreaOfFocusAdmin(SimpleHistoryAdmin):
    list_display = ["title", "department", "year", "status"]
    list_filter = ["year", "status"]
    list_select_related = ["department"]


@admin.register(PlanComment)
class PlanCommentAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "field", "author", "created_at"]
    list_select_related = ["plan__department", "author"]


@admin.register(Impediment)
class ImpedimentAdmin(SimpleHistoryAdmin):
    list_display = ["department", "kind", "status", "created_at"]
    list_filter = ["kind", "status"]


admin.site.register(LeaderSupport)
admin.site.register(Success)
