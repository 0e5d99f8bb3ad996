"""The import of a whole plan, row by row, through django-import-export.

``PlanRowResource`` reads the plan sheet and ``StoryRowResource`` the updates sheet.
import-export drives the rows: each row in its own savepoint, ``ValueError`` from a
widget and ``ValidationError`` from our checks reported against the row and column,
other exceptions as row errors, and the whole import rolled back on a dry run or on any
error. Neither resource is a ModelResource: a row of the plan table can create a
priority, an issue, an action with its leads and BRAGG status, and an outcome target
with its RAG rating, so the row's "instance" is a ``PlanRow`` and ``PlanWriter`` saves
the models, each with the importing user as its history user. Bulk mode is never used:
it skips ``save()`` and so the history.

Into a plan that already has content (``replace``), the writer updates in place rather
than deleting and re-creating: priorities are matched by number, issues by ref, actions
and outcome targets by their text under their issue (an edited line takes over a line
whose text the sheet no longer has), story-so-far entries by their position under their
issue or priority, and BRAGG and RAG rows by the import month. Only what differs is saved, and what
the sheet no longer has is deleted at the end, one object at a time so each deletion
has its history row. Importing the same file twice therefore changes nothing the second
time; deleted rows keep their history.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
from collections import Counter, defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Error

from actions.models import (
    BRAGG_NEEDS_NOTE,
    Action,
    ActionLead,
    ActionStatus,
    EntryState,
    StoryEntry,
    check_bragg_rules,
)
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import (
    Area,
    Issue,
    IssueStrategyLink,
    MilestonePriority,
    Person,
    Plan,
    Priority,
    StrategyLink,
)
from sendplan.text import MAX_NARRATIVE_CHARS, sanitise_narrative

from .columns import ACTION_COLUMNS, PLAN_HEADERS, TARGET_COLUMNS, UPDATES_HEADERS
from .reading import BEYOND
from .widgets import (
    CompletedWidget,
    ListWidget,
    MonthWidget,
    RatingWidget,
    RefWidget,
    TextWidget,
)

IMPORT_REASON = "Imported from spreadsheet"
# The sheet has no column for the reason a status is Red or Amber, and the plan's rule
# asks for one: the import accepts the status and says where it came from.
IMPORTED_NOTE = "Imported from spreadsheet; the sheet gives no reason."

_PRIORITY_PREFIX = re.compile(
    r"^(?:priority\s+)?(\d{1,4})(?:\s*[.:)]\s*|\s+(?=[^\d\s]))(.*)$", re.IGNORECASE | re.DOTALL
)
_PRIORITY_NUMBER_ONLY = re.compile(r"^(?:priority\s+)?(\d{1,4})\.?$", re.IGNORECASE)
_HAS_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")
_MISSING = object()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same_text(a: str, b: str) -> bool:
    return _text_key(a) == _text_key(b)


def split_priority_title(text: str) -> tuple[int | None, str]:
    """ "1. The effectiveness of…" → (1, "The effectiveness of…"); "1" → (1, "")."""
    text = " ".join(text.split())
    if m := _PRIORITY_NUMBER_ONLY.match(text):
        return int(m[1]), ""
    if m := _PRIORITY_PREFIX.match(text):
        return int(m[1]), m[2].strip()
    return None, text


def narrative_html(text: str) -> str:
    """Story-so-far text as stored: HTML kept (and sanitised), plain text in paragraphs."""
    if not _HAS_TAGS.search(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text) if p.strip()]
        text = "".join(
            "<p>" + "<br>".join(html.escape(line.strip()) for line in p.splitlines()) + "</p>"
            for p in paragraphs
        )
    return sanitise_narrative(text)


class Journal:
    """Undo for the writer's in-memory state when import-export rolls a failed row's
    savepoint back, so later rows never see objects that are no longer in the database."""

    def __init__(self):
        self._entries: list[tuple] = []

    def set(self, mapping: dict, key, value) -> None:
        self._entries.append(("map", mapping, key, mapping.get(key, _MISSING)))
        mapping[key] = value

    def add(self, container: set, item) -> None:
        if item not in container:
            self._entries.append(("set", container, item, None))
            container.add(item)

    def touched(self, obj: models.Model) -> None:
        self._entries.append(("obj", obj, None, None))

    def commit(self) -> None:
        self._entries.clear()

    def rollback(self) -> None:
        for kind, target, key, old in reversed(self._entries):
            if kind == "map":
                if old is _MISSING:
                    target.pop(key, None)
                else:
                    target[key] = old
            elif kind == "set":
                target.discard(key)
            else:
                with contextlib.suppress(target.DoesNotExist):
                    target.refresh_from_db()
        self._entries.clear()


class PlanRow:
    """One row of the plan sheet, as the widgets read it."""

    def __init__(self):
        self.number = 0
        self.is_blank = False
        self.ref = ""
        self.priority = ""
        self.issue = ""
        self.strategy_links: list[str] = []
        self.action = ""
        self.actioned_by: list[str] = []
        self.by_when = None
        self.completed: dt.date | None = None
        self.bragg = ""
        self.outcome_target = ""
        self.target_date = None
        self.impact_rag = ""
        self.priority_title = ""
        self._history_user = None


class StoryRow:
    """One row of the updates sheet."""

    def __init__(self):
        self.number = 0
        self.is_blank = False
        self.ref = ""
        self.date = None
        self.text = ""
        self._history_user = None


class PlanWriter:
    """Saves what the rows say into one plan, keeping count of what it changed."""

    def __init__(
        self, *, area_name: str, plan_title: str, slug: str, user, month: dt.date, replace: bool
    ):
        self.area_name = area_name
        self.plan_title = plan_title
        self.slug = slug
        self.user = user
        self.month = month
        self.replace = replace
        self.area: Area | None = None
        self.plan: Plan | None = None
        self.area_created = False
        self.plan_created = False
        self.stats: dict[str, Counter] = defaultdict(Counter)
        self.journal = Journal()
        self.updates_result = None
        self.story_levels: set[str] = set()
        # Text-level state of the sheet, for blank cells and conflicting repeats.
        self.previous_ref = None
        self.previous_story_ref = None
        self.sheet_refs: set[str] = set()

    # --- Opening the plan --------------------------------------------------------------

    def open_plan(self) -> None:
        self.area = Area.objects.filter(name__iexact=self.area_name).first()
        if self.area is None:
            self.area = Area(name=self.area_name, slug=self._free_area_slug())
            self._save(self.area, created=True)
            self.area_created = True
        self.plan = Plan.objects.filter(slug=self.slug).first()
        if self.plan is None:
            self.plan = Plan(area=self.area, title=self.plan_title, slug=self.slug)
            self._save(self.plan, created=True)
            self.plan_created = True
        elif self.plan.title != self.plan_title:
            self.plan.title = self.plan_title
            self._save(self.plan, created=False)
        self._load()

    def _free_area_slug(self) -> str:
        from django.utils.text import slugify

        base = slugify(self.area_name)[:110] or "area"
        slug, n = base, 1
        while Area.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _load(self) -> None:
        plan, area = self.plan, self.area
        self.priorities = {p.number: p for p in Priority.objects.filter(plan=plan)}
        self.issues = {i.ref: i for i in Issue.objects.filter(plan=plan)}
        self.people = {p.name.casefold(): p for p in Person.objects.filter(area=area)}
        self.links = {s.name.casefold(): s for s in StrategyLink.objects.filter(area=area)}
        self.issue_links = {
            (row.issue_id, row.strategy_link_id): row
            for row in IssueStrategyLink.objects.filter(plan=plan)
        }
        self.old_actions = defaultdict(list)
        for action in Action.objects.filter(plan=plan).order_by("order", "pk"):
            self.old_actions[action.issue_id].append(action)
        self.old_leads = defaultdict(list)
        for lead in ActionLead.objects.filter(plan=plan).order_by("order", "pk"):
            self.old_leads[lead.action_id].append(lead)
        self.old_targets = defaultdict(list)
        for target in OutcomeTarget.objects.filter(plan=plan).order_by("order", "pk"):
            self.old_targets[target.issue_id].append(target)
        self.old_statuses = {
            s.action_id: s for s in ActionStatus.objects.filter(plan=plan, month=self.month)
        }
        self.old_ratings = {
            r.target_id: r for r in ImpactRating.objects.filter(plan=plan, month=self.month)
        }
        self.old_story = defaultdict(list)
        for entry in StoryEntry.objects.filter(plan=plan).order_by("order", "pk"):
            key = ("issue", entry.issue_id) if entry.issue_id else ("priority", entry.priority_id)
            self.old_story[key].append(entry)
        # What this import has said and done so far.
        self.declared_priority: dict[int, tuple[str, int]] = {}
        self.declared_issue: dict[str, tuple[str, int]] = {}
        self.issue_order: dict[str, int] = {}
        self.action_count: dict[str, int] = {}
        self.target_count: dict[str, int] = {}
        self.last_action: dict[str, Action | None] = {}
        self.story_count: dict[tuple, int] = {}
        self.seen: dict[type, set[int]] = defaultdict(set)
        self.used: dict[str, set[int]] = defaultdict(set)
        self.sheet_texts: dict[str, dict[str, set[str]]] = defaultdict(dict)

    # --- Saving with history -------------------------------------------------------------

    def _label(self, obj) -> str:
        return str(obj._meta.verbose_name_plural)

    def _save(self, obj: models.Model, *, created: bool) -> None:
        obj._history_user = self.user
        obj._change_reason = IMPORT_REASON
        obj.save()
        self.stats[self._label(obj)]["created" if created else "updated"] += 1

    def _delete(self, obj: models.Model) -> None:
        obj._history_user = self.user
        obj._change_reason = IMPORT_REASON
        obj.delete()
        self.stats[self._label(obj)]["deleted"] += 1

    def _update(self, obj: models.Model, values: dict) -> bool:
        """Set ``values`` on an existing object and save it only if one differs."""
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if changed:
            self.journal.touched(obj)
            for key, value in changed.items():
                setattr(obj, key, value)
            self._save(obj, created=False)
        return bool(changed)

    def _seen(self, obj: models.Model) -> None:
        self.journal.add(self.seen[type(obj)], obj.pk)

    # --- Plan rows ---------------------------------------------------------------------

    def carry_down(self, row: dict) -> None:
        """A blank ref means "as the row above" (the updates sheet likewise)."""
        if all(_blank(v) for v in row.values()):
            return
        if _blank(row.get("ref")):
            if self.previous_ref is not None:
                row["ref"] = self.previous_ref
        else:
            self.previous_ref = row["ref"]
            self.sheet_refs.add(str(row["ref"]).strip())

    def check_row(self, row: PlanRow, errors: dict, skip: set[str]) -> None:
        def add(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        if "ref" not in skip and not row.ref:
            add(
                "ref",
                "Enter the issue's reference, such as 1.2. A blank ref means "
                '"as the row above", and no row above gives one.',
            )
        if row.ref and "ref" not in skip:
            number = int(row.ref.split(".")[0])
            written_number, title = split_priority_title(row.priority)
            declared = self.declared_priority.get(number)
            if "priority" in skip:
                pass
            elif written_number is not None and written_number != number:
                add(
                    "priority",
                    f"The ref {row.ref} puts this issue under priority {number}, but this "
                    f"cell names priority {written_number}.",
                )
            elif title and declared and not _same_text(title, declared[0]):
                add(
                    "priority",
                    f"Priority {number} is named differently on row {declared[1]} "
                    f'("{declared[0][:60]}"). Leave the cell blank or repeat that title.',
                )
            elif not title and not declared and written_number is not None:
                # The cell names the priority only by its number ("2", "Priority 2") and
                # no row gives its title: the number is the best title there is.
                title = f"Priority {number}"
            elif not title and not declared and number not in self.priorities:
                add(
                    "priority",
                    f"Enter the title of priority {number}: this is the first row that names it.",
                )
            if title and not declared:
                # What the sheet says, whether or not this row imports: later rows may
                # leave the cell blank.
                self.declared_priority[number] = (title, row.number)
            row.priority_title = title or (declared[0] if declared else "")
            declared_issue = self.declared_issue.get(row.ref)
            if row.issue and not declared_issue:
                self.declared_issue[row.ref] = (row.issue, row.number)
            if (
                "issue" not in skip
                and row.issue
                and declared_issue
                and not _same_text(row.issue, declared_issue[0])
            ):
                add(
                    "issue",
                    f"Issue {row.ref} is described differently on row {declared_issue[1]} "
                    f'("{declared_issue[0][:60]}"). Leave the cell blank or repeat the same '
                    f"text.",
                )
            elif not row.issue and declared_issue:
                row.issue = declared_issue[0]
        for column in ACTION_COLUMNS:
            if "action" in skip:
                break
            if column not in skip and not row.action and getattr(row, column):
                add(
                    column,
                    f"Enter the action this {column} belongs to in the action column, or "
                    f"leave {column} blank.",
                )
        for column in TARGET_COLUMNS:
            if "outcome_target" in skip:
                break
            if column not in skip and not row.outcome_target and getattr(row, column):
                add(
                    column,
                    f"Enter the outcome target this {column} belongs to in the "
                    f"outcome_target column, or leave {column} blank.",
                )
        if row.action and row.bragg and not ({"bragg", "completed"} & skip):
            try:
                check_bragg_rules(row.bragg, self._note_for(row.bragg, ""), row.completed)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    for message in messages:
                        add("completed" if key == "completed_on" else "bragg", message)

    def write_row(self, row: PlanRow) -> None:
        number = int(row.ref.split(".")[0])
        priority = self._priority(number, row.priority_title)
        issue = self._issue(row, priority)
        action = None
        if row.action:
            action = self._action(issue, row)
            self._leads(action, row.actioned_by)
            self._status(action, row.bragg)
            self.journal.set(self.last_action, row.ref, action)
        if row.outcome_target:
            measured_action = action if row.action else self.last_action.get(row.ref)
            target = self._target(issue, measured_action, row)
            self._rating(target, row.impact_rag)

    def _priority(self, number: int, title: str) -> Priority:
        priority = self.priorities.get(number)
        if priority is None:
            priority = Priority(plan=self.plan, number=number, title=title)
            self._save(priority, created=True)
            self.journal.set(self.priorities, number, priority)
        elif title:
            self._update(priority, {"title": title})
        self._seen(priority)
        return priority

    def _issue(self, row: PlanRow, priority: Priority) -> Issue:
        ref = row.ref
        first_time = ref not in self.issue_order
        if first_time:
            self.journal.set(self.issue_order, ref, len(self.issue_order))
        issue = self.issues.get(ref)
        if issue is None:
            issue = Issue(
                plan=self.plan,
                priority=priority,
                ref=ref,
                description=row.issue,
                order=self.issue_order[ref],
            )
            self._save(issue, created=True)
            self.journal.set(self.issues, ref, issue)
        else:
            values = {"priority_id": priority.pk}
            if row.issue:
                values["description"] = row.issue
            if first_time:
                values["order"] = self.issue_order[ref]
            self._update(issue, values)
        self._seen(issue)
        for name in row.strategy_links:
            link = self._strategy_link(name)
            through = self.issue_links.get((issue.pk, link.pk))
            if through is None:
                through = IssueStrategyLink(plan=self.plan, issue=issue, strategy_link=link)
                self._save(through, created=True)
                self.journal.set(self.issue_links, (issue.pk, link.pk), through)
            self._seen(through)
        return issue

    def _strategy_link(self, name: str) -> StrategyLink:
        link = self.links.get(name.casefold())
        if link is None:
            link = StrategyLink(area=self.area, name=name)
            self._save(link, created=True)
            self.journal.set(self.links, name.casefold(), link)
        return link

    def _person(self, name: str) -> Person:
        person = self.people.get(name.casefold())
        if person is None:
            person = Person(area=self.area, name=name)
            self._save(person, created=True)
            self.journal.set(self.people, name.casefold(), person)
        return person

    def scan(self, dataset) -> None:
        """Note every action and outcome target text the sheet gives under each ref, so
        that replacing can tell an edited line from one that moved."""
        previous = None
        for values in dataset.dict:
            ref = values.get("ref")
            if _blank(ref):
                ref = previous
            previous = ref
            if ref is None:
                continue
            ref = f"{ref:g}" if isinstance(ref, float) else str(ref).strip()
            for column, kind in (("action", "actions"), ("outcome_target", "targets")):
                text = values.get(column)
                if isinstance(text, str) and text.strip():
                    self.sheet_texts[kind].setdefault(ref, set()).add(_text_key(text))

    def _match(self, old: list, text: str, ref: str, kind: str):
        """The existing record a line of the sheet updates, when replacing: the one with
        the same text, else one whose text the sheet no longer has (an edited line),
        else none (a new line). Matching by text keeps each action's BRAGG history with
        it when lines are inserted or moved."""
        used = self.used[kind]
        same = next(
            (o for o in old if o.pk not in used and _text_key(o.text) == _text_key(text)), None
        )
        if same is None:
            in_sheet = self.sheet_texts[kind].get(ref, set())
            same = next(
                (o for o in old if o.pk not in used and _text_key(o.text) not in in_sheet), None
            )
        if same is not None:
            self.journal.add(used, same.pk)
        return same

    def _next(self, counter: dict, key) -> int:
        position = counter.get(key, 0)
        self.journal.set(counter, key, position + 1)
        return position

    def _action(self, issue: Issue, row: PlanRow) -> Action:
        position = self._next(self.action_count, row.ref)
        due = row.by_when
        values = {
            "text": row.action,
            "order": position,
            "due_month": due.month if due else None,
            "due_as_written": due.as_written if due else "",
            "is_ongoing": bool(due and due.is_ongoing),
            "completed_on": row.completed,
        }
        action = self._match(self.old_actions.get(issue.pk, []), row.action, row.ref, "actions")
        if action is not None:
            self._update(action, values)
        else:
            action = Action(plan=self.plan, issue=issue, **values)
            self._save(action, created=True)
        self._seen(action)
        return action

    def _leads(self, action: Action, names: list[str]) -> None:
        people = [self._person(name) for name in names]
        wanted = [p.pk for p in people]
        current = self.old_leads.get(action.pk, [])
        kept = {}
        for lead in current:
            if lead.person_id in wanted and lead.person_id not in kept:
                kept[lead.person_id] = lead
            else:
                self._delete(lead)
        for order, person in enumerate(people):
            lead = kept.get(person.pk)
            if lead is None:
                lead = ActionLead(plan=self.plan, action=action, person=person, order=order)
                self._save(lead, created=True)
            else:
                self._update(lead, {"order": order})
            self._seen(lead)

    def _note_for(self, status: str, note: str) -> str:
        if status in BRAGG_NEEDS_NOTE and not (note or "").strip():
            return IMPORTED_NOTE
        return note

    def _status(self, action: Action, bragg: str) -> None:
        existing = self.old_statuses.get(action.pk)
        if not bragg:
            if existing is not None:
                self._delete(existing)
                self.journal.set(self.old_statuses, action.pk, None)
            return
        if existing is not None:
            values = {
                "status": bragg,
                "note": self._note_for(bragg, existing.note),
                "state": EntryState.SUBMITTED,
            }
            if any(getattr(existing, k) != v for k, v in values.items()):
                values.update(rated_by=self.user, rated_at=timezone.now())
                self._update(existing, values)
            self._seen(existing)
            return
        status = ActionStatus(
            plan=self.plan,
            action=action,
            month=self.month,
            status=bragg,
            note=self._note_for(bragg, ""),
            state=EntryState.SUBMITTED,
            rated_by=self.user,
            rated_at=timezone.now(),
        )
        check_bragg_rules(status.status, status.note, action.completed_on)
        self._save(status, created=True)
        self._seen(status)

    def _target(self, issue: Issue, action: Action | None, row: PlanRow) -> OutcomeTarget:
        position = self._next(self.target_count, row.ref)
        when = row.target_date
        values = {
            "text": row.outcome_target,
            "order": position,
            "action_id": action.pk if action else None,
            "target_month": when.month if when else None,
            "target_as_written": when.as_written if when else "",
            "is_ongoing": bool(when and when.is_ongoing),
        }
        target = self._match(
            self.old_targets.get(issue.pk, []), row.outcome_target, row.ref, "targets"
        )
        if target is not None:
            self._update(target, values)
        else:
            target = OutcomeTarget(plan=self.plan, issue=issue, **values)
            self._save(target, created=True)
        self._seen(target)
        return target

    def _rating(self, target: OutcomeTarget, rag: str) -> None:
        existing = self.old_ratings.get(target.pk)
        if not rag:
            if existing is not None:
                self._delete(existing)
                self.journal.set(self.old_ratings, target.pk, None)
            return
        if existing is not None:
            if existing.rag != rag or existing.state != EntryState.SUBMITTED:
                self._update(
                    existing,
                    {
                        "rag": rag,
                        "state": EntryState.SUBMITTED,
                        "rated_by": self.user,
                        "rated_at": timezone.now(),
                    },
                )
            self._seen(existing)
            return
        rating = ImpactRating(
            plan=self.plan,
            target=target,
            month=self.month,
            rag=rag,
            state=EntryState.SUBMITTED,
            rated_by=self.user,
            rated_at=timezone.now(),
        )
        self._save(rating, created=True)
        self._seen(rating)

    def delete_what_the_sheet_no_longer_has(self) -> None:
        """After the plan rows: delete, child first, every record of the plan that no row
        matched. Each is deleted on its own so that its history row names the user."""
        plan, seen = self.plan, self.seen
        for rating in ImpactRating.objects.filter(plan=plan).exclude(
            target__in=seen[OutcomeTarget]
        ):
            self._delete(rating)
        for target in OutcomeTarget.objects.filter(plan=plan).exclude(pk__in=seen[OutcomeTarget]):
            self._delete(target)
        for status in ActionStatus.objects.filter(plan=plan).exclude(action__in=seen[Action]):
            self._delete(status)
        for lead in ActionLead.objects.filter(plan=plan).exclude(action__in=seen[Action]):
            self._delete(lead)
        for entry in StoryEntry.objects.filter(plan=plan).exclude(
            models.Q(issue__in=seen[Issue]) | models.Q(priority__in=seen[Priority])
        ):
            self._delete(entry)
        for action in Action.objects.filter(plan=plan).exclude(pk__in=seen[Action]):
            self._delete(action)
        for through in IssueStrategyLink.objects.filter(plan=plan).exclude(
            pk__in=seen[IssueStrategyLink]
        ):
            self._delete(through)
        for issue in Issue.objects.filter(plan=plan).exclude(pk__in=seen[Issue]):
            self._delete(issue)
        for through in MilestonePriority.objects.filter(plan=plan).exclude(
            priority__in=seen[Priority]
        ):
            self._delete(through)
        for priority in Priority.objects.filter(plan=plan).exclude(pk__in=seen[Priority]):
            self._delete(priority)

    # --- Updates rows ------------------------------------------------------------------

    def carry_down_story(self, row: dict) -> None:
        if all(_blank(v) for v in row.values()):
            return
        if _blank(row.get("ref")):
            if self.previous_story_ref is not None:
                row["ref"] = self.previous_story_ref
        else:
            self.previous_story_ref = row["ref"]

    def _story_owner(self, ref: str):
        if "." in ref:
            issue = self.issues.get(ref)
            return ("issue", issue) if issue else None
        priority = self.priorities.get(int(ref))
        return ("priority", priority) if priority else None

    def check_story_row(self, row: StoryRow, errors: dict, skip: set[str]) -> None:
        def add(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        if "ref" not in skip:
            if not row.ref:
                add(
                    "ref",
                    "Enter the issue (such as 1.2) or priority (such as 1) this story so far "
                    "belongs to.",
                )
            elif self._story_owner(row.ref) is None and row.ref not in self.sheet_refs:
                what = "issue" if "." in row.ref else "priority"
                add("ref", f"There is no {what} {row.ref} in the plan.")
        if "text" not in skip and not row.text:
            add("text", "Enter the story so far.")

    def write_story_row(self, row: StoryRow) -> None:
        owner = self._story_owner(row.ref)
        if owner is None:
            # Its issue is in the plan sheet but that row failed: the plan sheet's
            # errors say why, and the import will not be written.
            return
        level, obj = owner
        self.story_levels.add(level)
        key = (level, obj.pk)
        position = self._next(self.story_count, key)
        when = row.date
        values = {
            "month": when.month if when else None,
            "date_as_written": when.as_written if when else "",
            "narrative": narrative_html(row.text),
            "order": position,
            "state": EntryState.SUBMITTED,
        }
        existing = self.old_story.get(key, [])
        if position < len(existing):
            entry = existing[position]
            self._update(entry, values)
        else:
            entry = StoryEntry(
                plan=self.plan,
                author=self.user,
                written_at=timezone.now(),
                **{level: obj},
                **values,
            )
            self._save(entry, created=True)
        self._seen(entry)

    def delete_story_the_sheet_no_longer_has(self) -> None:
        for entry in StoryEntry.objects.filter(plan=self.plan).exclude(
            pk__in=self.seen[StoryEntry]
        ):
            self._delete(entry)

    def finish_story_level(self) -> None:
        """A new plan whose story so far is all written per priority says so."""
        if self.plan_created and self.story_levels == {"priority"}:
            self.plan.story_level = "priority"
            self._save(self.plan, created=False)


class _RowResource(resources.Resource):
    """What the two sheets share: rows read into plain objects and saved by the writer."""

    row_class: type = PlanRow

    class Meta:
        instance_loader_class = BaseInstanceLoader
        force_init_instance = True
        import_id_fields = ()
        skip_diff = True
        use_transactions = True
        # Never bulk: bulk mode skips save(), so no history, and cannot name a bad row.
        use_bulk = False

    def __init__(self, *, writer: PlanWriter, **kwargs):
        super().__init__(**kwargs)
        self.writer = writer

    def get_db_connection_name(self):
        return "default"

    def init_instance(self, row=None):
        return self.row_class()

    def after_init_instance(self, instance, new, row, **kwargs):
        # import-export numbers data rows from 1; the header is the sheet's row 1.
        instance.number = kwargs["row_number"] + 1

    def import_instance(self, instance, row, **kwargs):
        instance.is_blank = all(_blank(v) for v in row.values())
        if instance.is_blank:
            return
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if row.get(BEYOND):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"The cell in column {row[BEYOND]} has no header above it; move its "
                f"value into a column with a header or remove it."
            )
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return instance.is_blank and not import_validation_errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        self.check(instance, errors, set(errors))
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # Every object the row creates records the importing user in its history.
        instance._history_user = kwargs.get("user") or self.writer.user

    def do_instance_save(self, instance, is_create):
        self.save_row(instance)

    def after_import_row(self, row, row_result, **kwargs):
        # Reached only when the row was imported: keep what it added to the writer's state.
        self.writer.journal.commit()

    def before_import_row(self, row, **kwargs):
        # A row that failed had its savepoint rolled back: forget what it added.
        self.writer.journal.rollback()


class PlanRowResource(_RowResource):
    ref = fields.Field(attribute="ref", column_name="ref", widget=RefWidget())
    priority = fields.Field(
        attribute="priority", column_name="priority", widget=TextWidget(what="priority's title")
    )
    issue = fields.Field(
        attribute="issue", column_name="issue", widget=TextWidget(what="issue to be addressed")
    )
    strategy_links = fields.Field(
        attribute="strategy_links",
        column_name="strategy_links",
        widget=ListWidget(120, "strategy link"),
    )
    action = fields.Field(attribute="action", column_name="action", widget=TextWidget())
    actioned_by = fields.Field(
        attribute="actioned_by", column_name="actioned_by", widget=ListWidget(120, "lead's name")
    )
    by_when = fields.Field(attribute="by_when", column_name="by_when", widget=MonthWidget())
    completed = fields.Field(
        attribute="completed", column_name="completed", widget=CompletedWidget()
    )
    bragg = fields.Field(attribute="bragg", column_name="bragg", widget=RatingWidget("bragg"))
    outcome_target = fields.Field(
        attribute="outcome_target", column_name="outcome_target", widget=TextWidget()
    )
    target_date = fields.Field(
        attribute="target_date", column_name="target_date", widget=MonthWidget()
    )
    impact_rag = fields.Field(
        attribute="impact_rag", column_name="impact_rag", widget=RatingWidget("rag")
    )

    row_class = PlanRow

    def __init__(self, *, writer: PlanWriter, updates=None, **kwargs):
        super().__init__(writer=writer, **kwargs)
        self.updates = updates

    def before_import(self, dataset, **kwargs):
        self.writer.open_plan()
        self.writer.scan(dataset)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self.writer.carry_down(row)

    def check(self, instance, errors, skip):
        self.writer.check_row(instance, errors, skip)

    def save_row(self, instance):
        self.writer.write_row(instance)

    def after_import(self, dataset, result, **kwargs):
        writer = self.writer
        writer.journal.rollback()
        if writer.plan is None:
            return
        if writer.replace:
            writer.delete_what_the_sheet_no_longer_has()
        if self.updates is not None:
            story = StoryRowResource(writer=writer)
            writer.updates_result = story.import_data(
                self.updates,
                dry_run=kwargs.get("dry_run", False),
                use_transactions=True,
                rollback_on_validation_errors=True,
                user=kwargs.get("user"),
            )
            updates = writer.updates_result
            if updates.has_errors() or updates.has_validation_errors():
                # The story so far failed: make the plan's own import roll back too.
                result.append_base_error(Error(UpdatesFailed()))
        writer.finish_story_level()


class UpdatesFailed(Exception):
    """Marks the plan import as failed because the updates sheet had problems."""


class StoryRowResource(_RowResource):
    ref = fields.Field(attribute="ref", column_name="ref", widget=RefWidget(allow_priority=True))
    date = fields.Field(
        attribute="date", column_name="date", widget=MonthWidget(allow_ongoing=False)
    )
    text = fields.Field(
        attribute="text",
        column_name="text",
        widget=TextWidget(max_length=MAX_NARRATIVE_CHARS, what="story so far"),
    )

    row_class = StoryRow

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self.writer.carry_down_story(row)

    def check(self, instance, errors, skip):
        self.writer.check_story_row(instance, errors, skip)

    def save_row(self, instance):
        self.writer.write_story_row(instance)

    def after_import(self, dataset, result, **kwargs):
        self.writer.journal.rollback()
        if self.writer.replace:
            self.writer.delete_story_the_sheet_no_longer_has()


assert tuple(PlanRowResource.fields) == PLAN_HEADERS  # noqa: S101
assert tuple(StoryRowResource.fields) == UPDATES_HEADERS  # noqa: S101
