"""The addresses and pages of the lead's month: the task list, an issue's items in pages of
at most PAGE_SIZE, the check; whose month it is (the lead's own, or one named lead's for the
programme manager); the deadline in words."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from progress.items import Item, section_of
from sendplan.access import Can, PlanAccess, get_plan
from sendplan.models import Person
from sendplan.months import BadMonthOrDate, parse_iso_month

# A page of the lead's month shows at most this many items, so it stays short.
PAGE_SIZE = 5


def section_pages(items: list[Item], section: str) -> list[list[Item]]:
    """The items of one issue (by its ref) or one priority's story ("priority-2"), in pages
    of at most PAGE_SIZE."""
    found = [item for item in items if section_of(item.priority, item.issue) == section]
    return [found[i : i + PAGE_SIZE] for i in range(0, len(found), PAGE_SIZE)]


def of_section(items: list[Item], section: str, page: int) -> list[Item]:
    """The items on one page of a section; a page holding none of these items is not
    found."""
    pages = section_pages(items, section)
    if not 1 <= page <= len(pages):
        raise Http404("No items of yours in that part of the plan.")
    return pages[page - 1]


def page_number(request) -> int:
    text = request.GET.get("page", "1")
    return int(text) if text.isdigit() and len(text) < 4 else 0


def deadline_words(deadline: dt.date | None, today: dt.date | None = None) -> str:
    """ "Due by 10 June 2023 (6 days left)", "... (due today)", "... (3 days late)"."""
    if deadline is None:
        return ""
    days = (deadline - (today or timezone.localdate())).days
    if days > 0:
        left = f"{days} day{'s' if days != 1 else ''} left"
    elif days == 0:
        left = "due today"
    else:
        left = f"{-days} day{'s' if days != -1 else ''} late"
    return f"Due by {deadline:%-d %B %Y} ({left})"


def lead_access(request, plan_slug: str, person_id: int) -> tuple[PlanAccess, Person]:
    access = get_plan(request, plan_slug, need=Can.UPDATE_OWN)
    person = get_object_or_404(Person, pk=person_id, area=access.area)
    if person.id not in access.person_ids and not access.can(Can.UPDATE_ANY):
        raise PermissionDenied("You may only update the items you lead.")
    return access, person


def tasks_url(plan, person: Person | None) -> str:
    """The lead's task list for the month: their own, or one named lead's."""
    if person is None:
        return reverse("progress:my_updates", kwargs={"plan_slug": plan.slug})
    return reverse("progress:lead_updates", kwargs={"plan_slug": plan.slug, "person_id": person.pk})


def check_url(plan, person) -> str:
    if person is None:
        return reverse("progress:my_check", kwargs={"plan_slug": plan.slug})
    return reverse("progress:lead_check", kwargs={"plan_slug": plan.slug, "person_id": person.pk})


def section_url(plan, person: Person | None, section: str, page: int = 1) -> str:
    if person is None:
        url = reverse("progress:my_section", kwargs={"plan_slug": plan.slug, "section": section})
    else:
        url = reverse(
            "progress:lead_section",
            kwargs={"plan_slug": plan.slug, "person_id": person.pk, "section": section},
        )
    return url if page == 1 else f"{url}?page={page}"


def month_on_page(data) -> dt.date | None:
    """The month the page was opened for (its hidden ``month`` field), if it says one."""
    try:
        return parse_iso_month(data.get("month", ""))
    except BadMonthOrDate:
        return None
