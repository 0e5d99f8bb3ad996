"""The forms of a page of the lead's month: one small form per item, prefixed with its key,
and what the page makes of them: the service's inputs, the items ticked "No change since
last month", the error summary naming each item."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import mark_safe

from actions.forms import ActionUpdateForm, ItemForm, StoryForm
from actions.models import Action
from actions.narrative import story_text
from actions.services import ConflictError
from outcomes.forms import TargetUpdateForm
from outcomes.models import OutcomeTarget
from progress.items import Item
from progress.services import ActionUpdate, StoryUpdate, SubmitScope, TargetUpdate
from sendplan.models import Issue, Priority
from sendplan.text import sanitise_narrative

FORM_CLASSES = {"action": ActionUpdateForm, "target": TargetUpdateForm, "story": StoryForm}


def initial_values(item: Item) -> dict:
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


def item_form(item: Item, month, data=None, strict: bool = True) -> ItemForm:
    return FORM_CLASSES[item.kind](
        data, prefix=item.key, initial=initial_values(item), item=item, month=month, strict=strict
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


def posted_keys(data) -> set[str]:
    return {name[: -len("-version")] for name in data if name.endswith("-version")}


def service_inputs(forms: dict[str, ItemForm], objects: dict[str, object], skip=frozenset()):
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


def changed_items(items: list[Item], forms: dict[str, ItemForm]) -> list[Item]:
    """The items whose (valid) forms were changed: the only ones saved."""
    return [item for item in items if item.key in forms and not forms[item.key].untouched]


def model_rows(plan, items: list[Item]) -> dict[str, object]:
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


def unchanged_keys(items: list[Item], forms: dict[str, ItemForm], data) -> set[str]:
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


def start_from_last(forms: dict[str, ItemForm], key: str) -> None:
    """Fill a story so far with last month's text, to edit ("Start from last month's
    text"). It still counts as a change only once saved: the fingerprint stays that of
    the empty box."""
    form = forms.get(key)
    if form is None or form.item.kind != "story" or form.item.current or not form.item.previous:
        return
    form.initial["narrative"] = story_text(form.item.previous.narrative)


def error_list(rows: list[Row], page_messages: list[str]) -> list[tuple[str, str]]:
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


def forms_after_conflict(month, items, data, conflicts):
    """The user's own values, with each conflicting item's version moved to what is now
    stored (``items`` are read after the save): reading the other person's values and
    saving again is then a deliberate choice, never a silent overwrite."""
    fresh = {item.key: item for item in items}
    data = data.copy()
    for key in conflicts:
        item = fresh.get(key)
        if item is None:
            continue
        form = item_form(item, month)
        for name in ("version", "action_version", "seen"):
            if name in form.fields:
                data[f"{key}-{name}"] = form.initial.get(name, form[name].initial)
    forms = {item.key: item_form(item, month, data) for item in items}
    for form in forms.values():
        form.is_valid()
    return forms
