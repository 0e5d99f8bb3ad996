"""Change requests (issue 19): a lead or programme manager proposes a change to what an
outcome target promises, or a due-date move beyond what a reason alone allows; a
programme manager or an assurance executive member approves or rejects it. The rules
are the services' (``outcomes.services``, ``actions.services``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from actions import services as action_services
from actions.change_requests import OWN_REQUEST_REFUSED
from actions.forms import ChangeDecisionForm, DueDateChangeForm
from actions.models import Action, ActionLead, DueDateChangeRequest
from outcomes import services as target_services
from outcomes.forms import TargetChangeForm
from outcomes.models import OutcomeTarget, TargetChangeRequest
from progress.items import target_lead_ids
from progress.plan_state import end_of_day
from sendplan.access import Can, get_plan
from sendplan.forms import AsAtForm
from sendplan.months import month_words
from sendplan.services import open_month_of

# The kinds of request in URLs: their model and the service that decides them.
KINDS = {
    "target": (TargetChangeRequest, target_services.decide_target_change),
    "due-date": (DueDateChangeRequest, action_services.decide_due_date_change),
}


def _list_url(plan) -> str:
    return reverse("progress:change_requests", kwargs={"plan_slug": plan.slug})


def _refuse_unless_leads(access, lead_ids) -> None:
    if not access.may_update(lead_ids):
        raise PermissionDenied("Only the item's lead or a programme manager may ask to change it.")
    access.require_write(Can.UPDATE_OWN)


def _first_month_in_effect(plan):
    """The month a change is offered to take effect from: the plan's open month (the one
    leads report now), else this calendar month."""
    month = open_month_of(plan)
    return month.month if month else timezone.localdate().replace(day=1)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "HEAD", "POST"])
def propose_target_change(request, plan_slug: str, target_id: int):
    access = get_plan(request, plan_slug, need=Can.UPDATE_OWN)
    plan = access.plan
    target = get_object_or_404(
        OutcomeTarget.objects.select_related("issue"), plan=plan, pk=target_id
    )
    _refuse_unless_leads(access, target_lead_ids(target))
    pending = target.change_requests.pending().first()
    form = TargetChangeForm(
        request.POST or None,
        target=target,
        initial={"effective_month": _first_month_in_effect(plan)},
    )
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            target_services.propose_target_change(
                target=target,
                user=request.user,
                reason=form.cleaned_data["reason"],
                effective_month=form.cleaned_data["effective_month"],
                **form.proposed(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                "Your change has been sent for approval. The target stands as it is until "
                "a programme manager or an assurance executive member approves it.",
            )
            return redirect(_list_url(plan))
    return render(
        request,
        "progress/changes/propose_target_change.html",
        {"access": access, "plan": plan, "target": target, "form": form, "pending": pending},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def propose_due_date_change(request, plan_slug: str, action_id: int):
    access = get_plan(request, plan_slug, need=Can.UPDATE_OWN)
    plan = access.plan
    action = get_object_or_404(Action.objects.select_related("issue"), plan=plan, pk=action_id)
    lead_ids = ActionLead.objects.filter(action=action).values_list("person_id", flat=True)
    _refuse_unless_leads(access, set(lead_ids))
    pending = action.due_date_change_requests.pending().first()
    form = DueDateChangeForm(
        request.POST or None,
        initial={
            "due_month": action.due_month,
            "effective_month": _first_month_in_effect(plan),
        },
    )
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            action_services.propose_due_date_change(
                action=action,
                user=request.user,
                due_month=form.cleaned_data["due_month"],
                reason=form.cleaned_data["reason"],
                effective_month=form.cleaned_data["effective_month"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                "Your change has been sent for approval. The due date stands as it is until "
                "a programme manager or an assurance executive member approves it.",
            )
            return redirect(_list_url(plan))
    return render(
        request,
        "progress/changes/propose_due_date_change.html",
        {"access": access, "plan": plan, "action": action, "form": form, "pending": pending},
    )


def _summary(change, access, *, link: bool) -> dict:
    kind = "target" if isinstance(change, TargetChangeRequest) else "due-date"
    rows = [{"key": "What", "value": f"{change.kind_words}: {change.subject.text[:200]}"}]
    for what, was, now in change.changes():
        rows.append({"key": what, "value": f"Now {was}; asked for {now}"})
    asked_on = timezone.localtime(change.requested_at)
    rows += [
        {"key": "Reason", "value": change.reason},
        {"key": "Takes effect from", "value": month_words(change.effective_month)},
        {
            "key": "Asked for by",
            "value": f"{change.requested_by_name}, {asked_on:%-d %B %Y}",
        },
    ]
    if link and access.can(Can.APPROVE_CHANGES):
        rows[0]["href"] = reverse(
            f"progress:decide_{kind.replace('-', '_')}_change",
            kwargs={"plan_slug": change.plan.slug, "change_id": change.pk},
        )
        rows[0]["action_text"] = "Decide"
    return {"change": change, "rows": rows}


@require_GET
def change_requests(request, plan_slug: str):
    """The plan's changes waiting for a decision, oldest first; with
    ``?as_at=YYYY-MM-DD``, those that were waiting at the end of that day."""
    access = get_plan(request, plan_slug)
    plan = access.plan
    view_form = AsAtForm(request.GET or None)
    as_at_date = view_form.cleaned_data["as_at"] if view_form.is_valid() else None
    as_at = end_of_day(as_at_date) if as_at_date else None
    related = ("plan", "requested_by", "decided_by")
    waiting = [
        *TargetChangeRequest.objects.for_plan(plan)
        .waiting_at(as_at)
        .select_related("target", *related),
        *DueDateChangeRequest.objects.for_plan(plan)
        .waiting_at(as_at)
        .select_related("action", *related),
    ]
    waiting.sort(key=lambda change: change.requested_at)
    return render(
        request,
        "progress/changes/change_requests.html",
        {
            "access": access,
            "plan": plan,
            "view_form": view_form,
            "as_at_date": as_at_date,
            "waiting": [_summary(change, access, link=as_at is None) for change in waiting],
        },
        status=400 if view_form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def decide_change(request, plan_slug: str, change_id: int, kind: str):
    access = get_plan(request, plan_slug, need=Can.APPROVE_CHANGES)
    plan = access.plan
    model, decide = KINDS[kind]
    change = get_object_or_404(
        model.objects.select_related(model.subject_field, "requested_by", "decided_by", "plan"),
        plan=plan,
        pk=change_id,
    )
    form = ChangeDecisionForm(request.POST or None)
    own = not change.may_decide(request.user)
    status = 200
    if request.method == "POST":
        access.require_write(Can.APPROVE_CHANGES)
        if own:
            form.add_error(None, OWN_REQUEST_REFUSED)
            status = 403
        elif form.is_valid():
            try:
                decide(
                    request=change,
                    user=request.user,
                    approve=form.approves,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                done = "approved: it now stands" if form.approves else "rejected"
                messages.success(request, f"The change has been {done}.")
                return redirect(_list_url(plan))
    return render(
        request,
        "progress/changes/decide_change.html",
        {
            "access": access,
            "plan": plan,
            "form": form,
            "own": own,
            **_summary(change, access, link=False),
        },
        status=status,
    )
