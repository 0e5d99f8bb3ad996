"""What the home page says about the plan's reports: the latest issued pack, one click to
download, and the dashboard; for the programme manager, the inspection readiness check.
Registered in ReportsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from reports.models import IssuedReport, PartnerReview
from sendplan.access import ADVISER, Can
from sendplan.hooks import Panel


def report_panels(request, access, plans) -> list[Panel]:
    panels = []
    latest = (
        IssuedReport.objects.without_content()
        .filter(plan__in=plans)
        .select_related("forum__area", "plan")
        .order_by("-issued_at")
        .first()
    )
    for plan in plans:
        links = [("Open the dashboard", reverse("reports:dashboard", args=[plan.slug]))]
        lines = []
        if latest is not None and latest.plan_id == plan.id:
            lines.append(
                f"Latest issued pack: {latest.title}, issued {latest.issued_at:%-d %B %Y} "
                f"({latest.page_count} pages)."
            )
            links.insert(
                0, (f"Download {latest.period_label} pack (PDF)", latest.get_absolute_url())
            )
        elif latest is None:
            lines.append(
                "No pack has been issued yet: the programme manager issues one for a meeting "
                "from the forum's page."
            )
        if access.can(Can.MANAGE_MONTHS):
            links.append(
                ("Check inspection readiness", reverse("reports:readiness", args=[plan.slug]))
            )
        if ADVISER in access.roles:
            links.append(("Compare with the other areas you advise", reverse("reports:regional")))
        panels.append(Panel(f"{plan.title}: progress", lines, links, order=30))
    return panels


def review_panels(request, access, plans) -> list[Panel]:
    """A partner reviewer's statements waiting for their answer; for whoever issues packs,
    the reviews still open and how many partners have answered."""
    from . import reviews

    panels = []
    if access.can(Can.REVIEW_AS_PARTNER):
        waiting = reviews.open_reviews_for(request.user, access.area)
        if waiting:
            panels.append(
                Panel(
                    "Statements waiting for your review",
                    [
                        f"{r.forum.name}, {r.period_label} statement: closes "
                        f"{r.closes_on:%-d %B %Y}."
                        for r in waiting
                    ],
                    [
                        (f"Review the {r.period_label} statement", r.get_absolute_url())
                        for r in waiting
                    ],
                    order=10,
                )
            )
    if access.can(Can.ISSUE_REPORTS):
        today = timezone.localdate()
        open_reviews = PartnerReview.objects.filter(
            plan__in=plans, closes_on__gte=today
        ).select_related("forum__area")
        for review in open_reviews:
            answered = reviews.who_answered(review)
            done = sum(1 for _, _, signed, dissent in answered if signed or dissent)
            panels.append(
                Panel(
                    f"Partner review: {review.forum.name}, {review.period_label}",
                    [
                        f"{done} of {len(answered)} partner reviewers have answered; the "
                        f"review closes {review.closes_on:%-d %B %Y}."
                    ],
                    [("See the partner review", review.get_absolute_url())],
                    order=32,
                )
            )
    return panels
