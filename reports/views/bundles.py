"""Monitoring-visit bundles: ask for one (the whole plan or a priority, as at a date),
follow its build by the background worker, download it exactly as it was built."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from progress.plan_state import end_of_day
from sendplan.access import Can, get_plan
from sendplan.forms import IsoDateField

from ..models import Bundle, PackBuild, bundle_storage
from ..tasks import request_bundle, retry_bundle

logger = logging.getLogger("sendplan.reports")


class BundleForm(forms.Form):
    priority = forms.TypedChoiceField(
        label="What it covers", coerce=int, empty_value=None, required=False
    )
    as_at = IsoDateField(
        label="As at (optional)",
        required=False,
        help_text="The plan and its evidence as they stood at the end of this day. "
        "Leave it empty for now. For example, 2023-06-30.",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["priority"].choices = [("", "The whole plan")] + [
            (p.pk, str(p)) for p in plan.priorities.all()
        ]

    def clean_as_at(self):
        day = self.cleaned_data["as_at"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past.")
        return day


@require_http_methods(["GET", "POST"])
def bundle_list(request, plan_slug: str):
    access = get_plan(request, plan_slug, Can.VIEW)
    plan = access.plan
    if request.method == "POST":
        access.require_write(Can.PREVIEW_REPORTS)
    form = BundleForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        priority_id = form.cleaned_data["priority"]
        day = form.cleaned_data["as_at"]
        bundle = request_bundle(
            plan=plan,
            priority=plan.priorities.get(pk=priority_id) if priority_id else None,
            as_at=end_of_day(day) if day else None,
            user=request.user,
        )
        logger.info(
            "Bundle requested: bundle %s, plan %s, user %s", bundle.pk, plan.slug, request.user.pk
        )
        return redirect(bundle)
    bundles = (
        Bundle.objects.filter(plan=plan)
        .select_related("priority", "requested_by")
        .order_by("-requested_at")[:50]
    )
    return render(
        request,
        "reports/bundles.html",
        {
            "access": access,
            "plan": plan,
            "form": form if access.can(Can.PREVIEW_REPORTS) else None,
            "bundles": bundles,
        },
        status=400 if form.errors else 200,
    )


def _bundle(request, plan_slug, bundle_id):
    access = get_plan(request, plan_slug, Can.VIEW)
    bundle = get_object_or_404(
        Bundle.objects.filter(plan=access.plan).select_related("priority", "requested_by"),
        pk=bundle_id,
    )
    return access, bundle


@require_GET
def bundle_detail(request, plan_slug: str, bundle_id: int):
    access, bundle = _bundle(request, plan_slug, bundle_id)
    return render(
        request,
        "reports/bundle.html",
        {"access": access, "plan": access.plan, "bundle": bundle, "refresh_seconds": 3},
    )


@require_POST
def bundle_retry(request, plan_slug: str, bundle_id: int):
    access, bundle = _bundle(request, plan_slug, bundle_id)
    access.require_write(Can.PREVIEW_REPORTS)
    if bundle.status != PackBuild.FAILED:
        messages.info(request, "This bundle is not failed, so there is nothing to try again.")
    else:
        retry_bundle(bundle, request.user)
    return redirect(bundle)


@require_GET
def bundle_download(request, plan_slug: str, bundle_id: int):
    """The ZIP exactly as it was built; its SHA-256 is the ETag."""
    access, bundle = _bundle(request, plan_slug, bundle_id)
    if not bundle.is_ready:
        messages.info(request, "The bundle is not ready yet.")
        return redirect(bundle)
    logger.info(
        "Bundle downloaded: bundle %s, user %s, area %s",
        bundle.pk,
        request.user.pk,
        access.area.slug,
    )
    response = FileResponse(
        bundle_storage().open(bundle.file.name, "rb"),
        as_attachment=True,
        filename=bundle.filename,
        content_type="application/zip",
    )
    response["Content-Length"] = str(bundle.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{bundle.sha256}"'
    return response
