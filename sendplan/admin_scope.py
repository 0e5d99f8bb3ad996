"""The base of every model admin of ours: staff who are not site administrators reach
only the records of their own areas.

A model admin says in ``scope()`` which records such a user may see; ScopedAdmin then holds
every page to that one answer: the change list, the change and delete pages, and the
history pages (not found outside it). Site administrators (superusers) see every area.

The module registers nothing, so that the admin site (``sendplan.otp``) can import it.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .models import Area


def areas_of(user) -> QuerySet[Area]:
    return Area.objects.filter(memberships__user=user)


class ScopedAdmin(SimpleHistoryAdmin):
    def scope(self, request, queryset: QuerySet) -> QuerySet:
        """The records of ``queryset`` a staff member who is not a site administrator
        may see."""
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        self._not_found_outside_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._not_found_outside_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _not_found_outside_scope(self, request, object_id) -> None:
        # simple-history shows the newest history row of a record get_queryset() does not
        # hold, so that a deleted record's history can be read. That is for site
        # administrators: to anyone else, a record outside their areas does not exist.
        if not request.user.is_superuser and self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such record in your areas.")


class AreaScopedAdmin(ScopedAdmin):
    """``area_path`` names the lookup from the model to its Area ("" for Area itself)."""

    area_path = "plan__area"

    def scope(self, request, queryset):
        lookup = f"{self.area_path}__in" if self.area_path else "pk__in"
        return queryset.filter(**{lookup: areas_of(request.user)})
