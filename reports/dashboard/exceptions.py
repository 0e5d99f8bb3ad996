"""The dashboard's exception lists: what is off track in the selected month, among the
items the filters keep.

*Missing updates* are items with no BRAGG or RAG row at all, draft or submitted, in the
plan's open reporting month (as it stood at the "as at" moment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.http import urlencode

from actions.models import ActionStatus
from outcomes.models import ImpactRating
from progress.plan_state import NOT_RATED, PlanState, rows_as_at
from sendplan.models import Plan
from sendplan.months import month_words
from sendplan.ratings import word

from .filters import Filters
from .items import Item, action_item, dashboard_query, link_issues, rated_in, target_item


@dataclass
class ExceptionList:
    html_id: str
    title: str
    description: str
    items: list[Item]


def _with_a_row(model, parent: str, plan: Plan, month: dt.date, as_at) -> set[int]:
    """Ids of the actions (or targets) with a row of ``model``, draft or submitted, in
    ``month``: only the ids, read as they stood at ``as_at``."""
    if as_at is None:
        rows = model.objects.filter(plan_id=plan.id, month=month).order_by()
        return set(rows.values_list(parent, flat=True))
    return {getattr(r, parent) for r in rows_as_at(model, as_at, plan_id=plan.id, month=month)}


def missing_updates(plan, state, filtered_actions, filtered_targets, open_month, as_at):
    """Items with no row at all (draft or submitted) in the open month."""
    if open_month is None:
        return []
    rated_actions = _with_a_row(ActionStatus, "action_id", plan, open_month, as_at)
    rated_targets = _with_a_row(ImpactRating, "target_id", plan, open_month, as_at)
    when = month_words(open_month)
    missing = [
        action_item(p, i, a, rated_in(a, state.month), f"No update for {when}")
        for p, i, a in filtered_actions
        if a.id not in rated_actions
    ]
    missing += [
        target_item(p, i, t, rated_in(t, state.month), f"No rating for {when}")
        for p, i, t in filtered_targets
        if t.id not in rated_targets
    ]
    return missing


class _Found:
    """The plan's exceptions (``PlanState.exceptions``) among the actions and targets the
    filters keep, as rows of a list."""

    def __init__(self, state: PlanState, actions: list, targets: list):
        self.found = state.exceptions()
        self.where = {a.id: (p, i) for p, i, a in actions}
        self.where_t = {t.id: (p, i) for p, i, t in targets}

    def actions(self, key: str, detail) -> list[Item]:
        return [
            action_item(*self.where[a.id], a, a.status, detail(a))
            for a in self.found[key]
            if a.id in self.where
        ]

    def targets(self, key: str, detail) -> list[Item]:
        return [
            target_item(*self.where_t[t.id], t, t.rag, detail(t))
            for t in self.found[key]
            if t.id in self.where_t
        ]


def _due(action) -> str:
    return month_words(action.due_month) if action.due_month else action.due_as_written


def _slip(action) -> str:
    return (
        f"Originally due {month_words(action.original_due_month)}, "
        f"now {_due(action)}. {action.due_revised_reason}"
    ).strip()


def _past_date(target) -> str:
    return (
        f"Target date {month_words(target.target_month)}; latest "
        f"{word('rag', target.latest.value if target.latest else NOT_RATED)}"
    )


def _off_track(found: _Found, shown: str) -> list[ExceptionList]:
    """The lists of the selected month (``shown`` in words)."""
    return [
        ExceptionList(
            "red-amber-actions",
            "Red and Amber actions",
            f"Actions rated Red or Amber for {shown}, with the lead's note.",
            found.actions(
                "red_amber_actions", lambda a: a.month_rating.note if a.month_rating else ""
            ),
        ),
        ExceptionList(
            "overdue-actions",
            "Overdue actions",
            f"Past their due month at the end of {shown} and not Blue.",
            found.actions("overdue_actions", lambda a: f"Due {_due(a)}"),
        ),
        ExceptionList(
            "slipped-actions",
            "Slipped due dates",
            "Actions whose due month was revised later than the plan first said.",
            found.actions("slipped_actions", _slip),
        ),
        ExceptionList(
            "targets-past-date",
            "Outcome targets past their date without Green",
            f"Target date before {shown} and the latest impact is not Green.",
            found.targets("targets_past_date", _past_date),
        ),
    ]


def exception_lists(
    plan: Plan, state: PlanState, actions: list, targets: list, open_month, as_at
) -> list[ExceptionList]:
    """Every exception list of the dashboard, each item linked to its issue's page."""
    lists = _off_track(_Found(state, actions, targets), month_words(state.month))
    if open_month:
        lists.append(
            ExceptionList(
                "missing-updates",
                f"Missing updates for {month_words(open_month)}",
                f"Items with no update at all, draft or submitted, in the open month "
                f"({month_words(open_month)}).",
                missing_updates(plan, state, actions, targets, open_month, as_at),
            )
        )
    link_issues(
        plan,
        [e.items for e in lists],
        "?" + urlencode(dashboard_query(state.month, as_at, Filters())),
    )
    return lists
