"""The trend charts: a stacked bar per month of the items' BRAGG statuses or RAG impact
ratings.

A trend covers up to the twelve months ending with the selected month, starting with
the first month anything was rated; an item without a submitted row in a month counts
as "Not rated" for that month.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Value

from actions.models import ActionStatus, EntryState
from outcomes.models import ImpactRating
from progress.plan_state import NOT_RATED, standing_rows
from sendplan.models import Plan
from sendplan.months import add_months, month_label, month_words
from sendplan.ratings import word

from .charts import (
    STATUS_ORDER,
    STATUS_WHAT,
    Chart,
    bar_layout,
    plotly_figure,
    status_cells,
    status_headers,
    status_traces,
)

TREND_MONTHS = 12


def trend_chart(*, scheme, kind_noun, months, rated, total, html_id, link) -> Chart:
    """A stacked bar per month, a trace per status: ``rated`` counts the submitted rows
    per (month, value) of the ``total`` items the filters keep; the rest are not rated.

    The items behind a bar are listed on a page of their own (``link(month, value)``):
    twelve months of every status would make the dashboard too heavy to render."""
    order = STATUS_ORDER[scheme]
    labels = [month_label(m) for m in months]
    counts = {v: [rated.get((m, v), 0) for m in months] for v in order}
    counts[NOT_RATED] = [
        total - sum(n for (m, _), n in rated.items() if m == month) for month in months
    ]
    urls = {v: [link(f"{m:%Y-%m}", v) for m in months] for v in order}
    table_rows = [
        [month_words(month), *status_cells(scheme, counts, urls, index)]
        for index, month in enumerate(months)
    ]
    title = f"{kind_noun.capitalize()} by {STATUS_WHAT[scheme]}, month by month"
    if months:
        span = f"{month_words(months[0])} to {month_words(months[-1])}"
        last = ", ".join(f"{counts[v][-1]} {word(scheme, v)}" for v in order)
        summary = f"Bar chart. {title}, {span}. In {month_words(months[-1])}: {last}."
    else:
        summary = f"Bar chart. {title}. Nothing has been rated yet."
    top = total if months else 0  # every item counts in every month
    return Chart(
        html_id=html_id,
        title=title,
        summary=summary + " The table after the chart gives the figures.",
        figure=plotly_figure(
            status_traces(scheme, labels, counts, urls),
            bar_layout("Month", f"Number of {kind_noun}", top=top),
        ),
        table_caption=title,
        table_headers=["Month", *status_headers(scheme)],
        table_rows=table_rows,
        note="Items with no submitted rating in a month count as not rated for that month. "
        "Select a bar, or a figure in the table, to list the items behind it.",
    )


TREND_TABLES = {
    "bragg": (ActionStatus, "action_id", "status"),
    "rag": (ImpactRating, "target_id", "rag"),
}


def trend_counts(plan: Plan, *, as_at, ids: dict, narrowed: bool, start, month) -> dict:
    """How many submitted BRAGG statuses and RAG impact ratings there are with each
    value, per month from ``start`` to ``month``, among the items ``ids`` ({"bragg":
    action ids, "rag": target ids}): {"bragg": {(month, value): count}, "rag": {...}}.

    The trend needs counts, not rows, so the database counts them (one query for both)
    rather than the page reading a year of ratings. Unless the filters ``narrowed`` the
    items, they are every item of the plan and the query need not list them. As at a
    moment, the rows as they stood then (chosen as ``plan_state`` chooses them) are
    counted here instead."""
    if as_at is not None:
        return {
            scheme: _trend_counts_as_at(plan, as_at, scheme, ids[scheme], start, month)
            for scheme in TREND_TABLES
        }
    queries = []
    for scheme, (model, parent, value_field) in TREND_TABLES.items():
        rows = model.objects.filter(
            plan_id=plan.id, month__gte=start, month__lte=month, state=EntryState.SUBMITTED
        )
        if narrowed:
            rows = rows.filter(**{f"{parent}__in": sorted(ids[scheme])})
        queries.append(
            rows.values_list("month", value_field)
            .annotate(count=Count("id"), scheme=Value(scheme))
            .order_by()
        )
    counts = {scheme: {} for scheme in TREND_TABLES}
    for m, value, count, scheme in queries[0].union(*queries[1:], all=True):
        counts[scheme][(m, value)] = count
    return counts


def _trend_counts_as_at(plan: Plan, as_at, scheme: str, ids: set[int], start, month) -> dict:
    """``trend_counts`` for one scheme as the ratings stood at ``as_at``, counted in the
    database among the history rows that stood then."""
    model, parent, value_field = TREND_TABLES[scheme]
    rows = standing_rows(model, as_at, plan_id=plan.id).filter(
        month__gte=start,
        month__lte=month,
        state=EntryState.SUBMITTED,
        **{f"{parent}__in": sorted(ids)},
    )
    counted = rows.values_list("month", value_field).annotate(count=Count("history_id"))
    return {(m, value): count for m, value, count in counted.order_by()}


def trend_months(rated: set[dt.date], items, month: dt.date) -> list[dt.date]:
    """Up to ``TREND_MONTHS`` months ending with ``month``, from the first month anything
    was rated: ``rated`` holds the months with ratings in the window, and each item's own
    ratings (its newest before ``month`` at least) tell whether any came earlier."""
    rated = rated | {r.month for item in items for r in item.ratings if r.is_submitted}
    start = add_months(month, -(TREND_MONTHS - 1))
    start = max(start, min(rated)) if rated else month
    months = []
    while start <= month:
        months.append(start)
        start = add_months(start, 1)
    return months
