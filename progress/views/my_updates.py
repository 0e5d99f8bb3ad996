"""The monthly update: a lead's actions, outcome targets and story so far for the open month.

``my_updates`` is the signed-in lead's page; ``lead_updates`` is the same page for one
named lead, which the programme manager uses to enter an update on a lead's behalf (the
history records the programme manager). ``autosave`` keeps a draft of whatever has been
typed, every minute and when the tab is hidden or closed, so a timed-out session never
loses a narrative.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from actions.services import ConflictError, UpdateRefused
from progress.carry import carry_forward
from progress.items import (
    counts,
    grouped,
    issues_holding,
    items_of_issues,
    lead_items,
)
from progress.services import (
    save_month_updates,
)
from progress.views.pages import (
    check_url,
    deadline_words,
    lead_access,
    month_on_page,
    of_section,
    page_number,
    section_pages,
    section_url,
    tasks_url,
)
from progress.views.update_forms import (
    Row,
    changed_items,
    error_list,
    forms_after_conflict,
    item_form,
    model_rows,
    posted_keys,
    service_inputs,
    start_from_last,
    submit_scope,
    unchanged_keys,
)
from sendplan.access import Can, PlanAccess, get_plan
from sendplan.models import Person, ReportingMonth
from sendplan.months import month_words
from sendplan.services import open_month_of


@require_http_methods(["GET", "POST"])
def my_section(request, plan_slug: str, section: str):
    """One issue's items (or one priority's story) of the signed-in lead's month."""
    access = get_plan(request, plan_slug, need=Can.UPDATE_OWN)
    return _updates_page(
        request, access, person_ids=access.person_ids, person=None, section=section
    )


@require_http_methods(["GET", "POST"])
def lead_section(request, plan_slug: str, person_id: int, section: str):
    """The same, for one named lead: the programme manager updating on their behalf."""
    access, person = lead_access(request, plan_slug, person_id)
    return _updates_page(request, access, person_ids={person.id}, person=person, section=section)


def _updates_page(request, access: PlanAccess, *, person_ids, person: Person | None, section: str):
    plan = access.plan
    page = page_number(request)
    open_now = open_month_of(plan)
    reporting_month, refused = open_now, ""
    if request.method == "POST":
        # The page names the month it was opened for, and a save is for that month only:
        # a page left open while the programme manager closed its month and opened the
        # next must not save into the next one (independent probe, finding 4). Saving
        # refuses a month that is not open; the page shows it again with the text kept.
        page_month = month_on_page(request.POST)
        if page_month is None and open_now is not None:
            refused = (
                "The page did not say which month it was for, so nothing was saved. Check "
                f"your text is for {month_words(open_now.month)} and save it again."
            )
        elif page_month is not None and (open_now is None or open_now.month != page_month):
            reporting_month = ReportingMonth.objects.filter(plan=plan, month=page_month).first()
    context = {
        "plan": plan,
        "person": person,
        "access": access,
        "reporting_month": reporting_month,
        "open_now": open_now,
        "page_url": section_url(plan, person, section, page),
        "tasks_url": tasks_url(plan, person),
        "check_url": check_url(plan, person),
        "can_manage_months": access.can(Can.MANAGE_MONTHS),
    }
    if reporting_month is None:
        if request.method == "POST":
            context["refused"] = "No month is open for updates, so nothing was saved."
            return render(request, "progress/section.html", context, status=409)
        return redirect(tasks_url(plan, person))

    month = reporting_month.month
    status = 200
    page_messages: list[str] = []
    conflicts: dict[str, ConflictError] = {}

    if request.method == "POST":
        # Saving reads and locks the rows it changes: the items' entries are read only
        # when the page is shown again (with the errors, or the conflicting saves).
        # "No change since last month" needs last month's entries, to carry them.
        carrying = any(name.endswith("-unchanged") for name in request.POST)
        everything = lead_items(plan, month, person_ids, entries=carrying)
        items = of_section(everything, section, page)
        keys = {item.key for item in items}
        if not posted_keys(request.POST) <= keys:
            raise PermissionDenied("You may only update the items you lead.")
        submit = "submit" in request.POST
        forms = {item.key: item_form(item, month, request.POST) for item in items}
        unchanged = unchanged_keys(items, forms, request.POST)
        if refused:
            context["refused"] = refused
            status = 409
        elif all(form.is_valid() for form in forms.values()):
            actions, targets, stories = service_inputs(
                forms, model_rows(plan, changed_items(items, forms)), skip=unchanged
            )
            try:
                result = save_month_updates(
                    plan=plan,
                    month=month,
                    user=request.user,
                    actions=actions,
                    targets=targets,
                    stories=stories,
                    submit_scope=submit_scope(items) if submit else None,
                )
                if not (result.errors or result.conflicts) and unchanged:
                    carried = carry_forward(
                        plan=plan,
                        month=month,
                        user=request.user,
                        items=[item for item in items if item.key in unchanged],
                    )
                    result.carried = len(carried)
            except UpdateRefused as error:
                context["refused"] = str(error)
                status = 409
            except ValidationError as error:
                page_messages = error.messages
                status = 400
            else:
                for key, error in result.errors.items():
                    forms[key].add_errors(error)
                if result.errors:
                    status = 400
                elif result.conflicts:
                    status = 409
                    conflicts = {c.key: c for c in result.conflicts}
                else:
                    pages = len(section_pages(everything, section))
                    following = section_url(plan, person, section, page + 1)
                    next_url = following if page < pages else tasks_url(plan, person)
                    return _after_save(request, plan, person, forms, result, submit, next_url)
        else:
            status = 400
        # The same items as the forms, now with their entries (an item added meanwhile
        # waits for the next page).
        shown = {item.key: item for item in lead_items(plan, month, person_ids)}
        everything = [shown.get(item.key, item) for item in everything]
        items = [shown.get(item.key, item) for item in of_section(everything, section, page)]
        if conflicts:
            forms = forms_after_conflict(month, items, request.POST, conflicts)
    else:
        everything = lead_items(plan, month, person_ids)
        items = of_section(everything, section, page)
        forms = {item.key: item_form(item, month) for item in items}
        start_from_last(forms, request.GET.get("from_last", ""))

    rows = [Row(item, forms[item.key], conflicts.get(item.key)) for item in items]
    progress = counts(everything)
    context.update(
        {
            "month": month,
            "groups": _grouped_rows(rows),
            "rows": rows,
            "progress": progress,
            "total": len(everything),
            "section_total": len(items),
            "error_list": error_list(rows, page_messages),
            "conflicts": list(conflicts.values()),
            "autosave_url": reverse("progress:autosave", kwargs={"plan_slug": plan.slug}),
            "deadline": deadline_words(reporting_month.deadline),
            "page": page,
            "pages": len(section_pages(everything, section)),
        }
    )
    return render(request, "progress/section.html", context, status=status)


def _grouped_rows(rows: list[Row]):
    by_key = {row.item.key: row for row in rows}
    return [
        (group, [by_key[item.key] for item in group.items])
        for group in grouped(row.item for row in rows)
    ]


def _after_save(request, plan, person, forms, result, submit: bool, next_url: str):
    if any(getattr(form, "removed_markup", False) for form in forms.values()):
        messages.warning(
            request,
            "We removed formatting that is not allowed in the story so far (such as scripts, "
            "frames, styles or links that are not web or e-mail addresses). Check it reads "
            "as you meant.",
        )
    url = tasks_url(plan, person)
    if submit:
        # The task list's confirmation panel gives the numbers: no second banner.
        return redirect(f"{url}?submitted=1")
    saved = sum(1 for row in result.saved.values() if row is not None)
    carried = getattr(result, "carried", 0)
    parts = [f"{saved} changed"] if saved else []
    if carried:
        parts.append(f"{carried} unchanged, submitted as last month")
    if parts:
        messages.success(request, f"Saved ({', '.join(parts)})")
    else:
        messages.info(request, "Nothing had changed, so there was nothing to save.")
    return redirect(next_url)


@require_POST
def autosave(request, plan_slug: str):
    """Save a draft of the items sent (JSON answer for static/js/autosave.js).

    Each item is saved or refused on its own, and incomplete values are kept as they
    are: the rules are checked when the lead saves or submits.
    """
    access = get_plan(request, plan_slug, need=Can.UPDATE_OWN)
    plan = access.plan
    month = month_on_page(request.POST)
    if month is None:
        return JsonResponse(
            {
                "message": "The page did not say which month it was for, so the draft was not "
                "saved. Save the page to keep your changes."
            },
            status=409,
        )
    keys = posted_keys(request.POST)
    issue_ids = issues_holding(plan, keys)
    items_by_key = items_of_issues(plan, month, issue_ids, entries=False)
    items = []
    for key in sorted(keys):
        item = items_by_key.get(key)
        if item is None or not access.may_update(item.lead_ids):
            raise PermissionDenied("You may only update the items you lead.")
        items.append(item)
    forms = {item.key: item_form(item, month, request.POST, strict=False) for item in items}
    valid = {key: form for key, form in forms.items() if form.is_valid()}
    not_saved = sorted(set(forms) - set(valid))
    actions, targets, stories = service_inputs(valid, model_rows(plan, changed_items(items, valid)))
    try:
        result = save_month_updates(
            plan=plan,
            month=month,
            user=request.user,
            actions=actions,
            targets=targets,
            stories=stories,
            all_or_nothing=False,
        )
    except UpdateRefused as refused:
        return JsonResponse({"message": str(refused)}, status=409)

    # Read back what is stored now, so the page carries the new versions and fingerprints
    # of the items saved. Only those: moving an item another person changed to their
    # version would let the page's old values overwrite theirs on the next save.
    fresh = items_of_issues(plan, month, issue_ids) if result.saved else {}
    answer = {}
    for key in result.saved:
        if key in fresh:
            form = item_form(fresh[key], month)
            answer[key] = {
                name: form.initial.get(name)
                for name in ("version", "action_version", "seen")
                if name in form.fields
            }
    not_saved += sorted(result.errors)
    body = {
        "saved_at": timezone.localtime().strftime("%H:%M"),
        "items": answer,
        "not_saved": not_saved,
        "conflicts": [
            {"key": c.key, "message": f"{c.label} was changed by {c.by or 'someone else'}."}
            for c in result.conflicts
        ],
    }
    return JsonResponse(body)
