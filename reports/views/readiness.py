"""The plan's inspection readiness page: what an inspector would find weak, by priority,
with a score per priority and its trend (the checks are progress.readiness's)."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from progress.figures import page_readiness
from progress.plan_state import end_of_day
from progress.readiness import (
    Finding,
    Readiness,
    Score,
    checks_in_use,
    pending_changes,
)
from sendplan.access import Can, get_plan
from sendplan.models import MonthStatus
from sendplan.months import month_words

from ..dashboard import default_month, reporting_months
from .plan import PlanViewForm


@require_safe
def readiness(request, plan_slug: str):
    """``?month=YYYY-MM&as_at=YYYY-MM-DD``, as the dashboard takes them."""
    access = get_plan(request, plan_slug, need=Can.VIEW)
    plan = access.plan
    view_form = PlanViewForm(request.GET or None)
    month = as_at_date = None
    if view_form.is_bound and view_form.is_valid():
        month = view_form.cleaned_data["month"]
        as_at_date = view_form.cleaned_data["as_at"]
    as_at = end_of_day(as_at_date) if as_at_date else None
    months = reporting_months(plan, as_at)
    today = timezone.localdate()
    if month is None:
        month = default_month(months, as_at_date, today)
    found = page_readiness(
        plan, as_at=as_at, month=month, today=today, reporting_months=None if as_at else months
    )
    keep = [f"month={month:%Y-%m}"]
    if as_at_date:
        keep.append(f"as_at={as_at_date:%Y-%m-%d}")
    query = "?" + "&".join(keep)
    _link_findings(found, plan, query)
    open_month = next((m.month for m in months if m.status == MonthStatus.OPEN), None)
    return render(
        request,
        "reports/readiness.html",
        {
            "plan": plan,
            "access": access,
            "readiness": found,
            "checks": checks_in_use(),
            "pending_changes": pending_changes(plan, as_at=as_at),
            **_tables(found),
            "view_form": view_form,
            "month": month,
            "as_at_date": as_at_date,
            "months": [m.month for m in months],
            "open_month": open_month,
            "query": query,
            "heading": f"Inspection readiness for {month:%B %Y}",
            "caption": f"{plan.title} · {plan.area.name}",
        },
    )


@dataclass(frozen=True)
class LinkedFinding:
    finding: Finding
    href: str
    label: str

    def __getattr__(self, name):
        return getattr(self.finding, name)


def _short(text: str, length: int = 120) -> str:
    """As the ``truncatechars`` filter shortens: at most ``length`` characters with the
    ellipsis (a page of a hundred findings is quicker without the filter)."""
    return text if len(text) <= length else text[: length - 1] + "…"


def _link_findings(found: Readiness, plan, query: str) -> None:
    """Each finding's link to its item and the words of the link, on
    ``section.linked_findings``: each issue's address worked out once."""
    issue_pages: dict[str, str] = {}

    def issue_page(finding) -> str:
        # The issue's part of the address (``issue_url_key``), its ref for an older finding.
        key = finding.issue_key or finding.issue_ref
        if key not in issue_pages:
            issue_pages[key] = reverse("reports:issue_detail", args=[plan.slug, key]) + query
        return issue_pages[key]

    dashboard = reverse("reports:dashboard", args=[plan.slug]) + query
    for section in found.priorities:
        priority_page = (
            reverse("reports:priority_detail", args=[plan.slug, section.priority.number]) + query
        )
        linked = []
        for f in section.findings:
            if f.kind == "action":
                href = f"{issue_page(f)}#action-{f.item_id}"
                label = f"{f.issue_ref} action: {_short(f.text)}"
            elif f.kind == "target":
                href = f"{issue_page(f)}#target-{f.item_id}"
                label = f"{f.issue_ref} outcome target: {_short(f.text)}"
            elif f.kind == "issue":
                href, label = f"{issue_page(f)}#story", f.text
            elif f.kind == "milestone":
                href, label = f"{dashboard}#milestones", f"Milestone {_short(f.text)}"
            else:
                href, label = priority_page, f.text
            linked.append(LinkedFinding(f, href, label))
        section.linked_findings = linked


def _tables(found: Readiness) -> dict:
    """The score by priority, and by month, as the tables' headers and rows."""
    numbers = [p.priority.short_label for p in found.priorities]
    score_rows = [
        [p.priority.short_label, p.score.words, len(p.findings)] for p in found.priorities
    ]
    score_rows.append(["Whole plan", found.score.words, len(found.findings)])
    trend_rows = [
        [month_words(month), *[_cell(p.trend[i]) for p in found.priorities], _cell(total)]
        for i, (month, total) in enumerate(zip(found.trend_months, found.trend, strict=True))
    ]
    return {
        "score_headers": ["Priority", "Score", {"text": "Weaknesses", "numeric": True}],
        "score_rows": [[a, b, {"text": c, "numeric": True}] for a, b, c in score_rows],
        "trend_headers": ["Month", *numbers, "Whole plan"],
        "trend_rows": trend_rows,
    }


def _cell(score: Score) -> str:
    if not score.applicable:
        return "None apply"
    return f"{score.passed} of {score.applicable} ({score.percent}%)"
