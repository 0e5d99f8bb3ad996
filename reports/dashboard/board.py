"""The dashboard of a plan for one month: its charts, exception lists, quantified
targets and milestones, built from one ``plan_state``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from outcomes.models import TargetChangeRequest
from progress.plan_state import PlanState, plan_state, rows_as_at
from sendplan.models import MonthStatus, Plan, ReportingMonth
from sendplan.month_shown import month_shown
from sendplan.months import add_months

from .charts import Chart, distribution_chart
from .exceptions import ExceptionList, exception_lists
from .filters import Filters, entries
from .items import bar_items_link, dashboard_query
from .measures import measure, measures_chart
from .milestones import MilestoneRow, milestone_chart, milestone_rows
from .trend import TREND_MONTHS, trend_chart, trend_counts, trend_months


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


def reporting_months(plan: Plan, as_at) -> list:
    """The plan's reporting months (newest first) as they stood at ``as_at``."""
    return sorted(
        rows_as_at(ReportingMonth, as_at, plan_id=plan.id), key=lambda m: m.month, reverse=True
    )


def default_month(months: list, as_at_date: dt.date | None, today: dt.date) -> dt.date:
    return month_shown(months, today=today, as_at_date=as_at_date)


# Each scheme's items, as the charts name them.
KIND_NOUNS = {"bragg": "actions", "rag": "outcome targets"}


def _status_charts(plan, state: PlanState, *, as_at, filters, actions, targets) -> list[Chart]:
    """For actions (BRAGG) then outcome targets (RAG): the month's chart by priority and
    the trend, each bar linking to its items."""
    query = dashboard_query(state.month, as_at, filters)
    priorities = [
        p for p in state.priorities if not filters.priority or p.number == filters.priority
    ]
    rated = trend_counts(
        plan,
        as_at=as_at,
        ids={"bragg": {a.id for _, _, a in actions}, "rag": {t.id for _, _, t in targets}},
        narrowed=filters.active,
        start=add_months(state.month, -(TREND_MONTHS - 1)),
        month=state.month,
    )
    months = trend_months(
        {m for counts in rated.values() for m, _ in counts},
        [a for _, _, a in actions] + [t for _, _, t in targets],
        state.month,
    )
    charts = []
    for scheme, chosen in (("bragg", actions), ("rag", targets)):
        by_priority, trend = f"{scheme}-priority", f"{scheme}-trend"
        charts.append(
            distribution_chart(
                scheme=scheme,
                kind_noun=KIND_NOUNS[scheme],
                month=state.month,
                priorities=priorities,
                entries=chosen,
                html_id=by_priority,
                link=bar_items_link(plan, by_priority, query),
            )
        )
        charts.append(
            trend_chart(
                scheme=scheme,
                kind_noun=KIND_NOUNS[scheme],
                months=months,
                rated=rated[scheme],
                total=len(chosen),
                html_id=trend,
                link=bar_items_link(plan, trend, query),
            )
        )
    return charts


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
    # One month of rows is enough: the trend is counted by the database (trend_counts).
    state = state or plan_state(plan, month=month, as_at=as_at, months=1, story=False)
    months = reporting_months(plan, as_at) if months is None else months
    open_month = next((m.month for m in months if m.status == MonthStatus.OPEN), None)
    actions, targets = entries(state, filters)
    charts = _status_charts(
        plan, state, as_at=as_at, filters=filters, actions=actions, targets=targets
    )
    measures = [measure(p, i, t) for p, i, t in targets if t.is_quantified]
    if measures:
        # Each figure the plan changed by an approved request says so, and what it was.
        revisions = TargetChangeRequest.objects.revision_lines(
            [m["id"] for m in measures], as_at=as_at, month=state.month
        )
        for m in measures:
            m["revision"] = revisions.get(m["id"], "")
        charts.append(measures_chart(measures, state.month))
    exceptions = exception_lists(plan, state, actions, targets, open_month, as_at)
    milestones = milestone_rows(plan, state, state.month, as_at)
    return Dashboard(
        plan=plan,
        state=state,
        month=state.month,
        filters=filters,
        charts=charts,
        exceptions=exceptions,
        measures=measures,
        milestones=milestones,
        milestone_chart=milestone_chart(milestones),
        open_month=open_month,
        action_count=len(actions),
        target_count=len(targets),
    )
