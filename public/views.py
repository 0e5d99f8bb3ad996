"""The public pages (no sign-in, no cookies, cacheable, a strict CSP) and the programme
manager's writing page."""

from __future__ import annotations

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from sendplan.access import Can, get_plan
from sendplan.history import save_with_history

from . import pdf, services
from .forms import AccountForm, PublishForm
from .models import SummaryVersion, VersionState

PUBLIC_MAX_AGE = 300

STRICT_CSP = {
    "default-src": [NONE],
    "style-src": [SELF],
    "img-src": [SELF],
    "font-src": [SELF],
    "script-src": [NONE],
    "connect-src": [NONE],
    "form-action": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
}


def _published(area_slug: str, plan_slug: str):
    versions = (
        SummaryVersion.objects.published()
        .select_related("summary__plan__area")
        .filter(summary__plan__slug=plan_slug, summary__plan__area__slug=area_slug)
    )
    versions = list(versions)
    if not versions:
        raise Http404("No published summary")
    return versions


def _public_response(content: str, noindex: bool) -> HttpResponse:
    response = HttpResponse(content)
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    if noindex:
        response["X-Robots-Tag"] = "noindex"
    return response


def _render_public(request, area_slug, plan_slug, version_id=None) -> HttpResponse:
    key = services.cache_key(area_slug, plan_slug, version_id)
    hit = cache.get(key)
    if hit is None:
        versions = _published(area_slug, plan_slug)
        if version_id is None:
            version = versions[0]
        else:
            version = next((v for v in versions if v.id == version_id), None)
            if version is None:
                raise Http404("No such published version")
        summary = version.summary
        context = {
            "plan": summary.plan,
            "summary": summary,
            "version": version,
            "accounts": version.accounts.select_related("priority"),
            "versions": versions,
            "latest": versions[0],
        }
        hit = (render_to_string("public/summary.html", context), summary.noindex)
        cache.set(key, hit, PUBLIC_MAX_AGE)
    return _public_response(*hit)


@login_not_required
@require_GET
@csp_replace(STRICT_CSP)
def summary(request, area_slug: str, plan_slug: str):
    return _render_public(request, area_slug, plan_slug)


@login_not_required
@require_GET
@csp_replace(STRICT_CSP)
def summary_pdf(request, area_slug: str, plan_slug: str):
    key = services.cache_key(area_slug, plan_slug, "pdf")
    hit = cache.get(key)
    if hit is None:
        versions = _published(area_slug, plan_slug)
        version = versions[0]
        context = {
            "plan": version.summary.plan,
            "summary": version.summary,
            "version": version,
            "accounts": version.accounts.select_related("priority"),
            "for_pdf": True,
        }
        content = pdf.summary_pdf(render_to_string("public/summary.html", context))
        hit = (content, version.summary.noindex)
        cache.set(key, hit, PUBLIC_MAX_AGE)
    response = _public_response(hit[0], hit[1])
    response["Content-Type"] = "application/pdf"
    response["Content-Disposition"] = f'inline; filename="{plan_slug}-summary.pdf"'
    return response


@login_not_required
@require_GET
@csp_replace(STRICT_CSP)
def version(request, area_slug: str, plan_slug: str, version_id: int):
    return _render_public(request, area_slug, plan_slug, version_id)


def write(request, plan_slug: str):
    access = get_plan(request, plan_slug, Can.ISSUE_REPORTS)
    plan = access.plan
    draft = services.get_draft(plan=plan, user=request.user)
    accounts = list(draft.accounts.select_related("priority"))
    forms = [
        AccountForm(request.POST or None, instance=a, prefix=f"p{a.priority.number}")
        for a in accounts
    ]
    publish_form = PublishForm(request.POST or None)
    # Every form is checked (a list, not a generator), so each shows its own errors.
    if request.method == "POST" and all([f.is_valid() for f in [*forms, publish_form]]):
        for form in forms:
            save_with_history(form.instance, user=request.user)
        if "publish" in request.POST:
            try:
                services.publish_summary(
                    plan=plan,
                    user=request.user,
                    names_agreed=publish_form.cleaned_data["names_agreed"],
                )
            except ValueError as error:
                messages.error(request, str(error))
                return redirect("public:write", plan_slug=plan.slug)
            messages.success(request, "The summary is published.")
        elif "preview" in request.POST:
            return redirect("public:preview", plan_slug=plan.slug)
        else:
            messages.success(request, "Draft saved. It is not public until you publish it.")
        return redirect("public:write", plan_slug=plan.slug)
    published = draft.summary.versions.exclude(state=VersionState.DRAFT)
    return render(
        request,
        "public/write.html",
        {
            "access": access,
            "plan": plan,
            "forms": forms,
            "publish_form": publish_form,
            "published": published,
        },
    )


def preview(request, plan_slug: str):
    access = get_plan(request, plan_slug, Can.ISSUE_REPORTS)
    draft = services.get_draft(plan=access.plan, user=request.user)
    context = {
        "plan": access.plan,
        "summary": draft.summary,
        "version": draft,
        "accounts": draft.accounts.select_related("priority"),
        "versions": list(draft.summary.versions.published()),
        "preview": True,
    }
    return render(request, "public/summary.html", context)


def withdraw(request, plan_slug: str, version_id: int):
    access = get_plan(request, plan_slug, Can.ISSUE_REPORTS)
    version = get_object_or_404(
        SummaryVersion, id=version_id, summary__plan=access.plan, state=VersionState.PUBLISHED
    )
    if request.method == "POST":
        services.withdraw_version(version=version, user=request.user)
        messages.success(request, "That version is withdrawn: it is no longer public.")
    return redirect("public:write", plan_slug=access.plan.slug)


def readability(request, plan_slug: str):
    """The reading figure of the text posted, for the writing page's script."""
    get_plan(request, plan_slug, Can.ISSUE_REPORTS)
    from .readability import reading_age

    text = request.POST.get("text", "") if request.method == "POST" else ""
    return HttpResponse(reading_age(text), content_type="text/plain")
