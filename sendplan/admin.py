"""The admin for the core plan. Every model shows its audit history (SimpleHistoryAdmin).

Staff who are not superusers see only the areas they are members of: the admin is scoped
like every other page.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .admin_scope import AreaScopedAdmin
from .models import (
    Area,
    Finding,
    Issue,
    IssueStrategyLink,
    Membership,
    Milestone,
    MilestonePriority,
    Person,
    Plan,
    Priority,
    ReportingMonth,
    StrategyLink,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["area"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "get_full_name", "email", "is_active", "is_staff"]


@admin.register(Area)
class AreaAdmin(AreaScopedAdmin):
    area_path = ""
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(AreaScopedAdmin):
    area_path = "area"
    list_display = ["user", "area", "role"]
    list_filter = ["area", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "area"]


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0
    fields = ["number", "title"]
    show_change_link = True


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["kind", "order", "text"]


@admin.register(Plan)
class PlanAdmin(AreaScopedAdmin):
    area_path = "area"
    list_display = ["title", "area", "kind", "inspection_date", "publication_date"]
    list_filter = ["area", "kind"]
    search_fields = ["title", "slug", "area__name"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PriorityInline, FindingInline]


@admin.register(Finding)
class FindingAdmin(AreaScopedAdmin):
    list_display = ["text", "kind", "plan"]
    list_filter = ["plan__area", "plan", "kind"]
    search_fields = ["text"]


class IssueInline(admin.TabularInline):
    model = Issue
    extra = 0
    fields = ["ref", "description", "is_gap", "order"]
    show_change_link = True


@admin.register(Priority)
class PriorityAdmin(AreaScopedAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan__area", "plan"]
    search_fields = ["title", "description"]
    inlines = [IssueInline]


@admin.register(StrategyLink)
class StrategyLinkAdmin(AreaScopedAdmin):
    area_path = "area"
    list_display = ["name", "area"]
    list_filter = ["area"]
    search_fields = ["name"]


class IssueStrategyLinkInline(admin.TabularInline):
    model = IssueStrategyLink
    extra = 0
    fields = ["strategy_link"]
    autocomplete_fields = ["strategy_link"]


@admin.register(Issue)
class IssueAdmin(AreaScopedAdmin):
    list_display = ["ref", "description", "priority", "is_gap", "plan"]
    list_filter = ["plan__area", "plan", "is_gap", "strategy_links"]
    search_fields = ["ref", "description"]
    list_select_related = ["priority", "plan"]
    autocomplete_fields = ["priority"]
    inlines = [IssueStrategyLinkInline]

    def save_formset(self, request, form, formset, change):
        # The through rows take their plan from the issue in save(); the inline form
        # does not show the plan field, so set it before saving.
        for obj in formset.save(commit=False):
            obj.plan_id = form.instance.plan_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(IssueStrategyLink)
class IssueStrategyLinkAdmin(AreaScopedAdmin):
    list_display = ["issue", "strategy_link", "plan"]
    list_filter = ["plan__area", "plan"]


@admin.register(Person)
class PersonAdmin(AreaScopedAdmin):
    area_path = "area"
    list_display = ["name", "role", "organisation", "area", "user"]
    list_select_related = ["area", "user"]
    list_filter = ["area", "organisation"]
    search_fields = ["name", "role", "organisation", "email"]
    autocomplete_fields = ["user"]


@admin.register(ReportingMonth)
class ReportingMonthAdmin(AreaScopedAdmin):
    list_display = ["plan", "month", "status", "deadline"]
    list_filter = ["plan__area", "plan", "status"]
    date_hierarchy = "month"


class MilestonePriorityInline(admin.TabularInline):
    model = MilestonePriority
    extra = 0
    fields = ["priority"]


@admin.register(Milestone)
class MilestoneAdmin(AreaScopedAdmin):
    list_display = ["period", "text", "due_month", "plan"]
    list_filter = ["plan__area", "plan", "period"]
    search_fields = ["text", "period"]
    inlines = [MilestonePriorityInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.plan_id = form.instance.plan_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(MilestonePriority)
class MilestonePriorityAdmin(AreaScopedAdmin):
    list_display = ["milestone", "priority", "plan"]
    list_filter = ["plan__area", "plan"]
