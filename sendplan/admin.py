"""The admin for the core plan. Every model shows its audit history (SimpleHistoryAdmin).

Staff who are not superusers see only the areas they are members of: the admin is scoped
like every other page (sendplan.admin_scope).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from .admin_scope import AreaScopedAdmin, ScopedAdmin, ScopedTabularInline, areas_of
from .models import (
    AdviserGrant,
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
    Region,
    ReportingMonth,
    StrategyLink,
    User,
)


class MembershipInline(ScopedTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["area"]

    def get_min_num(self, request, obj=None, **kwargs):
        # A user added by staff who are not site administrators gets a role in one of
        # their areas: without one, the staff member could not see the user they added.
        return 1 if obj is None and not request.user.is_superuser else 0


# Who is staff or a site administrator, and what they may do: for site administrators
# to decide (Django's change_user permission alone would let staff make themselves one).
SITE_ADMINISTRATOR_FIELDS = {"is_staff", "is_superuser", "groups", "user_permissions"}


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedAdmin):
    """Staff who are not site administrators see the users who share one of their areas,
    with their roles in those areas. They change (or delete) only themselves and users who
    are not staff and whose every role is in one of their areas: a change to an account
    reaches every area it has a role in."""

    inlines = [MembershipInline]
    list_display = ["username", "get_full_name", "email", "is_active", "is_staff"]

    def scope(self, request, queryset):
        sharing = Membership.objects.filter(area__in=areas_of(request.user)).values("user")
        return queryset.filter(Q(pk__in=sharing) | Q(pk=request.user.pk))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = [f for f in options["fields"] if f not in SITE_ADMINISTRATOR_FIELDS]
            kept.append((name, {**options, "fields": fields}))
        return kept

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def _may_manage(self, request, user) -> bool:
        if user is None or request.user.is_superuser or user.pk == request.user.pk:
            return True
        if user.is_staff or user.is_superuser:
            return False
        return not user.memberships.exclude(area__in=areas_of(request.user)).exists()

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            # Not on the form for them; kept as stored, whatever the request carried.
            stored = User.objects.filter(pk=obj.pk).values("is_staff", "is_superuser").first()
            obj.is_staff = bool(stored and stored["is_staff"])
            obj.is_superuser = bool(stored and stored["is_superuser"])
        super().save_model(request, obj, form, change)


@admin.register(Area)
class AreaAdmin(AreaScopedAdmin):
    area_path = ""
    list_display = ["name", "slug", "region"]
    list_select_related = ["region"]
    list_filter = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    """Not a ScopedAdmin: regions and adviser grants are for site administrators only
    (sendplan.otp.SendplanAdminSite)."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AdviserGrant)
class AdviserGrantAdmin(SimpleHistoryAdmin):
    list_display = ["user", "region"]
    list_select_related = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(AreaScopedAdmin):
    area_path = "area"
    list_display = ["user", "area", "role"]
    list_filter = ["area", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "area"]


class PriorityInline(ScopedTabularInline):
    model = Priority
    extra = 0
    fields = ["number", "ref", "title"]
    show_change_link = True


class FindingInline(ScopedTabularInline):
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


class IssueInline(ScopedTabularInline):
    model = Issue
    extra = 0
    fields = ["ref", "description", "is_gap", "order"]
    show_change_link = True


@admin.register(Priority)
class PriorityAdmin(AreaScopedAdmin):
    list_display = ["number", "ref", "title", "plan"]
    list_filter = ["plan__area", "plan"]
    search_fields = ["title", "description"]
    inlines = [IssueInline]


@admin.register(StrategyLink)
class StrategyLinkAdmin(AreaScopedAdmin):
    area_path = "area"
    list_display = ["name", "area"]
    list_filter = ["area"]
    search_fields = ["name"]


class IssueStrategyLinkInline(ScopedTabularInline):
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


class MilestonePriorityInline(ScopedTabularInline):
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
