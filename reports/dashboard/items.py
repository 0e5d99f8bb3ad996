"""The actions and outcome targets the dashboard lists: an exception list's rows, and
the items behind one bar of a chart, on a page of their own (``bar_items``, the
``reports:dashboard_items`` view) that the bar's click and the table's figure lead to.
Twelve months of every status, or every item of the plan once more, are too many rows
to render with each dashboard; the exception lists stay on the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from progress.plan_state import NOT_RATED, ActionState, PlanState, Rating, TargetState
from sendplan.models import Plan
from sendplan.months import month_words
from sendplan.ratings import word

from .filters import Filters, entries
from .text import truncate


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
    issue_url: str = ""  # its issue's page in the list's month (``link_issues``), or none
    issue_key: str = ""  # its issue's part of that address (``IssueState.url_key``)

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


def _leads(action: ActionState) -> str:
    return ", ".join(p.name for p in action.leads)


def action_item(priority, issue, action: ActionState, value: str, detail: str = "") -> Item:
    return Item(
        "action",
        action.id,
        priority.number,
        issue.ref,
        action.text,
        _leads(action),
        value,
        detail,
        issue_key=issue.url_key,
    )


def target_item(priority, issue, target: TargetState, value: str, detail: str = "") -> Item:
    return Item(
        "target",
        target.id,
        priority.number,
        issue.ref,
        target.text,
        "",
        value,
        detail,
        issue_key=issue.url_key,
    )


def link_issues(plan: Plan, lists: list[list[Item]], query: str) -> None:
    """Give each item its issue's page with ``query`` (the month and "as at" to show it
    in), reversed once per issue rather than once per row."""
    urls: dict[str, str] = {}
    for items in lists:
        for item in items:
            key = item.issue_key or item.issue_ref
            if key not in urls:
                try:
                    url = reverse("reports:issue_detail", args=[plan.slug, key])
                    url += query
                except NoReverseMatch:  # a ref the URL cannot carry is shown as text
                    url = ""
                urls[key] = url
            item.issue_url = urls[key]


def rating_in(item, month: dt.date) -> Rating | None:
    """The item's submitted BRAGG or RAG row for ``month``, if any."""
    for rating in item.ratings:
        if rating.month == month and rating.is_submitted:
            return rating
    return None


def rated_in(item, month: dt.date) -> str:
    rating = rating_in(item, month)
    return rating.value if rating else NOT_RATED


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
    priority_label: str = ""  # its short label ("Priority 2", "Pillar 2")

    @property
    def scheme(self) -> str:
        return BAR_CHARTS[self.chart]

    @property
    def title(self) -> str:
        noun = "Actions" if self.scheme == "bragg" else "Outcome targets"
        if self.priority is not None:
            noun += f" in {self.priority_label or f'priority {self.priority}'}"
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
    actions, targets = entries(state, filters)
    scheme = BAR_CHARTS[chart]
    make = action_item if scheme == "bragg" else target_item
    items = []
    for in_priority, issue, entry in actions if scheme == "bragg" else targets:
        if priority is not None and in_priority.number != priority:
            continue
        rating = rating_in(entry, month)
        if (rating.value if rating else NOT_RATED) == value:
            items.append(make(in_priority, issue, entry, value, rating.note if rating else ""))
    # Each item's issue shown in the bar's month.
    issue_query = "?" + urlencode(dashboard_query(month, state.as_at, Filters()))
    link_issues(state.plan, [items], issue_query)
    label = next((p.short_label for p in state.priorities if p.number == priority), "")
    return BarItems(
        chart=chart,
        month=month,
        value=value,
        items=items,
        priority=priority,
        priority_label=label,
    )
