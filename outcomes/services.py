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

from actions.change_requests import decide_change_request
from actions.monthly_rating import save_monthly_rating
from outcomes.figures import with_unit
from sendplan.history import save_with_history
from sendplan.ratings import RAG

from .models import PROMISED_FIELDS, ImpactRating, OutcomeTarget, TargetChangeRequest


@dataclass
class TargetUpdate:
    target: OutcomeTarget
    rag: str
    measured_value: Decimal | None
    note: str
    expected_version: int
    key: str


def _measured(target: OutcomeTarget):
    """The measured figure a conflict shows, for a quantified target."""

    def details(row: ImpactRating) -> list[tuple[str, str]]:
        if not target.is_quantified:
            return []
        return [("Measured figure", with_unit(row.measured_value, target.unit) or "(none)")]

    return details


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

    return save_monthly_rating(
        ImpactRating,
        subject=target,
        month=month,
        user=user,
        values={"rag": rag, "measured_value": measured_value},
        note=note,
        expected_version=expected_version,
        submit=submit,
        key=key,
        details=_measured(target),
    )


# --- Changing what a target promises -----------------------------------------------------


def propose_target_change(
    *,
    target: OutcomeTarget,
    user,
    reason: str,
    effective_month: dt.date,
    is_example: bool = False,
    **proposed,
) -> TargetChangeRequest:
    """Ask to change what ``target`` promises (``proposed``: any of text, baseline,
    target_value, unit, target_month; the rest stay as they are). Nothing changes until a
    programme manager or an assurance executive member approves; one request per target
    waits at a time."""
    unknown = set(proposed) - set(PROMISED_FIELDS)
    if unknown:
        raise ValueError(f"Not a promised field: {', '.join(sorted(unknown))}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the change."})
    with transaction.atomic():
        current = OutcomeTarget.objects.select_for_update().get(pk=target.pk)
        if current.change_requests.pending().exists():
            raise ValidationError(
                "A change to this outcome target is already waiting for a decision."
            )
        values = {field: getattr(current, field) for field in PROMISED_FIELDS}
        values.update(proposed)
        if values["target_month"]:
            values["target_month"] = values["target_month"].replace(day=1)
        if not (values["text"] or "").strip():
            raise ValidationError({"text": "Enter the wording of the outcome target."})
        if all(values[f] == getattr(current, f) for f in PROMISED_FIELDS):
            raise ValidationError(
                "Change at least one of the wording, baseline, figure, unit or date."
            )
        request = TargetChangeRequest(
            plan_id=current.plan_id,
            target=current,
            reason=reason,
            effective_month=effective_month.replace(day=1),
            requested_by=user,
            is_example=is_example,
            **{f"new_{field}": value for field, value in values.items()},
        )
        save_with_history(request, user=user, reason="Requested")
        return request


def decide_target_change(
    *, request: TargetChangeRequest, user, approve: bool, comment: str = ""
) -> TargetChangeRequest:
    """Approve or reject a target change request. On approval the target takes the new
    values and the request keeps what stood before, for the "was" line."""

    def apply(locked: TargetChangeRequest) -> None:
        target = OutcomeTarget.objects.select_for_update().get(pk=locked.target_id)
        if target.target_month != locked.new_target_month:
            target.target_as_written = ""  # the plan's words no longer describe it
        for field in PROMISED_FIELDS:
            setattr(locked, f"was_{field}", getattr(target, field))
            setattr(target, field, getattr(locked, f"new_{field}"))
        target.version += 1
        save_with_history(target, user=user, reason=f"Change approved: {locked.reason}"[:100])

    with transaction.atomic():
        return decide_change_request(
            request, user=user, approve=approve, comment=comment, apply=apply
        )
