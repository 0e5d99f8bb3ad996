"""What changed in a progress statement's period: status and impact moves, completions,
slipped dates and new actions, since the previous report issued to the same forum (read
as the plan stood when it was issued) or, with none, since the month before the period;
and the monthly trend of the actions' statuses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from governance.models import Forum
from governance.periods import MONTH, Period, period_containing
from progress.plan_state import NOT_RATED, ActionState, PlanState, TargetState, plan_state
from sendplan.models import Plan
from sendplan.months import month_words
from sendplan.ratings import BRAGG

from ..models import IssuedReport
from .rows import ActionRow, TargetRow, tag_value

TREND_MONTHS = 6  # the trend chart shows at least this many months, ending with the period


@dataclass
class Change:
    """One line of "what changed": a status move, a completion, a date slipping."""

    ref: str
    text: str
    before: str = ""
    after: str = ""
    detail: str = ""
    trail: list[tuple[str, str]] = field(default_factory=list)  # (month, tag value)


@dataclass
class Changes:
    since: str  # "the report issued on 3 April 2023 for January to March 2023"
    since_previous_report: bool
    status_moves: list[Change]
    rag_moves: list[Change]
    completions: list[Change]
    slipped: list[Change]
    new_actions: list[Change]

    @property
    def is_empty(self) -> bool:
        return not (
            self.status_moves
            or self.rag_moves
            or self.completions
            or self.slipped
            or self.new_actions
        )


def previous_issued_report(
    plan: Plan, forum: Forum, period: Period, as_at: dt.datetime | None
) -> IssuedReport | None:
    """The report last issued to ``forum`` for an earlier period, as things stood at
    ``as_at``: a report issued later never changes what an earlier one compared with."""
    reports = IssuedReport.objects.without_content().filter(
        plan=plan, forum=forum, period_end__lt=period.start
    )
    if as_at is not None:
        reports = reports.filter(issued_at__lte=as_at)
    return reports.order_by("-period_end", "-issued_at").first()


def status_on(action: ActionState | TargetState, month: dt.date) -> str:
    for rating in action.ratings:
        if rating.month == month and rating.is_submitted:
            return rating.value
    return NOT_RATED


@dataclass
class _Before:
    """What the changes are measured from: the plan's actions and targets by id when the
    previous report was issued, or none (then each item's own ratings and dates tell)."""

    since: str
    actions: dict[int, ActionState] | None = None
    targets: dict[int, TargetState] | None = None


def _before(state: PlanState, period: Period, previous: IssuedReport | None) -> _Before:
    if previous is None:
        before_month = period.previous().end
        return _Before(f"the end of {month_words(before_month)} (no earlier report was issued)")
    before_state = plan_state(state.plan, month=previous.period_end, as_at=previous.as_at)
    return _Before(
        f"the report for {previous.period_label} issued to this forum on "
        f"{timezone.localtime(previous.issued_at):%-d %B %Y}",
        {a.id: a for a in before_state.actions},
        {t.id: t for t in before_state.targets},
    )


def _slip(row: ActionRow, was_due: dt.date) -> Change:
    action = row.action
    return Change(
        row.issue_ref,
        action.text,
        before=month_words(was_due),
        after=month_words(action.due_month),
        detail=action.due_revised_reason,
    )


def _move(ref: str, item, before: str, after: str, months: list[dt.date]) -> Change:
    """``item``'s status (or impact) moved from ``before`` to ``after``; its trail over
    ``months``."""
    return Change(
        ref,
        item.text,
        before=tag_value(before),
        after=tag_value(after),
        trail=[(f"{m:%b}", tag_value(status_on(item, m))) for m in months],
    )


def _action_before(row: ActionRow, before: _Before, period: Period, changes: Changes):
    """The action's (status, whether completed) when the changes start, noting a slipped
    date in ``changes``; ``None`` for an action new since the previous report (noted)."""
    action = row.action
    if before.actions is None:
        if action.is_slipped and action.original_due_month <= period.end:
            changes.slipped.append(_slip(row, action.original_due_month))
        was_completed = bool(action.completed_on and action.completed_on < period.start)
        return status_on(action, period.previous().end), was_completed
    then = before.actions.get(action.id)
    if then is None:
        changes.new_actions.append(Change(row.issue_ref, action.text, detail=row.due))
        return None
    if action.due_month and then.due_month and action.due_month > then.due_month:
        changes.slipped.append(_slip(row, then.due_month))
    return then.status, then.completed_on is not None


def _action_changes(row: ActionRow, before: _Before, period: Period, trail, changes) -> None:
    found = _action_before(row, before, period, changes)
    if found is None:
        return
    before_status, was_completed = found
    action = row.action
    if action.status != before_status:
        changes.status_moves.append(
            _move(row.issue_ref, action, before_status, action.status, trail)
        )
    if action.completed_on and not was_completed and action.completed_on <= period.last_day:
        changes.completions.append(Change(row.issue_ref, action.text, detail=row.completed))


def _target_changes(row: TargetRow, before: _Before, period: Period, trail, changes) -> None:
    target = row.target
    if before.targets is not None:
        then = before.targets.get(target.id)
        before_rag = then.rag if then else NOT_RATED
    else:
        before_rag = status_on(target, period.previous().end)
    if target.rag != before_rag:
        changes.rag_moves.append(_move(row.issue_ref, target, before_rag, target.rag, trail))


def changes_since(
    state: PlanState,
    period: Period,
    rows: dict[int, ActionRow],
    target_rows: dict[int, TargetRow],
    previous: IssuedReport | None,
) -> Changes:
    """What changed since ``previous`` (or, with none, since the month before ``period``)."""
    trail = [m for m in period.months if m <= state.month]
    before = _before(state, period, previous)
    changes = Changes(before.since, previous is not None, [], [], [], [], [])
    for row in rows.values():
        _action_changes(row, before, period, trail, changes)
    for row in target_rows.values():
        _target_changes(row, before, period, trail, changes)
    return changes


def latest_month_with_updates(state: PlanState, period: Period) -> dt.date:
    """The period's last month with a submitted rating or story so far entry, or its last
    month if it has none."""
    months = {
        rating.month
        for item in [*state.actions, *state.targets]
        for rating in item.ratings
        if rating.is_submitted
    }
    months |= {entry.month for entry in state.story if entry.month}
    in_period = [m for m in months if period.start <= m <= period.end]
    return max(in_period) if in_period else period.end


def status_trend(state: PlanState, period: Period) -> tuple[list[dt.date], dict[str, list[int]]]:
    months_in_period = [m for m in period.months if m <= state.month]
    count = max(len(months_in_period), TREND_MONTHS)
    months = []
    month = state.month
    for _ in range(count):
        months.append(month)
        month = period_containing(month - dt.timedelta(days=1), MONTH).start
    months.reverse()
    trend = {value: [0] * count for value in [*BRAGG.values, NOT_RATED]}
    index = {m: i for i, m in enumerate(months)}
    actions = state.actions
    for action in actions:
        rated = set()
        for rating in action.ratings:
            i = index.get(rating.month)
            if i is not None and rating.is_submitted:
                trend[rating.value][i] += 1
                rated.add(i)
        for i in range(count):
            if i not in rated:
                trend[NOT_RATED][i] += 1
    return months, trend
