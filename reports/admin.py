"""The admin of issued reports: shown, never changed or deleted."""

from django.contrib import admin

from governance.admin import ForumFilter
from sendplan.admin_scope import AreaScopedAdmin

from .models import IssuedReport


@admin.register(IssuedReport)
class IssuedReportAdmin(AreaScopedAdmin):
    """Issued reports are frozen: the admin shows them and never changes or deletes them."""

    list_display = ["title", "forum", "period_label", "as_at", "issued_by", "issued_at", "sha256"]
    list_select_related = ["forum__area", "issued_by"]
    list_filter = ["forum__area", ("forum", ForumFilter)]
    search_fields = ["sha256", "forum__name", "plan__title"]
    exclude = ["content"]
    area_path = "forum__area"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
