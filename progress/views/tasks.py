"""A lead's month as a task list, and the check before submitting it.

The task list shows the open month's items grouped by issue to be addressed, each with its
state in words (To do, Draft, Submitted, Unchanged) and the deadline; each group opens a
short page of its items (``my_updates.my_section``). *Check and submit* lists what will be
submitted: the drafts written, and every item left untouched that had an entry last month,
which is submitted again unchanged (GOV.UK "check answers"). One confirmation follows.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from actions.models import StoryComment
from actions.services import UpdateRefused
from progress.carry import carry_forward
from progress.items import DRAFT, MISSING, SUBMITTED, grouped, lead_items
from progress.services import submit_month_updates
from progress.views.pages import (
    check_url,
    deadline_words,
    lead_access,
    section_pages,
    section_url,
    tasks_url,
)
from progress.views.update_forms import submit_scope
from sendplan.access import Can, PlanAccess, get_plan
from sendplan.services import open_month_of


@require_safe
def my_updates(request, plan_slug: str):
    access = get_plan(request, plan_slug, need=Can.UPDATE_OWN)
    return _task_list(request, access, person_ids=access.person_ids, person=None)


@require_safe
def lead_updates(request, plan_slug: str, person_id: int):
    access, person = lead_access(request, plan_slug, person_id)
    return _task_list(request, access, person_ids={person.id}, person=person)


@require_http_methods(["GET", "POST"])
def my_check(request, plan_slug: str):
    access = get_plan(request, plan_slug, need=Can.UPDATE_OWN)
    return _check(request, access, person_ids=access.person_ids, person=None)


@require_http_methods(["GET", "POST"])
def lead_check(request, plan_slug: str, person_id: int):
    access, person = lead_access(request, plan_slug, person_id)
    return _check(request, access, person_ids={person.id}, person=person)


def _context(access: PlanAccess, person, reporting_month) -> dict:
    plan = access.plan
    return {
        "plan": plan,
        "person": person,
        "access": access,
        "reporting_month": reporting_month,
        "tasks_url": tasks_url(plan, person),
        "check_url": check_url(plan, person),
        "can_manage_months": access.can(Can.MANAGE_MONTHS),
    }


def _task_list(request, access: PlanAccess, *, person_ids, person):
    plan = access.plan
    reporting_month = open_month_of(plan)
    context = _context(access, person, reporting_month)
    if reporting_month is None:
        return render(request, "progress/my_updates.html", context)
    month = reporting_month.month
    items = lead_items(plan, month, person_ids)
    groups = grouped(items)
    done = sum(1 for item in items if item.progress == SUBMITTED)
    comments = _partner_comments(plan, month)
    context.update(
        {
            "month": month,
            "groups": [
                (
                    group,
                    section_url(plan, person, group.section),
                    _item_links(plan, person, group),
                    comments.get(group.issue.id if group.issue else None, []),
                )
                for group in groups
            ],
            "total": len(items),
            "done": done,
            "drafts": sum(1 for item in items if item.progress == DRAFT),
            "to_do": sum(1 for item in items if item.progress == MISSING),
            "carried": sum(1 for item in items if item.is_carried),
            "deadline": deadline_words(reporting_month.deadline),
            "just_submitted": "submitted" in request.GET,
            "remaining": [item for item in items if item.progress != SUBMITTED],
        }
    )
    return render(request, "progress/my_updates.html", context)


def _partner_comments(plan, month) -> dict[int, list[StoryComment]]:
    """Partners' comments on the story so far of each issue for the month (one query)."""
    found: dict[int, list[StoryComment]] = {}
    rows = StoryComment.objects.filter(plan=plan, month=month, issue__isnull=False)
    for comment in rows.select_related("author").order_by("written_at"):
        found.setdefault(comment.issue_id, []).append(comment)
    return found


def _item_links(plan, person, group) -> list[tuple]:
    """Each item of a group with the address of the page of its section that holds it."""
    links = []
    for number, page in enumerate(section_pages(group.items, group.section), start=1):
        url = section_url(plan, person, group.section, number)
        links += [(item, f"{url}#{item.key}") for item in page]
    return links


def _check(request, access: PlanAccess, *, person_ids, person):
    plan = access.plan
    reporting_month = open_month_of(plan)
    if reporting_month is None:
        return redirect(tasks_url(plan, person))
    month = reporting_month.month
    items = lead_items(plan, month, person_ids)
    drafts = [item for item in items if item.progress == DRAFT]
    unchanged = [item for item in items if item.can_carry]
    blank = [item for item in items if item.progress == MISSING and not item.can_carry]
    context = _context(access, person, reporting_month)
    context.update(
        {
            "month": month,
            "drafts": drafts,
            "unchanged": unchanged,
            "blank": blank,
            "total": len(items),
            "to_submit": len(drafts) + len(unchanged),
        }
    )
    if request.method == "GET":
        return render(request, "progress/check.html", context)
    if str(request.POST.get("month", "")) != f"{month:%Y-%m}":
        context["refused"] = (
            "This page was for another month, so nothing was submitted. Check your "
            f"updates for {month:%B %Y} and submit them again."
        )
        return render(request, "progress/check.html", context, status=409)
    scope = submit_scope(items)
    try:
        with transaction.atomic():
            submit_month_updates(plan=plan, month=month, user=request.user, scope=scope)
            carry_forward(plan=plan, month=month, user=request.user, items=unchanged)
    except UpdateRefused as error:
        context["refused"] = str(error)
        return render(request, "progress/check.html", context, status=409)
    except ValidationError as error:
        context["problems"] = error.messages
        return render(request, "progress/check.html", context, status=400)
    return redirect(f"{tasks_url(plan, person)}?submitted=1")
