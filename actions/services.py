"""Writing the monthly update's BRAGG statuses and story so far, one item at a time.

Every write here follows the same pattern against lost updates: the form carries the
``version`` of the row it was read at; the service locks the row (``select_for_update``),
compares, and raises ``ConflictError`` with what the other person saved if they differ.
Nothing is ever overwritten silently. The open month is locked first, so closing a month
and saving an update to it cannot interleave.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sendplan.history import save_with_history
from sendplan.models import Issue, Plan, Priority
from sendplan.months import month_words
from sendplan.ratings import BRAGG
from sendplan.services import ConflictError, UpdateRefused, lock_open_month
from sendplan.text import MAX_NARRATIVE_CHARS, sanitise_narrative

from .change_requests import decide_change_request
from .models import (
    Action,
    ActionStatus,
    DueDateChangeRequest,
    EntryState,
    StoryComment,
    StoryEntry,
    check_bragg_rules,
    needs_due_date_approval,
)
from .monthly_rating import save_monthly_rating, user_name
from .narrative import story_html

__all__ = [
    "ConflictError",
    "UpdateRefused",
    "decide_due_date_change",
    "propose_due_date_change",
    "record_action_update",
    "record_story_entry",
]


# --- BRAGG status ------------------------------------------------------------------------


def _action_conflict(key: str, action: Action) -> ConflictError:
    last = action.history.select_related("history_user").order_by("-history_date").first()
    return ConflictError(
        key=key,
        label=f"The dates of “{action.text[:80]}”",
        saved=[
            ("Completed", action.completed_on.strftime("%-d %B %Y") if action.completed_on else ""),
            ("Due", month_words(action.due_month) if action.due_month else "Not set"),
            ("Reason the due date was revised", action.due_revised_reason or "(none)"),
        ],
        by=user_name(last.history_user) if last else "",
        at=last.history_date if last else None,
        version=action.version,
        version_field="action_version",
    )


def record_action_update(
    *,
    action: Action,
    month: dt.date,
    user,
    status: str,
    note: str = "",
    completed_on: dt.date | None = None,
    new_due_month: dt.date | None = None,
    due_revised_reason: str = "",
    expected_version: int,
    expected_action_version: int | None = None,
    submit: bool = False,
    check_rules: bool = True,
    key: str = "",
) -> ActionStatus | None:
    """Save an action's BRAGG status for the open ``month`` (as a draft, or submitted).

    ``expected_version`` is the version of the month's row the form was read at (0 when
    there was none). The action's own completion and due dates change only when they
    differ from what is stored, checked against ``expected_action_version``. Returns the
    row, or None when there was nothing to save. ``check_rules=False`` is for drafts saved
    on their own, which may be incomplete; submitting always checks.
    """
    key = key or f"action-{action.pk}"
    note = (note or "").strip()
    due_revised_reason = (due_revised_reason or "").strip()
    if completed_on and completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The completion date must be today or earlier."})
    if new_due_month is not None:
        new_due_month = new_due_month.replace(day=1)
        if not due_revised_reason:
            raise ValidationError(
                {"due_revised_reason": "Enter the reason the due date was revised."}
            )
    if status and status not in BRAGG.values:
        raise ValidationError({"status": "Select a BRAGG status from the list."})
    if check_rules or submit:
        if not status:
            raise ValidationError({"status": "Select the BRAGG status."})
        check_bragg_rules(status, note, completed_on, action_id=action.pk)

    return save_monthly_rating(
        ActionStatus,
        subject=action,
        month=month,
        user=user,
        values={"status": status},
        note=note,
        expected_version=expected_version,
        submit=submit,
        key=key,
        lock_subject=lambda: _record_dates(
            action,
            month=month,
            key=key,
            user=user,
            completed_on=completed_on,
            new_due_month=new_due_month,
            due_revised_reason=due_revised_reason,
            expected_action_version=expected_action_version,
        ),
    )


def _record_dates(
    action: Action,
    *,
    month: dt.date,
    key: str,
    user,
    completed_on: dt.date | None,
    new_due_month: dt.date | None,
    due_revised_reason: str,
    expected_action_version: int | None,
) -> Action:
    """Lock the action and save its completion and due dates where they differ from what
    is stored, checked against ``expected_action_version``. Returns the locked action."""
    current = Action.objects.select_for_update().get(pk=action.pk)
    changes_dates = completed_on != current.completed_on or (
        new_due_month is not None and new_due_month != current.due_month
    )
    if not changes_dates:
        return current
    if expected_action_version is not None and current.version != expected_action_version:
        raise _action_conflict(key, current)
    reasons = []
    if completed_on != current.completed_on:
        current.completed_on = completed_on
        reasons.append("completion date recorded" if completed_on else "completion cleared")
    if (
        new_due_month is not None
        and new_due_month != current.due_month
        and needs_due_date_approval(current, new_due_month)
    ):
        # Too far beyond the plan's promise for a reason alone: ask for approval and
        # keep the due month that stands until then.
        _request_due_date(
            current, user=user, due_month=new_due_month, reason=due_revised_reason, month=month
        )
        new_due_month = None
        if not reasons:
            return current
    if new_due_month is not None and new_due_month != current.due_month:
        if current.original_due_month is None:
            # The plan's first due month is kept for the "slipped" figures.
            current.original_due_month = current.due_month
        current.due_month = new_due_month
        current.due_revised_reason = due_revised_reason
        reasons.append(f"due date revised to {month_words(new_due_month)}")
    current.version += 1
    reason = "; ".join(reasons)
    save_with_history(current, user=user, reason=reason[:1].upper() + reason[1:])
    return current


def _request_due_date(
    action: Action, *, user, due_month: dt.date, reason: str, month: dt.date
) -> None:
    """Ask, from the lead's update for ``month``, for a move that needs approval; it takes
    effect from that month once approved."""
    pending = action.due_date_change_requests.pending().first()
    if pending is not None:
        return  # one waits already; the decision on it comes first
    request = DueDateChangeRequest(
        plan_id=action.plan_id,
        action=action,
        due_month=due_month,
        reason=reason,
        effective_month=month.replace(day=1),
        requested_by=user,
    )
    save_with_history(request, user=user, reason="Requested in the monthly update")


# --- Story so far ------------------------------------------------------------------------


def _story_conflict(key: str, entry: StoryEntry | None) -> ConflictError:
    return ConflictError(
        key=key,
        label="The story so far",
        # Sanitised again because the page shows it as HTML.
        saved=[("Story so far", sanitise_narrative(entry.narrative) if entry else "(removed)")],
        by=user_name(entry.author) if entry else "",
        at=entry.written_at if entry else None,
        version=entry.version if entry else 0,
    )


def record_story_entry(
    *,
    plan: Plan,
    month: dt.date,
    user,
    narrative: str,
    expected_version: int,
    issue: Issue | None = None,
    priority: Priority | None = None,
    submit: bool = False,
    key: str = "",
) -> StoryEntry | None:
    """Save the month's story so far for an issue to be addressed (or a priority).

    There is one entry per issue per month, which several leads may write in turn: the
    first save creates it under a lock on the issue, later saves change it, each checked
    against the version the writer read. ``narrative`` is what was typed: plain text or
    the small HTML subset; it is stored sanitised.
    """
    if (issue is None) == (priority is None):
        raise ValueError("Give an issue to be addressed or a priority, not both.")
    if len(narrative or "") > MAX_NARRATIVE_CHARS:
        raise ValidationError(
            {
                "narrative": f"The story so far must be {MAX_NARRATIVE_CHARS:,} characters or "
                f"fewer; this one has {len(narrative):,}."
            }
        )
    html = story_html(narrative)
    key = key or (f"story-{issue.pk}" if issue else f"story-p{priority.pk}")
    if submit and not html:
        raise ValidationError({"narrative": "Enter the story so far."})

    with transaction.atomic():
        lock_open_month(plan, month)
        # Lock the parent so two leads writing the first entry of the month do not both
        # create one.
        if issue is not None:
            Issue.objects.select_for_update().filter(pk=issue.pk).first()
            entries = StoryEntry.objects.filter(issue=issue, month=month)
        else:
            Priority.objects.select_for_update().filter(pk=priority.pk).first()
            entries = StoryEntry.objects.filter(priority=priority, month=month)
        entry = entries.select_for_update().order_by("order", "pk").first()
        if (entry.version if entry else 0) != expected_version:
            raise _story_conflict(key, entry)
        if entry is not None:
            # Saving checks the entry's plan against its parent's: that parent is here.
            if issue is not None:
                entry.issue = issue
            else:
                entry.priority = priority
        state = EntryState.SUBMITTED if submit else EntryState.DRAFT
        if entry is None:
            if not html:
                return None
            entry = StoryEntry(plan=plan, issue=issue, priority=priority, month=month, version=0)
        elif entry.narrative == html and (entry.state == state or not submit):
            return entry
        entry.narrative = html
        entry.state = state
        entry.author = user
        entry.written_at = timezone.now()
        entry.version += 1
        save_with_history(entry, user=user, reason="Submitted" if submit else "Draft saved")
        return entry


# --- Due date moved beyond what a reason alone allows --------------------------------------


def propose_due_date_change(
    *,
    action: Action,
    user,
    due_month: dt.date,
    reason: str,
    effective_month: dt.date,
) -> DueDateChangeRequest:
    """Ask to move ``action``'s due month to ``due_month``. Nothing changes until a
    programme manager or an assurance executive member approves; one request per action
    waits at a time."""
    reason = (reason or "").strip()
    due_month = due_month.replace(day=1)
    if not reason:
        raise ValidationError({"reason": "Enter the reason the due date should move."})
    with transaction.atomic():
        current = Action.objects.select_for_update().get(pk=action.pk)
        if current.due_month == due_month:
            raise ValidationError({"due_month": "Enter a due month different from today's."})
        if current.due_date_change_requests.pending().exists():
            raise ValidationError(
                "A change to this action's due date is already waiting for a decision."
            )
        request = DueDateChangeRequest(
            plan_id=current.plan_id,
            action=current,
            due_month=due_month,
            reason=reason,
            effective_month=effective_month.replace(day=1),
            requested_by=user,
        )
        save_with_history(request, user=user, reason="Requested")
        return request


def decide_due_date_change(
    *, request: DueDateChangeRequest, user, approve: bool, comment: str = ""
) -> DueDateChangeRequest:
    """Approve or reject a due-date change request. On approval the action's due month
    moves, with the request's reason, and the plan's first due month is kept."""

    def apply(locked: DueDateChangeRequest) -> None:
        action = Action.objects.select_for_update().get(pk=locked.action_id)
        locked.was_due_month = action.due_month
        if action.original_due_month is None:
            action.original_due_month = action.due_month
        action.due_month = locked.due_month
        action.due_revised_reason = locked.reason
        action.version += 1
        save_with_history(
            action,
            user=user,
            reason=f"Due date revised to {month_words(locked.due_month)} (change approved)",
        )

    with transaction.atomic():
        return decide_change_request(
            request, user=user, approve=approve, comment=comment, apply=apply
        )


COMMENT_MAX = 2000


@transaction.atomic
def comment_on_story(
    *,
    plan: Plan,
    issue: Issue | None = None,
    priority: Priority | None = None,
    month: dt.date,
    text: str,
    user,
    organisation: str = "",
) -> StoryComment:
    """A partner reviewer's comment on the story so far of ``issue`` (or of ``priority``,
    where the plan reports at that level) for the open ``month``; refused once the month
    has closed, like every update of it."""
    text = text.strip()
    if not text:
        raise ValidationError("Enter your comment on the story so far")
    if len(text) > COMMENT_MAX:
        raise ValidationError(f"Enter a comment of {COMMENT_MAX:,} characters or fewer")
    try:
        lock_open_month(plan, month)
    except UpdateRefused as refused:
        raise ValidationError(str(refused)) from None
    comment = StoryComment(
        plan=plan,
        issue=issue,
        priority=None if issue else priority,
        month=month,
        text=text,
        author=user,
        organisation=organisation,
    )
    save_with_history(comment, user=user, reason="Partner comment on the story so far")
    return comment
