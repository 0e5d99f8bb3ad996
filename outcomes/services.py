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

from actions.monthly_rating import save_monthly_rating
from sendplan.ratings import RAG

from .models import ImpactRating, OutcomeTarget


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
        shown = "" if row.measured_value is None else f"{row.measured_value:f}"
        return [("Measured figure", f"{shown} {target.unit}".strip() or "(none)")]

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
