"""Partner review of a draft statement: the programme manager sends it, each partner
reviewer signs off or dissents priority by priority, and both read the draft as it stood
when it was sent (reports.reviews)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.services import comment_on_story
from governance.access import get_forum
from progress.plan_state import end_of_day
from sendplan.access import Can, VerificationRequired, get_plan
from sendplan.models import Issue, issue_lookup
from sendplan.services import open_month_of

from .. import reviews
from ..forms import ReviewResponseForm, SendForReviewForm, StoryCommentForm
from ..models import PartnerReview
from ..pdf.build import build_report
from ..pdf.render import ReportRenderError
from .pdf import _pdf_response, period_choices
from .plan import PlanViewForm

logger = logging.getLogger("sendplan.reports")

# Who may open a review: the reviewers who answer it, whoever issues the pack, and the
# forum members who preview drafts anyway.
READERS = (Can.REVIEW_AS_PARTNER, Can.ISSUE_REPORTS, Can.PREVIEW_REPORTS)


def _may_read(access) -> bool:
    return any(access.can(c) for c in READERS)


@require_http_methods(["GET", "POST"])
def review_send(request, area_slug: str, forum_slug: str):
    """Send a draft statement to the area's partner reviewers with a closing date."""
    access, forum = get_forum(request, area_slug, forum_slug, Can.ISSUE_REPORTS)
    if not forum.plan_id:
        messages.error(request, "This forum monitors no plan, so it has no statement.")
        return redirect("reports:forum_reports", area_slug=area_slug, forum_slug=forum_slug)
    periods, initial = period_choices(forum)
    form = SendForReviewForm(request.POST or None, periods=periods, initial_period=initial)
    reviewers = list(reviews.reviewer_memberships(forum.area))
    if request.method == "POST":
        access.require_write(Can.ISSUE_REPORTS)
        if form.is_valid():
            try:
                review = reviews.send_for_review(
                    plan=forum.plan,
                    forum=forum,
                    period=form.cleaned_data["period"],
                    closes_on=form.cleaned_data["closes_on"],
                    message=form.cleaned_data["message"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"The {review.period_label} statement was sent to {len(reviewers)} "
                    f"partner reviewer{'s' if len(reviewers) != 1 else ''}.",
                )
                return redirect(review)
    return render(
        request,
        "reports/review_send.html",
        {"access": access, "forum": forum, "form": form, "reviewers": reviewers},
        status=400 if form.errors else 200,
    )


def _review(request, area_slug, forum_slug, review_id):
    access, forum = get_forum(request, area_slug, forum_slug, Can.VIEW)
    review = get_object_or_404(
        PartnerReview.objects.select_related("plan", "forum__area", "requested_by"),
        pk=review_id,
        forum=forum,
    )
    if not _may_read(access):
        raise PermissionDenied("Your role in this area does not include partner review.")
    if access.needs_verification:
        # A programme manager reads partners' answers only once signed in with a code, as
        # for every page beyond what a viewer sees.
        raise VerificationRequired("Enter a code from your authenticator app first.")
    return access, forum, review


@require_http_methods(["GET", "POST"])
def review_detail(request, area_slug: str, forum_slug: str, review_id: int):
    """A reviewer's page (a form for each priority) and everyone's answers so far; with
    ``?as_at=YYYY-MM-DD``, the answers as they stood at the end of that day, read only."""
    access, forum, review = _review(request, area_slug, forum_slug, review_id)
    view_form = PlanViewForm(request.GET or None)
    as_at_date = view_form.cleaned_data["as_at"] if view_form.is_valid() else None
    as_at = end_of_day(as_at_date) if as_at_date else None
    if as_at is not None and request.method == "POST":
        return redirect(review)  # an answer is given on the page as it stands
    reviewing = access.can(Can.REVIEW_AS_PARTNER)
    rows = reviews.reviewer_rows(review, request.user, as_at=as_at) if reviewing else []
    forms = {}
    for row in rows:
        initial = (
            {"decision": row.response.decision, "words": row.response.words}
            if row.response
            else None
        )
        forms[row.priority.pk] = ReviewResponseForm(priority=row.priority, initial=initial)
    status = 200
    if request.method == "POST":
        access.require_write(Can.REVIEW_AS_PARTNER)
        priority = next(
            (r.priority for r in rows if str(r.priority.pk) == request.POST.get("priority")),
            None,
        )
        if priority is None:
            messages.error(request, "Select a priority of this plan to answer.")
            return redirect(review)
        if not review.is_open():
            messages.error(
                request,
                f"This review closed on {review.closes_on:%-d %B %Y}: ask the programme "
                "manager to send the statement again.",
            )
            return redirect(review)
        form = ReviewResponseForm(request.POST, priority=priority)
        forms[priority.pk] = form
        if form.is_valid():
            try:
                reviews.record_response(
                    review=review,
                    reviewer=request.user,
                    priority=priority,
                    decision=form.cleaned_data["decision"],
                    words=form.cleaned_data["words"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"Your answer on “{priority.title}” is recorded. Thank you."
                )
                return redirect(f"{review.get_absolute_url()}#priority-{priority.pk}")
        status = 400
    context = {
        "access": access,
        "forum": forum,
        "review": review,
        "reviewing": reviewing,
        "rows": [(row, forms[row.priority.pk]) for row in rows],
        "is_open": review.is_open() and as_at is None,
        "partner": reviews.snapshot(review, as_at=as_at),
        "answered": reviews.who_answered(review, as_at=as_at),
        "view_form": view_form,
        "as_at_date": as_at_date,
        "not_sent_yet": as_at is not None and as_at < review.requested_at,
    }
    if view_form.errors:
        status = 400
    return render(request, "reports/review_detail.html", context, status=status)


@require_GET
def review_draft_pdf(request, area_slug: str, forum_slug: str, review_id: int):
    """The draft statement as it stood when it was sent for review."""
    access, forum, review = _review(request, area_slug, forum_slug, review_id)
    from governance.periods import parse_period

    try:
        built = build_report(
            plan=review.plan,
            forum=forum,
            period=parse_period(review.period_code),
            as_at=review.as_at,
            user=review.requested_by,
            is_preview=True,
        )
    except ReportRenderError as exc:
        logger.error("Review draft failed for review %s: %s", review.pk, exc)
        messages.error(request, "The draft could not be built. Try again, or ask for help.")
        return redirect(review)
    return _pdf_response(built.pdf.content, "draft-for-review-" + built.filename)


@require_POST
def story_comment(request, plan_slug: str, ref: str):
    """A partner reviewer's comment on an issue's story so far, for the open month."""
    access = get_plan(request, plan_slug, Can.REVIEW_AS_PARTNER)
    access.require_write(Can.REVIEW_AS_PARTNER)
    plan = access.plan
    found = list(Issue.objects.filter(plan=plan, **issue_lookup(ref))[:2])
    if len(found) != 1:
        # None, or a reference two issues share: the form posts the id key then.
        raise Http404("No such issue to be addressed in this plan.")
    issue = found[0]
    back = reverse("reports:issue_detail", args=[plan.slug, ref]) + "#partner-comments"
    month = open_month_of(plan)
    if month is None:
        messages.error(request, "No month is open, so there is no story so far to comment on.")
        return redirect(back)
    form = StoryCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    membership = reviews.reviewer_memberships(plan.area).filter(user=request.user).first()
    try:
        comment_on_story(
            plan=plan,
            issue=issue,
            month=month.month,
            text=form.cleaned_data["comment"],
            user=request.user,
            organisation=membership.organisation if membership else "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, "Your comment is recorded. The issue's leads see it on their list.")
    return redirect(back)
