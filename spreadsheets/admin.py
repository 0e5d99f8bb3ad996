"""The browser import and export of a whole plan in the admin (a programme manager has
the same on the plan's own pages: ``spreadsheets.views``).

Import: "Plan spreadsheet imports" → Add: upload the file(s) with the area and title,
which are read once (in a child process with memory and time limits) and kept with the
rows read → a preview page lists what will be created, changed and deleted and every
problem with its row and column → "Import" writes those rows, once the upload's SHA-256
is checked, without reading the file again.
Export: actions on the Plan list ("Export as XLSX", "Export as CSV", "Export story so
far as CSV"). The logic is in ``spreadsheets.services`` and
``spreadsheets.pending``.
"""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from sendplan.admin import PlanAdmin as CorePlanAdmin
from sendplan.admin_scope import ScopedAdmin
from sendplan.models import Plan

from .forms import ColumnMappingForm, PlanImportForm
from .models import PlanImport, PlanImportStatus
from .pending import (
    cannot_preview,
    confirm_stored,
    preview_stored,
    remap_stored,
    store_upload,
)
from .services import ParsedUpload, PlanImportError, export_plan, export_plan_updates

logger = logging.getLogger("sendplan.spreadsheets")


@admin.register(PlanImport)
class PlanImportAdmin(ScopedAdmin):
    list_display = ["file_name", "plan_title", "area_name", "status", "created_by", "created_at"]
    list_filter = ["status"]
    fields = [
        "file_name",
        "updates_name",
        "area_name",
        "plan_title",
        "slug",
        "month",
        "replace",
        "status",
        "plan",
        "created_by",
        "created_at",
        "imported_at",
        "sha256",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "updates_content", "parsed")

    def scope(self, request, queryset):
        return queryset.filter(created_by=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="spreadsheets_planimport_preview",
            ),
        ]
        return urls + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PlanImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            stored = store_upload(
                user=request.user,
                plan_file=data["file"],
                updates_file=data.get("updates"),
                area_name=data["area_name"],
                plan_title=data["plan_title"],
                slug=data["slug"],
                month=data["month"],
                replace=data["replace"],
            )
            return HttpResponseRedirect(
                reverse("admin:spreadsheets_planimport_preview", args=[stored.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a plan from a spreadsheet",
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/spreadsheets/planimport/upload.html", context)

    def preview_view(self, request, pk: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        stored = get_object_or_404(self.get_queryset(request).defer(None), pk=pk)
        if stored.created_by_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        if stored.status != PlanImportStatus.PREVIEWED:
            messages.info(request, "This spreadsheet has already been imported.")
            return HttpResponseRedirect(reverse("admin:spreadsheets_planimport_changelist"))
        if problem := cannot_preview(stored):
            messages.error(request, problem)
            return HttpResponseRedirect(reverse("admin:spreadsheets_planimport_add"))
        mapping_form = None
        if request.method == "POST" and "remap" in request.POST:
            old = ParsedUpload.from_json(stored.parsed)
            mapping_form = ColumnMappingForm(request.POST, columns=old.sheets.columns)
            if mapping_form.is_valid():
                remap_stored(stored=stored, choices=mapping_form.choices(), user=request.user)
                messages.info(request, "The file was read again with the columns chosen.")
                return HttpResponseRedirect(
                    reverse("admin:spreadsheets_planimport_preview", args=[stored.pk])
                )
            preview = preview_stored(stored=stored, user=request.user)
        elif request.method == "POST" and request.POST.get("sha256") == stored.sha256:
            try:
                plan, preview = confirm_stored(stored=stored, user=request.user)
            except PlanImportError as exc:
                preview = exc.preview
                messages.error(request, "Nothing was imported: the problems are listed below.")
            else:
                messages.success(
                    request,
                    f"Imported {plan.title}: {preview.changes} records created, changed or "
                    f"deleted.",
                )
                return HttpResponseRedirect(reverse("admin:sendplan_plan_change", args=[plan.pk]))
        else:
            preview = preview_stored(stored=stored, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Preview the import of {stored.file_name}",
            "stored": stored,
            "preview": preview,
            "mapping_form": mapping_form or ColumnMappingForm(columns=preview.columns),
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/spreadsheets/planimport/preview.html", context)


# --- Export actions on the Plan list ----------------------------------------------------


def _one_plan(modeladmin, request, queryset) -> Plan | None:
    plans = list(queryset.select_related("area")[:2])
    if len(plans) != 1:
        modeladmin.message_user(request, "Select one plan to export.", messages.WARNING)
        return None
    return plans[0]


def _download(request, plan: Plan, data: bytes, fmt: str, suffix: str = "") -> HttpResponse:
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}{suffix}.{fmt}"'
    logger.info(
        "Plan exported: plan=%s area=%s user=%s format=%s%s",
        plan.slug,
        plan.area.slug,
        request.user.username,
        fmt,
        suffix,
    )
    return response


@admin.action(description="Export as XLSX (plan and story so far)", permissions=["view"])
def export_plan_xlsx(modeladmin, request, queryset):
    if plan := _one_plan(modeladmin, request, queryset):
        return _download(request, plan, export_plan(plan=plan, fmt="xlsx"), "xlsx")
    return None


@admin.action(description="Export as CSV (plan table)", permissions=["view"])
def export_plan_csv(modeladmin, request, queryset):
    if plan := _one_plan(modeladmin, request, queryset):
        return _download(request, plan, export_plan(plan=plan, fmt="csv"), "csv")
    return None


@admin.action(description="Export story so far as CSV", permissions=["view"])
def export_plan_updates_csv(modeladmin, request, queryset):
    if plan := _one_plan(modeladmin, request, queryset):
        return _download(request, plan, export_plan_updates(plan=plan), "csv", "-updates")
    return None


# The core plan's admin knows nothing of spreadsheets: this app registers its own admin
# for Plan in its place, the same with the exports added.
admin.site.unregister(Plan)


@admin.register(Plan)
class PlanAdmin(CorePlanAdmin):
    actions = [*CorePlanAdmin.actions, export_plan_xlsx, export_plan_csv, export_plan_updates_csv]
