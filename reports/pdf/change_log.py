"""The pack's change log (issue 19): every change to what the plan promised that was
approved in the statement's period (outcome targets' wording, baseline, figure, unit or
date; due dates moved beyond what a reason alone allows), as at the pack's moment. A
section of the quarterly and annual statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from actions.models import DueDateChangeRequest
from governance.periods import QUARTER, YEAR, Period
from outcomes.models import TargetChangeRequest
from sendplan.models import Plan

# The statements whose readers approve the plan's direction: they see every change to it.
KINDS_WITH_CHANGE_LOG = (QUARTER, YEAR)


@dataclass(frozen=True)
class LoggedChange:
    ref: str
    what: str  # "Outcome target: 90% of parents say…"
    was: str
    now: str
    reason: str
    approved_by: str
    approved_on: dt.date
    effective_month: dt.date


def change_log(plan: Plan, period: Period, as_at: dt.datetime | None) -> list[LoggedChange] | None:
    """The changes approved in ``period`` (and by ``as_at``), oldest first; None for a
    statement that has no change log. Two queries."""
    if period.kind not in KINDS_WITH_CHANGE_LOG:
        return None
    found = []
    for model in (TargetChangeRequest, DueDateChangeRequest):
        rows = model.objects.for_plan(plan).approved_between(period.start, period.last_day)
        if as_at is not None:
            rows = rows.filter(decided_at__lte=as_at)
        rows = rows.select_related(f"{model.subject_field}__issue", "decided_by")
        for row in rows:
            subject = row.subject
            found.append(
                LoggedChange(
                    ref=subject.issue.ref,
                    what=f"{row.kind_words}: {subject.text}",
                    was=row.was_words,
                    now=row.now_words,
                    reason=row.reason,
                    approved_by=row.decided_by_name,
                    approved_on=timezone.localtime(row.decided_at).date(),
                    effective_month=row.effective_month,
                )
            )
    return sorted(found, key=lambda change: (change.approved_on, change.ref))
