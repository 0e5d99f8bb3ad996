from django.contrib import admin

from actions.admin import PlanChildInlineSaveMixin
from sendplan.admin_scope import AreaScopedAdmin, ScopedTabularInline

from .models import ImpactRating, OutcomeTarget


class ImpactRatingInline(ScopedTabularInline):
    model = ImpactRating
    extra = 0
    fields = ["month", "rag", "measured_value", "note", "state", "rated_by", "rated_at"]
    readonly_fields = ["rated_by", "rated_at"]


@admin.register(OutcomeTarget)
class OutcomeTargetAdmin(PlanChildInlineSaveMixin, AreaScopedAdmin):
    list_display = ["text", "issue", "target_month", "target_value", "unit", "plan"]
    list_filter = ["plan__area", "plan", "is_ongoing", "direction"]
    search_fields = ["text", "issue__ref"]
    list_select_related = ["issue", "plan"]
    autocomplete_fields = ["issue", "action"]
    inlines = [ImpactRatingInline]


@admin.register(ImpactRating)
class ImpactRatingAdmin(AreaScopedAdmin):
    list_display = ["target", "month", "rag", "measured_value", "state", "rated_by", "is_example"]
    list_filter = ["plan__area", "plan", "rag", "state", "month", "is_example"]
    search_fields = ["target__text", "note"]
    list_select_related = ["target", "rated_by"]
    autocomplete_fields = ["target"]
    # No date_hierarchy: its year links scan every row of the table on every page
    # (100 ms at fifty areas); the month filter and the area and plan filters remain.

    def save_model(self, request, obj, form, change):
        if obj.rated_by_id is None:
            obj.rated_by = request.user
        super().save_model(request, obj, form, change)
