"""Saving a lead's monthly update from one page: their BRAGG statuses, RAG impact ratings
and story so far together, then submitting them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from actions.models import Action, ActionStatus, EntryState, StoryEntry, check_bragg_rules
from actions.services import record_action_update, record_story_entry
from outcomes.models import ImpactRating
from outcomes.services import TargetUpdate, record_impact_rating
from sendplan.history import save_with_history
from sendplan.models import Issue, Plan, Priority
from sendplan.services import ConflictError, lock_open_month


@dataclass
class ActionUpdate:
    action: Action
    status: str
    note: str
    completed_on: dt.date | None
    new_due_month: dt.date | None
    due_revised_reason: str
    expected_version: int
    expected_action_version: int | None
    key: str


@dataclass
class StoryUpdate:
    narrative: str
    expected_version: int
    key: str
    issue: Issue | None = None
    priority: Priority | None = None


@dataclass
class SubmitScope:
    """The items a page submits: one lead's actions, targets and stories."""

    action_ids: set[int] = field(default_factory=set)
    target_ids: set[int] = field(default_factory=set)
    issue_ids: set[int] = field(default_factory=set)
    priority_ids: set[int] = field(default_factory=set)


@dataclass
class SaveResult:
    saved: dict[str, object] = field(default_factory=dict)  # key -> saved row (or None)
    conflicts: list[ConflictError] = field(default_factory=list)
    errors: dict[str, ValidationError] = field(default_factory=dict)
    submitted: int = 0
    carried: int = 0  # items carried forward unchanged


def save_month_updates(
    *,
    plan: Plan,
    month: dt.date,
    user,
    actions: Iterable[ActionUpdate] = (),
    targets: Iterable[TargetUpdate] = (),
    stories: Iterable[StoryUpdate] = (),
    submit_scope: SubmitScope | None = None,
    all_or_nothing: bool = True,
) -> SaveResult:
    """Save the changed items of a month's update page, then submit if asked.

    With ``all_or_nothing`` (the page's buttons) a conflict or an error on any item saves
    nothing at all; otherwise (the draft saved on its own every minute) each item is
    saved or refused by itself, so a conflict on one never loses the others.
    """
    result = SaveResult()
    strict = all_or_nothing
    with transaction.atomic():
        lock_open_month(plan, month)
        jobs = []
        for update in actions:
            jobs.append(
                (
                    update.key,
                    lambda u=update: record_action_update(
                        action=u.action,
                        month=month,
                        user=user,
                        status=u.status,
                        note=u.note,
                        completed_on=u.completed_on,
                        new_due_month=u.new_due_month,
                        due_revised_reason=u.due_revised_reason,
                        expected_version=u.expected_version,
                        expected_action_version=u.expected_action_version,
                        check_rules=strict and submit_scope is not None,
                        key=u.key,
                    ),
                )
            )
        for update in targets:
            jobs.append(
                (
                    update.key,
                    lambda u=update: record_impact_rating(
                        target=u.target,
                        month=month,
                        user=user,
                        rag=u.rag,
                        measured_value=u.measured_value,
                        note=u.note,
                        expected_version=u.expected_version,
                        check_rules=strict and submit_scope is not None,
                        key=u.key,
                    ),
                )
            )
        for update in stories:
            jobs.append(
                (
                    update.key,
                    lambda u=update: record_story_entry(
                        plan=plan,
                        month=month,
                        user=user,
                        narrative=u.narrative,
                        expected_version=u.expected_version,
                        issue=u.issue,
                        priority=u.priority,
                        key=u.key,
                    ),
                )
            )
        for key, job in jobs:
            try:
                with transaction.atomic():
                    result.saved[key] = job()
            except ConflictError as conflict:
                result.conflicts.append(conflict)
            except ValidationError as error:
                result.errors[key] = error
        if strict and (result.conflicts or result.errors):
            transaction.set_rollback(True)
            result.saved = {}
            return result
        if submit_scope is not None:
            result.submitted = submit_month_updates(
                plan=plan, month=month, user=user, scope=submit_scope
            )
    return result


def submit_month_updates(*, plan: Plan, month: dt.date, user, scope: SubmitScope) -> int:
    """Mark the draft entries of ``scope`` for ``month`` submitted, checking each.

    Raises ValidationError listing every draft that breaks a rule; then nothing is
    submitted. Returns how many entries were submitted.
    """
    with transaction.atomic():
        lock_open_month(plan, month)
        statuses = _locked_drafts(
            ActionStatus, plan, month, Q(action_id__in=scope.action_ids), related="action"
        )
        ratings = _locked_drafts(ImpactRating, plan, month, Q(target_id__in=scope.target_ids))
        stories = _locked_drafts(StoryEntry, plan, month, _story_filter(scope))
        problems = []
        for row in statuses:
            try:
                check_bragg_rules(
                    row.status, row.note, row.action.completed_on, action_id=row.action_id
                )
            except ValidationError as error:
                problems += [f"“{row.action.text[:60]}”: {m}" for m in error.messages]
        for entry in stories:
            if not entry.narrative.strip():
                problems.append("Enter the story so far, or clear it, before submitting.")
        if problems:
            raise ValidationError(problems)
        for row in [*statuses, *ratings, *stories]:
            row.state = EntryState.SUBMITTED
            row.version += 1
            save_with_history(row, user=user, reason="Submitted")
        return len(statuses) + len(ratings) + len(stories)


def _locked_drafts(model, plan: Plan, month: dt.date, items: Q, related: str | None = None):
    """The month's draft rows of ``items``, locked (not their ``related`` row read with
    them), in the order they were made."""
    rows = model.objects.select_for_update(of=("self",)).filter(
        items, plan=plan, month=month, state=EntryState.DRAFT
    )
    if related:
        rows = rows.select_related(related)
    return list(rows.order_by("pk"))


def _story_filter(scope: SubmitScope) -> Q:
    return Q(issue_id__in=scope.issue_ids) | Q(priority_id__in=scope.priority_ids)
