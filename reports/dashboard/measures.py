"""The quantified outcome targets: how far each has come from its baseline to its
target, as a table and a chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from progress.plan_state import TargetState
from sendplan.months import month_words

from .charts import COLOURS, Chart, bar_layout, plotly_figure
from .text import plot_text, shorten

PROGRESS_TITLE = "Progress from baseline to target (%)"


def measure(priority, issue, target: TargetState) -> dict:
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


def _measure_row(m: dict) -> list:
    return [
        f"{m['issue_ref']}: {shorten(m['text'], 90)}",
        {"text": _number(m["baseline"]), "numeric": True},
        {"text": _number(m["latest"]), "numeric": True},
        {"text": _number(m["target"]), "numeric": True},
        m["unit"],
        m["status"],
    ]


def _progress_trace(shown: list[dict]) -> dict:
    """A horizontal bar per measured target, as far along as it has come."""
    labels = [plot_text(f"{m['issue_ref']}: {shorten(m['text'], 40)}") for m in shown]
    colours = [COLOURS["green"] if m["status"] == "On course" else COLOURS["red"] for m in shown]
    return {
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
    figure = None
    if shown:
        figure = plotly_figure([_progress_trace(shown)], _progress_layout(shown))
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
        table_rows=[_measure_row(m) for m in measures],
    )
