"""A plan's dashboard: what is off track at one glance, and the items behind each bar.

Everything here is computed from ``plan_state`` (live, or as the plan stood at a moment),
so the dashboard, the plan pages and the PDF reports count the same things. Charts are
plotly figures built in Python and handed to the page as JSON; the browser draws them
with plotly's strict bundle. Each chart comes with:

- a table of the same figures (for screen readers, printing, and pages without script);
- for every bar, the list of items behind it, on a page of its own (``bar_items``, the
  ``reports:dashboard_items`` view) that the bar's click and the table's figure lead to.
  Twelve months of every status, or every item of the plan once more, are too many rows
  to render with each dashboard; the exception lists stay on the page.

Colour is never the only carrier: legends, hover text and tables use the BRAGG and RAG
words, and every bar pattern differs by status too.

Decisions written down here:

- *Filters* narrow actions and outcome targets alike. Priority and strategy link apply
  through the item's issue to be addressed. Lead and organisation apply to an action
  through its leads; to an outcome target through the action it measures or, when the
  plan ties it to no action, through the actions of its issue.
- *Trend* charts cover up to the twelve months ending with the selected month, starting
  with the first month anything was rated; an item without a submitted row in a month
  counts as "Not rated" for that month.
- *Missing updates* are items with no BRAGG or RAG row at all, draft or submitted, in the
  plan's open reporting month (as it stood at the "as at" moment).
- *Milestone status* comes from the actions of the priorities a milestone serves, at the
  end of the selected month: **Achieved** when every one is completed (Blue, or a
  completion date); else **Missed** when the milestone's month has passed; else **At
  risk** when any is Red; else **On track**. A milestone linked to no actions is **Not
  assessed**.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from actions.models import ActionStatus, EntryState
from outcomes.models import ImpactRating
from progress.plan_state import (
    NOT_RATED,
    ActionState,
    IssueState,
    PlanState,
    PriorityState,
    Rating,
    TargetState,
    plan_state,
    rows_as_at,
    standing_rows,
)
from sendplan import ratings
from sendplan.models import Milestone, MilestonePriority, MonthStatus, Plan, ReportingMonth
from sendplan.month_shown import month_shown
from sendplan.months import add_months, month_label, month_words
from sendplan.ratings import BRAGG, BRAGG_ORDER, RAG_ORDER

# The one palette and order (sendplan.ratings): a bar is the colour of the tag beside it.
COLOURS = {value: ratings.fill(value) for value in ratings.COLOURS}
TEXT_COLOURS = {value: ratings.ink(value) for value in ratings.COLOURS}
# A second carrier besides colour, for printing in black and white and for colour blindness.
PATTERNS = {"red": "x", "amber": "/", "grey": ".", NOT_RATED: "-"}
TREND_MONTHS = 12
FONT = {"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"}


word = ratings.word


def plot_text(text: str) -> str:
    """Text for a chart label: plotly reads a few HTML tags in labels, so escape them."""
    return html.escape(str(text), quote=True)


def shorten(text: str, length: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def truncate(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters with an ellipsis, as ``truncatechars`` does
    (without its cost per call, which long lists paid row after row)."""
    return text if len(text) <= length else text[: length - 1] + "…"


# --- Filters ---------------------------------------------------------------------------


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, from the query string. Choices come from the plan."""

    priority = forms.TypedChoiceField(
        label="Priority",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a priority from the list"},
    )
    lead = forms.TypedChoiceField(
        label="Lead",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a lead from the list"},
    )
    organisation = forms.ChoiceField(
        label="Organisation",
        required=False,
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )
    strategy_link = forms.ChoiceField(
        label="Strategy link",
        required=False,
        error_messages={"invalid_choice": "Select a strategy link from the list"},
    )

    def __init__(self, *args, state: PlanState, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        leads = {p.id: p for a in state.actions for p in a.leads}
        organisations = sorted({p.organisation for p in leads.values() if p.organisation})
        links = sorted({name for issue in state.issues for name in issue.strategy_links})
        self.fields["priority"].choices = [("", "All priorities")] + [
            (str(p.number), f"{p.number}. {shorten(p.title, 50)}") for p in state.priorities
        ]
        self.fields["lead"].choices = [("", "All leads")] + [
            (str(p.id), p.name) for p in sorted(leads.values(), key=lambda p: p.name)
        ]
        self.fields["organisation"].choices = [("", "All organisations")] + [
            (o, o) for o in organisations
        ]
        self.fields["strategy_link"].choices = [("", "All strategy links")] + [
            (s, s) for s in links
        ]
        for form_field in self.fields.values():
            form_field.widget.attrs["class"] = "govuk-select"

    def filters(self) -> Filters:
        """The valid filters; an invalid one is left out (and shown as an error)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        for name in self.errors:
            widget = self.fields[name].widget
            widget.attrs["class"] = "govuk-select govuk-select--error"
            widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
        data = self.cleaned_data
        return Filters(
            priority=data.get("priority"),
            lead=data.get("lead"),
            organisation=data.get("organisation") or "",
            strategy_link=data.get("strategy_link") or "",
        )


@dataclass
class Filters:
    priority: int | None = None
    lead: int | None = None
    organisation: str = ""
    strategy_link: str = ""

    @property
    def active(self) -> bool:
        return bool(self.priority or self.lead or self.organisation or self.strategy_link)

    def query(self) -> list[tuple[str, str]]:
        """The filters as query string pairs, in the form's order (for links that keep them)."""
        pairs = [
            ("priority", self.priority),
            ("lead", self.lead),
            ("organisation", self.organisation),
            ("strategy_link", self.strategy_link),
        ]
        return [(name, str(value)) for name, value in pairs if value]

    def _by_person(self, leads) -> bool:
        if self.lead and not any(p.id == self.lead for p in leads):
            return False
        return not (
            self.organisation and not any(p.organisation == self.organisation for p in leads)
        )

    def _by_place(self, priority: PriorityState, issue: IssueState) -> bool:
        if self.priority and priority.number != self.priority:
            return False
        return not (self.strategy_link and self.strategy_link not in issue.strategy_links)

    def action(self, priority, issue, action: ActionState) -> bool:
        return self._by_place(priority, issue) and self._by_person(action.leads)

    def target(self, priority, issue, target: TargetState) -> bool:
        if not self._by_place(priority, issue):
            return False
        if not (self.lead or self.organisation):
            return True
        tied = [a for a in issue.actions if a.id == target.action_id]
        actions = tied or issue.actions
        return any(self._by_person(a.leads) for a in actions)


# --- What the page shows ---------------------------------------------------------------


@dataclass
class Item:
    """One action or outcome target in a list: enough to find it and see why it is there."""

    kind: str  # "action" or "target"
    id: int
    priority_number: int
    issue_ref: str
    text: str
    leads: str
    value: str  # its BRAGG or RAG value for the list's month
    detail: str = ""
    issue_url: str = ""  # its issue's page in the list's month (``_link_issues``), or none

    def __getitem__(self, name: str):
        # A template looks ``item.text`` up as item["text"] first; answering it spares the
        # TypeError Django would catch before trying the attribute, a fifth of the cost of
        # a row in the dashboard's lists.
        return getattr(self, name)

    @property
    def scheme(self) -> str:
        return "bragg" if self.kind == "action" else "rag"

    @property
    def kind_label(self) -> str:
        return "Action" if self.kind == "action" else "Outcome target"

    @property
    def short_text(self) -> str:
        return truncate(self.text, 160)

    @property
    def short_detail(self) -> str:
        return truncate(self.detail, 240)

    @property
    def tag_value(self) -> str:
        """The value for the BRAGG/RAG tag, which shows "Not rated" for an empty one."""
        return "" if self.value == NOT_RATED else self.value


@dataclass
class Chart:
    html_id: str
    title: str
    summary: str
    figure: dict
    table_caption: str
    table_headers: list
    table_rows: list
    note: str = ""

    @property
    def data_id(self) -> str:
        return f"{self.html_id}-data"

    @property
    def figure_json(self) -> str:
        """The figure as JSON safe inside <script type="application/json">: the same text
        as Django's json_script, whose str.translate took 2 ms over a page's figures."""
        text = json.dumps(self.figure, cls=DjangoJSONEncoder)
        for char, code in (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E")):
            text = text.replace(char, code)
        return mark_safe(text)  # the three characters that could end the element are escaped

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no rows in its table, or stacked bars all zero high."""
        if not self.table_rows or not self.figure.get("data"):
            return True
        stacked = [
            t for t in self.figure["data"] if t.get("type") == "bar" and t.get("orientation") != "h"
        ]
        return bool(stacked) and not any(sum(t["y"]) for t in stacked)


@dataclass
class ExceptionList:
    html_id: str
    title: str
    description: str
    items: list[Item]


@dataclass
class MilestoneRow:
    id: int
    period: str
    due_month: dt.date | None
    text: str
    priorities: list[int]
    status: str
    reason: str


@dataclass
class Dashboard:
    plan: Plan
    state: PlanState
    month: dt.date
    filters: Filters
    charts: list[Chart]
    exceptions: list[ExceptionList]
    measures: list[dict]
    milestones: list[MilestoneRow]
    milestone_chart: Chart | None
    open_month: dt.date | None
    action_count: int
    target_count: int

    @property
    def exception_count(self) -> int:
        return sum(len(e.items) for e in self.exceptions)


# --- Building it -----------------------------------------------------------------------


def _leads(action: ActionState) -> str:
    return ", ".join(p.name for p in action.leads)


def _action_item(priority, issue, action: ActionState, value: str, detail: str = "") -> Item:
    return Item(
        "action", action.id, priority.number, issue.ref, action.text, _leads(action), value, detail
    )


def _target_item(priority, issue, target: TargetState, value: str, detail: str = "") -> Item:
    return Item("target", target.id, priority.number, issue.ref, target.text, "", value, detail)


def _link_issues(plan: Plan, lists: list[list[Item]], query: str) -> None:
    """Give each item its issue's page with ``query`` (the month and "as at" to show it
    in), reversed once per issue rather than once per row."""
    urls: dict[str, str] = {}
    for items in lists:
        for item in items:
            if item.issue_ref not in urls:
                try:
                    url = reverse("reports:issue_detail", args=[plan.slug, item.issue_ref])
                    url += query
                except NoReverseMatch:  # a ref the URL cannot carry is shown as text
                    url = ""
                urls[item.issue_ref] = url
            item.issue_url = urls[item.issue_ref]


def _rating_in(item, month: dt.date) -> Rating | None:
    """The item's submitted BRAGG or RAG row for ``month``, if any."""
    for rating in item.ratings:
        if rating.month == month and rating.is_submitted:
            return rating
    return None


def _rated_in(item, month: dt.date) -> str:
    rating = _rating_in(item, month)
    return rating.value if rating else NOT_RATED


def _bar(name, value, scheme, x, y, customdata) -> dict:
    """One status's trace of a stacked bar chart, as plotly's JSON has it (see ``_figure``)."""
    hover_noun = "actions" if scheme == "bragg" else "outcome targets"
    return {
        "type": "bar",
        "name": name,
        "x": x,
        "y": y,
        "orientation": "v",
        "customdata": customdata,
        "marker": {
            "color": COLOURS[value],
            "line": {"color": ratings.OUTLINE if value == NOT_RATED else "#0b0c0c", "width": 1},
            "pattern": {
                "shape": PATTERNS.get(value, ""),
                "fgcolor": TEXT_COLOURS[value],
                "solidity": 0.2,
                # The pattern is drawn over the status colour, not instead of it.
                "fillmode": "overlay",
            },
        },
        "text": [str(v) if v else "" for v in y],
        "textposition": "inside",
        "insidetextanchor": "middle",
        "textfont": {"color": TEXT_COLOURS[value]},
        "hovertemplate": f"%{{x}}<br>{name}: %{{y}} {hover_noun}<extra></extra>",
    }


def _layout(x_title: str, y_title: str, *, top: int = 0, **extra) -> dict:
    """A chart's layout. No title: the page's heading above the chart names it.

    ``top`` is the tallest stack, so the count axis ticks whole numbers only."""
    return {
        "barmode": "stack",
        "font": FONT,
        "xaxis": {"title": {"text": x_title}, "type": "category", "automargin": True},
        "yaxis": {
            "title": {"text": y_title},
            "rangemode": "tozero",
            "automargin": True,
            "tickformat": "d",
            "dtick": max(1, math.ceil(top / 8)),
            "gridcolor": "#dddddd",
        },
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "traceorder": "normal",
        },
        "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
        "height": 380,
        "clickmode": "event",
        **extra,
    }


# What plotly writes for the "none" template: no theme, plotly.js's own defaults.
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


def _figure(traces: list[dict], layout: dict) -> dict:
    """The figure as plotly's ``Figure(...).to_json()`` would write it, built as plain
    dicts: plotly's objects validate every property on the way, which cost more than the
    rest of the dashboard. tests/reports/test_dashboard.py feeds every figure the page
    emits to ``plotly.graph_objects.Figure`` (which refuses an unknown property or a bad
    value) and checks that its JSON equals the dict, so plotly stays the authority."""
    return {"data": traces, "layout": {**layout, "template": NO_TEMPLATE}}


def _count_link(count: int, href: str):
    """A table's figure, linking to the list of its items (the items page)."""
    if not count:
        return {"text": "0", "numeric": True}
    # Built by hand rather than with format_html: a trend's table has a hundred of these.
    link = f'<a class="govuk-link" href="{escape(href)}">{count}</a>'
    return {"text": mark_safe(link), "numeric": True}


def _distribution_chart(*, scheme, kind_noun, month, priorities, entries, html_id, link) -> Chart:
    """A stacked bar per priority, a trace per status, for one month. ``entries``:
    (priority, issue, item) the filters keep. A bar's items are listed on the items page
    (``link(priority number, value)``), as a trend bar's are."""
    order = BRAGG_ORDER if scheme == "bragg" else RAG_ORDER
    labels = [f"Priority {p.number}" for p in priorities]
    column = {p.number: index for index, p in enumerate(priorities)}
    counts = {value: [0] * len(priorities) for value in order}
    for priority, _, item in entries:
        value = _rated_in(item, month)
        if value in counts and priority.number in column:
            counts[value][column[priority.number]] += 1
    urls = {(p.number, v): link(str(p.number), v) for p in priorities for v in order}
    traces = [
        _bar(
            word(scheme, value),
            value,
            scheme,
            labels,
            counts[value],
            [urls[(p.number, value)] for p in priorities],
        )
        for value in order
    ]
    totals_by_priority = [sum(counts[v][index] for v in order) for index in range(len(priorities))]
    table_rows = []
    for index, priority in enumerate(priorities):
        row = [f"Priority {priority.number}: {shorten(priority.title, 70)}"]
        for value in order:
            row.append(_count_link(counts[value][index], urls[(priority.number, value)]))
        row.append({"text": str(totals_by_priority[index]), "numeric": True})
        table_rows.append(row)
    totals = {value: sum(counts[value]) for value in order}
    summary = ", ".join(f"{totals[v]} {word(scheme, v)}" for v in order)
    total = sum(totals.values())
    what = "BRAGG status" if scheme == "bragg" else "RAG impact rating"
    title = f"{kind_noun.capitalize()} by priority and {what}, {month_words(month)}"
    return Chart(
        html_id=html_id,
        title=title,
        summary=f"Bar chart. {title}. {total} {kind_noun} in all: {summary}. "
        "The table after the chart gives the figures.",
        figure=_figure(
            traces,
            _layout("Priority", f"Number of {kind_noun}", top=max(totals_by_priority, default=0)),
        ),
        table_caption=title,
        table_headers=["Priority"]
        + [{"text": word(scheme, v), "numeric": True} for v in order]
        + [{"text": "Total", "numeric": True}],
        table_rows=table_rows,
        note="Select a bar, or a figure in the table, to list the items behind it.",
    )


def _trend_chart(*, scheme, kind_noun, months, rated, total, html_id, link) -> Chart:
    """A stacked bar per month, a trace per status: ``rated`` counts the submitted rows
    per (month, value) of the ``total`` items the filters keep; the rest are not rated.

    The items behind a bar are listed on a page of their own (``link(month, value)``):
    twelve months of every status would make the dashboard too heavy to render."""
    order = BRAGG_ORDER if scheme == "bragg" else RAG_ORDER
    labels = [month_label(m) for m in months]
    counts = {v: [rated.get((m, v), 0) for m in months] for v in order}
    counts[NOT_RATED] = [
        total - sum(n for (m, _), n in rated.items() if m == month) for month in months
    ]
    urls = {(m, v): link(f"{m:%Y-%m}", v) for m in months for v in order}
    traces = [
        _bar(
            word(scheme, value),
            value,
            scheme,
            labels,
            counts[value],
            [urls[(m, value)] for m in months],
        )
        for value in order
    ]
    table_rows = []
    for index, month in enumerate(months):
        row = [month_words(month)]
        for value in order:
            row.append(_count_link(counts[value][index], urls[(month, value)]))
        table_rows.append(row)
    what = "BRAGG status" if scheme == "bragg" else "RAG impact rating"
    title = f"{kind_noun.capitalize()} by {what}, month by month"
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
        figure=_figure(traces, _layout("Month", f"Number of {kind_noun}", top=top)),
        table_caption=title,
        table_headers=["Month"] + [{"text": word(scheme, v), "numeric": True} for v in order],
        table_rows=table_rows,
        note="Items with no submitted rating in a month count as not rated for that month. "
        "Select a bar, or a figure in the table, to list the items behind it.",
    )


TREND_TABLES = {
    "bragg": (ActionStatus, "action_id", "status"),
    "rag": (ImpactRating, "target_id", "rag"),
}


def _trend_counts(plan: Plan, *, as_at, ids: dict, narrowed: bool, start, month) -> dict:
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
    """``_trend_counts`` for one scheme as the ratings stood at ``as_at``, counted in the
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


def _trend_months(rated: set[dt.date], items, month: dt.date) -> list[dt.date]:
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


def _measure(priority, issue, target: TargetState) -> dict:
    latest = target.latest_measured
    on_course = target.on_course
    status = {None: "Not yet measured", True: "On course", False: "At risk"}[on_course]
    progress = None
    if latest is not None and target.baseline is not None and target.target_value is not None:
        span = target.target_value - target.baseline
        if span:
            progress = float((latest - target.baseline) / span * 100)
    return {
        "priority": priority.number,
        "issue_ref": issue.ref,
        "id": target.id,
        "text": target.text,
        "unit": target.unit,
        "baseline": target.baseline,
        "latest": latest,
        "target": target.target_value,
        "status": status,
        "progress": progress,
    }


def _number(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{value.normalize():f}" if isinstance(value, Decimal) else f"{value:g}"


def _measures_chart(measures: list[dict], month: dt.date) -> Chart | None:
    shown = [m for m in measures if m["progress"] is not None]
    title = f"Quantified outcome targets: progress from baseline to target, {month_words(month)}"
    table_rows = [
        [
            f"{m['issue_ref']}: {shorten(m['text'], 90)}",
            {"text": _number(m["baseline"]), "numeric": True},
            {"text": _number(m["latest"]), "numeric": True},
            {"text": _number(m["target"]), "numeric": True},
            m["unit"],
            m["status"],
        ]
        for m in measures
    ]
    figure = None
    if shown:
        labels = [plot_text(f"{m['issue_ref']}: {shorten(m['text'], 40)}") for m in shown]
        colours = [
            COLOURS["green"] if m["status"] == "On course" else COLOURS["red"] for m in shown
        ]
        trace = {
            "type": "bar",
            "x": [round(m["progress"], 1) for m in shown],
            "y": labels,
            "orientation": "h",
            "marker": {"color": colours, "line": {"color": "#0b0c0c", "width": 1}},
            "text": [f"{m['status']}: {round(m['progress'])}%" for m in shown],
            "textposition": "auto",
            "textfont": {"color": "#ffffff"},
            "customdata": [f"measure-{m['id']}" for m in shown],
            "hovertemplate": "%{y}<br>%{text} of the way from baseline to target<extra></extra>",
            "showlegend": False,
        }
        layout = _layout("Progress from baseline to target (%)", "")
        layout.update(
            barmode="group",
            xaxis={
                "title": {"text": "Progress from baseline to target (%)"},
                "zeroline": True,
                "gridcolor": "#dddddd",
                "range": [
                    min(0, *(m["progress"] for m in shown)) - 5,
                    max(110, *(m["progress"] + 10 for m in shown)),
                ],
                "automargin": True,
            },
            yaxis={"automargin": True, "type": "category"},
            height=max(220, 80 + 45 * len(shown)),
            shapes=[
                {
                    "type": "line",
                    "x0": 100,
                    "x1": 100,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#0b0c0c", "dash": "dash"},
                }
            ],
        )
        figure = _figure([trace], layout)
    on_course = sum(1 for m in measures if m["status"] == "On course")
    at_risk = sum(1 for m in measures if m["status"] == "At risk")
    return Chart(
        html_id="measures",
        title=title,
        summary=(
            f"Bar chart. {title}. {on_course} on course, {at_risk} at risk; a bar reaching "
            "the dashed line at 100% has met its target. The table after the chart gives "
            "the baseline, latest measured figure and target of each."
        ),
        figure=figure or {},
        table_caption="Quantified outcome targets: baseline, latest measured figure and target",
        table_headers=[
            "Outcome target",
            {"text": "Baseline", "numeric": True},
            {"text": "Latest measured", "numeric": True},
            {"text": "Target", "numeric": True},
            "Unit",
            "Status",
        ],
        table_rows=table_rows,
    )


MILESTONE_ORDER = ["Achieved", "On track", "At risk", "Missed", "Not assessed"]
MILESTONE_COLOURS = {
    "Achieved": COLOURS["blue"],
    "On track": COLOURS["green"],
    "At risk": COLOURS["red"],
    "Missed": "#0b0c0c",
    "Not assessed": COLOURS["grey"],
}
MILESTONE_SYMBOLS = {
    "Achieved": "star",
    "On track": "circle",
    "At risk": "triangle-up",
    "Missed": "x",
    "Not assessed": "square-open",
}


def milestone_status(milestone, actions: list[ActionState], month: dt.date) -> tuple[str, str]:
    """A milestone's status at the end of ``month`` from its priorities' actions."""
    if not actions:
        return "Not assessed", "No actions under its priorities."
    finished = sum(1 for a in actions if a.is_done(month))
    if finished == len(actions):
        return "Achieved", f"All {len(actions)} actions completed."
    if milestone.due_month and milestone.due_month < month:
        return "Missed", f"{finished} of {len(actions)} actions completed by its date."
    red = sum(1 for a in actions if a.status == BRAGG.RED)
    if red:
        return "At risk", f"{red} of {len(actions)} actions Red."
    return "On track", f"{finished} of {len(actions)} actions completed, none Red."


def _milestones(plan, state: PlanState, month, as_at) -> list[MilestoneRow]:
    milestones = rows_as_at(Milestone, as_at, plan_id=plan.id)
    links = rows_as_at(MilestonePriority, as_at, plan_id=plan.id)
    priorities = {p.id: p for p in state.priorities}
    rows = []
    for milestone in sorted(milestones, key=lambda m: (m.due_month or dt.date.max, m.order)):
        linked = sorted(
            (
                priorities[link.priority_id]
                for link in links
                if link.milestone_id == milestone.id and link.priority_id in priorities
            ),
            key=lambda p: p.number,
        )
        actions = [a for p in linked for a in p.actions]
        status, reason = milestone_status(milestone, actions, month)
        if not linked:
            reason = "Linked to no priority."
        rows.append(
            MilestoneRow(
                milestone.id,
                milestone.period,
                milestone.due_month,
                milestone.text,
                [p.number for p in linked],
                status,
                reason,
            )
        )
    return rows


def _milestone_chart(rows: list[MilestoneRow]) -> Chart | None:
    if not rows:
        return None
    dated = [r for r in rows if r.due_month]
    traces = []
    for status in MILESTONE_ORDER:
        chosen = [r for r in dated if r.status == status]
        if not chosen:
            continue
        traces.append(
            {
                "type": "scatter",
                "name": status,
                "x": [r.due_month.isoformat() for r in chosen],
                "y": [status for _ in chosen],
                "mode": "markers+text",
                "marker": {
                    "size": 16,
                    "color": MILESTONE_COLOURS[status],
                    "symbol": MILESTONE_SYMBOLS[status],
                    "line": {"color": "#0b0c0c", "width": 1},
                },
                "text": [plot_text(r.period) for r in chosen],
                "textposition": "top center",
                "customdata": [f"milestone-{r.id}" for r in chosen],
                "hovertext": [
                    plot_text(f"{r.period}: {status}. {shorten(r.text, 80)}") for r in chosen
                ],
                "hoverinfo": "text",
            }
        )
    layout = _layout("Month due", "Status")
    months = [r.due_month for r in dated]
    layout.update(
        xaxis={
            "title": {"text": "Month due"},
            "type": "date",
            "tickformat": "%b %Y",
            "automargin": True,
            "gridcolor": "#dddddd",
            # A few months either side, so one milestone alone still sits on a timeline.
            **(
                {
                    "range": [
                        add_months(min(months), -3).isoformat(),
                        add_months(max(months), 3).isoformat(),
                    ]
                }
                if months
                else {}
            ),
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": MILESTONE_ORDER[::-1],
            "range": [-0.5, len(MILESTONE_ORDER) - 0.5],
            "automargin": True,
        },
        height=360,
    )
    summary = ", ".join(
        f"{sum(1 for r in rows if r.status == s)} {s.lower()}"
        for s in MILESTONE_ORDER
        if any(r.status == s for r in rows)
    )
    return Chart(
        html_id="milestones-chart",
        title="Milestones",
        summary=f"Timeline of {len(rows)} milestones by month due and status: {summary}. "
        "The table after the chart lists each one.",
        figure=_figure(traces, layout) if traces else {},
        table_caption="Milestones and their status",
        table_headers=["Period", "Month due", "Milestone", "Priorities", "Status", "Why"],
        table_rows=[
            [
                r.period,
                month_words(r.due_month) if r.due_month else "–",
                r.text,
                ", ".join(str(n) for n in r.priorities) or "–",
                r.status,
                r.reason,
            ]
            for r in rows
        ],
    )


def reporting_months(plan: Plan, as_at) -> list:
    """The plan's reporting months (newest first) as they stood at ``as_at``."""
    return sorted(
        rows_as_at(ReportingMonth, as_at, plan_id=plan.id), key=lambda m: m.month, reverse=True
    )


def default_month(months: list, as_at_date: dt.date | None, today: dt.date) -> dt.date:
    return month_shown(months, today=today, as_at_date=as_at_date)


def _with_a_row(model, parent: str, plan: Plan, month: dt.date, as_at) -> set[int]:
    """Ids of the actions (or targets) with a row of ``model``, draft or submitted, in
    ``month``: only the ids, read as they stood at ``as_at``."""
    if as_at is None:
        rows = model.objects.filter(plan_id=plan.id, month=month).order_by()
        return set(rows.values_list(parent, flat=True))
    return {getattr(r, parent) for r in rows_as_at(model, as_at, plan_id=plan.id, month=month)}


def _missing_updates(plan, state, filtered_actions, filtered_targets, open_month, as_at):
    """Items with no row at all (draft or submitted) in the open month."""
    if open_month is None:
        return []
    rated_actions = _with_a_row(ActionStatus, "action_id", plan, open_month, as_at)
    rated_targets = _with_a_row(ImpactRating, "target_id", plan, open_month, as_at)
    when = month_words(open_month)
    missing = [
        _action_item(p, i, a, _rated_in(a, state.month), f"No update for {when}")
        for p, i, a in filtered_actions
        if a.id not in rated_actions
    ]
    missing += [
        _target_item(p, i, t, _rated_in(t, state.month), f"No rating for {when}")
        for p, i, t in filtered_targets
        if t.id not in rated_targets
    ]
    return missing


def _entries(state: PlanState, filters: Filters) -> tuple[list, list]:
    """The actions and the outcome targets the filters keep, as (priority, issue, item)."""
    actions = [
        (p, i, a)
        for p in state.priorities
        for i in p.issues
        for a in i.actions
        if filters.action(p, i, a)
    ]
    targets = [
        (p, i, t)
        for p in state.priorities
        for i in p.issues
        for t in i.targets
        if filters.target(p, i, t)
    ]
    return actions, targets


def dashboard_query(month: dt.date, as_at: dt.datetime | None, filters: Filters) -> list:
    """The dashboard's query string pairs: its month, "as at" date and filters."""
    pairs = [("month", f"{month:%Y-%m}")]
    if as_at:
        pairs.append(("as_at", f"{timezone.localtime(as_at):%Y-%m-%d}"))
    return pairs + filters.query()


def bar_items_link(plan: Plan, chart: str, query: list):
    """``link(bar, value)``: the items page of one bar of ``chart`` (``BAR_CHARTS``), the
    bar named by its month (a trend) or its priority's number, with the dashboard's
    ``query`` after the bar's own parameters."""
    start = (
        reverse("reports:dashboard_items", args=[plan.slug]) + "?" + urlencode([("chart", chart)])
    )
    rest = "&" + urlencode(query) if query else ""

    def link(bar: str, value: str) -> str:
        # A month, a number and a status's key need no quoting; the rest is encoded above.
        return f"{start}&bar={bar}&value={value}{rest}"

    return link


def build_dashboard(
    plan: Plan,
    *,
    month: dt.date,
    as_at: dt.datetime | None,
    filters: Filters,
    state: PlanState | None = None,
    months: list | None = None,
) -> Dashboard:
    """The dashboard of ``plan`` for ``month``, live or as it stood at ``as_at``."""
    # One month of rows is enough: the trend is counted by the database (_trend_counts).
    state = state or plan_state(plan, month=month, as_at=as_at, months=1, story=False)
    months = reporting_months(plan, as_at) if months is None else months
    open_month = next((m.month for m in months if m.status == MonthStatus.OPEN), None)
    actions, targets = _entries(state, filters)
    query = dashboard_query(state.month, as_at, filters)

    priorities = [
        p for p in state.priorities if not filters.priority or p.number == filters.priority
    ]

    window = add_months(state.month, -(TREND_MONTHS - 1))
    rated = _trend_counts(
        plan,
        as_at=as_at,
        ids={"bragg": {a.id for _, _, a in actions}, "rag": {t.id for _, _, t in targets}},
        narrowed=filters.active,
        start=window,
        month=state.month,
    )
    trend = _trend_months(
        {m for counts in rated.values() for m, _ in counts},
        [a for _, _, a in actions] + [t for _, _, t in targets],
        state.month,
    )
    charts = [
        _distribution_chart(
            scheme="bragg",
            kind_noun="actions",
            month=state.month,
            priorities=priorities,
            entries=actions,
            html_id="bragg-priority",
            link=bar_items_link(plan, "bragg-priority", query),
        ),
        _trend_chart(
            scheme="bragg",
            kind_noun="actions",
            months=trend,
            rated=rated["bragg"],
            total=len(actions),
            html_id="bragg-trend",
            link=bar_items_link(plan, "bragg-trend", query),
        ),
        _distribution_chart(
            scheme="rag",
            kind_noun="outcome targets",
            month=state.month,
            priorities=priorities,
            entries=targets,
            html_id="rag-priority",
            link=bar_items_link(plan, "rag-priority", query),
        ),
        _trend_chart(
            scheme="rag",
            kind_noun="outcome targets",
            months=trend,
            rated=rated["rag"],
            total=len(targets),
            html_id="rag-trend",
            link=bar_items_link(plan, "rag-trend", query),
        ),
    ]

    measures = [_measure(p, i, t) for p, i, t in targets if t.is_quantified]
    measures_chart = _measures_chart(measures, state.month) if measures else None
    if measures_chart:
        charts.append(measures_chart)

    shown = month_words(state.month)
    action_ids = {a.id for _, _, a in actions}
    target_ids = {t.id for _, _, t in targets}
    found = state.exceptions()
    where = {a.id: (p, i) for p, i, a in actions}
    where_t = {t.id: (p, i) for p, i, t in targets}

    def a_items(key, detail):
        return [
            _action_item(*where[a.id], a, a.status, detail(a))
            for a in found[key]
            if a.id in action_ids
        ]

    def t_items(key, detail):
        return [
            _target_item(*where_t[t.id], t, t.rag, detail(t))
            for t in found[key]
            if t.id in target_ids
        ]

    def due(a):
        return month_words(a.due_month) if a.due_month else a.due_as_written

    exceptions = [
        ExceptionList(
            "red-amber-actions",
            "Red and Amber actions",
            f"Actions rated Red or Amber for {shown}, with the lead's note.",
            a_items("red_amber_actions", lambda a: a.month_rating.note if a.month_rating else ""),
        ),
        ExceptionList(
            "overdue-actions",
            "Overdue actions",
            f"Past their due month at the end of {shown} and not Blue.",
            a_items("overdue_actions", lambda a: f"Due {due(a)}"),
        ),
        ExceptionList(
            "slipped-actions",
            "Slipped due dates",
            "Actions whose due month was revised later than the plan first said.",
            a_items(
                "slipped_actions",
                lambda a: (
                    f"Originally due {month_words(a.original_due_month)}, "
                    f"now {due(a)}. {a.due_revised_reason}"
                ).strip(),
            ),
        ),
        ExceptionList(
            "targets-past-date",
            "Outcome targets past their date without Green",
            f"Target date before {shown} and the latest impact is not Green.",
            t_items(
                "targets_past_date",
                lambda t: (
                    f"Target date {month_words(t.target_month)}; latest "
                    f"{word('rag', t.latest.value if t.latest else NOT_RATED)}"
                ),
            ),
        ),
    ]
    if open_month:
        exceptions.append(
            ExceptionList(
                "missing-updates",
                f"Missing updates for {month_words(open_month)}",
                f"Items with no update at all, draft or submitted, in the open month "
                f"({month_words(open_month)}).",
                _missing_updates(plan, state, actions, targets, open_month, as_at),
            )
        )

    _link_issues(
        plan,
        [e.items for e in exceptions],
        "?" + urlencode(dashboard_query(state.month, as_at, Filters())),
    )
    milestones = _milestones(plan, state, state.month, as_at)
    return Dashboard(
        plan=plan,
        state=state,
        month=state.month,
        filters=filters,
        charts=charts,
        exceptions=exceptions,
        measures=measures,
        milestones=milestones,
        milestone_chart=_milestone_chart(milestones),
        open_month=open_month,
        action_count=len(actions),
        target_count=len(targets),
    )


# --- The items behind a bar (their own page) -------------------------------------------

# The charts whose bars list their items on the items page, and their schemes. A trend's
# bar is a month; a bar of the month's charts by priority is a priority of that month.
TREND_CHARTS = {"bragg-trend": "bragg", "rag-trend": "rag"}
PRIORITY_CHARTS = {"bragg-priority": "bragg", "rag-priority": "rag"}
BAR_CHARTS = {**PRIORITY_CHARTS, **TREND_CHARTS}


@dataclass
class BarItems:
    """The actions or outcome targets behind one bar of a chart."""

    chart: str
    month: dt.date
    value: str
    items: list[Item]
    priority: int | None = None  # the bar's priority, for a chart by priority

    @property
    def scheme(self) -> str:
        return BAR_CHARTS[self.chart]

    @property
    def title(self) -> str:
        noun = "Actions" if self.scheme == "bragg" else "Outcome targets"
        if self.priority is not None:
            noun += f" in priority {self.priority}"
        when = month_words(self.month)
        if self.value == NOT_RATED:
            return f"{noun} not rated in {when}"
        return f"{noun} rated {word(self.scheme, self.value)} in {when}"


def bar_items(
    state: PlanState,
    *,
    chart: str,
    month: dt.date,
    value: str,
    filters: Filters,
    priority: int | None = None,
) -> BarItems:
    """The items a bar counts: those the filters keep (and in ``priority``, for a chart
    by priority) whose submitted row for ``month`` has ``value`` (none: ``NOT_RATED``),
    the same rule the bar's count follows. Each shows its note for that month. ``state``
    must hold ``month``'s rows (any state whose months include it)."""
    actions, targets = _entries(state, filters)
    scheme = BAR_CHARTS[chart]
    make = _action_item if scheme == "bragg" else _target_item
    items = []
    for in_priority, issue, entry in actions if scheme == "bragg" else targets:
        if priority is not None and in_priority.number != priority:
            continue
        rating = _rating_in(entry, month)
        if (rating.value if rating else NOT_RATED) == value:
            items.append(make(in_priority, issue, entry, value, rating.note if rating else ""))
    # Each item's issue shown in the bar's month.
    issue_query = "?" + urlencode(dashboard_query(month, state.as_at, Filters()))
    _link_issues(state.plan, [items], issue_query)
    return BarItems(chart=chart, month=month, value=value, items=items, priority=priority)
