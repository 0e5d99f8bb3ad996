"""The dashboard's charts: plotly figures built in Python and handed to the page as JSON
(the browser draws them with plotly's strict bundle), each with a table of the same
figures for screen readers, printing, and pages without script.

Colour is never the only carrier: legends, hover text and tables use the BRAGG and RAG
words, and every bar pattern differs by status too.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape
from django.utils.safestring import mark_safe

from progress.plan_state import NOT_RATED
from sendplan import ratings
from sendplan.months import month_words
from sendplan.ratings import BRAGG_ORDER, RAG_ORDER, word

from .items import rated_in
from .text import shorten

# The one palette and order (sendplan.ratings): a bar is the colour of the tag beside it.
COLOURS = {value: ratings.fill(value) for value in ratings.COLOURS}
TEXT_COLOURS = {value: ratings.ink(value) for value in ratings.COLOURS}
# A second carrier besides colour, for printing in black and white and for colour blindness.
PATTERNS = {"red": "x", "amber": "/", "grey": ".", NOT_RATED: "-"}
FONT = {"family": "arial, sans-serif", "size": 14, "color": "#0b0c0c"}
# Each scheme's statuses in their order, and what its charts call them.
STATUS_ORDER = {"bragg": BRAGG_ORDER, "rag": RAG_ORDER}
STATUS_WHAT = {"bragg": "BRAGG status", "rag": "RAG impact rating"}
# A number is written in a bar only when the bar has room for it: a segment shorter than
# this share of the tallest stack (about 18 px of a 380 px chart) is left blank, its
# number in the hover text and the table beside the chart. Never rotated to fit.
MIN_SHARE = 0.08
READABLE_TEXT = {"textangle": 0, "constraintext": "both"}


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


def bar_numbers(values: list[int], top: int) -> list[str]:
    """The numbers to write in a stacked bar's segments: none where a segment is too
    thin to hold one (less than ``MIN_SHARE`` of the ``top`` stack) or empty."""
    return [str(v) if v and v >= top * MIN_SHARE else "" for v in values]


def status_bar(name, value, scheme, x, y, customdata, *, top: int) -> dict:
    """One status's trace of a stacked bar chart, as plotly's JSON has it (see
    ``plotly_figure``); ``top`` is the tallest stack of the chart."""
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
        "text": bar_numbers(y, top),
        "textposition": "inside",
        "insidetextanchor": "middle",
        **READABLE_TEXT,
        "textfont": {"color": TEXT_COLOURS[value]},
        "hovertemplate": f"%{{x}}<br>{name}: %{{y}} {hover_noun}<extra></extra>",
    }


def bar_layout(x_title: str, y_title: str, *, top: int = 0, **extra) -> dict:
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


def plotly_figure(traces: list[dict], layout: dict) -> dict:
    """The figure as plotly's ``Figure(...).to_json()`` would write it, built as plain
    dicts: plotly's objects validate every property on the way, which cost more than the
    rest of the dashboard. tests/reports/test_dashboard.py feeds every figure the page
    emits to ``plotly.graph_objects.Figure`` (which refuses an unknown property or a bad
    value) and checks that its JSON equals the dict, so plotly stays the authority."""
    return {"data": traces, "layout": {**layout, "template": NO_TEMPLATE}}


def count_link(count: int, href: str):
    """A table's figure, linking to the list of its items (the items page)."""
    if not count:
        return {"text": "0", "numeric": True}
    # Built by hand rather than with format_html: a trend's table has a hundred of these.
    link = f'<a class="govuk-link" href="{escape(href)}">{count}</a>'
    return {"text": mark_safe(link), "numeric": True}


def status_traces(scheme: str, labels: list, counts: dict, urls: dict) -> list[dict]:
    """A trace per status of a stacked bar chart: ``counts[value]`` and ``urls[value]``
    hold each bar's height and items page, in the order of ``labels``."""
    order = STATUS_ORDER[scheme]
    top = max((sum(counts[v][i] for v in order) for i in range(len(labels))), default=0)
    return [
        status_bar(word(scheme, value), value, scheme, labels, counts[value], urls[value], top=top)
        for value in order
    ]


def status_cells(scheme: str, counts: dict, urls: dict, index: int) -> list[dict]:
    """A table row's figures, a status each, for the bar at ``index``."""
    return [count_link(counts[v][index], urls[v][index]) for v in STATUS_ORDER[scheme]]


def status_headers(scheme: str) -> list[dict]:
    return [{"text": word(scheme, v), "numeric": True} for v in STATUS_ORDER[scheme]]


def _count_by_priority(order, priorities, entries, month) -> dict[str, list[int]]:
    """How many of ``entries`` each priority has with each status in ``month``."""
    column = {p.number: index for index, p in enumerate(priorities)}
    counts = {value: [0] * len(priorities) for value in order}
    for priority, _, item in entries:
        value = rated_in(item, month)
        if value in counts and priority.number in column:
            counts[value][column[priority.number]] += 1
    return counts


def distribution_chart(*, scheme, kind_noun, month, priorities, entries, html_id, link) -> Chart:
    """A stacked bar per priority, a trace per status, for one month. ``entries``:
    (priority, issue, item) the filters keep. A bar's items are listed on the items page
    (``link(priority number, value)``), as a trend bar's are."""
    order = STATUS_ORDER[scheme]
    labels = [p.short_label for p in priorities]
    counts = _count_by_priority(order, priorities, entries, month)
    urls = {v: [link(str(p.number), v) for p in priorities] for v in order}
    totals_by_priority = [sum(counts[v][index] for v in order) for index in range(len(priorities))]
    table_rows = [
        [
            shorten(priority.label, 80),
            *status_cells(scheme, counts, urls, index),
            {"text": str(totals_by_priority[index]), "numeric": True},
        ]
        for index, priority in enumerate(priorities)
    ]
    totals = {value: sum(counts[value]) for value in order}
    summary = ", ".join(f"{totals[v]} {word(scheme, v)}" for v in order)
    total = sum(totals.values())
    title = f"{kind_noun.capitalize()} by priority and {STATUS_WHAT[scheme]}, {month_words(month)}"
    return Chart(
        html_id=html_id,
        title=title,
        summary=f"Bar chart. {title}. {total} {kind_noun} in all: {summary}. "
        "The table after the chart gives the figures.",
        figure=plotly_figure(
            status_traces(scheme, labels, counts, urls),
            bar_layout(
                "Priority", f"Number of {kind_noun}", top=max(totals_by_priority, default=0)
            ),
        ),
        table_caption=title,
        table_headers=["Priority", *status_headers(scheme), {"text": "Total", "numeric": True}],
        table_rows=table_rows,
        note="Select a bar, or a figure in the table, to list the items behind it.",
    )
