"""The pack's change log (issue 19): every change to what the plan promised that was
approved in the statement's period (outcome targets' wording, baseline, figure, unit or
date; due dates moved beyond what a reason alone allows), and every partner's dissent in
the period, as at the pack's moment. A section of the quarterly and annual statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from actions.models import DueDateChangeRequest
from governance.periods import QUARTER, YEAR, Period, parse_period
from outcomes.models import TargetChangeRequest
from progress.plan_state.rows import rows_as_at
from sendplan.models import Plan, Priority, User

from ..models import PartnerReview, ReviewDecision, ReviewResponse

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


@dataclass(frozen=True)
class LoggedDissent:
    priority: str  # "2. Early identification"
    statement: str  # "SEND Assurance Executive, January to March 2023"
    name: str
    organisation: str
    words: str
    on: dt.date


def dissent_log(
    plan: Plan, period: Period, as_at: dt.datetime | None
) -> list[LoggedDissent] | None:
    """Every partner's dissent in ``period``, verbatim, oldest first; None for a statement
    that has no change log. A dissent is in the period when it was recorded in it, or when
    it is on the draft of a statement for the period or for a month or quarter within it
    (a quarter's statement is reviewed after the quarter ends). Each answer counts as it
    stood at ``as_at``: a dissent later changed to a sign-off is not logged, as the issued
    pack's partner review shows the sign-off. Four queries."""
    if period.kind not in KINDS_WITH_CHANGE_LOG:
        return None
    answers = rows_as_at(ReviewResponse, as_at, review__plan=plan)
    dissents = [a for a in answers if a.decision == ReviewDecision.DISSENT]
    if not dissents:
        return []
    reviews = {
        r.pk: r
        for r in PartnerReview.objects.filter(pk__in={a.review_id for a in dissents})
        .select_related("forum")
        .only("pk", "period_code", "period_label", "forum__name")
    }
    people = User.objects.in_bulk({a.reviewer_id for a in dissents})
    priorities = Priority.objects.in_bulk({a.priority_id for a in dissents})
    found = []
    for answer in dissents:
        review = reviews.get(answer.review_id)
        if review is None:
            continue
        on = timezone.localtime(answer.decided_at).date()
        reviewed = parse_period(review.period_code)
        within = period.start <= reviewed.start and reviewed.end <= period.end
        if not (within or period.contains(on)):
            continue
        person = people.get(answer.reviewer_id)
        priority = priorities.get(answer.priority_id)
        found.append(
            LoggedDissent(
                priority=priority.label if priority else "",
                statement=f"{review.forum.name}, {review.period_label}",
                name=(person.get_full_name() or person.username) if person else "Unknown",
                organisation=answer.organisation,
                words=answer.words,
                on=on,
            )
        )
    return sorted(found, key=lambda d: (d.on, d.priority, d.name))
