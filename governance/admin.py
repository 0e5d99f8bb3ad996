from django.contrib import admin

from sendplan.admin_scope import (
    AreaScopedAdmin,
    ScopedRelatedFieldListFilter,
    ScopedTabularInline,
    records_in_scope,
)

from .models import Attendance, Decision, DecisionLink, Forum, ForumMember, Meeting


class ForumFilter(ScopedRelatedFieldListFilter):
    """The forum filter, its choices read in one query: a forum is named with its area."""

    def field_choices(self, field, request, model_admin):
        forums = records_in_scope(model_admin.admin_site, Forum, request).select_related("area")
        return [(forum.pk, str(forum)) for forum in forums]


class ForumMemberInline(ScopedTabularInline):
    model = ForumMember
    extra = 0
    fields = ["person", "role", "organisation", "order"]
    autocomplete_fields = ["person"]


@admin.register(Forum)
class ForumAdmin(AreaScopedAdmin):
    area_path = "area"
    list_display = ["name", "area", "cadence", "level", "plan"]
    list_select_related = ["area", "plan"]
    list_filter = ["area", "cadence"]
    search_fields = ["name", "purpose"]
    inlines = [ForumMemberInline]


@admin.register(ForumMember)
class ForumMemberAdmin(AreaScopedAdmin):
    area_path = "forum__area"
    list_display = ["person", "role", "organisation", "forum"]
    list_select_related = ["person", "forum__area"]
    list_filter = ["forum__area", ("forum", ForumFilter)]
    search_fields = ["person__name", "role", "organisation"]


class AttendanceInline(ScopedTabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Meeting)
class MeetingAdmin(AreaScopedAdmin):
    area_path = "forum__area"
    inlines = [AttendanceInline]
    list_display = ["forum", "scheduled_for", "held_on", "period_start", "period_end"]
    list_select_related = ["forum__area"]
    list_filter = ["forum__area", ("forum", ForumFilter)]
    date_hierarchy = "scheduled_for"


@admin.register(Attendance)
class AttendanceAdmin(AreaScopedAdmin):
    area_path = "meeting__forum__area"
    list_display = ["person", "meeting", "status"]
    list_select_related = ["person", "meeting__forum"]
    list_filter = ["meeting__forum__area", ("meeting__forum", ForumFilter), "status"]
    search_fields = ["person__name"]


class DecisionLinkInline(ScopedTabularInline):
    model = DecisionLink
    extra = 0
    autocomplete_fields = ["action", "target", "issue"]


@admin.register(Decision)
class DecisionAdmin(AreaScopedAdmin):
    area_path = "meeting__forum__area"
    list_display = ["text", "kind", "owner", "due_date", "status", "meeting"]
    list_select_related = ["owner", "meeting__forum"]
    list_filter = ["meeting__forum__area", ("meeting__forum", ForumFilter), "kind", "status"]
    search_fields = ["text", "owner__name"]
    autocomplete_fields = ["owner"]
    inlines = [DecisionLinkInline]


@admin.register(DecisionLink)
class DecisionLinkAdmin(AreaScopedAdmin):
    area_path = "decision__meeting__forum__area"
    list_display = ["decision", "action", "target", "issue"]
    list_filter = ["decision__meeting__forum__area"]
