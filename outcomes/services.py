"""Writing an outcome target's RAG impact rating for the open month.

The same pattern against lost updates as ``actions.services``: the form carries the
version it read, the row is locked and compared, and a ``ConflictError`` carries what the
other person saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.models import EntryState
from sendplan.ratings import RAG
from sendplan.services import ConflictError, lock_open_month

from .models import ImpactRating, OutcomeTarget


@dataclass
class TargetUpdate:
    target: OutcomeTarget
    rag: str
    measured_value: Decimal | None
    note: str
    expected_version: int
    key: str


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _conflict(key: str, target: OutcomeTarget, row: ImpactRating | None) -> ConflictError:
    saved = [("RAG impact rating", RAG(row.rag).label if row else "(removed)")]
    if row:
        if target.is_quantified:
            shown = "" if row.measured_value is None else f"{row.measured_value:f}"
            saved.append(("Measured figure", f"{shown} {target.unit}".strip() or "(none)"))
        saved += [("Note", row.note or "(none)"), ("State", row.get_state_display())]
    return ConflictError(
        key=key,
        label=f"The RAG impact rating of “{target.text[:80]}”",
        saved=saved,
        by=_name(row.rated_by) if row else "",
        at=row.rated_at if row else None,
        version=row.version if row else 0,
    )


def record_impact_rating(
    *,
    target: OutcomeTarget,
    month: dt.date,
    user,
    rag: str,
    expected_version: int,
    measured_value: Decimal | None = None,
    note: str = "",
    submit: bool = False,
    check_rules: bool = True,
    key: str = "",
) -> ImpactRating | None:
    """Save an outcome target's RAG impact rating for the open ``month``.

    The measured figure is kept only for a quantified target (one with a target value).
    Returns the row, or None when there was nothing to save.
    """
    key = key or f"target-{target.pk}"
    note = (note or "").strip()
    if rag and rag not in RAG.values:
        raise ValidationError({"rag": "Select a RAG impact rating from the list."})
    if measured_value is not None and not target.is_quantified:
        raise ValidationError(
            {"measured_value": "This outcome target has no figure to measure against."}
        )
    if (check_rules or submit) and not rag:
        raise ValidationError({"rag": "Select the RAG impact rating."})

    with transaction.atomic():
        lock_open_month(target.plan, month)
        row = ImpactRating.objects.select_for_update().filter(target=target, month=month).first()
        if (row.version if row else 0) != expected_version:
            raise _conflict(key, target, row)
        if row is not None:
            row.target = target  # saving checks the row's plan against its target's
        if not rag:
            return row
        state = EntryState.SUBMITTED if submit else EntryState.DRAFT
        if row is None:
            row = ImpactRating(target=target, plan_id=target.plan_id, month=month, version=0)
        elif (
            row.rag == rag
            and row.note == note
            and row.measured_value == measured_value
            and (row.state == state or not submit)
        ):
            return row
        row.rag = rag
        row.measured_value = measured_value
        row.note = note
        row.state = state
        row.rated_by = user
        row.rated_at = timezone.now()
        row.version += 1
        row._history_user = user
        row._change_reason = "Submitted" if submit else "Draft saved"
        row.save()
        return row
