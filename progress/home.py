"""What the home page says about the month: a lead's own updates, owed and by when; the
programme manager's view of who is missing. Registered in ProgressConfig.ready()."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse

from actions.models import DueDateChangeRequest
from outcomes.models import TargetChangeRequest
from progress.items import SUBMITTED, lead_items, month_items, progress_by_lead
from progress.plan_state import plan_state
from progress.views.pages import deadline_words
from sendplan.access import Can
from sendplan.hooks import Panel
from sendplan.models import MonthStatus, ReportingMonth
from sendplan.months import month_words


def month_panels(request, access, plans) -> list[Panel]:
    panels = []
    open_months = {
        m.plan_id: m for m in ReportingMonth.objects.filter(plan__in=plans, status=MonthStatus.OPEN)
    }
    for plan in plans:
        month = open_months.get(plan.id)
        if month is None:
            continue
        if access.person_ids and access.can(Can.UPDATE_OWN):
            panels += _lead_panel(plan, month, access.person_ids)
        if access.can(Can.MANAGE_MONTHS):
            panels.append(_manager_panel(plan, month))
    return panels


def _lead_panel(plan, month, person_ids) -> list[Panel]:
    items = lead_items(plan, month.month, person_ids)
    if not items:
        return []
    done = sum(1 for item in items if item.progress == SUBMITTED)
    words = month_words(month.month)
    lines = [f"{done} of {len(items)} of your items submitted for {words}."]
    if deadline := deadline_words(month.deadline):
        lines.append(f"{deadline}.")
    url = reverse("progress:my_updates", kwargs={"plan_slug": plan.slug})
    text = "Go to my updates" if done < len(items) else "See my updates"
    return [Panel(f"Your updates for {words}", lines, [(text, url)], order=10)]


def _manager_panel(plan, month) -> Panel:
    state = plan_state(plan, month=month.month, include_drafts=True, months=1)
    items = month_items(state)
    leads = progress_by_lead(state, items)
    done = sum(1 for item in items if item.progress == SUBMITTED)
    missing = [lead for lead in leads if lead.outstanding]
    words = month_words(month.month)
    lines = [f"{done} of {len(items)} items submitted for {words}."]
    if missing:
        lines.append(f"{len(missing)} of {len(leads)} leads have items still to do.")
    if deadline := deadline_words(month.deadline):
        lines.append(f"{deadline}.")
    url = reverse("progress:month", kwargs={"plan_slug": plan.slug})
    return Panel(
        f"{words} for {plan.title}", lines, [("See who is missing and chase them", url)], order=20
    )


def change_panels(request, access, plans) -> list[Panel]:
    """For an approver: the changes waiting for their decision (two queries)."""
    if not access.can(Can.APPROVE_CHANGES):
        return []
    waiting = Counter()
    for model in (TargetChangeRequest, DueDateChangeRequest):
        rows = model.objects.filter(plan__in=plans).pending().exclude(requested_by=request.user)
        waiting.update(rows.values_list("plan_id", flat=True))
    panels = []
    for plan in plans:
        count = waiting.get(plan.id)
        if not count:
            continue
        words = "change is" if count == 1 else "changes are"
        url = reverse("progress:change_requests", kwargs={"plan_slug": plan.slug})
        panels.append(
            Panel(
                f"Changes to approve in {plan.title}",
                [f"{count} {words} waiting for your decision."],
                [("Approve or reject changes", url)],
                order=15,
            )
        )
    return panels
