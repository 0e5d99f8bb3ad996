"""The base of every model admin of ours: staff who are not site administrators reach
only the records of their own areas.

A model admin says in ``scope()`` which records such a user may see; ScopedAdmin then holds
every page to that one answer:

- the change list, and the change, delete and history pages (not found outside it);
- every foreign key on an add or change form, inlines included: it offers and accepts only
  records the related model's admin shows the user, and the save refuses a new link to any
  other record even if it came past the form;
- the rows of an inline;
- the choices of every filter on a related record in the change list's sidebar.

Site administrators (superusers) see every area. A model admin that is not a ScopedAdmin
(Django's groups, django-otp's devices, django-axes' logs) is for site administrators
only: ``sendplan.otp.SendplanAdminSite`` sees to that.

The module registers nothing, so that the admin site can import it.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .models import Area


def areas_of(user) -> QuerySet[Area]:
    return Area.objects.filter(memberships__user=user)


def records_in_scope(admin_site, model: type[Model], request) -> QuerySet:
    """The records of ``model`` the user may see and link to in the admin: the ones its
    model admin shows them; none if that admin is for site administrators only."""
    if request.user.is_superuser:
        return model._default_manager.all()
    if admin_site.is_registered(model):
        model_admin = admin_site.get_model_admin(model)
        if isinstance(model_admin, ScopedAdmin):
            return model_admin.get_queryset(request)
    return model._default_manager.none()


def refuse_links_outside_scope(admin_site, request, obj: Model, skip: str | None = None):
    """PermissionDenied if ``obj`` is to link to a record outside the user's scope where
    it did not before. A link it already has (a rating recorded by the system account)
    stays."""
    if request.user.is_superuser:
        return
    links = [
        field
        for field in obj._meta.concrete_fields
        if (field.many_to_one or field.one_to_one) and field.name != skip
    ]
    stored = {}
    if not obj._state.adding:
        manager = type(obj)._default_manager
        stored = manager.filter(pk=obj.pk).values(*(f.attname for f in links)).first() or {}
    for field in links:
        value = getattr(obj, field.attname)
        if value is None or stored.get(field.attname) == value:
            continue
        linked = records_in_scope(admin_site, field.related_model, request)
        if not linked.filter(**{field.target_field.attname: value}).exists():
            raise PermissionDenied(f"The {field.verbose_name} is not one of your areas' records.")


class ScopedChoicesMixin:
    """Foreign keys and many-to-many fields of the forms offer the records in scope."""

    def get_field_queryset(self, db, db_field, request):
        if request.user.is_superuser:
            return super().get_field_queryset(db, db_field, request)
        return records_in_scope(self.admin_site, db_field.remote_field.model, request).using(db)


class ScopedInline(ScopedChoicesMixin):
    """An inline showing only the rows its model's admin shows the user."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        in_scope = records_in_scope(self.admin_site, self.model, request)
        return queryset.filter(pk__in=in_scope.values("pk"))


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter on a related record that lists only the records in scope."""

    def field_choices(self, field, request, model_admin):
        if request.user.is_superuser:
            return super().field_choices(field, request, model_admin)
        in_scope = records_in_scope(model_admin.admin_site, field.related_model, request)
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"pk__in": in_scope.values("pk")},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class ScopedAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    def scope(self, request, queryset: QuerySet) -> QuerySet:
        """The records of ``queryset`` a staff member who is not a site administrator
        may see."""
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope(request, queryset)

    def get_list_filter(self, request):
        return [self._scoped_filter(entry) for entry in super().get_list_filter(request)]

    def _scoped_filter(self, entry):
        """A filter named by a path to a related record lists only the records in scope.
        (A filter given with its own class must be a ScopedRelatedFieldListFilter.)"""
        if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
            return (entry, ScopedRelatedFieldListFilter)
        return entry

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        for inline in self.inlines:
            if not issubclass(inline, ScopedInline):
                errors.append(
                    checks.Error(
                        f"{inline.__name__} shows rows of every area.",
                        hint="Derive it from sendplan.admin_scope.ScopedTabularInline.",
                        obj=type(self),
                        id="sendplan.E001",
                    )
                )
        for entry in self.list_filter:
            if not isinstance(entry, str | tuple) or (
                isinstance(entry, tuple) and not issubclass(entry[1], ScopedRelatedFieldListFilter)
            ):
                errors.append(
                    checks.Error(
                        f"The list filter {entry!r} may list records of every area.",
                        hint="Name a field, or give a ScopedRelatedFieldListFilter.",
                        obj=type(self),
                        id="sendplan.E002",
                    )
                )
        return errors

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or request.user.is_superuser:
            return form
        # The record's current links stay on offer, so that saving it keeps them.
        for field in obj._meta.concrete_fields:
            choice = form.base_fields.get(field.name)
            current = getattr(obj, field.attname)
            if field.many_to_one and isinstance(choice, ModelChoiceField) and current is not None:
                offered = choice.queryset
                choice.queryset = offered.model._default_manager.filter(
                    Q(pk__in=offered.values("pk")) | Q(pk=current)
                ).order_by(*offered.query.order_by)
        return form

    def save_model(self, request, obj, form, change):
        refuse_links_outside_scope(self.admin_site, request, obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            for row in formset.forms:
                if row.has_changed() and row not in formset.deleted_forms:
                    parent = getattr(formset, "fk", None)
                    refuse_links_outside_scope(
                        self.admin_site, request, row.instance, skip=parent and parent.name
                    )
        super().save_related(request, form, formsets, change)

    def has_delete_permission(self, request, obj=None):
        # Django asks this of every record a deletion would remove or is blocked by, and
        # names them unless one is refused: one outside the user's areas is refused.
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return self.get_queryset(request).filter(pk=obj.pk).exists()

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
