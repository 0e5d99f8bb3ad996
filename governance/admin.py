from django.contrib import admin

from sendplan.admin import AreaScopedAdmin

from .models import Forum, ForumMember, Meeting


class ForumMemberInline(admin.TabularInline):
    model = ForumMember
    extra = 0
    fields = ["person", "role", "organisation", "order"]
    autocomplete_fields = ["person"]


@admin.register(Forum)
class ForumAdmin(AreaScopedAdmin):
    area_path = "area"
    list_display = ["name", "area", "cadence", "level", "plan"]
    list_filter = ["area", "cadence"]
    search_fields = ["name", "purpose"]
    inlines = [ForumMemberInline]


@admin.register(ForumMember)
class ForumMemberAdmin(AreaScopedAdmin):
    area_path = "forum__area"
    list_display = ["person", "role", "organisation", "forum"]
    list_filter = ["forum__area", "forum"]
    search_fields = ["person__name", "role", "organisation"]


@admin.register(Meeting)
class MeetingAdmin(AreaScopedAdmin):
    area_path = "forum__area"
    list_display = ["forum", "scheduled_for", "held_on", "period_start", "period_end"]
    list_filter = ["forum__area", "forum"]
    date_hierarchy = "scheduled_for"
