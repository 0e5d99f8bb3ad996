"""The monthly update: a lead's actions, outcome targets and story so far for the open month.

``my_updates`` is the signed-in lead's page; ``lead_updates`` is the same page for one
named lead, which the programme manager uses to enter an update on a lead's behalf (the
history records the programme manager). ``autosave`` keeps a draft of whatever has been
typed, every minute and when the tab is hidden or closed, so a timed-out session never
loses a narrative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from actions.forms import ActionUpdateForm, ItemForm, StoryForm
from actions.models import Action
from actions.narrative import story_text
from actions.services import ConflictError, UpdateRefused
from outcomes.forms import TargetUpdateForm
from outcomes.models import OutcomeTarget
from progress.carry import carry_forward
from progress.items import (
    Item,
    counts,
    grouped,
    issues_holding,
    items_of_issues,
    lead_items,
    section_of,
)
from progress.services import (
    ActionUpdate,
    StoryUpdate,
    SubmitScope,
    TargetUpdate,
    save_month_updates,
)
from sendplan.access import Can, PlanAccess, get_plan
from sendplan.models import Issue, Person, Priority, ReportingMonth
from sendplan.months import BadMonthOrDate, month_words, parse_iso_month
from sendplan.services import open_month_of
from sendplan.text import sanitise_narrative

FORM_CLASSES = {"action": ActionUpdateForm, "target": TargetUpdateForm, "story": StoryForm}


def _initial(item: Item) -> dict:
    current = item.current
    if item.kind == "action":
        return {
            "version": current.version if current else 0,
            "action_version": item.action.version,
            "status": current.value if current else "",
            "note": current.note if current else "",
            "completed_on": item.action.completed_on,
        }
    if item.kind == "target":
        return {
            "version": current.version if current else 0,
            "rag": current.value if current else "",
            "measured_value": current.measured_value if current else None,
            "note": current.note if current else "",
        }
    return {
        "version": current.version if current else 0,
        "narrative": story_text(current.narrative) if current else "",
    }


def _form(item: Item, month, data=None, strict: bool = True) -> ItemForm:
    return FORM_CLASSES[item.kind](
        data, prefix=item.key, initial=_initial(item), item=item, month=month, strict=strict
    )


@dataclass
class Row:
    """One item on the page: the item, its form, and any conflict to show beside it."""

    item: Item
    form: ItemForm
    conflict: ConflictError | None = None

    @property
    def previous_narrative(self) -> str:
        # Sanitised on the way in; cleaned again here in case a row came another way.
        previous = self.item.previous
        return mark_safe(sanitise_narrative(previous.narrative)) if previous else ""  # noqa: S308


def _posted_keys(data) -> set[str]:
    return {name[: -len("-version")] for name in data if name.endswith("-version")}


def _updates(forms: dict[str, ItemForm], objects: dict[str, object], skip=frozenset()):
    """The service inputs for the forms whose values changed (but those in ``skip``)."""
    actions, targets, stories = [], [], []
    for key, form in forms.items():
        if form.untouched or key in skip:
            continue
        data = form.cleaned_data
        kind = form.item.kind
        if kind == "action":
            actions.append(
                ActionUpdate(
                    action=objects[key],
                    status=data.get("status") or "",
                    note=data.get("note") or "",
                    completed_on=data.get("completed_on"),
                    new_due_month=data.get("new_due_month"),
                    due_revised_reason=data.get("due_revised_reason") or "",
                    expected_version=data["version"],
                    expected_action_version=data.get("action_version"),
                    key=key,
                )
            )
        elif kind == "target":
            targets.append(
                TargetUpdate(
                    target=objects[key],
                    rag=data.get("rag") or "",
                    measured_value=data.get("measured_value"),
                    note=data.get("note") or "",
                    expected_version=data["version"],
                    key=key,
                )
            )
        else:
            parent = objects[key]
            stories.append(
                StoryUpdate(
                    narrative=data.get("narrative") or "",
                    expected_version=data["version"],
                    key=key,
                    issue=parent if isinstance(parent, Issue) else None,
                    priority=parent if isinstance(parent, Priority) else None,
                )
            )
    return actions, targets, stories


def _changed(items: list[Item], forms: dict[str, ItemForm]) -> list[Item]:
    """The items whose (valid) forms were changed: the only ones saved."""
    return [item for item in items if item.key in forms and not forms[item.key].untouched]


def _objects(plan, items: list[Item]) -> dict[str, object]:
    """The model rows behind ``items``, one query per kind, all within the plan."""
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    found: dict[str, object] = {}
    if by_kind.get("action"):
        rows = Action.objects.filter(plan=plan, pk__in=[i.obj_id for i in by_kind["action"]])
        found.update({f"action-{row.pk}": row for row in rows})
    if by_kind.get("target"):
        rows = OutcomeTarget.objects.filter(plan=plan, pk__in=[i.obj_id for i in by_kind["target"]])
        found.update({f"target-{row.pk}": row for row in rows})
    stories = by_kind.get("story", [])
    if issue_ids := [i.obj_id for i in stories if i.issue]:
        found.update(
            {f"story-{row.pk}": row for row in Issue.objects.filter(plan=plan, pk__in=issue_ids)}
        )
    if priority_ids := [i.obj_id for i in stories if not i.issue]:
        rows = Priority.objects.filter(plan=plan, pk__in=priority_ids)
        found.update({f"story-p{row.pk}": row for row in rows})
    for row in found.values():
        row.plan = plan  # saves a query per item when the services read the plan
    return found


def submit_scope(items: list[Item]) -> SubmitScope:
    scope = SubmitScope()
    for item in items:
        if item.kind == "action":
            scope.action_ids.add(item.obj_id)
        elif item.kind == "target":
            scope.target_ids.add(item.obj_id)
        elif item.issue:
            scope.issue_ids.add(item.obj_id)
        else:
            scope.priority_ids.add(item.obj_id)
    return scope


# A page of the lead's month shows at most this many items, so it stays short.
PAGE_SIZE = 5


def section_pages(items: list[Item], section: str) -> list[list[Item]]:
    """The items of one issue (by its ref) or one priority's story ("priority-2"), in pages
    of at most PAGE_SIZE."""
    found = [item for item in items if section_of(item.priority, item.issue) == section]
    return [found[i : i + PAGE_SIZE] for i in range(0, len(found), PAGE_SIZE)]


def _of_section(items: list[Item], section: str, page: int) -> list[Item]:
    """The items on one page of a section; a page holding none of these items is not
    found."""
    pages = section_pages(items, section)
    if not 1 <= page <= len(pages):
        raise Http404("No items of yours in that part of the plan.")
    return pages[page - 1]


def _page_number(request) -> int:
    text = request.GET.get("page", "1")
    return int(text) if text.isdigit() and len(text) < 4 else 0


def _unchanged(items: list[Item], forms: dict[str, ItemForm], data) -> set[str]:
    """Keys of the items ticked "No change since last month" whose values were left as
    shown: those are carried forward. Ticking it on an item that was also changed is an
    error on that item, so nothing is guessed."""
    keys = set()
    for item in items:
        if not data.get(f"{item.key}-unchanged") or not item.can_carry:
            continue
        form = forms[item.key]
        if form.is_valid() and not form.untouched:
            form.add_error(
                None,
                "You changed this item and also ticked “No change since last month”: "
                "untick it to save your change, or undo the change.",
            )
        else:
            keys.add(item.key)
    return keys


def _start_from_last(forms: dict[str, ItemForm], key: str) -> None:
    """Fill a story so far with last month's text, to edit ("Start from last month's
    text"). It still counts as a change only once saved: the fingerprint stays that of
    the empty box."""
    form = forms.get(key)
    if form is None or form.item.kind != "story" or form.item.current or not form.item.previous:
        return
    form.initial["narrative"] = story_text(form.item.previous.narrative)


def _error_list(rows: list[Row], page_messages: list[str]) -> list[tuple[str, str]]:
    """The error summary: each message names its item ("Action 1.2 ...: Enter a note")
    and links to its field."""
    errors = [("", message) for message in page_messages]
    for row in rows:
        form, name = row.form, row.item.short_label
        if not form.is_bound:
            continue
        first = next(iter(form.visible_fields()), None)
        for message in form.non_field_errors():
            errors.append(
                (f"#{first.id_for_label}" if first else f"#{row.item.key}", f"{name}: {message}")
            )
        for field in form.visible_fields():
            for message in field.errors:
                errors.append((f"#{field.id_for_label}", f"{name}: {message}"))
    return errors


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


def _page_month(data) -> dt.date | None:
    """The month the page was opened for (its hidden ``month`` field), if it says one."""
    try:
        return parse_iso_month(data.get("month", ""))
    except BadMonthOrDate:
        return None


def _updates_page(request, access: PlanAccess, *, person_ids, person: Person | None, section: str):
    plan = access.plan
    page = _page_number(request)
    open_now = open_month_of(plan)
    reporting_month, refused = open_now, ""
    if request.method == "POST":
        # The page names the month it was opened for, and a save is for that month only:
        # a page left open while the programme manager closed its month and opened the
        # next must not save into the next one (independent probe, finding 4). Saving
        # refuses a month that is not open; the page shows it again with the text kept.
        page_month = _page_month(request.POST)
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
        items = _of_section(everything, section, page)
        keys = {item.key for item in items}
        if not _posted_keys(request.POST) <= keys:
            raise PermissionDenied("You may only update the items you lead.")
        submit = "submit" in request.POST
        forms = {item.key: _form(item, month, request.POST) for item in items}
        unchanged = _unchanged(items, forms, request.POST)
        if refused:
            context["refused"] = refused
            status = 409
        elif all(form.is_valid() for form in forms.values()):
            actions, targets, stories = _updates(
                forms, _objects(plan, _changed(items, forms)), skip=unchanged
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
        items = [shown.get(item.key, item) for item in _of_section(everything, section, page)]
        if conflicts:
            forms = _forms_after_conflict(month, items, request.POST, conflicts)
    else:
        everything = lead_items(plan, month, person_ids)
        items = _of_section(everything, section, page)
        forms = {item.key: _form(item, month) for item in items}
        _start_from_last(forms, request.GET.get("from_last", ""))

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
            "error_list": _error_list(rows, page_messages),
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


def _forms_after_conflict(month, items, data, conflicts):
    """The user's own values, with each conflicting item's version moved to what is now
    stored (``items`` are read after the save): reading the other person's values and
    saving again is then a deliberate choice, never a silent overwrite."""
    fresh = {item.key: item for item in items}
    data = data.copy()
    for key in conflicts:
        item = fresh.get(key)
        if item is None:
            continue
        form = _form(item, month)
        for name in ("version", "action_version", "seen"):
            if name in form.fields:
                data[f"{key}-{name}"] = form.initial.get(name, form[name].initial)
    forms = {item.key: _form(item, month, data) for item in items}
    for form in forms.values():
        form.is_valid()
    return forms


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
    month = _page_month(request.POST)
    if month is None:
        return JsonResponse(
            {
                "message": "The page did not say which month it was for, so the draft was not "
                "saved. Save the page to keep your changes."
            },
            status=409,
        )
    keys = _posted_keys(request.POST)
    issue_ids = issues_holding(plan, keys)
    items_by_key = items_of_issues(plan, month, issue_ids, entries=False)
    items = []
    for key in sorted(keys):
        item = items_by_key.get(key)
        if item is None or not access.may_update(item.lead_ids):
            raise PermissionDenied("You may only update the items you lead.")
        items.append(item)
    forms = {item.key: _form(item, month, request.POST, strict=False) for item in items}
    valid = {key: form for key, form in forms.items() if form.is_valid()}
    not_saved = sorted(set(forms) - set(valid))
    actions, targets, stories = _updates(valid, _objects(plan, _changed(items, valid)))
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
            form = _form(fresh[key], month)
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
