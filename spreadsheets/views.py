"""The programme manager's import and export pages, on the plan: upload a spreadsheet,
read its preview, confirm or cancel it; download the plan as CSV or XLSX.

Only those who may import and export in the plan's area (its programme managers and
site administrators) reach them: ``get_plan(..., Can.IMPORT_EXPORT)`` answers others 403
and people outside the area 404. An upload is seen only by the person who made it (and
site administrators), from a page of a plan in the upload's area. The work is done by
``spreadsheets.pending`` and ``spreadsheets.services``, which the admin uses too.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sendplan.access import Can, get_plan

from .forms import ColumnMappingForm, PlanPageImportForm
from .models import PlanImport, PlanImportStatus
from .pending import (
    cancel_stored,
    cannot_preview,
    confirm_stored,
    keep_days,
    plan_state,
    preview_stored,
    read_upload,
    remap_stored,
    store_upload,
)
from .services import ParsedUpload, PlanImportError, export_plan

logger = logging.getLogger("sendplan.spreadsheets")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _pending_uploads(request, plan):
    """The uploads this person made for the plan's area and has not confirmed."""
    uploads = PlanImport.objects.filter(
        status=PlanImportStatus.PREVIEWED, area_name__iexact=plan.area.name
    ).defer("content", "updates_content", "parsed")
    if not request.user.is_superuser:
        uploads = uploads.filter(created_by=request.user)
    return uploads


@require_http_methods(["GET", "POST"])
def import_export(request, plan_slug: str):
    access = get_plan(request, plan_slug, Can.IMPORT_EXPORT)
    plan = access.plan
    form = PlanPageImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        plan=plan,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            read = read_upload(
                plan_file=data["file"], updates_file=data.get("updates"), area_name=plan.area.name
            )
            parsed = read[0]
            if parsed.problems:
                # A file that cannot be read at all is not kept: its problems are the
                # form's.
                for problem in parsed.problems:
                    field = "updates" if problem.sheet == "updates" else "file"
                    form.add_error(field, str(problem))
            else:
                stored = store_upload(
                    user=request.user,
                    plan_file=data["file"],
                    updates_file=data.get("updates"),
                    month=data["month"],
                    read=read,
                    **form.target(),
                )
                return redirect("spreadsheets:preview", plan_slug=plan.slug, import_id=stored.pk)
        status = 400
    context = {
        "access": access,
        "plan": plan,
        "form": form,
        "pending": _pending_uploads(request, plan),
        "keep_days": keep_days(),
    }
    return render(request, "spreadsheets/import_export.html", context, status=status)


@require_safe
def export(request, plan_slug: str, fmt: str):
    access = get_plan(request, plan_slug, Can.IMPORT_EXPORT)
    plan = access.plan
    response = HttpResponse(export_plan(plan=plan, fmt=fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.{fmt}"'
    logger.info(
        "Plan exported: plan=%s area=%s user=%s format=%s",
        plan.slug,
        plan.area.slug,
        request.user.username,
        fmt,
    )
    return response


def _stored(request, plan_slug: str, import_id: int):
    """The plan's access and the upload: not found unless it is this person's (or they
    are a site administrator) and for the plan's area."""
    access = get_plan(request, plan_slug, Can.IMPORT_EXPORT)
    stored = get_object_or_404(_pending_uploads(request, access.plan).defer(None), pk=import_id)
    return access, stored


@require_http_methods(["GET", "POST"])
def preview(request, plan_slug: str, import_id: int):
    """GET shows what the upload would do now; POST confirms it, unless the plan changed
    since the preview was read (then the new preview is shown, to be read and confirmed
    again)."""
    try:
        access, stored = _stored(request, plan_slug, import_id)
    except Http404:
        if _already_imported(request, import_id):
            messages.info(request, "This spreadsheet has already been imported.")
            return redirect("spreadsheets:import_export", plan_slug=plan_slug)
        raise
    if problem := cannot_preview(stored):
        messages.error(request, problem)
        return redirect("spreadsheets:import_export", plan_slug=plan_slug)
    status = 200
    state = plan_state(stored.slug)
    mapping_form = None
    if request.method == "POST" and "remap" in request.POST:
        columns = ParsedUpload.from_json(stored.parsed).sheets.columns
        mapping_form = ColumnMappingForm(request.POST, columns=columns)
        if mapping_form.is_valid():
            remap_stored(stored=stored, choices=mapping_form.choices(), user=request.user)
            messages.info(request, "The file was read again with the columns you chose.")
            return redirect("spreadsheets:preview", plan_slug=plan_slug, import_id=stored.pk)
        status = 400
    elif request.method == "POST":
        if request.POST.get("plan_state") != state:
            messages.warning(
                request,
                "The plan has changed since you read this preview. Read the new preview "
                "below, then import again if it is still right.",
            )
            status = 409
        else:
            try:
                plan, result = confirm_stored(stored=stored, user=request.user)
            except PlanImportError as exc:
                result = exc.preview
                messages.error(request, "Nothing was imported: the problems are listed below.")
                return _preview_page(request, access, stored, result, state, None, status=400)
            records = "record" if result.changes == 1 else "records"
            messages.success(
                request,
                f"Imported {plan.title}: {result.changes} {records} created, changed or deleted.",
            )
            return redirect(plan.get_absolute_url())
    result = preview_stored(stored=stored, user=request.user)
    return _preview_page(request, access, stored, result, state, mapping_form, status=status)


def _already_imported(request, import_id: int) -> bool:
    return PlanImport.objects.filter(
        pk=import_id, created_by=request.user, status=PlanImportStatus.IMPORTED
    ).exists()


def _preview_page(request, access, stored, result, state: str, mapping_form, *, status: int):
    context = {
        "access": access,
        "plan": access.plan,
        "stored": stored,
        "preview": result,
        "plan_state": state,
        "mapping_form": mapping_form or ColumnMappingForm(columns=result.columns),
    }
    return render(request, "spreadsheets/preview.html", context, status=status)


@require_POST
def cancel(request, plan_slug: str, import_id: int):
    _, stored = _stored(request, plan_slug, import_id)
    name = stored.file_name
    cancel_stored(stored=stored, user=request.user)
    messages.success(request, f"The upload of {name} was cancelled: nothing was imported.")
    return redirect("spreadsheets:import_export", plan_slug=plan_slug)
