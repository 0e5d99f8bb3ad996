"""The programme manager's month page: progress of the month per lead and per item, and
opening, closing and re-opening months."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from progress.carry import open_month_carrying
from progress.forms import OpenMonthForm, ReopenMonthForm
from progress.items import LeadProgress, counts, month_items, progress_by_lead
from progress.plan_state import plan_state
from progress.reminders import REASONS, SENT, UP_TO_DATE, send_reminders
from progress.views.pages import deadline_words
from sendplan.access import Can, get_plan
from sendplan.models import ReportingMonth
from sendplan.services import (
    close_month,
    month_to_open,
    month_words,
    open_month_of,
    reopen_month,
)


def _month_or_404(plan, month: dt.date) -> ReportingMonth:
    found = ReportingMonth.objects.filter(plan=plan, month=month).first()
    if found is None:
        raise Http404("No such month in this plan.")
    return found


@require_safe
def month_page(request, plan_slug: str, month: dt.date | None = None):
    """Progress of a month (the open one unless another is named), and the past months."""
    access = get_plan(request, plan_slug, need=Can.MANAGE_MONTHS)
    plan = access.plan
    # Query: the plan's months, newest first.
    months = list(ReportingMonth.objects.filter(plan=plan).order_by("-month"))
    if month is not None:
        selected = next((m for m in months if m.month == month), None)
        if selected is None:
            raise Http404("No such month in this plan.")
    else:
        selected = next((m for m in months if m.is_open), months[0] if months else None)
    context = {
        "plan": plan,
        "months": months,
        "selected": selected,
        "open_month": next((m for m in months if m.is_open), None),
        "next_month": month_to_open(plan) if not any(m.is_open for m in months) else None,
    }
    if selected is not None:
        # Queries: plan_state's fixed set (people, links, priorities, issues, links,
        # actions, leads, targets, statuses, ratings, story entries, writers' names).
        # One month is enough for each item's entry and the one before it (as on a
        # lead's update), so the page costs the same however long the plan has run.
        state = plan_state(plan, month=selected.month, include_drafts=True, months=1)
        items = month_items(state)
        # Query: who opened, closed and re-opened the month, and why.
        events = list(
            selected.history.select_related("history_user").order_by("-history_date")[:20]
        )
        leads = progress_by_lead(state, items)
        context.update(_deadline(selected))
        context.update(_arrange(request, leads))
        context.update(
            {
                "reminders": _reminders_shown(request, selected),
                "items": items,
                "unled": [item for item in items if not item.lead_ids],
                "progress": counts(items),
                "total": len(items),
                "events": events,
            }
        )
    return render(request, "progress/month.html", context)


def _deadline(selected: ReportingMonth) -> dict:
    """The deadline in words while the month is open, and whether it has passed."""
    if not (selected.is_open and selected.deadline):
        return {"deadline": "", "overdue": False}
    return {
        "deadline": deadline_words(selected.deadline),
        "overdue": selected.deadline < timezone.localdate(),
    }


# The leads' table: ?sort= and ?show=, the first of each being the default. Any other
# value is ignored.
SORTS = {"missing": "Most missing first", "name": "Name"}
SHOWS = {"all": "All leads", "missing": "Leads with items to do"}


def _arrange(request, leads: list[LeadProgress]) -> dict:
    """The leads in the order and selection the address asks for, with the links to
    change them."""
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else next(iter(SORTS))
    show = request.GET.get("show", "")
    show = show if show in SHOWS else next(iter(SHOWS))
    shown = [lead for lead in leads if lead.outstanding] if show == "missing" else leads
    if sort == "missing":  # leads arrive in name order, which a stable sort keeps
        shown = sorted(shown, key=lambda lead: (-lead.missing, -lead.draft))
    counts_of = {"all": len(leads), "missing": sum(1 for lead in leads if lead.outstanding)}

    def href(**changed) -> str:
        return "?" + urlencode({"sort": sort, "show": show, **changed})

    return {
        "leads": shown,
        "all_leads": leads,
        "sort_links": [(label, href(sort=key), key == sort) for key, label in SORTS.items()],
        "show_links": [
            (f"{label} ({counts_of[key]})", href(show=key), key == show)
            for key, label in SHOWS.items()
        ],
    }


# Where the result of pressing "Send reminders now" waits for the page it returns to.
REMINDED = "progress:reminded"


def _reminders_shown(request, selected: ReportingMonth) -> dict | None:
    """The result of the last press of "Send reminders now" for this month, once."""
    shown = request.session.get(REMINDED)
    if not shown or shown.get("month") != f"{selected.plan_id}:{selected.month:%Y-%m}":
        return None
    del request.session[REMINDED]
    return shown


@require_POST
def send_reminders_view(request, plan_slug: str, month: dt.date):
    """Send reminders now: the cron job's rule, at the programme manager's press."""
    access = get_plan(request, plan_slug, need=Can.MANAGE_MONTHS)
    plan = access.plan
    reporting_month = _month_or_404(plan, month)
    if not reporting_month.is_open:
        messages.error(request, f"{month_words(month)} is closed: there is nothing to remind.")
        return redirect("progress:month_detail", plan_slug=plan.slug, month=month)
    results = send_reminders(
        reporting_month, user=request.user, base_url=settings.SENDPLAN_BASE_URL
    )
    who = {outcome: [r.name for r in results if r.outcome == outcome] for outcome in REASONS}
    request.session[REMINDED] = {
        "month": f"{plan.pk}:{month:%Y-%m}",
        "sent": [r.name for r in results if r.outcome == SENT],
        # Why some were not e-mailed (in the order of REASONS), and who.
        "skipped": [
            [REASONS[outcome], names]
            for outcome, names in who.items()
            if names and outcome != UP_TO_DATE
        ],
        "up_to_date": len(who[UP_TO_DATE]),
    }
    return redirect("progress:month_detail", plan_slug=plan.slug, month=month)


@require_http_methods(["GET", "POST"])
def open_month_view(request, plan_slug: str):
    access = get_plan(request, plan_slug, need=Can.MANAGE_MONTHS)
    plan = access.plan
    current = open_month_of(plan)
    form = OpenMonthForm(
        request.POST if request.method == "POST" else None,
        initial={"month": month_to_open(plan)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                opened, carried = open_month_carrying(
                    plan=plan,
                    month=form.cleaned_data["month"],
                    deadline=form.cleaned_data["deadline"],
                    user=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                text = f"{month_words(opened.month)} is open for updates"
                if carried:
                    n = len(carried)
                    text += (
                        f". {n} completed or not yet due action{'s' if n != 1 else ''} "
                        f"{'were' if n != 1 else 'was'} carried forward unchanged"
                    )
                messages.success(request, text)
                return redirect("progress:month", plan_slug=plan.slug)
        status = 400
    return render(
        request,
        "progress/open_month.html",
        {"plan": plan, "form": form, "current": current},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def close_month_view(request, plan_slug: str, month: dt.date):
    access = get_plan(request, plan_slug, need=Can.MANAGE_MONTHS)
    plan = access.plan
    reporting_month = _month_or_404(plan, month)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            close_month(plan=plan, month=month, user=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
            status = 409
        else:
            messages.success(
                request, f"{month_words(month)} is closed. Its updates are now read-only."
            )
            return redirect("progress:month", plan_slug=plan.slug)
    state = plan_state(plan, month=month, include_drafts=True, months=1)
    return render(
        request,
        "progress/close_month.html",
        {
            "plan": plan,
            "reporting_month": reporting_month,
            "progress": counts(month_items(state)),
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def reopen_month_view(request, plan_slug: str, month: dt.date):
    access = get_plan(request, plan_slug, need=Can.MANAGE_MONTHS)
    plan = access.plan
    reporting_month = _month_or_404(plan, month)
    form = ReopenMonthForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reopen_month(
                    plan=plan, month=month, user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{month_words(month)} is open again")
                return redirect("progress:month", plan_slug=plan.slug)
        status = 400
    return render(
        request,
        "progress/reopen_month.html",
        {"plan": plan, "reporting_month": reporting_month, "form": form},
        status=status,
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
