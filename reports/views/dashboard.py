"""The plan's dashboard page: charts, their tables, exceptions and milestones."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from sendplan.access import Can, get_plan

from ..dashboard import (
    TREND_MONTHS,
    DashboardFilterForm,
    build_dashboard,
    default_month,
    reporting_months,
)
from ..plan_state import end_of_day, plan_state
from .plan import PlanViewForm

FILTER_NAMES = ("priority", "lead", "organisation", "strategy_link")


@require_safe
def dashboard(request, plan_slug: str):
    """``?month=YYYY-MM&as_at=YYYY-MM-DD`` and the filters ``priority``, ``lead``,
    ``organisation`` and ``strategy_link``; every link keeps them."""
    access = get_plan(request, plan_slug, need=Can.VIEW)
    plan = access.plan
    view_form = PlanViewForm(request.GET or None)
    month = as_at_date = None
    if view_form.is_bound and view_form.is_valid():
        month = view_form.cleaned_data["month"]
        as_at_date = view_form.cleaned_data["as_at"]
    as_at = end_of_day(as_at_date) if as_at_date else None
    months = reporting_months(plan, as_at)
    if month is None:
        month = default_month(months, as_at_date, timezone.localdate())
    # Only the months the trend shows (and each item's latest before them).
    state = plan_state(plan, month=month, as_at=as_at, months=TREND_MONTHS)

    filter_data = {k: v for k, v in request.GET.items() if k in FILTER_NAMES and v}
    filter_form = DashboardFilterForm(filter_data or None, state=state)
    filters = filter_form.filters()
    board = build_dashboard(
        plan, month=month, as_at=as_at, filters=filters, state=state, months=months
    )

    keep = [f"month={month:%Y-%m}"]
    if as_at_date:
        keep.append(f"as_at={as_at_date:%Y-%m-%d}")
    plan_query = "?" + "&".join(keep)
    return render(
        request,
        "reports/dashboard.html",
        {
            "plan": plan,
            "access": access,
            "board": board,
            "state": state,
            "view_form": view_form,
            "filter_form": filter_form,
            "month": month,
            "as_at_date": as_at_date,
            "months": [m.month for m in months],
            "open_month": board.open_month,
            "query": plan_query,
            "heading": f"Dashboard for {month:%B %Y}",
            "caption": f"{plan.title} · {plan.area.name}",
        },
    )
