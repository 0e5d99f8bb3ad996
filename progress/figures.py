"""Each plan's headline figures, worked out once and kept until the plan changes.

The advisers' page shows, for every area, the month's BRAGG and RAG counts, the overdue
actions and the readiness score with its trend; the readiness page shows a trend of twelve
months. Both are worked out by ``progress.readiness`` from the plan's ratings, which is too
much reading to repeat for 153 plans on every request. ``plan_figures`` keeps what it works
out in ``PlanFigures`` (one row per plan) and hands back the kept row while it still holds:

- **the plan has not changed**: every write to a plan's records leaves a history row
  (the audit guard makes sure of it), and the receiver below forgets the plan's figures in
  the same transaction as the write, so a reader never gets figures older than the data it
  could read; the import, whose bulk writes send no signal, calls ``forget`` itself
  (``generate_demo_data`` makes new plans, which have none kept);
- **they are for the month the plan's pages open on now**: every check (overdue, a recent
  figure, a story not updated) is a function of that month, so figures for it hold
  whatever the day; a month closed or opened is a write, and forgets them anyway;
- **they are under ``FIGURES_MAX_AGE`` old** (plus up to an hour, spread by plan): a last
  guard, should a reader that began before a write store what it read after the write
  forgot the row.

The first visit after many plans changed works their figures out (about 90 ms a plan on
the 2-core machine); ``manage.py refresh_figures`` works out every plan's ahead of visitors
(after a release, or nightly).

Figures are live (never "as at"): the pages that show them for a past date work them out.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.db import transaction
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from sendplan.models import Plan, ReportingMonth
from sendplan.month_shown import month_shown
from sendplan.ratings import BRAGG_ORDER, RAG_ORDER

from .models import PlanFigures
from .plan_state import plan_state
from .readiness import (
    LOOK_BACK,
    TREND_MONTHS,
    Readiness,
    Score,
    plan_milestones,
    plan_readiness,
    plans_readiness,
    readiness_of,
)


def plan_figures(
    plans: list[Plan], *, today: dt.date | None = None, reporting_months=None
) -> dict[int, PlanFigures]:
    """Each plan's figures for the month its pages open on: kept ones where they still
    hold, the others worked out (``plans_readiness``, a fixed number of queries however
    many) and kept. Two queries when every plan's figures hold."""
    today = today or timezone.localdate()
    now = timezone.now()
    ids = [p.id for p in plans]
    if reporting_months is None:
        reporting_months = {}
        for row in ReportingMonth.objects.filter(plan_id__in=ids).order_by():
            reporting_months.setdefault(row.plan_id, []).append(row)
    kept = {f.plan_id: f for f in PlanFigures.objects.filter(plan_id__in=ids)}
    found = {}
    stale = []
    for plan in plans:
        figures = kept.get(plan.id)
        month = month_shown(reporting_months.get(plan.id, []), today=today)
        if figures and figures.holds(month=month, now=now):
            found[plan.id] = figures
        else:
            stale.append(plan)
    if stale:
        worked_out = plans_readiness(
            stale, trend_months=TREND_MONTHS, today=today, reporting_months=reporting_months
        )
        found.update(keep({plan.id: worked_out[plan.id] for plan in stale}))
    return found


def keep(readiness_by_plan: dict[int, Readiness]) -> dict[int, PlanFigures]:
    """Store the figures of each plan's live readiness, worked out for the month its pages
    open on with its full trend, replacing any kept before: one query for every plan."""
    now = timezone.now()
    rows = [
        PlanFigures(
            plan_id=plan_id,
            month=readiness.month,
            computed_at=now,
            figures=_figures(readiness),
        )
        for plan_id, readiness in readiness_by_plan.items()
    ]
    # Kept again in this transaction: its next write must forget them again.
    _forgotten.plan_ids -= set(readiness_by_plan)
    # An upsert: two requests working out the same plan's figures at once both succeed.
    PlanFigures.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["plan"],
        update_fields=["month", "computed_at", "figures"],
    )
    return {row.plan_id: row for row in rows}


def _figures(readiness: Readiness) -> dict:
    actions = [a for p in readiness.priorities for a in p.priority.actions]
    targets = [t for p in readiness.priorities for t in p.priority.targets]
    bragg = dict.fromkeys(BRAGG_ORDER, 0)
    for action in actions:
        bragg[action.status] = bragg.get(action.status, 0) + 1
    rag = dict.fromkeys(RAG_ORDER, 0)
    for target in targets:
        rag[target.rag] = rag.get(target.rag, 0) + 1
    return {
        "bragg": bragg,
        "rag": rag,
        "overdue": sum(1 for a in actions if a.overdue),
        "trend_months": [m.isoformat() for m in readiness.trend_months],
        "priority_trends": {
            str(p.priority.id): [[s.passed, s.applicable] for s in p.trend]
            for p in readiness.priorities
        },
    }


def trend_scores(figures: PlanFigures, priority_id: int) -> list[Score] | None:
    """A priority's kept trend, oldest month first; None when the figures do not know the
    priority (it was added since)."""
    pairs = figures.priority_trends.get(str(priority_id))
    if pairs is None:
        return None
    months = [dt.date.fromisoformat(m) for m in figures.trend_months]
    return [Score(m, *pair) for m, pair in zip(months, pairs, strict=True)]


def whole_plan_trend(figures: PlanFigures) -> list[Score]:
    months = [dt.date.fromisoformat(m) for m in figures.trend_months]
    scores = [Score(m) for m in months]
    for pairs in figures.priority_trends.values():
        for score, (passed, applicable) in zip(scores, pairs, strict=True):
            score.passed += passed
            score.applicable += applicable
    return scores


# --- Forgetting a changed plan's figures ------------------------------------------------


class _Forgotten(threading.local):
    """The plans whose figures this thread has forgotten in its current transaction, so a
    save of thirty rows forgets them once. Django gives each transaction (and each
    savepoint rolled back) a new list of on-commit hooks: that list marks which
    transaction the set belongs to."""

    hooks = None

    def __init__(self):
        self.plan_ids: set[int] = set()


_forgotten = _Forgotten()


def forget(plan_ids) -> None:
    """Drop the kept figures of these plans (their records have just changed)."""
    ids = {pid for pid in plan_ids if pid is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        if _forgotten.hooks is not connection.run_on_commit:
            _forgotten.hooks = connection.run_on_commit
            _forgotten.plan_ids = set()
        ids -= _forgotten.plan_ids
        if not ids:
            return
        _forgotten.plan_ids |= ids
    PlanFigures.objects.filter(plan_id__in=ids).delete()


def _plan_of(instance) -> int | None:
    if isinstance(instance, Plan):
        return instance.pk
    return getattr(instance, "plan_id", None)


def forget_on_history(sender, instance=None, **kwargs) -> None:
    """Every audited write to a plan's records forgets that plan's figures, but a draft
    saved as a draft: the figures are of submitted entries only, and leads save drafts
    all day long."""
    if getattr(instance, "unseen_by_readers", False):
        return
    forget([_plan_of(instance)])


def connect() -> None:
    post_create_historical_record.connect(
        forget_on_history, dispatch_uid="progress.figures.forget_on_history"
    )


def page_readiness(
    plan: Plan,
    *,
    as_at: dt.datetime | None = None,
    month: dt.date | None = None,
    today: dt.date | None = None,
    reporting_months: list | None = None,
) -> Readiness:
    """``plan_readiness`` for the readiness page: the same findings and scores, with the
    trend taken from the plan's kept figures when the page shows the live plan for the
    month its pages open on (so only that month is worked out: three months of ratings,
    not fourteen). Any other month, or "as at", is worked out whole."""
    today = today or timezone.localdate()
    if reporting_months is None:
        reporting_months = list(ReportingMonth.objects.filter(plan=plan).order_by())
    shown = month_shown(reporting_months, today=today)
    if as_at is not None or (month is not None and month.replace(day=1) != shown):
        return plan_readiness(plan, as_at=as_at, month=month, today=today)
    figures = PlanFigures.objects.filter(plan=plan).first()
    if figures is None or not figures.holds(month=shown, now=timezone.now()):
        whole = plan_readiness(plan, month=shown, today=today)
        keep({plan.id: whole})
        return whole
    state = plan_state(plan, month=shown, months=LOOK_BACK + 1, name_writers=False)
    first = min((m.month for m in reporting_months), default=None)
    found = readiness_of(
        state, milestones=plan_milestones(plan, None), trend_months=1, first_month=first
    )
    found.trend_months = [dt.date.fromisoformat(m) for m in figures.trend_months]
    for priority in found.priorities:
        trend = trend_scores(figures, priority.priority.id)
        same = trend and (trend[-1].passed, trend[-1].applicable) == (
            priority.score.passed,
            priority.score.applicable,
        )
        if not same:
            # The kept figures no longer match the plan (written between our reads):
            # work the page out whole, and keep that.
            whole = plan_readiness(plan, month=shown, today=today)
            keep({plan.id: whole})
            return whole
        priority.trend = trend
    return found
