"""The base of every model admin of ours: staff who are not site administrators reach
only the records of their own areas.

The module registers nothing, so that the admin site (``sendplan.otp``) can import it.
"""

from __future__ import annotations

from simple_history.admin import SimpleHistoryAdmin


class AreaScopedAdmin(SimpleHistoryAdmin):
    """Limits non-superusers to records of their own areas. ``area_path`` names the
    lookup from the model to its Area."""

    area_path = "plan__area"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.area_path}__memberships__user": request.user}).distinct()
