from django.contrib import admin

from actions.admin import (
    RATED_FIELDS,
    MonthlyRatingAdmin,
    MonthlyRatingInline,
    PlanChildInlineSaveMixin,
)
from sendplan.admin_scope import AreaScopedAdmin

from .models import PROMISED_FIELDS, ImpactRating, OutcomeTarget


class ImpactRatingInline(MonthlyRatingInline):
    model = ImpactRating
    fields = ["month", "rag", "measured_value", "note", "state", "rated_by", "rated_at"]


@admin.register(OutcomeTarget)
class OutcomeTargetAdmin(PlanChildInlineSaveMixin, AreaScopedAdmin):
    list_display = ["text", "issue", "target_month", "target_value", "unit", "plan"]
    list_filter = ["plan__area", "plan", "is_ongoing", "direction"]
    search_fields = ["text", "issue__ref"]
    list_select_related = ["issue", "plan"]
    autocomplete_fields = ["issue", "action"]
    inlines = [ImpactRatingInline]

    def get_readonly_fields(self, request, obj=None):
        # What a target promises changes only through an approved change request (issue
        # 19), here too: "Ask to change" on the page.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [name for name in PROMISED_FIELDS if name not in fields]
            fields.append("how_to_change")
        return fields

    @admin.display(description="Changing what it promises")
    def how_to_change(self, obj) -> str:
        return (
            "The wording, baseline, target figure, unit and target date change only through "
            "a change request: “Ask to change” on the issue's page or in the lead's monthly "
            "update, approved by a programme manager or an assurance executive member. "
            "Pending requests are on the plan's changes page."
        )


@admin.register(ImpactRating)
class ImpactRatingAdmin(MonthlyRatingAdmin):
    fields = ["plan", "target", "month", "rag", "measured_value", *RATED_FIELDS]
    list_display = ["target", "month", "rag", "measured_value", "state", "rated_by", "is_example"]
    list_filter = ["plan__area", "plan", "rag", "state", "month", "is_example"]
    search_fields = ["target__text", "note"]
    list_select_related = ["target", "rated_by"]
    autocomplete_fields = ["target"]
