"""Carrying an update forward unchanged: "no change since last month".

A lead whose action, outcome target or story so far has not changed since the month before
confirms it instead of typing it again: the last submitted entry is submitted again as this
month's, marked ``carried_forward`` and recorded in its history as carried by whoever
confirmed it. When a month opens, a completed (Blue) action, and a Grey action not yet due,
is carried the same way, so it stays completed (or not started) without a task for its lead
and is never counted "Not rated".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from actions.models import ActionStatus, EntryState, StoryEntry
from outcomes.models import ImpactRating
from progress.items import Item, month_items
from progress.plan_state import plan_state
from sendplan.history import save_with_history
from sendplan.models import Plan
from sendplan.months import month_words
from sendplan.ratings import BRAGG
from sendplan.services import lock_open_month, open_month


def _taken(plan: Plan, month: dt.date, items: list[Item]) -> set[str]:
    """Keys of the items that have an entry for ``month`` now (read under the month lock)."""
    ids = {kind: [i.obj_id for i in items if i.kind == kind] for kind in ("action", "target")}
    taken = {
        f"action-{pk}"
        for pk in ActionStatus.objects.filter(
            plan=plan, month=month, action_id__in=ids["action"]
        ).values_list("action_id", flat=True)
    }
    taken |= {
        f"target-{pk}"
        for pk in ImpactRating.objects.filter(
            plan=plan, month=month, target_id__in=ids["target"]
        ).values_list("target_id", flat=True)
    }
    for issue_id, priority_id in StoryEntry.objects.filter(plan=plan, month=month).values_list(
        "issue_id", "priority_id"
    ):
        taken.add(f"story-{issue_id}" if issue_id else f"story-p{priority_id}")
    return taken


def _copy(item: Item, plan: Plan, month: dt.date, user, now) -> object:
    previous = item.previous
    common = {
        "plan": plan,
        "month": month,
        "state": EntryState.SUBMITTED,
        "is_example": previous.is_example,
        "carried_forward": True,
    }
    if item.kind == "action":
        return ActionStatus(
            action_id=item.obj_id,
            status=previous.value,
            note=previous.note,
            rated_by=user,
            rated_at=now,
            **common,
        )
    if item.kind == "target":
        return ImpactRating(
            target_id=item.obj_id,
            rag=previous.value,
            measured_value=previous.measured_value,
            note=previous.note,
            rated_by=user,
            rated_at=now,
            **common,
        )
    parent = {"issue_id": item.obj_id} if item.issue else {"priority_id": item.obj_id}
    return StoryEntry(narrative=previous.narrative, author=user, written_at=now, **parent, **common)


def carry_forward(*, plan: Plan, month: dt.date, user, items: Iterable[Item]) -> list[Item]:
    """Submit each item's last submitted entry again as its entry for ``month``, marked
    carried forward. Items with an entry this month already (read again under the month's
    lock, so nothing anyone saved meanwhile is overwritten) or none before are skipped.
    Returns the items carried."""
    items = [item for item in items if item.previous is not None]
    now = timezone.now()
    carried = []
    with transaction.atomic():
        lock_open_month(plan, month)
        taken = _taken(plan, month, items)
        for item in items:
            if item.key in taken:
                continue
            row = _copy(item, plan, month, user, now)
            reason = f"Carried forward unchanged from {month_words(item.previous.month)}"
            save_with_history(row, user=user, reason=reason)
            carried.append(item)
    return carried


def carried_without_a_task(item: Item, month: dt.date) -> bool:
    """A completed (Blue) action, or a Grey one not yet due, carries itself into a new
    month: its lead has nothing to say about it until it changes."""
    if item.kind != "action" or item.previous is None:
        return False
    if item.previous.value == BRAGG.BLUE:
        return True
    due = item.action.due_month
    return item.previous.value == BRAGG.GREY and due is not None and due > month


def carry_completed_actions(*, plan: Plan, month: dt.date, user) -> list[Item]:
    """On opening ``month``: carry every Blue action, and every Grey action not yet due."""
    state = plan_state(plan, month=month, include_drafts=True, months=1, story=False)
    items = [i for i in month_items(state) if carried_without_a_task(i, month)]
    return carry_forward(plan=plan, month=month, user=user, items=items)


def open_month_carrying(*, plan: Plan, month: dt.date, user, deadline: dt.date | None = None):
    """Open ``month`` and carry its completed and not-yet-due actions into it, together.
    Returns the reporting month and the items carried."""
    with transaction.atomic():
        opened = open_month(plan=plan, month=month, user=user, deadline=deadline)
        return opened, carry_completed_actions(plan=plan, month=opened.month, user=user)
