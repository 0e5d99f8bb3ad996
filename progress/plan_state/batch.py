"""``plan_states()``: the live state of many plans at once, each for its own month, with
one query per table for all of them, so a page across every area (the advisers' regional
page) costs the same number of queries for ten areas as for 153.

Each table is read once for every plan, the rows are put in each plan's bucket, and
``plan_state``'s own steps (``build.state_of``) build each plan from its bucket, so the
states come out as ``plan_state`` would build them. The monthly tables are read for the
widest window any plan needs (the earliest start to the latest month, plus each item's
newest submitted row before that start); each plan then keeps its rows up to its own
month. An item's rows older than its plan's window change nothing: the window only spares
reading them (see ``plan_state``'s ``months``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery

from actions.models import (
    Action,
    ActionLead,
    ActionStatus,
    DueDateChangeRequest,
    EntryState,
    StoryEntry,
)
from outcomes.models import ImpactRating, OutcomeTarget, TargetChangeRequest
from sendplan.models import Issue, IssueStrategyLink, Person, Plan, Priority, StrategyLink
from sendplan.months import add_months

from .build import _Reading, state_of
from .rows import WINDOW_PARENTS, _plain
from .states import PlanState

PLAN_TABLES = (Issue, Priority, IssueStrategyLink, Action, ActionLead, OutcomeTarget)
AREA_TABLES = (Person, StrategyLink)
MONTHLY_TABLES = (ActionStatus, ImpactRating, StoryEntry)
CHANGE_TABLES = (DueDateChangeRequest, TargetChangeRequest)


class _BatchReading(_Reading):
    """A reading whose rows were read for many plans: ``rows`` and ``entries`` hand out
    this plan's bucket instead of querying."""

    buckets: dict

    def rows(self, model, *conditions, **filters) -> list:
        # plan_state's steps ask by plan or area only when reading a whole plan.
        if "plan_id" in filters:
            return self.buckets[model].get(filters["plan_id"], [])
        return self.buckets[model].get(filters["area_id"], [])

    def changes_not_in_effect(self, model) -> list:
        # Read from the earliest month of all the plans: plan_state's rule keeps the
        # changes that matter in this plan's month.
        return self.buckets[model].get(self.plan.id, [])

    def entries(self, model) -> list:
        if self.months == 0 or (model is StoryEntry and not self.story):
            return []
        rows = self.buckets[model].get(self.plan.id, [])
        return [r for r in rows if r.month is None or r.month <= self.month]


def _newest_before(model, parent_model, parent: str, plan_ids, start: dt.date, **extra):
    newest = model.objects.filter(
        **{parent: OuterRef("pk")}, state=EntryState.SUBMITTED, month__lt=start, **extra
    ).order_by(*(("-month", "order", "id") if model is StoryEntry else ("-month",)))
    return (
        parent_model.objects.filter(plan_id__in=plan_ids)
        .annotate(newest=Subquery(newest.values("id")[:1]))
        .values("newest")
    )


def _monthly(model, plan_ids, start: dt.date, end: dt.date) -> list:
    condition = Q(month__gte=start, month__lte=end)
    for parent_model, parent in WINDOW_PARENTS[model]:
        condition |= Q(id__in=_newest_before(model, parent_model, parent, plan_ids, start))
        if model is ImpactRating:
            condition |= Q(
                id__in=_newest_before(
                    model, parent_model, parent, plan_ids, start, measured_value__isnull=False
                )
            )
    if model is StoryEntry:
        condition |= Q(month__isnull=True)
    return _plain(model.objects.filter(condition, plan_id__in=plan_ids), model)


def _bucket(rows, key: str) -> dict[int, list]:
    buckets = defaultdict(list)
    for row in rows:
        buckets[getattr(row, key)].append(row)
    return buckets


def plan_states(
    plans: list[Plan], *, month_of: dict[int, dt.date], months: int
) -> dict[int, PlanState]:
    """Each plan's live state for its month in ``month_of``, with ``months`` months of
    submitted ratings and story so far (as ``plan_state(plan, month=..., months=...)``,
    without the writers' names): one query per table whatever the number of plans."""
    if not plans:
        return {}
    plan_ids = [p.id for p in plans]
    area_ids = {p.area_id for p in plans}
    month_of = {pid: m.replace(day=1) for pid, m in month_of.items()}
    start = add_months(min(month_of.values()), -(months - 1))
    end = max(month_of.values())
    buckets = {}
    for model in PLAN_TABLES:
        rows = _plain(model.objects.filter(plan_id__in=plan_ids), model)
        buckets[model] = _bucket(rows, "plan_id")
    for model in AREA_TABLES:
        rows = _plain(model.objects.filter(area_id__in=area_ids), model)
        buckets[model] = _bucket(rows, "area_id")
    for model in MONTHLY_TABLES:
        buckets[model] = _bucket(_monthly(model, plan_ids, start, end), "plan_id")
    for model in CHANGE_TABLES:
        earliest = min(month_of.values())
        rows = model.objects.filter(plan_id__in=plan_ids).not_in_effect(earliest).order_by()
        buckets[model] = _bucket(rows, "plan_id")
    states = {}
    for plan in plans:
        month = month_of[plan.id]
        read = _BatchReading(
            plan=plan,
            as_at=None,
            month=month,
            start=add_months(month, -(months - 1)),
            months=months,
            include_drafts=False,
            story=True,
            all_story=False,
            issue_ids=None,
        )
        read.buckets = buckets
        states[plan.id] = state_of(read, name_writers=False)
    return states
