"""Partner review of a statement before it is issued (co-production with families).

A programme manager sends the draft of a forum's statement for a period to the area's
partner reviewers with a closing date. Each reviewer reads the draft as it stood when it
was sent and, priority by priority, signs it off ("this reflects families' experience")
or records dissent in their own words. When the pack is issued, what they said is copied
into it verbatim (``snapshot``), with names, organisations and dates. Where the area has
partner reviewers and none has signed anything off, the pack is issued only with a
recorded reason, printed in it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from governance.models import Forum
from governance.periods import Period
from progress.plan_state import rows_as_at
from sendplan.history import save_with_history
from sendplan.models import Area, Membership, Plan, Priority, Role, User

from .models import PartnerReview, ReviewDecision, ReviewReminder, ReviewResponse

logger = logging.getLogger("sendplan.reports")

WORDS_MAX = 2000


def reviewer_memberships(area: Area):
    """The area's partner reviewers (with their organisations), by name."""
    return (
        Membership.objects.filter(area=area, role=Role.PARTNER_REVIEWER, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def has_reviewers(area: Area) -> bool:
    return reviewer_memberships(area).exists()


def latest_review(forum: Forum, period_code: str) -> PartnerReview | None:
    """The newest review of the forum's statement for the period, if any was sent."""
    return (
        PartnerReview.objects.filter(forum=forum, period_code=period_code)
        .order_by("-requested_at", "-pk")
        .first()
    )


def _name(user) -> str:
    return user.get_full_name() or user.username


def _link(review: PartnerReview) -> str:
    return settings.SENDPLAN_BASE_URL.rstrip("/") + review.get_absolute_url()


def _mail(user, subject: str, body: str) -> bool:
    if not user.email:
        return False
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # noqa: BLE001 - the review stands whether or not the mail goes
        logger.exception("Could not e-mail reviewer %s", user.pk)
        return False
    return True


@transaction.atomic
def send_for_review(
    *,
    plan: Plan,
    forum: Forum,
    period: Period,
    closes_on: dt.date,
    user,
    message: str = "",
) -> PartnerReview:
    """Send the draft statement as it stands now to every partner reviewer of the area,
    who are e-mailed a link. The draft they read is the plan as at this moment, so a later
    update does not change what they are asked about."""
    if forum.area_id != plan.area_id:
        raise ValidationError("The forum and the plan must belong to the same area.")
    if closes_on < timezone.localdate():
        raise ValidationError("Enter a closing date that is today or later.")
    reviewers = list(reviewer_memberships(plan.area))
    if not reviewers:
        raise ValidationError(
            "This area has no partner reviewers yet: a site administrator gives the role "
            "(with the organisation) to the parent carer forum's login first."
        )
    now = timezone.now()
    review = PartnerReview(
        plan=plan,
        forum=forum,
        period_code=period.code,
        period_label=period.label,
        as_at=now,
        closes_on=closes_on,
        message=message.strip(),
        requested_by=user,
        requested_at=now,
    )
    save_with_history(review, user=user, reason="Sent for partner review")
    closing = date_format(closes_on, "j F Y")

    def tell():
        for membership in reviewers:
            _mail(
                membership.user,
                f"Please review: {forum.name} {period.label} statement, by {closing}",
                f"{_name(user)} asks you to read the draft {period.label} statement of "
                f"{plan.title} for {forum.name}, and to sign off or record your dissent on "
                f"each priority by {closing}.\n\n"
                + (f"{review.message}\n\n" if review.message else "")
                + f"{_link(review)}\n\nsendplan",
            )

    transaction.on_commit(tell)
    return review


def record_response(
    *,
    review: PartnerReview,
    reviewer,
    priority: Priority,
    decision: str,
    words: str,
) -> ReviewResponse:
    """A reviewer's sign-off or dissent on one priority, replacing their earlier one (the
    history keeps it). Refused once the review has closed, for a priority of another plan,
    from someone who is not a partner reviewer of the area, and for a dissent without
    words."""
    membership = reviewer_memberships(review.plan.area).filter(user=reviewer).first()
    if membership is None:
        raise ValidationError("Only the area's partner reviewers can answer a review.")
    if not review.is_open():
        raise ValidationError(
            f"This review closed on {date_format(review.closes_on, 'j F Y')}: "
            "ask the programme manager to send the statement again."
        )
    if priority.plan_id != review.plan_id:
        raise ValidationError("Select a priority of this plan.")
    if decision not in ReviewDecision.values:
        raise ValidationError("Select whether you sign off this priority or dissent.")
    words = words.strip()
    if decision == ReviewDecision.DISSENT and not words:
        raise ValidationError("Enter what does not reflect families' experience.")
    if len(words) > WORDS_MAX:
        raise ValidationError(f"Enter {WORDS_MAX:,} characters or fewer.")
    with transaction.atomic():
        response = (
            ReviewResponse.objects.select_for_update()
            .filter(review=review, reviewer=reviewer, priority=priority)
            .first()
        )
        if response is None:
            response = ReviewResponse(review=review, reviewer=reviewer, priority=priority)
        response.organisation = membership.organisation
        response.decision = decision
        response.words = words
        response.decided_at = timezone.now()
        save_with_history(response, user=reviewer, reason="Partner review answered")
    return response


def responses_as_at(review: PartnerReview, as_at: dt.datetime | None = None, **filters) -> list:
    """The review's answers, live or as they stood at ``as_at`` (from the history: a
    later change of mind does not show). One query."""
    if as_at is not None and as_at < review.requested_at:
        return []
    return rows_as_at(ReviewResponse, as_at, review_id=review.pk, **filters)


@dataclass
class PriorityRow:
    priority: Priority
    response: ReviewResponse | None


def reviewer_rows(
    review: PartnerReview, reviewer, *, as_at: dt.datetime | None = None
) -> list[PriorityRow]:
    """Each priority of the plan with the reviewer's answer so far (or at ``as_at``)."""
    answered = {r.priority_id: r for r in responses_as_at(review, as_at, reviewer_id=reviewer.pk)}
    priorities = Priority.objects.filter(plan=review.plan).order_by("number")
    return [PriorityRow(p, answered.get(p.id)) for p in priorities]


def snapshot(
    review: PartnerReview | None,
    *,
    without_signoff_reason: str = "",
    as_at: dt.datetime | None = None,
) -> dict:
    """What the pack prints about partner review, frozen when the pack is asked for: each
    answer verbatim with the reviewer's name, organisation and date, by priority; and the
    reason for issuing without a sign-off, if one was needed. With ``as_at``, the answers
    as they stood then (the review page as at a date). Three queries."""
    data: dict = {"without_signoff_reason": without_signoff_reason.strip()}
    if review is None:
        return data
    rows = responses_as_at(review, as_at)
    people = User.objects.in_bulk({r.reviewer_id for r in rows})
    priorities = Priority.objects.in_bulk({r.priority_id for r in rows})
    for r in rows:
        r.reviewer, r.priority = people[r.reviewer_id], priorities[r.priority_id]
    responses = sorted(
        rows,
        key=lambda r: (r.priority.number, r.reviewer.last_name, r.reviewer.username),
    )
    data.update(
        review_id=review.pk,
        sent=date_format(timezone.localtime(review.requested_at), "j F Y"),
        closes=date_format(review.closes_on, "j F Y"),
        responses=[
            {
                "priority": r.priority.label,
                "name": _name(r.reviewer),
                "organisation": r.organisation,
                "decision": r.decision,
                "decision_words": ReviewDecision(r.decision).label,
                "words": r.words,
                "date": date_format(timezone.localtime(r.decided_at), "j F Y"),
            }
            for r in responses
        ],
    )
    return data


def needs_signoff_reason(plan: Plan, review: PartnerReview | None) -> bool:
    """Where the area has partner reviewers, a pack nobody signed off needs a reason."""
    if not has_reviewers(plan.area):
        return False
    if review is None:
        return True
    return not review.responses.filter(decision=ReviewDecision.SIGNED_OFF).exists()


@dataclass
class ReminderResult:
    sent: int = 0
    already: int = 0
    no_email: int = 0


def send_review_reminders(*, today: dt.date | None = None, user=None) -> ReminderResult:
    """E-mail each reviewer of an open review who has not answered every priority, at most
    once a day per review; the reminders are recorded as sent by ``user`` (the system
    account by default)."""
    today = today or timezone.localdate()
    user = user or User.objects.system_user()
    result = ReminderResult()
    reviews = PartnerReview.objects.filter(closes_on__gte=today).select_related(
        "plan__area", "forum"
    )
    for review in reviews:
        priorities = Priority.objects.filter(plan=review.plan).count()
        for membership in reviewer_memberships(review.plan.area):
            reviewer = membership.user
            answered = ReviewResponse.objects.filter(review=review, reviewer=reviewer).count()
            if answered >= priorities:
                continue
            if not reviewer.email:
                result.no_email += 1
                continue
            try:
                with transaction.atomic():
                    reminder = ReviewReminder(
                        review=review, reviewer=reviewer, sent_on=today, sent_at=timezone.now()
                    )
                    save_with_history(reminder, user=user, reason="Review reminder sent")
            except IntegrityError:
                result.already += 1
                continue
            closing = date_format(review.closes_on, "j F Y")
            _mail(
                reviewer,
                f"Reminder: review the {review.period_label} statement by {closing}",
                f"You have answered {answered} of {priorities} priorities of the draft "
                f"{review.period_label} statement of {review.plan.title} for "
                f"{review.forum.name}. The review closes at the end of {closing}.\n\n"
                f"{_link(review)}\n\nsendplan",
            )
            result.sent += 1
    return result


def open_reviews_for(user, area: Area) -> list[PartnerReview]:
    """The area's reviews still open that ``user`` (a reviewer) has not finished."""
    today = timezone.localdate()
    reviews = list(
        PartnerReview.objects.filter(plan__area=area, closes_on__gte=today).select_related(
            "forum__area", "plan"
        )
    )
    if not reviews:
        return []
    counts = {
        plan_id: n
        for plan_id, n in Priority.objects.filter(plan__in={r.plan_id for r in reviews})
        .values_list("plan")
        .annotate(n=Count("id"))
    }
    answered: dict[int, int] = {}
    for review_id in ReviewResponse.objects.filter(review__in=reviews, reviewer=user).values_list(
        "review_id", flat=True
    ):
        answered[review_id] = answered.get(review_id, 0) + 1
    return [r for r in reviews if answered.get(r.pk, 0) < counts.get(r.plan_id, 0)]


def who_answered(
    review: PartnerReview, *, as_at: dt.datetime | None = None
) -> list[tuple[str, str, int, int]]:
    """For the programme manager: each reviewer with (name, organisation, signed off,
    dissented), now or at ``as_at``."""
    rows = []
    responses = responses_as_at(review, as_at)
    for membership in reviewer_memberships(review.plan.area):
        mine = [r for r in responses if r.reviewer_id == membership.user_id]
        rows.append(
            (
                _name(membership.user),
                membership.organisation,
                sum(r.decision == ReviewDecision.SIGNED_OFF for r in mine),
                sum(r.decision == ReviewDecision.DISSENT for r in mine),
            )
        )
    return rows
