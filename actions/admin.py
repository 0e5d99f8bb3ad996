from django import forms
from django.conf import settings
from django.contrib import admin

from sendplan.admin_scope import AreaScopedAdmin, ScopedTabularInline

from .models import Action, ActionLead, ActionStatus, StoryEntry, needs_due_date_approval

DUE_DATE_NEEDS_APPROVAL = (
    "This moves the due date more than {months} months beyond the month the plan first "
    "promised ({original}), so it needs approval: ask on the issue's page (“Ask to move the due "
    "date”, or move it in the lead's monthly update), and a programme manager or an "
    "assurance executive member approves it on the plan's changes page."
)


class ActionLeadInline(ScopedTabularInline):
    model = ActionLead
    extra = 0
    fields = ["person", "order"]
    autocomplete_fields = ["person"]


class MonthlyRatingInline(ScopedTabularInline):
    """An item's monthly ratings (``MonthlyRating``) under it; who rated it and when are
    filled in on saving."""

    extra = 0
    readonly_fields = ["rated_by", "rated_at"]


class ActionStatusInline(MonthlyRatingInline):
    model = ActionStatus
    fields = ["month", "status", "note", "state", "rated_by", "rated_at", "is_example"]


class PlanChildInlineSaveMixin:
    """Inline rows take their plan from the parent object; the forms do not show it."""

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.plan_id = form.instance.plan_id
            if hasattr(obj, "rated_by_id") and obj.rated_by_id is None:
                obj.rated_by = request.user
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class ActionAdminForm(forms.ModelForm):
    """A due date moved within the plan's allowance keeps the reason-only flow; beyond it,
    the admin refuses, as the lead's month does, and points to the request (issue 19)."""

    class Meta:
        model = Action
        fields = "__all__"  # noqa: DJ007 - the model admin's own fields say what shows

    def clean(self):
        cleaned = super().clean()
        action = self.instance
        if action.pk is None or "due_month" not in cleaned:
            return cleaned
        due = cleaned.get("due_month")
        if due == action.due_month:
            return cleaned
        if needs_due_date_approval(action, due):
            original = action.original_due_month or action.due_month
            self.add_error(
                "due_month",
                DUE_DATE_NEEDS_APPROVAL.format(
                    months=settings.SENDPLAN_DUE_DATE_APPROVAL_MONTHS,
                    original=f"{original:%B %Y}",
                ),
            )
        elif due is not None and not (cleaned.get("due_revised_reason") or "").strip():
            self.add_error("due_revised_reason", "Enter the reason the due date was revised.")
        return cleaned


@admin.register(Action)
class ActionAdmin(PlanChildInlineSaveMixin, AreaScopedAdmin):
    form = ActionAdminForm
    list_display = ["text", "issue", "due_month", "original_due_month", "completed_on", "plan"]
    list_filter = ["plan__area", "plan", "is_ongoing", "due_month"]
    search_fields = ["text", "issue__ref", "lead_rows__person__name"]
    list_select_related = ["issue", "plan"]
    autocomplete_fields = ["issue"]
    inlines = [ActionLeadInline, ActionStatusInline]

    def get_readonly_fields(self, request, obj=None):
        # The plan's first due month is what a large move is measured from, so it is not
        # edited here either; a large move is a request (ActionAdminForm).
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and "original_due_month" not in fields:
            fields.append("original_due_month")
        return fields

    def save_model(self, request, obj, form, change):
        if change and "due_month" in form.changed_data and obj.original_due_month is None:
            obj.original_due_month = form.initial.get("due_month")
        super().save_model(request, obj, form, change)


@admin.register(ActionLead)
class ActionLeadAdmin(AreaScopedAdmin):
    list_display = ["person", "action", "plan"]
    list_filter = ["plan__area", "plan"]
    search_fields = ["person__name", "action__text"]
    autocomplete_fields = ["person", "action"]


class MonthlyRatingAdmin(AreaScopedAdmin):
    """The admin of a ``MonthlyRating``: a new rating is rated by whoever adds it.

    No date_hierarchy: its year links scan every row of the table on every page (100 ms
    at fifty areas); the month filter and the area and plan filters remain. ``fields``
    keeps the form's order: the plan, the item, the month, the rating, then the rest.
    """

    def save_model(self, request, obj, form, change):
        if obj.rated_by_id is None:
            obj.rated_by = request.user
        super().save_model(request, obj, form, change)


RATED_FIELDS = ["note", "state", "rated_by", "rated_at", "is_example"]


@admin.register(ActionStatus)
class ActionStatusAdmin(MonthlyRatingAdmin):
    fields = ["plan", "action", "month", "status", *RATED_FIELDS]
    list_display = ["action", "month", "status", "state", "rated_by", "rated_at", "is_example"]
    list_filter = ["plan__area", "plan", "status", "state", "month", "is_example"]
    search_fields = ["action__text", "note"]
    list_select_related = ["action", "rated_by"]
    autocomplete_fields = ["action"]


@admin.register(StoryEntry)
class StoryEntryAdmin(AreaScopedAdmin):
    list_display = ["__str__", "month", "state", "author", "written_at", "is_example"]
    list_filter = ["plan__area", "plan", "state", "is_example"]
    search_fields = ["narrative", "issue__ref"]
    list_select_related = ["issue", "priority", "author"]
    autocomplete_fields = ["issue", "priority"]
    # No date_hierarchy: its year links scan every row of the table on every page
    # (100 ms at fifty areas); the area and plan filters remain.

    def save_model(self, request, obj, form, change):
        from sendplan.text import sanitise_narrative

        obj.narrative = sanitise_narrative(obj.narrative)
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
