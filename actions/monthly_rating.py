"""Writing one month's rating of an item: an action's BRAGG status or an outcome target's
RAG impact rating (a ``MonthlyRating``), against lost updates.

The form carries the ``version`` of the row it was read at; the row is locked and compared,
and a ``ConflictError`` carries what the other person saved if they differ. The open month
is locked first, so closing a month and saving a rating of it cannot interleave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from sendplan.history import save_with_history
from sendplan.services import ConflictError, lock_open_month

from .models import EntryState, MonthlyRating

# Lines a rating's conflict shows between the rating and its note: its measured figure.
Details = Callable[[MonthlyRating], list[tuple[str, str]]]


def user_name(user) -> str:
    """The name a conflict gives for who saved: "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


def rating_conflict(
    key: str, model: type[MonthlyRating], subject, row: MonthlyRating | None, details: Details
) -> ConflictError:
    """What the other person saved of ``subject``'s rating (``row``; None if removed)."""
    rating = model._meta.get_field(model.rating_field).verbose_name
    saved = [(rating, row.get_rating_display() if row else "(removed)")]
    if row:
        saved += [*details(row), ("Note", row.note or "(none)"), ("State", row.get_state_display())]
    return ConflictError(
        key=key,
        label=f"The {rating} of “{subject.text[:80]}”",
        saved=saved,
        by=user_name(row.rated_by) if row else "",
        at=row.rated_at if row else None,
        version=row.version if row else 0,
    )


def save_monthly_rating(
    model: type[MonthlyRating],
    *,
    subject,
    month: dt.date,
    user,
    values: dict[str, object],
    note: str,
    expected_version: int,
    submit: bool,
    key: str,
    details: Details = lambda row: [],
    lock_subject: Callable[[], object] | None = None,
) -> MonthlyRating | None:
    """Save ``subject``'s rating for the open ``month`` (as a draft, or submitted).

    ``values`` are the rating's own fields, its rating (``model.rating_field``) first among
    them; with no rating nothing is written and the row stored (or None) is returned. An
    unchanged row that is not being submitted is left alone. ``lock_subject``, called once
    the row is checked, locks the subject (and writes its own changes) and returns it.
    """
    with transaction.atomic():
        lock_open_month(subject.plan, month)
        field = model.subject_field
        row = model.objects.select_for_update().filter(**{field: subject, "month": month}).first()
        if (row.version if row else 0) != expected_version:
            raise rating_conflict(key, model, subject, row, details)
        if lock_subject is not None:
            subject = lock_subject()
        if row is not None:
            setattr(row, field, subject)  # saving checks the row's plan against its subject's
        if not values[model.rating_field]:
            return row
        state = EntryState.SUBMITTED if submit else EntryState.DRAFT
        if row is None:
            row = model(**{field: subject}, plan_id=subject.plan_id, month=month, version=0)
        elif (
            all(getattr(row, name) == value for name, value in values.items())
            and row.note == note
            and (row.state == state or not submit)
        ):
            # Unchanged, and not being submitted: leave the row (and its state) alone.
            return row
        for name, value in values.items():
            setattr(row, name, value)
        row.note = note
        row.state = state
        row.rated_by = user
        row.rated_at = timezone.now()
        row.version += 1
        save_with_history(row, user=user, reason="Submitted" if submit else "Draft saved")
        return row
