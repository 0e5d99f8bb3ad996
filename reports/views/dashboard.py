"""The plan's dashboard page (charts, their tables, exceptions and milestones) and the
page listing the items behind one bar of its charts."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_safe

from progress.plan_state import end_of_day, plan_state
from sendplan.access import Can, get_plan
from sendplan.months import BadMonthOrDate, parse_iso_month
from sendplan.ratings import BRAGG, RAG

from ..dashboard import (
    BAR_CHARTS,
    NOT_RATED,
    PRIORITY_CHARTS,
    TREND_CHARTS,
    DashboardFilterForm,
    bar_items,
    build_dashboard,
    default_month,
    reporting_months,
)
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
    # The month's rows (and each item's latest before it): the trend is counted apart,
    # and the dashboard shows no story so far.
    state = plan_state(plan, month=month, as_at=as_at, months=1, story=False)

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


# --- The items behind a bar ------------------------------------------------------------

SCHEME_VALUES = {
    "bragg": [*BRAGG.values, NOT_RATED],
    "rag": [*RAG.values, NOT_RATED],
}
SCHEME_VALUE_ERRORS = {
    "bragg": "Select a BRAGG status: blue, green, amber, red, grey or none (not rated)",
    "rag": "Select a RAG impact rating: green, amber, red or none (not rated)",
}
CHART_ERROR = "Select a chart: " + ", ".join(BAR_CHARTS)


class BarItemsForm(PlanViewForm):
    """Which bar: ``chart``, ``bar`` (a trend's month, YYYY-MM, or the number of a
    priority in the month's charts by priority) and ``value``, besides the dashboard's
    ``month`` and ``as_at``. The values come from a link, not from fields on the page,
    so the error summary lists them without pointing at a field."""

    chart = forms.ChoiceField(
        choices=[(name, name) for name in BAR_CHARTS],
        error_messages={"required": CHART_ERROR, "invalid_choice": CHART_ERROR},
    )
    bar = forms.CharField(required=False)
    value = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            form_field.widget = forms.HiddenInput()

    def clean_bar(self):
        return self.cleaned_data["bar"].strip()

    def clean(self):
        data = super().clean()
        chart = data.get("chart")
        # The bar's and the value's forms depend on the chart; a wrong chart is said first.
        if chart in TREND_CHARTS:
            data["bar"] = self._bar_month(data.get("bar", ""))
        elif chart in PRIORITY_CHARTS:
            data["bar"] = self._bar_priority(data.get("bar", ""))
        scheme = BAR_CHARTS.get(chart)
        if scheme and data.get("value") not in SCHEME_VALUES[scheme]:
            self.add_error("value", SCHEME_VALUE_ERRORS[scheme])
        return data

    def _bar_month(self, text: str):
        if not text:
            self.add_error("bar", "Enter the month of the bar, like 2023-04.")
            return None
        try:
            return parse_iso_month(text, name="the month of the bar")
        except BadMonthOrDate as error:
            self.add_error("bar", str(error))
            return None

    def _bar_priority(self, text: str):
        if not text.isdigit() or len(text) > 6:
            self.add_error("bar", "Enter the priority of the bar as its number, like 1.")
            return None
        return int(text)


@require_GET
def dashboard_items(request, plan_slug: str):
    """``?chart=…&bar=…&value=red`` (see ``BarItemsForm``) with the dashboard's own query
    (``month``, ``as_at`` and the filters), which the link back to it keeps. A bad value
    is answered with the page's error summary (400), never with a list that differs from
    the bar."""
    access = get_plan(request, plan_slug, need=Can.VIEW)
    plan = access.plan
    given = {k: v for k, v in request.GET.items() if v}
    back = [(k, given[k]) for k in ("month", "as_at", *FILTER_NAMES) if k in given]
    live = [(k, given[k]) for k in ("chart", "bar", "value", "month", *FILTER_NAMES) if k in given]
    context = {
        "plan": plan,
        "access": access,
        "dashboard_query": "?" + urlencode(back) if back else "",
        "caption": f"{plan.title} · {plan.area.name}",
    }
    form = BarItemsForm(request.GET)
    if not form.is_valid():
        return _bad_bar(request, context, form)
    chart = form.cleaned_data["chart"]
    as_at_date = form.cleaned_data["as_at"]
    as_at = end_of_day(as_at_date) if as_at_date else None
    priority = None
    if chart in TREND_CHARTS:
        month = form.cleaned_data["bar"]
    else:
        # A bar of the month's charts by priority: the dashboard's month.
        priority = form.cleaned_data["bar"]
        month = form.cleaned_data["month"]
        if month is None:
            month = default_month(reporting_months(plan, as_at), as_at_date, timezone.localdate())
    # The bar's month alone: its rows are all a bar counts.
    state = plan_state(plan, month=month, as_at=as_at, months=1, story=False)
    if priority is not None and all(p.number != priority for p in state.priorities):
        form.add_error("bar", "Enter the number of a priority of this plan.")
        return _bad_bar(request, context, form)
    filter_data = {k: v for k, v in request.GET.items() if k in FILTER_NAMES and v}
    filter_form = DashboardFilterForm(filter_data or None, state=state)
    filters = filter_form.filters()
    if filter_form.errors:
        for form_field in filter_form.fields.values():
            form_field.widget = forms.HiddenInput()
        return _bad_bar(request, context, filter_form)

    found = bar_items(
        state,
        chart=chart,
        month=month,
        value=form.cleaned_data["value"],
        filters=filters,
        priority=priority,
    )
    return render(
        request,
        "reports/dashboard_items.html",
        {
            **context,
            "found": found,
            "filters_shown": _filters_shown(filter_form, filters),
            "as_at_date": as_at_date,
            "live_query": "?" + urlencode(live),
        },
    )


def _bad_bar(request, context, form):
    return render(request, "reports/dashboard_items.html", {**context, "form": form}, status=400)


def _filters_shown(filter_form: DashboardFilterForm, filters) -> list[tuple[str, str]]:
    """The filters applied, as (label, the option's text) for the page to state."""
    shown = []
    for name, value in filters.query():
        form_field = filter_form.fields[name]
        label = dict((str(k), v) for k, v in form_field.choices).get(value, value)
        shown.append((form_field.label, label))
    return shown
