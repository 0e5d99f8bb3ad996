"""The quantified outcome targets: where each stands, as a table and a chart.

Each row says what is known and nothing more: the latest measured figure and its month
("Not measured" without one), the baseline ("No baseline"), the target, how the figure
has moved (``TargetState.movement``: towards the target, away, no change, target met)
and the latest RAG impact rating, which is the lead's word on the impact. Movement is
never called "on course": a figure can move towards a target rated Red.

The chart draws each target with a baseline and a figure as far along as it has come
from the baseline to the target, in the colour of its latest rating.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from outcomes import rules as target_rules
from progress.plan_state import NOT_RATED, TargetState
from sendplan import ratings
from sendplan.months import month_words
from sendplan.templatetags.sendplan_tags import TAG_TEMPLATE, rag_tag

from .charts import READABLE_TEXT, Chart, bar_layout, plotly_figure
from .text import plot_text, shorten

PROGRESS_TITLE = "Progress from baseline to target (%)"
MOVEMENT_WORDS = {
    target_rules.MET: "Target met",
    target_rules.TOWARDS: "Moving towards the target",
    target_rules.AWAY: "Moving away from the target",
    target_rules.UNCHANGED: "No change from the baseline",
}
NOT_MEASURED = "Not measured"
NO_BASELINE = "No baseline"
# A bar shorter than this (in points of progress) writes its figure beside it, not in it.
INSIDE_MIN = 25


def _movement(target: TargetState) -> str:
    if target.latest_measured is None:
        return NOT_MEASURED
    moved = target.movement
    return MOVEMENT_WORDS[moved] if moved else "Not known: no baseline to compare with"


def measure(priority, issue, target: TargetState) -> dict:
    measured = target.latest_measured_rating
    latest = measured.measured_value if measured else None
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
        "latest_month": measured.month if measured else None,
        "target": target.target_value,
        "movement": _movement(target),
        "rating": target.latest.value if target.latest else NOT_RATED,
        "rating_month": target.latest.month if target.latest else None,
        "progress": progress,
    }


def _number(value: Decimal | None, missing: str = "–") -> str:
    if value is None:
        return missing
    return f"{value.normalize():f}" if isinstance(value, Decimal) else f"{value:g}"


def _latest(m: dict) -> str:
    if m["latest"] is None:
        return NOT_MEASURED
    return f"{_number(m['latest'])} ({month_words(m['latest_month'])})"


def _rating(m: dict, month: dt.date, tags: dict) -> str:
    """The latest rating's tag, with its month when that is not the month shown."""
    if m["rating"] not in tags:
        tags[m["rating"]] = render_to_string(TAG_TEMPLATE, rag_tag(m["rating"]))
    when = m["rating_month"]
    dated = f" {escape(month_words(when))}" if when and when != month else ""
    return mark_safe(tags[m["rating"]] + dated)  # the tag is rendered escaped


def _measure_row(m: dict, month: dt.date, tags: dict) -> list:
    return [
        f"{m['issue_ref']}: {shorten(m['text'], 90)}"
        + (f" ({m['revision']})" if m.get("revision") else ""),
        {"text": _number(m["baseline"], NO_BASELINE), "numeric": True},
        {"text": _latest(m), "numeric": True},
        {"text": _number(m["target"]), "numeric": True},
        m["unit"],
        m["movement"],
        _rating(m, month, tags),
    ]


def _progress_trace(shown: list[dict]) -> dict:
    """A horizontal bar per measured target, as far along as it has come, in the colour
    of its latest rating; a short bar's figure is written beside it."""
    labels = [plot_text(f"{m['issue_ref']}: {shorten(m['text'], 40)}") for m in shown]
    words = [ratings.word("rag", m["rating"]) for m in shown]
    places = [
        "inside"
        if abs(m["progress"]) >= INSIDE_MIN
        else "outside"
        if m["progress"] >= 0
        else "none"
        for m in shown
    ]
    return {
        "type": "bar",
        "x": [round(m["progress"], 1) for m in shown],
        "y": labels,
        "orientation": "h",
        "marker": {
            "color": [ratings.fill(m["rating"]) for m in shown],
            "line": {"color": "#0b0c0c", "width": 1},
        },
        "text": [f"{w}: {round(m['progress'])}%" for w, m in zip(words, shown, strict=True)],
        "textposition": places,
        "insidetextanchor": "middle",
        **READABLE_TEXT,
        "insidetextfont": {"color": [ratings.ink(m["rating"]) for m in shown]},
        "outsidetextfont": {"color": "#0b0c0c"},
        "cliponaxis": False,
        "customdata": [f"measure-{m['id']}" for m in shown],
        "hovertext": words,
        "hovertemplate": "%{y}<br>%{x}% of the way from baseline to target"
        "<br>Latest rating: %{hovertext}<extra></extra>",
        "showlegend": False,
    }


def _progress_layout(shown: list[dict]) -> dict:
    """Room for every bar, with a dashed line where a target is met (100%)."""
    layout = bar_layout(PROGRESS_TITLE, "")
    layout.update(
        barmode="group",
        xaxis={
            "title": {"text": PROGRESS_TITLE},
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
    return layout


def measures_chart(measures: list[dict], month: dt.date) -> Chart | None:
    shown = [m for m in measures if m["progress"] is not None]
    title = f"Quantified outcome targets: progress from baseline to target, {month_words(month)}"
    figure, tags = None, {}
    if shown:
        figure = plotly_figure([_progress_trace(shown)], _progress_layout(shown))
    return Chart(
        html_id="measures",
        title=title,
        summary=(
            f"Bar chart. {title}. {_tally(measures)} A bar reaching the dashed line at 100% "
            "has met its target; each is coloured by its latest RAG impact rating. The table "
            "after the chart gives the baseline, latest measured figure, target, movement "
            "and latest rating of each."
        ),
        figure=figure or {},
        table_caption="Quantified outcome targets: baseline, latest measured figure, target "
        "and latest rating",
        table_headers=[
            "Outcome target",
            {"text": "Baseline", "numeric": True},
            {"text": "Latest measured", "numeric": True},
            {"text": "Target", "numeric": True},
            "Unit",
            "Movement",
            "Latest rating",
        ],
        table_rows=[_measure_row(m, month, tags) for m in measures],
    )


def _tally(measures: list[dict]) -> str:
    """ "4 targets: 1 target met, 2 moving towards the target, 1 not measured. Latest
    ratings: 1 Green, 3 Red." in the order of the words."""
    movements = Counter(m["movement"].lower() for m in measures)
    rated = Counter(m["rating"] for m in measures)
    moved = ", ".join(f"{n} {what}" for what, n in movements.items())
    said = ", ".join(f"{rated[v]} {ratings.word('rag', v)}" for v in ratings.RAG_ORDER if rated[v])
    return f"{len(measures)} targets: {moved}. Latest ratings: {said}."
