"""The admin of issued reports: shown, never changed or deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.admin import ForumFilter

from .models import IssuedReport


@admin.register(IssuedReport)
class IssuedReportAdmin(SimpleHistoryAdmin):
    """Issued reports are frozen: the admin shows them and never changes or deletes them."""

    list_display = ["title", "forum", "period_label", "as_at", "issued_by", "issued_at", "sha256"]
    list_select_related = ["forum__area", "issued_by"]
    list_filter = ["forum__area", ("forum", ForumFilter)]
    search_fields = ["sha256", "forum__name", "plan__title"]
    exclude = ["content"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).defer("content")
        if request.user.is_superuser:
            return qs
        return qs.filter(forum__area__memberships__user=request.user).distinct()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
