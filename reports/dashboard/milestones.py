"""The plan's milestones and their status (the rule is sendplan.milestones), as a
timeline and a table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from progress.plan_state import ActionState, PlanState, rows_as_at
from sendplan import milestones as rules
from sendplan.models import Milestone, MilestonePriority
from sendplan.months import add_months, month_words
from sendplan.ratings import BRAGG

from .charts import COLOURS, Chart, bar_layout, plotly_figure
from .text import plot_text, shorten

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


@dataclass
class MilestoneRow:
    id: int
    period: str
    due_month: dt.date | None
    text: str
    priorities: list[str]  # their short labels ("Priority 2", "Pillar 2")
    status: str
    reason: str


def milestone_status(milestone, actions: list[ActionState], month: dt.date) -> tuple[str, str]:
    """A milestone's status at the end of ``month`` from its priorities' actions (see
    sendplan.milestones)."""
    return rules.milestone_status(
        due_month=milestone.due_month,
        month=month,
        total=len(actions),
        done=sum(1 for a in actions if a.is_done(month)),
        red=sum(1 for a in actions if a.status == BRAGG.RED),
    )


def milestone_rows(plan, state: PlanState, month, as_at) -> list[MilestoneRow]:
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
                [p.short_label for p in linked],
                status,
                reason,
            )
        )
    return rows


def _milestone_trace(status: str, chosen: list[MilestoneRow]) -> dict:
    """The dated milestones of one status, as markers on the timeline."""
    return {
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
        "hovertext": [plot_text(f"{r.period}: {status}. {shorten(r.text, 80)}") for r in chosen],
        "hoverinfo": "text",
    }


def _timeline_layout(months: list[dt.date]) -> dict:
    layout = bar_layout("Month due", "Status")
    # A few months either side, so one milestone alone still sits on a timeline.
    around = (
        {"range": [add_months(min(months), -3).isoformat(), add_months(max(months), 3).isoformat()]}
        if months
        else {}
    )
    layout.update(
        xaxis={
            "title": {"text": "Month due"},
            "type": "date",
            "tickformat": "%b %Y",
            "automargin": True,
            "gridcolor": "#dddddd",
            **around,
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
    return layout


def _milestone_row(r: MilestoneRow) -> list:
    return [
        r.period,
        month_words(r.due_month) if r.due_month else "–",
        r.text,
        ", ".join(r.priorities) or "–",
        r.status,
        r.reason,
    ]


def milestone_chart(rows: list[MilestoneRow]) -> Chart | None:
    if not rows:
        return None
    dated = [r for r in rows if r.due_month]
    traces = []
    for status in MILESTONE_ORDER:
        chosen = [r for r in dated if r.status == status]
        if chosen:
            traces.append(_milestone_trace(status, chosen))
    layout = _timeline_layout([r.due_month for r in dated])
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
        figure=plotly_figure(traces, layout) if traces else {},
        table_caption="Milestones and their status",
        table_headers=["Period", "Month due", "Milestone", "Priorities", "Status", "Why"],
        table_rows=[_milestone_row(r) for r in rows],
    )
