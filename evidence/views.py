"""Evidence pages: an item's evidence (and the form to add some), the area's evidence,
withdrawing, and the one way a file is ever sent, ``download``."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from progress.plan_state import end_of_day
from sendplan.access import Can, get_area, get_plan
from sendplan.months import parse_iso_date

from . import services
from .forms import EvidenceForm, WithdrawForm
from .models import ITEM_FIELDS, Evidence, EvidenceKind, evidence_as_at, evidence_storage

logger = logging.getLogger(__name__)

PLAN_KINDS = ("action", "target", "story")


def _back(request, default: str) -> str:
    """Where "Back" goes: the page that sent the user here (a path on this site)."""
    back = request.POST.get("back") or request.GET.get("back") or ""
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return default


def _as_at(request):
    """``?as_at=YYYY-MM-DD``: the evidence as it stood at the end of that day. A date that
    cannot be read is the 400 page saying what to enter (``parse_iso_date`` raises it)."""
    given = request.GET.get("as_at", "").strip()
    return parse_iso_date(given) if given else None


@require_http_methods(["GET", "POST"])
def item_evidence(request, plan_slug: str, kind: str, item_id: int):
    if kind not in PLAN_KINDS:
        raise Http404("No such kind of item.")
    access = get_plan(request, plan_slug, Can.VIEW)
    item = services.plan_item(access.plan, kind, item_id)
    return _item_page(request, access, item)


@require_http_methods(["GET", "POST"])
def decision_evidence(request, area_slug: str, decision_id: int):
    access = get_area(request, area_slug, Can.VIEW)
    item = services.decision_item(access.area, decision_id)
    return _item_page(request, access, item)


def _item_page(request, access, item: services.Item):
    may_add = services.may_add(access, item)
    form = None
    if request.method == "POST":
        services.require_may_add(access, item)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                evidence = _add(request, item, form.cleaned_data)
            except ValidationError as error:
                form.add_error("file" if form.cleaned_data["kind"] == "file" else None, error)
            else:
                messages.success(request, f"“{evidence.title}” was added as evidence.")
                return redirect(request.get_full_path())
    elif may_add:
        form = EvidenceForm()
    as_at_date = _as_at(request)
    rows = evidence_as_at(
        end_of_day(as_at_date) if as_at_date else None,
        **{f"{ITEM_FIELDS[item.kind]}_id": item.obj.pk},
    )
    context = {
        "access": access,
        "item": item,
        "plan": item.plan,
        "form": form if may_add and not as_at_date else None,
        "current": [e for e in rows if not e.is_withdrawn],
        "withdrawn": [e for e in rows if e.is_withdrawn],
        "as_at_date": as_at_date,
        "back": _back(request, ""),
        "usage": services.usage(access.area) if access.can(Can.UPDATE_ANY) else None,
        "may_add": may_add,
    }
    return render(request, "evidence/item.html", context)


def _add(request, item, data) -> Evidence:
    common = {
        "user": request.user,
        "title": data["title"],
        "dated": data["dated"],
        "description": data["description"],
    }
    if data["kind"] == EvidenceKind.FILE:
        return services.add_file(item, data["file"], **common)
    return services.add_link(item, url=data["url"], **common)


@require_GET
def area_evidence(request, area_slug: str):
    """Every piece of the area's evidence, newest first, with the space used."""
    access = get_area(request, area_slug, Can.VIEW)
    rows = (
        Evidence.objects.filter(area=access.area)
        .current()
        .select_related("plan", "action__issue", "target__issue", "story_entry", "decision")
        .order_by("-added_at")[:500]
    )
    return render(
        request,
        "evidence/area.html",
        {
            "access": access,
            "area": access.area,
            "rows": rows,
            "usage": services.usage(access.area) if access.can(Can.UPDATE_ANY) else None,
        },
    )


def _evidence_of(request, area_slug: str, evidence_id: int, need: Can = Can.VIEW):
    access = get_area(request, area_slug, need)
    evidence = get_object_or_404(
        Evidence.objects.select_related("plan", "area"), area=access.area, pk=evidence_id
    )
    return access, evidence


@require_GET
def download(request, area_slug: str, evidence_id: int):
    """The file as it was added, as an attachment the browser will not open as a page."""
    access, evidence = _evidence_of(request, area_slug, evidence_id)
    if not evidence.is_file:
        raise Http404("This evidence is a link, not a file.")
    if evidence.is_withdrawn and not access.can(Can.UPDATE_ANY):
        raise Http404("This evidence has been withdrawn.")
    logger.info(
        "Evidence downloaded: evidence %s, user %s, area %s",
        evidence.pk,
        request.user.pk,
        access.area.slug,
    )
    response = FileResponse(
        evidence_storage().open(evidence.file.name, "rb"),
        as_attachment=True,
        filename=evidence.file_name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["Content-Length"] = str(evidence.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["ETag"] = f'"{evidence.sha256}"'
    return response


@require_http_methods(["GET", "POST"])
def withdraw_view(request, area_slug: str, evidence_id: int):
    access, evidence = _evidence_of(request, area_slug, evidence_id)
    item = services.item_of(evidence)
    services.require_may_add(access, item)
    if evidence.is_withdrawn:
        raise Http404("This evidence has already been withdrawn.")
    if item.plan is not None:
        default = reverse(
            "evidence:item",
            kwargs={"plan_slug": item.plan.slug, "kind": item.kind, "item_id": item.obj.pk},
        )
    else:
        default = reverse(
            "evidence:decision", kwargs={"area_slug": item.area.slug, "decision_id": item.obj.pk}
        )
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(evidence, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{evidence.title}” was withdrawn.")
            return redirect(default)
    return render(
        request,
        "evidence/withdraw.html",
        {"access": access, "evidence": evidence, "item": item, "form": form, "back": default},
    )
